//! The engine of the `blocking_*` methods (`Sender::blocking_send`, `Mutex::blocking_lock`,
//! ...): runs one of this crate's futures to completion on the calling thread, parking the
//! thread while the future is pending.
//!
//! The future's waker unparks the parked thread, so waiting costs no CPU; an unpark that comes
//! before the park makes the park return at once (the thread's park token), so no wake-up is
//! lost. The future runs outside the cooperative budget (`heddle_task::coop`): a blocking call
//! inside a `spawn_blocking` closure runs within a task's poll, and an exhausted budget would
//! otherwise return `Pending` on every poll.
//!
//! Blocking a thread that drives a runtime would stall its tasks, and deadlock when the value
//! waited for comes from one of them; [`block_on`] refuses that with a panic (the mark is
//! [`heddle_task::context`]'s).

use std::future::Future;
use std::pin::pin;
// `Waker::from` needs std's `Arc`; no state here is shared with the loom models.
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Wakes the thread parked in [`block_on`].
struct Unparker(Thread);

impl Wake for Unparker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` on this thread, parking between polls.
///
/// `method` names the blocking call (`"Mutex::blocking_lock"`) and `instead` its async form
/// (`"lock().await"`), for the panic message.
///
/// # Panics
///
/// If this thread drives a runtime (see [`heddle_task::context::is_in_runtime`]).
#[track_caller]
pub(crate) fn block_on<F: Future>(method: &str, instead: &str, future: F) -> F::Output {
    if heddle_task::context::is_in_runtime() {
        panic!(
            "Cannot block the current thread from within a runtime: `{method}` was called on a \
             thread that is driving async tasks (inside `block_on`, or a runtime worker), and \
             blocking it would stall them. Use `{instead}` in async code instead, or call \
             `{method}` from `spawn_blocking` or a plain thread."
        );
    }
    let mut future = pin!(heddle_task::coop::unconstrained(future));
    let waker = Waker::from(Arc::new(Unparker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // Returns when the waker ran since the last park (or spuriously): poll again.
        thread::park();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::block_on;
    use std::future::poll_fn;
    use std::task::Poll;

    #[test]
    fn returns_a_ready_output() {
        assert_eq!(block_on("test", "test", async { 7 }), 7);
    }

    #[test]
    fn parks_until_woken_from_another_thread() {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut polls = 0;
        let value = block_on(
            "test",
            "test",
            poll_fn(|cx| {
                polls += 1;
                if polls == 1 {
                    let waker = cx.waker().clone();
                    let tx = tx.clone();
                    std::thread::spawn(move || {
                        tx.send(5).unwrap();
                        waker.wake();
                    });
                    return Poll::Pending;
                }
                match rx.try_recv() {
                    Ok(value) => Poll::Ready(value),
                    Err(_) => Poll::Pending,
                }
            }),
        );
        assert_eq!(value, 5);
    }

    #[test]
    fn a_self_wake_before_the_park_is_not_lost() {
        let mut polls = 0;
        block_on(
            "test",
            "test",
            poll_fn(|cx| {
                polls += 1;
                if polls < 3 {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                } else {
                    Poll::Ready(())
                }
            }),
        );
        assert_eq!(polls, 3);
    }

    #[test]
    fn panics_in_a_runtime_and_not_where_blocking_is_allowed() {
        let _guard = heddle_task::context::enter_runtime();
        let panic = std::panic::catch_unwind(|| block_on("X::blocking_y", "y().await", async {}))
            .unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(message.contains("`X::blocking_y`"), "{message}");
        assert!(message.contains("`y().await`"), "{message}");
        assert!(message.contains("spawn_blocking"), "{message}");
        heddle_task::context::allow_blocking(|| block_on("test", "test", async {}));
    }
}
