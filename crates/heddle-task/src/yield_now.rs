//! `yield_now`: give other tasks a turn.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yields once to the executor: the task is rescheduled at the back of the run queue, so
/// every other ready task runs before it continues.
///
/// # Examples
///
/// ```
/// use heddle_task::yield_now;
///
/// let mut future = std::pin::pin!(yield_now());
/// let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// assert!(future.as_mut().poll(&mut cx).is_pending()); // wakes itself and yields
/// assert!(future.as_mut().poll(&mut cx).is_ready());
/// # use std::future::Future;
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`].
///
/// # Examples
///
/// ```
/// let future: heddle_task::YieldNow = heddle_task::yield_now();
/// # drop(future);
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
