//! `Interval`, `interval` and `interval_at`: ticks at a fixed period, with tokio's policies for
//! ticks that were missed because the task was busy ([`MissedTickBehavior`]).
//!
//! An interval is a [`Sleep`] reset after each tick. A tick counts as missed when it completes
//! more than 5 ms after its deadline; the policy then decides the next deadline. Otherwise the
//! next deadline is exactly one period after the previous one, so an interval does not drift.

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::{Handle, Instant, Sleep};

/// How late a tick may complete before it counts as missed (tokio uses the same 5 ms).
const MISSED_TICK_SLACK: Duration = Duration::from_millis(5);

/// An interval whose first tick completes at once, then every `period`.
///
/// # Panics
///
/// Panics if `period` is zero, as tokio does.
///
/// # Examples
///
/// ```
/// use heddle_timer::{interval, Duration, Instant};
///
/// futures::executor::block_on(async {
///     let mut ticks = interval(Duration::from_millis(2));
///     let first = ticks.tick().await; // immediately
///     let second = ticks.tick().await;
///     assert_eq!(second - first, Duration::from_millis(2));
///     assert!(Instant::now() >= second);
/// });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    let handle = Handle::current_or_fallback();
    let start = handle.now();
    Interval::new(handle, start, period)
}

/// An interval whose first tick completes at `start`, then every `period`.
///
/// # Panics
///
/// Panics if `period` is zero, as tokio does.
///
/// # Examples
///
/// ```
/// use heddle_timer::{interval_at, Duration, Instant};
///
/// futures::executor::block_on(async {
///     let start = Instant::now() + Duration::from_millis(1);
///     let mut ticks = interval_at(start, Duration::from_millis(1));
///     assert_eq!(ticks.tick().await, start);
///     assert_eq!(ticks.tick().await, start + Duration::from_millis(1));
/// });
/// ```
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    Interval::new(Handle::current_or_fallback(), start, period)
}

/// What an [`Interval`] does when ticks were missed (a tick completed more than 5 ms late).
///
/// Take a 100 ms interval with ticks due at 100, 200, 300 ... ms, and a task that only gets to
/// the tick due at 200 at 350 ms.
///
/// # Examples
///
/// ```
/// use heddle_timer::{interval, Duration, MissedTickBehavior};
///
/// let mut ticks = interval(Duration::from_millis(100));
/// assert_eq!(ticks.missed_tick_behavior(), MissedTickBehavior::Burst);
/// ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks as fast as possible until caught up, keeping the original
    /// schedule: ticks at 350 (for 200), 350 (for 300), then 400, 500 ... (the default).
    #[default]
    Burst,
    /// Restart the schedule from the late tick: the next one is a full period after it was
    /// observed, at 450, then 550 ... Deadlines drift later with every miss.
    Delay,
    /// Skip the missed ticks and go on with the original schedule: the next tick is the next
    /// multiple of the period after now, at 400, then 500 ...
    Skip,
}

impl MissedTickBehavior {
    /// The deadline after a tick that was due at `timeout` and observed (late) at `now`.
    fn next_timeout(self, timeout: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => timeout.saturating_add_far(period),
            MissedTickBehavior::Delay => now.saturating_add_far(period),
            MissedTickBehavior::Skip => {
                let behind = now.saturating_duration_since(timeout).as_nanos() % period.as_nanos();
                let into_period = duration_from_nanos(behind);
                now.saturating_add_far(period.saturating_sub(into_period))
            }
        }
    }
}

/// `nanos` as a `Duration`; exact for every value below `Duration::MAX`'s nanosecond count.
fn duration_from_nanos(nanos: u128) -> Duration {
    const NANOS_PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / NANOS_PER_SEC).unwrap_or(u64::MAX);
    Duration::new(secs, (nanos % NANOS_PER_SEC) as u32)
}

/// Ticks at a fixed period; see [`interval`] and [`interval_at`].
///
/// # Examples
///
/// ```
/// use heddle_timer::{interval, Duration};
///
/// futures::executor::block_on(async {
///     let mut ticks = interval(Duration::from_millis(1));
///     for _ in 0..3 {
///         ticks.tick().await;
///     }
///     assert_eq!(ticks.period(), Duration::from_millis(1));
/// });
/// ```
pub struct Interval {
    delay: Sleep,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    fn new(handle: Handle, start: Instant, period: Duration) -> Interval {
        Interval {
            delay: Sleep::new(handle, start),
            period,
            missed_tick_behavior: MissedTickBehavior::default(),
        }
    }

