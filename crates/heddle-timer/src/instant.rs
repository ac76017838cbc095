//! `Instant`: a point in time read from the current timer's [`Clock`](crate::Clock), so that
//! a paused clock applies to `Instant::now()` just as it applies to sleeps.
//!
//! It wraps [`std::time::Instant`] and converts both ways. `now()` reads the clock of the timer
//! handle entered on this thread, or the real clock where none is entered. Differences between
//! instants saturate at zero, as the reliability plan asks of all deadline math.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

/// A measurement of the timer clock, like [`std::time::Instant`] but following a paused clock.
///
/// # Examples
///
/// ```
/// use heddle_timer::Instant;
/// use std::time::Duration;
///
/// let start = Instant::now();
/// let later = start + Duration::from_millis(10);
/// assert_eq!(later.duration_since(start), Duration::from_millis(10));
/// assert_eq!(start.saturating_duration_since(later), Duration::ZERO);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    std: std::time::Instant,
}

/// How far in the future a deadline lands when `now + duration` cannot be represented:
/// about 30 years, as tokio does. Such a timer never fires in practice.
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

impl Instant {
    /// The current reading of this thread's timer clock (paused or real), or of the real
    /// monotonic clock if no timer handle is entered.
    ///
    /// # Examples
    ///
    /// ```
    /// let a = heddle_timer::Instant::now();
    /// let b = heddle_timer::Instant::now();
    /// assert!(b >= a);
    /// ```
    pub fn now() -> Instant {
        crate::handle::current_clock_now()
            .unwrap_or_else(|| Instant::from_std(std::time::Instant::now()))
    }

    /// Wraps a [`std::time::Instant`].
    ///
    /// # Examples
    ///
    /// ```
    /// let std_now = std::time::Instant::now();
    /// let now = heddle_timer::Instant::from_std(std_now);
    /// assert_eq!(now.into_std(), std_now);
    /// ```
    pub fn from_std(std: std::time::Instant) -> Instant {
        Instant { std }
    }

    /// The wrapped [`std::time::Instant`].
    ///
    /// # Examples
    ///
    /// ```
    /// let now = heddle_timer::Instant::now();
    /// let std_now: std::time::Instant = now.into_std();
    /// assert_eq!(heddle_timer::Instant::from_std(std_now), now);
    /// ```
    pub fn into_std(self) -> std::time::Instant {
        self.std
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::Instant;
    /// use std::time::Duration;
    ///
    /// let a = Instant::now();
    /// let b = a + Duration::from_secs(1);
    /// assert_eq!(b.duration_since(a), Duration::from_secs(1));
    /// assert_eq!(a.duration_since(b), Duration::ZERO);
    /// ```
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }

    /// The time from `earlier` to `self`, or `None` if `earlier` is later.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::Instant;
    /// use std::time::Duration;
    ///
    /// let a = Instant::now();
    /// let b = a + Duration::from_secs(1);
    /// assert_eq!(b.checked_duration_since(a), Some(Duration::from_secs(1)));
    /// assert_eq!(a.checked_duration_since(b), None);
    /// ```
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.std.checked_duration_since(earlier.std)
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::Instant;
    /// use std::time::Duration;
    ///
    /// let a = Instant::now();
    /// assert_eq!(a.saturating_duration_since(a + Duration::from_secs(1)), Duration::ZERO);
    /// ```
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// The time that has passed on this thread's timer clock since `self` (zero if `self` is
    /// in the future).
    ///
    /// # Examples
    ///
    /// ```
    /// let start = heddle_timer::Instant::now();
    /// let _ = start.elapsed();
    /// ```
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }

    /// `self + duration`, or `None` if that cannot be represented.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::Instant;
    /// use std::time::Duration;
    ///
    /// let now = Instant::now();
    /// assert!(now.checked_add(Duration::from_secs(1)).is_some());
    /// assert!(now.checked_add(Duration::MAX).is_none());
    /// ```
    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_add(duration).map(Instant::from_std)
    }

    /// `self - duration`, or `None` if that cannot be represented.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_timer::Instant;
    /// use std::time::Duration;
    ///
    /// let now = Instant::now();
    /// assert!(now.checked_sub(Duration::MAX).is_none());
    /// ```
    pub fn checked_sub(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_sub(duration).map(Instant::from_std)
    }

    /// `self + duration`, or a point about 30 years after `self` (and at worst `self`) when
    /// that overflows: the deadline of a timer that never fires in practice.
    pub(crate) fn saturating_add_far(self, duration: Duration) -> Instant {
        self.checked_add(duration)
            .or_else(|| self.checked_add(FAR_FUTURE))
            .unwrap_or(self)
    }
}

impl From<std::time::Instant> for Instant {
    fn from(std: std::time::Instant) -> Instant {
        Instant::from_std(std)
    }
}

impl From<Instant> for std::time::Instant {
    fn from(instant: Instant) -> std::time::Instant {
        instant.into_std()
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// # Panics
    ///
    /// Panics if the result cannot be represented, like [`std::time::Instant`]; use
    /// [`Instant::checked_add`] to get `None` instead.
    fn add(self, rhs: Duration) -> Instant {
        self.checked_add(rhs)
            .expect("overflow when adding a duration to an instant")
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    /// # Panics
    ///
    /// Panics if the result cannot be represented; use [`Instant::checked_sub`] instead.
    fn sub(self, rhs: Duration) -> Instant {
        self.checked_sub(rhs)
            .expect("overflow when subtracting a duration from an instant")
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, rhs: Duration) {
        *self = *self - rhs;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;

    /// Saturates at zero when `rhs` is later than `self`.
    fn sub(self, rhs: Instant) -> Duration {
        self.saturating_duration_since(rhs)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.std.fmt(f)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn operators_and_saturation() {
        let a = Instant::now();
        let mut b = a + Duration::from_millis(5);
        assert_eq!(b - a, Duration::from_millis(5));
        assert_eq!(a - b, Duration::ZERO);
        b -= Duration::from_millis(5);
        assert_eq!(a, b);
        b += Duration::from_millis(1);
        assert_eq!(b - Duration::from_millis(1), a);
        assert_eq!(std::time::Instant::from(a), a.into_std());
        assert_eq!(Instant::from(a.into_std()), a);
        assert!(format!("{a:?}").contains("Instant"));
    }

    #[test]
    fn far_future_never_panics() {
        let now = Instant::now();
        let far = now.saturating_add_far(Duration::MAX);
        assert!(far > now);
        assert_eq!(now.saturating_add_far(Duration::ZERO), now);
    }
}
