//! The cooperative budget: how many times a task may get `Ready` from heddle resources in one
//! poll before it is made to yield.
//!
//! A task that always finds its channel non-empty or its socket readable never returns
//! `Pending` on its own, and on a busy executor that starves every other task on the thread.
//! Each task poll starts with a budget of [`BUDGET`] units (the task harness sets it, so every
//! executor gets it). heddle's resources (channel receives, socket readiness, timers,
//! `JoinHandle`s) call [`poll_proceed`] first: it takes a unit, or, when none is left, wakes
//! the task and returns `Pending`, so the task goes to the back of the queue. A resource that
//! turns out not to be ready gives its unit back (the guard's `Drop`), so waiting costs
//! nothing.
//!
//! Outside a task (a plain `block_on`, another executor) the budget is unlimited, as it is
//! inside [`unconstrained`].

use std::cell::Cell;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Units of progress a task gets per poll (tokio's value). 128 keeps the yield overhead
/// under 1% of a loop of cheap receives, while a starved task waits at most 128 operations.
pub const BUDGET: u8 = 128;

thread_local! {
    /// The running task's remaining budget; `None` means unlimited.
    static CURRENT: Cell<Option<u8>> = const { Cell::new(None) };
}

/// Runs `f` with a fresh budget of [`BUDGET`] units, restoring the previous one afterwards.
///
/// The task harness calls this around every task poll. Executors call it to give the same
/// budget to a future they poll outside any task, such as the future a task set drives
/// beside its tasks.
///
/// # Examples
///
/// ```
/// use heddle_task::coop;
///
/// assert!(coop::has_budget_remaining());
/// let spent = coop::with_budget(|| {
///     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
///     let mut spent = 0;
///     while let std::task::Poll::Ready(progress) = coop::poll_proceed(&mut cx) {
///         progress.made_progress();
///         spent += 1;
///     }
///     spent
/// });
/// assert_eq!(spent, coop::BUDGET);
/// ```
pub fn with_budget<R>(f: impl FnOnce() -> R) -> R {
    with(Some(BUDGET), f)
}

/// Runs `f` with no budget (every [`poll_proceed`] proceeds), restoring the previous budget
/// afterwards: for code that blocks its thread on futures in the middle of a task, such as
/// `block_in_place`, where a spent budget would leave those futures pending for good.
///
/// # Examples
///
/// ```
/// use heddle_task::coop;
/// use std::task::{Context, Poll, Waker};
///
/// let mut cx = Context::from_waker(Waker::noop());
/// coop::with_budget(|| {
///     while let Poll::Ready(progress) = coop::poll_proceed(&mut cx) {
///         progress.made_progress();
///     }
///     coop::without_budget(|| assert!(coop::poll_proceed(&mut cx).is_ready()));
///     assert!(coop::poll_proceed(&mut cx).is_pending());
/// });
/// ```
pub fn without_budget<R>(f: impl FnOnce() -> R) -> R {
    with(None, f)
}

fn with<R>(budget: Option<u8>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Option<u8>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(previous) = self.0 {
                let _ = CURRENT.try_with(|c| c.set(previous));
            }
        }
    }
    let _restore = Restore(CURRENT.try_with(|c| c.replace(budget)).ok());
    f()
}

/// A unit of budget taken by [`poll_proceed`]; given back on drop unless
/// [`made_progress`](RestoreOnPending::made_progress) is called (tokio's
/// `task::coop::RestoreOnPending`). It belongs to the thread whose budget it took, so it is
/// neither `Send` nor `Sync`.
///
/// # Examples
///
/// ```
/// use std::task::{Context, Poll, Waker};
///
/// let mut cx = Context::from_waker(Waker::noop());
/// if let Poll::Ready(restore) = heddle_task::coop::poll_proceed(&mut cx) {
///     // ... the resource was ready:
///     restore.made_progress();
/// }
/// ```
///
/// ```compile_fail
/// fn is_send<T: Send>() {}
/// is_send::<heddle_task::coop::RestoreOnPending>();
/// ```
#[must_use = "dropping the guard gives the unit back; call `made_progress` when the resource was ready"]
#[derive(Debug)]
pub struct RestoreOnPending {
    /// Whether dropping the guard gives the unit back.
    taken: Cell<bool>,
    _not_send: PhantomData<*mut ()>,
}

impl RestoreOnPending {
    fn new(taken: bool) -> RestoreOnPending {
        RestoreOnPending {
            taken: Cell::new(taken),
            _not_send: PhantomData,
        }
    }

    /// Keeps the unit spent: the resource returned `Ready`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let Poll::Ready(restore) = heddle_task::coop::poll_proceed(&mut cx) else { unreachable!() };
    /// restore.made_progress();
    /// ```
    pub fn made_progress(&self) {
        self.taken.set(false);
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        if self.taken.get() {
            let _ = CURRENT.try_with(|c| {
                if let Some(left) = c.get() {
                    c.set(Some(left.saturating_add(1).min(BUDGET)));
                }
            });
        }
    }
}