    /// Completes at the next tick and returns the instant it was scheduled for.
    ///
    /// Cancel safe: dropping the future before it completes loses no tick.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{interval, Duration, Instant};
    ///
    /// futures::executor::block_on(async {
    ///     let mut ticks = interval(Duration::from_millis(1));
    ///     let scheduled: Instant = ticks.tick().await;
    ///     assert!(scheduled <= Instant::now());
    /// });
    /// ```
    pub fn tick(&mut self) -> impl Future<Output = Instant> + '_ {
        poll_fn(|cx| self.poll_tick(cx))
    }

    /// Polls for the next tick; `Ready` with the instant it was scheduled for.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{interval, Duration};
    /// use std::task::{Context, Waker};
    ///
    /// let mut ticks = interval(Duration::from_secs(60));
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(ticks.poll_tick(&mut cx).is_ready()); // the first tick is immediate
    /// assert!(ticks.poll_tick(&mut cx).is_pending());
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if Pin::new(&mut self.delay).poll(cx).is_pending() {
            return Poll::Pending;
        }
        let timeout = self.delay.deadline();
        let now = self.delay.handle().now();
        let late = match timeout.checked_add(MISSED_TICK_SLACK) {
            Some(limit) => now > limit,
            None => false,
        };
        let next = if late {
            self.missed_tick_behavior
                .next_timeout(timeout, now, self.period)
        } else {
            timeout.saturating_add_far(self.period)
        };
        Pin::new(&mut self.delay).reset(next);
        Poll::Ready(timeout)
    }

    /// Restarts the schedule: the next tick is one period from now.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{interval, Duration};
    ///
    /// let mut ticks = interval(Duration::from_secs(60));
    /// ticks.reset(); // the immediate first tick is now a minute away
    /// ```
    pub fn reset(&mut self) {
        let next = self.delay.handle().now().saturating_add_far(self.period);
        Pin::new(&mut self.delay).reset(next);
    }

    /// Restarts the schedule: the next tick completes at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{interval, Duration};
    ///
    /// futures::executor::block_on(async {
    ///     let mut ticks = interval(Duration::from_secs(60));
    ///     ticks.tick().await;
    ///     ticks.reset_immediately();
    ///     ticks.tick().await; // no minute-long wait
    /// });
    /// ```
    pub fn reset_immediately(&mut self) {
        let now = self.delay.handle().now();
        Pin::new(&mut self.delay).reset(now);
    }

    /// Restarts the schedule: the next tick is `after` from now, then every period after it.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{interval, Duration};
    ///
    /// futures::executor::block_on(async {
    ///     let mut ticks = interval(Duration::from_secs(60));
    ///     ticks.tick().await;
    ///     ticks.reset_after(Duration::from_millis(1));
    ///     ticks.tick().await; // a millisecond, not a minute
    /// });
    /// ```
    pub fn reset_after(&mut self, after: Duration) {
        let next = self.delay.handle().now().saturating_add_far(after);
        Pin::new(&mut self.delay).reset(next);
    }

    /// Restarts the schedule: the next tick is at `deadline`, then every period after it.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{interval, Duration, Instant};
    ///
    /// futures::executor::block_on(async {
    ///     let mut ticks = interval(Duration::from_secs(60));
    ///     let at = Instant::now() + Duration::from_millis(1);
    ///     ticks.reset_at(at);
    ///     assert_eq!(ticks.tick().await, at);
    /// });
    /// ```
    pub fn reset_at(&mut self, deadline: Instant) {
        Pin::new(&mut self.delay).reset(deadline);
    }

    /// The policy for missed ticks.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{interval, Duration, MissedTickBehavior};
    ///
    /// assert_eq!(interval(Duration::from_secs(1)).missed_tick_behavior(), MissedTickBehavior::Burst);
    /// ```
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets the policy for missed ticks.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{interval, Duration, MissedTickBehavior};
    ///
    /// let mut ticks = interval(Duration::from_secs(1));
    /// ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    /// assert_eq!(ticks.missed_tick_behavior(), MissedTickBehavior::Delay);
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// The period between ticks.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::{interval, Duration};
    ///
    /// assert_eq!(interval(Duration::from_secs(2)).period(), Duration::from_secs(2));
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }
}

impl fmt::Debug for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interval")
            .field("delay", &self.delay)
            .field("period", &self.period)
            .field("missed_tick_behavior", &self.missed_tick_behavior)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn next_timeout_policies() {
        let ms = Duration::from_millis;
        let t0 = Instant::now();
        let due = t0 + ms(200);
        let now = t0 + ms(350);
        let period = ms(100);
        assert_eq!(
            MissedTickBehavior::Burst.next_timeout(due, now, period),
            t0 + ms(300)
        );
        assert_eq!(
            MissedTickBehavior::Delay.next_timeout(due, now, period),
            t0 + ms(450)
        );
        assert_eq!(
            MissedTickBehavior::Skip.next_timeout(due, now, period),
            t0 + ms(400)
        );
        // Exactly on a multiple: the next one is a full period later.
        assert_eq!(
            MissedTickBehavior::Skip.next_timeout(due, t0 + ms(400), period),
            t0 + ms(500)
        );
        // Huge periods neither overflow nor panic.
        let far = MissedTickBehavior::Skip.next_timeout(due, now, Duration::MAX);
        assert!(far > now);
        assert_eq!(
            duration_from_nanos(1_500_000_000),
            Duration::new(1, 500_000_000)
        );
    }
}
