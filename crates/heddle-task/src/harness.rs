//! The future async-task actually runs: the user's future wrapped so that a task can never
//! take its executor down.
//!
//! The harness
//! * catches a panic in `poll` and turns it into a [`JoinError`] for the `JoinHandle`;
//! * checks the abort flag before every poll and, when set, drops the future and completes
//!   with a cancelled `JoinError`;
//! * drops the user's future as soon as it completes, exactly once, and catches a panic
//!   from that `Drop` (async-task would abort the process on it); when the thread is already
//!   unwinding, a second panic would abort, so the future is leaked instead;
//! * records the running task's id in a thread-local for [`crate::id`] / [`crate::try_id`].
//!
//! The output handed to async-task is an [`Output`], whose own `Drop` is equally panic-safe,
//! because async-task drops unclaimed outputs inside `abort_on_panic` too.

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::mem::{self, ManuallyDrop};
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::meta::TaskMeta;
use crate::{Id, JoinError};

thread_local! {
    /// The id of the task being polled on this thread, if any.
    static CURRENT: Cell<Option<Id>> = const { Cell::new(None) };
}

/// The id of the task currently running on this thread.
///
/// # Panics
///
/// Panics when called outside a task; [`try_id`] returns `None` instead.
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, Runnable};
///
/// let (runnable, handle) = Builder::new().spawn(async { heddle_task::id() }, |_: Runnable| {});
/// let expected = handle.id();
/// runnable.run();
/// # let mut handle = std::pin::pin!(handle);
/// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// # let std::task::Poll::Ready(result) = std::future::Future::poll(handle.as_mut(), &mut cx) else { panic!() };
/// assert_eq!(result.unwrap(), expected);
/// ```
#[track_caller]
pub fn id() -> Id {
    try_id().expect("`heddle::task::id()` called outside a task; use `try_id()` to check first")
}

/// The id of the task currently running on this thread, or `None` outside a task.
///
/// # Examples
///
/// ```
/// assert_eq!(heddle_task::try_id(), None);
/// ```
pub fn try_id() -> Option<Id> {
    CURRENT.try_with(Cell::get).ok().flatten()
}

/// Sets `CURRENT` for the duration of a poll and restores the previous value (tasks can be
/// polled inside other tasks' polls when an executor is nested).
struct CurrentGuard(Option<Id>);

impl CurrentGuard {
    fn enter(id: Id) -> CurrentGuard {
        CurrentGuard(CURRENT.try_with(|c| c.replace(Some(id))).ok().flatten())
    }
}

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(self.0));
    }
}

/// Drops `value`, catching a panic from its `Drop`; leaks it if the thread is already
/// unwinding (a panic there would abort the process).
pub(crate) fn drop_quietly<T>(value: T) {
    if std::thread::panicking() {
        mem::forget(value);
        return;
    }
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(move || drop(value))) {
        forget_payload(payload);
    }
}

/// Disposes of a caught panic payload whose own `Drop` might panic again.
fn forget_payload(payload: Box<dyn Any + Send>) {
    if let Err(again) = panic::catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        mem::forget(again);
    }
}

/// The value async-task stores for the `JoinHandle`: the result, with a panic-safe `Drop`.
pub(crate) struct Output<T>(Option<Result<T, JoinError>>);

impl<T> Output<T> {
    fn new(result: Result<T, JoinError>) -> Output<T> {
        Output(Some(result))
    }

    /// Takes the result out; the now-empty `Output` drops as a no-op.
    pub(crate) fn take(&mut self) -> Result<T, JoinError> {
        self.0
            .take()
            .expect("a task output is taken once, by its JoinHandle")
    }
}

impl<T> Drop for Output<T> {
    fn drop(&mut self) {
        if let Some(result) = self.0.take() {
            drop_quietly(result);
        }
    }
}

/// The user's future plus the task's metadata. See the module docs.
pub(crate) struct Harness<'a, F> {
    meta: &'a TaskMeta,
    /// The user's future, pinned in place inside the task allocation.
    ///
    /// # Invariant
    /// Initialised until `meta.release_future()` first returns `true`; dropped in place (never
    /// moved) exactly once, by `drop_future`, which claims that first. The flag sits in the
    /// task's metadata rather than here, which keeps every task 8 bytes smaller.
    future: ManuallyDrop<F>,
}

impl<'a, F: Future> Harness<'a, F> {
    pub(crate) fn new(meta: &'a TaskMeta, future: F) -> Harness<'a, F> {
        Harness {
            meta,
            future: ManuallyDrop::new(future),
        }
    }
}

impl<F> Harness<'_, F> {
    /// Drops the user's future in place, at most once, never unwinding.
    fn drop_future(&mut self) {
        // Claimed first: even if the future's Drop panics, it is never dropped again.
        if !self.meta.release_future() {
            return;
        }
        if std::thread::panicking() {
            // A panic inside this Drop would abort the process: leak the future instead.
            self.meta.mark_finished();
            return;
        }
        // We claimed the release, so `future` is initialised and not yet dropped (the invariant
        // on the field), and no other path drops or polls it again.
        // SAFETY: dropped once, in place and never moved, which keeps the pinning promise.
        let dropped = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
            ManuallyDrop::drop(&mut self.future)
        }));
        if let Err(payload) = dropped {
            forget_payload(payload);
        }
        self.meta.mark_finished();
    }
}

impl<F: Future> Future for Harness<'_, F> {
    type Output = Output<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `future` is only polled through a re-pinned reference below and dropped in place by
        // `drop_future`.
        // SAFETY: so the harness never moves `future` out of the pinned allocation.
        let this = unsafe { self.get_unchecked_mut() };
        let (id, released, abort_requested) = this.meta.before_poll();
        if released {
            // async-task never polls a completed future; this is only reachable if an
            // executor misbehaves. Report cancellation rather than touching a dropped future.
            return Poll::Ready(Output::new(Err(JoinError::cancelled(id))));
        }
        if abort_requested {
            this.drop_future();
            return Poll::Ready(Output::new(Err(JoinError::cancelled(id))));
        }

        let polled = {
            let _current = CurrentGuard::enter(id);
            // Not released, so the future is initialised.
            // SAFETY: it lives in the task allocation, never moved, and is dropped in place.
            let future = unsafe { Pin::new_unchecked(&mut *this.future) };
            panic::catch_unwind(AssertUnwindSafe(|| {
                crate::coop::with_budget(|| future.poll(cx))
            }))
        };
        match polled {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => {
                this.drop_future();
                Poll::Ready(Output::new(Ok(value)))
            }
            Err(payload) => {
                this.drop_future();
                Poll::Ready(Output::new(Err(JoinError::panic(id, payload))))
            }
        }
    }
}

impl<F> Drop for Harness<'_, F> {
    fn drop(&mut self) {
        // Reached when async-task cancels the task (its Runnable was dropped, or it was
        // cancelled while idle) before the future completed.
        self.drop_future();
    }
}