/// Takes a unit of budget before a resource does its work; `Pending` (with the task woken, so
/// it runs again soon) when the task has used its budget for this poll.
///
/// # Examples
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::task::{ready, Context, Poll};
///
/// /// A resource that is always ready, but still lets other tasks run.
/// struct AlwaysReady;
///
/// impl Future for AlwaysReady {
///     type Output = ();
///     fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
///         let progress = ready!(heddle_task::coop::poll_proceed(cx));
///         progress.made_progress();
///         Poll::Ready(())
///     }
/// }
///
/// let mut cx = Context::from_waker(std::task::Waker::noop());
/// assert!(Pin::new(&mut AlwaysReady).poll(&mut cx).is_ready());
/// ```
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let budget = CURRENT.try_with(Cell::get).unwrap_or(None);
    match budget {
        None => Poll::Ready(RestoreOnPending::new(false)),
        Some(0) => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        Some(left) => {
            let _ = CURRENT.try_with(|c| c.set(Some(left - 1)));
            Poll::Ready(RestoreOnPending::new(true))
        }
    }
}

/// Whether the running task still has budget (always true outside a task).
///
/// # Examples
///
/// ```
/// assert!(heddle_task::coop::has_budget_remaining());
/// ```
pub fn has_budget_remaining() -> bool {
    CURRENT.try_with(Cell::get).unwrap_or(None) != Some(0)
}

/// Spends one unit of budget, yielding if it is exhausted: for a loop that does work without
/// touching heddle resources but should still let others run.
///
/// # Examples
///
/// ```
/// let future = async {
///     for _ in 0..1_000 {
///         heddle_task::coop::consume_budget().await;
///     }
/// };
/// # drop(future);
/// ```
pub async fn consume_budget() {
    std::future::poll_fn(|cx| {
        let progress = std::task::ready!(poll_proceed(cx));
        progress.made_progress();
        Poll::Ready(())
    })
    .await;
}

/// Runs `future` with an unlimited budget: heddle resources inside it never force a yield.
///
/// # Examples
///
/// ```
/// let future = heddle_task::coop::unconstrained(async { 1 });
/// # drop(future);
/// ```
pub fn unconstrained<F: Future>(future: F) -> Unconstrained<F> {
    Unconstrained { future }
}

pin_project_lite::pin_project! {
    /// The future of [`unconstrained`].
    ///
    /// # Examples
    ///
    /// ```
    /// let future: heddle_task::coop::Unconstrained<_> = heddle_task::coop::unconstrained(async {});
    /// # drop(future);
    /// ```
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Unconstrained<F> {
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let future = self.project().future;
        with(None, || future.poll(cx))
    }
}

/// Makes `future` spend the task's budget like heddle's own resources do (tokio's
/// `task::coop::cooperative`): each poll first takes a unit of budget, yielding when none is
/// left, and the unit stays spent only when `future` completes. For futures from outside
/// heddle (another crate's channel) that would otherwise never make a busy task yield.
///
/// # Examples
///
/// ```
/// use heddle_task::coop::{cooperative, with_budget, BUDGET};
/// use std::task::{Context, Waker};
///
/// let mut cx = Context::from_waker(Waker::noop());
/// with_budget(|| {
///     let mut ready = 0;
///     // An always-ready future completes until the budget is spent, then yields.
///     while std::pin::pin!(cooperative(async {})).poll(&mut cx).is_ready() {
///         ready += 1;
///     }
///     assert_eq!(ready, BUDGET);
/// });
/// # use std::future::Future;
/// ```
pub fn cooperative<F: Future>(future: F) -> Coop<F> {
    Coop { future }
}

pin_project_lite::pin_project! {
    /// The future of [`cooperative`].
    ///
    /// # Examples
    ///
    /// ```
    /// let future: heddle_task::coop::Coop<_> = heddle_task::coop::cooperative(async { 1 });
    /// # drop(future);
    /// ```
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Coop<F> {
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for Coop<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let restore = std::task::ready!(poll_proceed(cx));
        let output = std::task::ready!(self.project().future.poll(cx));
        restore.made_progress();
        Poll::Ready(output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn budget_runs_out_and_refunds_on_pending() {
        let mut cx = Context::from_waker(Waker::noop());
        with_budget(|| {
            for _ in 0..BUDGET {
                match poll_proceed(&mut cx) {
                    Poll::Ready(progress) => progress.made_progress(),
                    Poll::Pending => panic!("budget ran out early"),
                }
            }
            assert!(poll_proceed(&mut cx).is_pending());
        });
        with_budget(|| {
            // Not-ready resources give their unit back.
            for _ in 0..1_000 {
                let Poll::Ready(progress) = poll_proceed(&mut cx) else {
                    panic!("refunds keep the budget")
                };
                drop(progress);
            }
        });
        // Outside a task: unlimited.
        for _ in 0..1_000 {
            assert!(poll_proceed(&mut cx).is_ready());
        }
    }

    #[test]
    fn unconstrained_lifts_the_budget_and_restores_it() {
        let mut cx = Context::from_waker(Waker::noop());
        with_budget(|| {
            let mut future = std::pin::pin!(unconstrained(async {
                for _ in 0..1_000 {
                    consume_budget().await;
                }
            }));
            assert!(future.as_mut().poll(&mut cx).is_ready());
            assert!(has_budget_remaining());
        });
    }
}
