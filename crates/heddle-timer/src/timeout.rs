//! `Timeout`, `timeout` and `timeout_at`: run a future with a deadline.
//!
//! The inner future is polled first on every poll, so a future that is ready wins even when
//! the deadline has already passed (`timeout(Duration::ZERO, ready)` is `Ok`). Only then is the
//! deadline checked.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::error::Elapsed;
use crate::{sleep, sleep_until, Instant, Sleep};

/// Runs `future` (anything [`IntoFuture`]), giving up with [`Elapsed`] if it has not
/// finished after `duration`.
///
/// The future is polled before the deadline is checked: a ready future wins even with
/// `Duration::ZERO`. Dropping the `Timeout` drops the future and cancels the timer.
///
/// # Examples
///
/// ```
/// use heddle_timer::{sleep, timeout, Duration};
///
/// futures::executor::block_on(async {
///     assert_eq!(timeout(Duration::ZERO, async { 7 }).await, Ok(7));
///     let slow = sleep(Duration::from_secs(3_600));
///     assert!(timeout(Duration::from_millis(1), slow).await.is_err());
/// });
/// ```
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(future.into_future(), sleep(duration))
}

/// Runs `future`, giving up with [`Elapsed`] if it has not finished by `deadline`.
///
/// # Examples
///
/// ```
/// use heddle_timer::{timeout_at, Duration, Instant};
///
/// futures::executor::block_on(async {
///     let deadline = Instant::now() + Duration::from_millis(1);
///     let result = timeout_at(deadline, std::future::pending::<()>()).await;
///     assert!(result.is_err());
///     assert!(Instant::now() >= deadline);
/// });
/// ```
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(future.into_future(), sleep_until(deadline))
}

pin_project_lite::pin_project! {
    /// The future of [`timeout`] and [`timeout_at`]: the inner future's output, or
    /// [`Elapsed`] if the deadline passed first.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{timeout, Duration, Timeout};
    ///
    /// let t: Timeout<std::future::Ready<u8>> = timeout(Duration::from_secs(1), std::future::ready(1));
    /// assert_eq!(futures::executor::block_on(t), Ok(1));
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        #[pin]
        value: F,
        delay: Sleep,
    }
}

impl<F> Timeout<F> {
    fn new(value: F, delay: Sleep) -> Timeout<F> {
        Timeout { value, delay }
    }

    /// The inner future.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{timeout, Duration};
    ///
    /// let t = timeout(Duration::from_secs(1), std::future::ready(5));
    /// let _inner: &std::future::Ready<i32> = t.get_ref();
    /// ```
    pub fn get_ref(&self) -> &F {
        &self.value
    }

    /// The inner future, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{timeout, Duration};
    ///
    /// let mut t = timeout(Duration::from_secs(1), std::future::ready(5));
    /// let _inner: &mut std::future::Ready<i32> = t.get_mut();
    /// ```
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.value
    }

    /// The inner future; the timer is cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{timeout, Duration};
    ///
    /// let t = timeout(Duration::from_secs(1), std::future::ready(5));
    /// assert_eq!(futures::executor::block_on(t.into_inner()), 5);
    /// ```
    pub fn into_inner(self) -> F {
        self.value
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.value.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match Pin::new(this.delay).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed::new())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F: fmt::Debug> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("value", &self.value)
            .field("delay", &self.delay)
            .finish()
    }
}
