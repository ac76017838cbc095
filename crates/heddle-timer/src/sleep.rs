//! `Sleep`, `sleep` and `sleep_until`: a future that completes at a deadline.
//!
//! A `Sleep` binds to the timer handle entered on the thread that creates it (or to the global
//! fallback driver) and registers its entry lazily, on the first poll that finds the deadline
//! still ahead. Zero and past deadlines therefore never touch the wheel. Dropping a `Sleep`
//! removes its entry and drops the stored waker at once.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::{Handle, Instant};

/// Waits until `duration` has passed on the timer clock.
///
/// `Duration::ZERO` completes on the first poll. A duration too large to add to now (such as
/// `Duration::MAX`) gives a deadline about 30 years out, which never fires in practice and never
/// panics.
///
/// # Examples
///
/// ```
/// use heddle_timer::{sleep, Duration, Instant};
///
/// futures::executor::block_on(async {
///     let start = Instant::now();
///     sleep(Duration::from_millis(2)).await;
///     assert!(start.elapsed() >= Duration::from_millis(2));
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    let (handle, provisional) = bind();
    let deadline = handle.now().saturating_add_far(duration);
    Sleep::bound(handle, deadline, provisional)
}

/// The handle a new timer binds to: the current one, or the fallback provisionally (the
/// timer moves to the handle current at its first poll, if any: `block_on(sleep(d))` builds
/// the future before `block_on` enters its runtime).
fn bind() -> (Handle, bool) {
    match Handle::try_current() {
        Ok(handle) => (handle, false),
        Err(_) => (crate::fallback::handle(), true),
    }
}

/// Waits until `deadline` on the timer clock. A deadline in the past completes on the first poll.
///
/// # Examples
///
/// ```
/// use heddle_timer::{sleep_until, Duration, Instant};
///
/// futures::executor::block_on(async {
///     let deadline = Instant::now() + Duration::from_millis(2);
///     sleep_until(deadline).await;
///     assert!(Instant::now() >= deadline);
/// });
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    let (handle, provisional) = bind();
    Sleep::bound(handle, deadline, provisional)
}

/// The future of [`sleep`] and [`sleep_until`].
///
/// Unlike tokio's, this `Sleep` is `Unpin` (its wheel entry lives in the driver, not in the
/// future), so it can be polled without pinning; code written for tokio's `!Unpin` `Sleep` works
/// unchanged.
///
/// # Examples
///
/// ```
/// use heddle_timer::{sleep, Duration, Instant};
/// use std::pin::Pin;
///
/// futures::executor::block_on(async {
///     let mut delay = sleep(Duration::from_secs(3_600));
///     assert!(!delay.is_elapsed());
///     // Move the deadline closer and wait for it.
///     Pin::new(&mut delay).reset(Instant::now() + Duration::from_millis(1));
///     delay.await;
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    handle: Handle,
    deadline: Instant,
    /// The wheel key while registered with `handle`'s driver.
    entry: Option<usize>,
    /// Set once the future has returned `Ready`, until the next `reset`.
    elapsed: bool,
    /// Bound to the fallback driver only because no handle was current at creation; the
    /// first poll moves it to the handle current then, if there is one.
    provisional: bool,
}

impl Sleep {
    pub(crate) fn new(handle: Handle, deadline: Instant) -> Sleep {
        Sleep::bound(handle, deadline, false)
    }

    fn bound(handle: Handle, deadline: Instant, provisional: bool) -> Sleep {
        Sleep {
            handle,
            deadline,
            entry: None,
            elapsed: false,
            provisional,
        }
    }

    /// The instant this sleep completes at: exactly the one asked for, not a rounded one.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{sleep_until, Duration, Instant};
    ///
    /// let deadline = Instant::now() + Duration::from_micros(1_234);
    /// assert_eq!(sleep_until(deadline).deadline(), deadline);
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the deadline has been reached: the future returned `Ready`, or its driver fired
    /// it (or its clock passed the deadline) since the last reset.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{sleep, Duration};
    ///
    /// let delay = sleep(Duration::ZERO);
    /// assert!(delay.is_elapsed());
    /// assert!(!sleep(Duration::from_secs(60)).is_elapsed());
    /// ```
    pub fn is_elapsed(&self) -> bool {
        if self.elapsed {
            return true;
        }
        let shared = &self.handle.shared;
        if let Some(key) = self.entry {
            if shared.is_fired(key) {
                return true;
            }
        }
        shared.instant_to_ns(self.deadline) <= shared.now_ns()
    }

    /// Moves the deadline to `deadline`, earlier or later, before or after completion. A
    /// completed `Sleep` becomes pending again (unless `deadline` has passed). The registered
    /// waker is kept, so the task waiting on it is woken at the new deadline.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{sleep, Duration, Instant};
    /// use std::pin::pin;
    ///
    /// futures::executor::block_on(async {
    ///     let mut delay = pin!(sleep(Duration::from_millis(1)));
    ///     delay.as_mut().await;
    ///     delay.as_mut().reset(Instant::now() + Duration::from_millis(100));
    ///     assert!(!delay.is_elapsed());
    ///     delay.await;
    /// });
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.get_mut();
        this.deadline = deadline;
        this.elapsed = false;
        if let Some(key) = this.entry {
            let shared = &this.handle.shared;
            shared.reset(key, shared.instant_to_ns(deadline));
        }
    }

    /// The handle of the driver this sleep is registered with.
    pub(crate) fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The number of wheel entries this sleep holds (0 or 1); for tests.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn is_registered(&self) -> bool {
        self.entry.is_some()
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // One budget unit per poll (see `heddle_task::coop`); refunded if not elapsed.
        let progress = std::task::ready!(heddle_task::coop::poll_proceed(cx));
        let result = self.poll_elapsed(cx);
        if result.is_ready() {
            progress.made_progress();
        }
        result
    }
}

impl Sleep {
    fn poll_elapsed(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.elapsed {
            return Poll::Ready(());
        }
        if this.provisional {
            this.provisional = false;
            if this.entry.is_none() {
                if let Ok(current) = Handle::try_current() {
                    this.handle = current;
                }
            }
        }
        let poll = this
            .handle
            .poll_timer(&mut this.entry, this.deadline, cx.waker());
        if poll.is_ready() {
            this.elapsed = true;
        }
        poll
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(key) = self.entry.take() {
            let _ = self.handle.shared.cancel(key);
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("elapsed", &self.elapsed)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::{Clock, TimerDriver};
    use heddle_driver::ThreadParker;
    use std::pin::pin;
    use std::task::Waker;

    #[test]
    fn zero_and_past_never_register() {
        let driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
        let handle = driver.handle();
        let _guard = handle.enter();
        let mut cx = Context::from_waker(Waker::noop());
        let mut zero = pin!(sleep(Duration::ZERO));
        assert!(zero.as_mut().poll(&mut cx).is_ready());
        assert!(!zero.is_registered());
        let past = handle.now().checked_sub(Duration::from_millis(1));
        if let Some(past) = past {
            let mut late = pin!(sleep_until(past));
            assert!(late.as_mut().poll(&mut cx).is_ready());
        }
        let mut real = pin!(sleep(Duration::from_millis(1)));
        assert!(real.as_mut().poll(&mut cx).is_pending());
        assert!(real.is_registered());
        assert_eq!(handle.timer_count(), 1);
        assert!(format!("{:?}", *real).contains("Sleep"));
    }
}
