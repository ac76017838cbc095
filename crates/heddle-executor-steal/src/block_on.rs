//! Blocking a thread on a future: the free `block_on`, the parked poll loop under
//! `StealExecutor::block_on`, and the wrapper that turns a task panic into a `block_on` panic
//! (`Builder::shutdown_on_panic`). Not the worker loop: these threads run no tasks.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc as StdArc;
use std::task::{Context as TaskContext, Poll, Wake, Waker};

use heddle_driver::{Driver, ThreadParker, ThreadUnparker, Unparker as _};

use crate::shared::Shared;

/// The message `block_on` panics with when a task panicked and the executor was built with
/// [`Builder::shutdown_on_panic`](crate::Builder::shutdown_on_panic) (tokio's wording, so that searches for it find both).
const TASK_PANICKED: &str =
    "a spawned task panicked and the runtime is configured to shut down on unhandled panic";

pin_project_lite::pin_project! {
    /// `future`, but panicking with `TASK_PANICKED` when it is pending and the workers have
    /// stopped because a task panicked (with `shutdown_on_panic`). Only polled by
    /// `block_on_parked`, whose waker never changes, so the waker is registered once.
    pub(crate) struct UntilTaskPanic<'a, D: Driver, F> {
        shared: &'a Shared<D>,
        #[pin]
        future: F,
        waiter: Option<usize>,
    }

    impl<D: Driver, F> PinnedDrop for UntilTaskPanic<'_, D, F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(key) = this.waiter.take() {
                this.shared.remove_panic_waiter(key);
            }
        }
    }
}

impl<'a, D: Driver, F> UntilTaskPanic<'a, D, F> {
    pub(crate) fn new(shared: &'a Shared<D>, future: F) -> UntilTaskPanic<'a, D, F> {
        UntilTaskPanic {
            shared,
            future,
            waiter: None,
        }
    }
}

impl<D: Driver, F: Future> Future for UntilTaskPanic<'_, D, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        if this.waiter.is_none() {
            // Registered before the check below, so a stop after the check wakes us.
            *this.waiter = Some(this.shared.add_panic_waiter(cx.waker().clone()));
        }
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(output);
        }
        if this.shared.stopped_by_panic() {
            panic!("{TASK_PANICKED}");
        }
        Poll::Pending
    }
}

/// Runs `future` to completion on the calling thread, parking it between polls. Runs no
/// tasks: use it for futures that other threads complete (a `JoinHandle`, a channel).
///
/// # Examples
///
/// ```
/// let value = heddle_executor_steal::block_on(async { 7 });
/// assert_eq!(value, 7);
/// ```
pub fn block_on<F: Future>(future: F) -> F::Output {
    block_on_parked(future)
}

/// Polls `future` on this thread, parking between polls.
pub(crate) fn block_on_parked<F: Future>(future: F) -> F::Output {
    struct Unpark(ThreadUnparker);
    impl Wake for Unpark {
        fn wake(self: StdArc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &StdArc<Self>) {
            self.0.unpark();
        }
    }
    let mut parker = ThreadParker::new();
    let waker = Waker::from(StdArc::new(Unpark(parker.unparker())));
    let mut cx = TaskContext::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        // With a task's budget, as tokio gives its `block_on` future.
        if let Poll::Ready(output) =
            heddle_task::coop::with_budget(|| future.as_mut().poll(&mut cx))
        {
            return output;
        }
        parker.park();
    }
}
