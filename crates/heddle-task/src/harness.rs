//! The future async-task actually runs: the user's future wrapped so that a task can never
//! take its executor down.
//!
//! The harness
//! * catches a panic in `poll` and turns it into a [`JoinError`] for the `JoinHandle`; the
//!   future is dropped while that panic unwinds (its `Drop` sees `std::thread::panicking()`),
//!   as tokio does, so a second panic from that `Drop` aborts the process, as in tokio;
//! * checks the abort flag before every poll and, when set, drops the future and completes
//!   with a cancelled `JoinError`, or with the panic of the future's `Drop` if it panicked;
//! * drops the user's future as soon as it completes, exactly once, and catches a panic
//!   from that `Drop` (async-task would abort the process on it); when the thread is already
//!   unwinding for another reason, a second panic would abort, so the future is leaked;
//! * records the running task's id in a thread-local for [`crate::id`] / [`crate::try_id`],
//!   also while the future or the output is dropped.
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

/// The value async-task stores for the `JoinHandle`: the result, with a panic-safe `Drop`
/// that runs with the task's id current.
pub(crate) struct Output<T> {
    id: Id,
    result: Option<Result<T, JoinError>>,
}

impl<T> Output<T> {
    fn new(id: Id, result: Result<T, JoinError>) -> Output<T> {
        Output {
            id,
            result: Some(result),
        }
    }

    /// Takes the result out; the now-empty `Output` drops as a no-op.
    pub(crate) fn take(&mut self) -> Result<T, JoinError> {
        self.result
            .take()
            .expect("a task output is taken once, by its JoinHandle")
    }
}

impl<T> Drop for Output<T> {
    fn drop(&mut self) {
        if let Some(result) = self.result.take() {
            let _current = CurrentGuard::enter(self.id);
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
    /// Drops the user's future in place, at most once, never unwinding; returns the panic of
    /// its `Drop`, if any.
    fn drop_future(&mut self) -> Option<Box<dyn Any + Send>> {
        // Claimed first: even if the future's Drop panics, it is never dropped again.
        if !self.meta.release_future() {
            return None;
        }
        if std::thread::panicking() {
            // A panic inside this Drop would abort the process: leak the future instead.
            self.meta.mark_finished();
            return None;
        }
        let _current = CurrentGuard::enter(self.meta.id());
        // We claimed the release, so `future` is initialised and not yet dropped (the invariant
        // on the field), and no other path drops or polls it again.
        // SAFETY: dropped once, in place and never moved, which keeps the pinning promise.
        let dropped = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
            ManuallyDrop::drop(&mut self.future)
        }));
        self.meta.mark_finished();
        dropped.err()
    }
}

/// Drops the future of the harness it borrows if a poll unwinds past it: the future is
/// dropped while the panic unwinds, as tokio does. Forgotten when the poll returns.
struct DropOnUnwind<'h, 'a, F>(&'h mut Harness<'a, F>);

impl<F> Drop for DropOnUnwind<'_, '_, F> {
    fn drop(&mut self) {
        if self.0.meta.release_future() {
            // We claimed the release, so `future` is initialised and not yet dropped (the
            // invariant on the field), and no other path drops or polls it again.
            // SAFETY: dropped once, in place and never moved, which keeps the pinning promise.
            unsafe { ManuallyDrop::drop(&mut self.0.future) };
            self.0.meta.mark_finished();
        }
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
            return Poll::Ready(Output::new(id, Err(JoinError::cancelled(id))));
        }
        if abort_requested {
            let error = match this.drop_future() {
                Some(payload) => JoinError::panic(id, payload),
                None => JoinError::cancelled(id),
            };
            return Poll::Ready(Output::new(id, Err(error)));
        }

        let polled = {
            let _current = CurrentGuard::enter(id);
            panic::catch_unwind(AssertUnwindSafe(|| {
                let guard = DropOnUnwind(&mut *this);
                // Not released, so the future is initialised.
                // SAFETY: it lives in the task allocation, never moved, and is dropped in place.
                let future = unsafe { Pin::new_unchecked(&mut *guard.0.future) };
                let poll = crate::coop::with_budget(|| future.poll(cx));
                mem::forget(guard);
                poll
            }))
        };
        match polled {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => {
                if let Some(payload) = this.drop_future() {
                    forget_payload(payload);
                }
                Poll::Ready(Output::new(id, Ok(value)))
            }
            // The future was dropped by `DropOnUnwind` while the panic unwound.
            Err(payload) => Poll::Ready(Output::new(id, Err(JoinError::panic(id, payload)))),
        }
    }
}

impl<F> Drop for Harness<'_, F> {
    fn drop(&mut self) {
        // Reached when async-task cancels the task (its Runnable was dropped, or it was
        // cancelled while idle) before the future completed; nobody is left to be told of a
        // panic from the future's `Drop`.
        if let Some(payload) = self.drop_future() {
            forget_payload(payload);
        }
    }
}
