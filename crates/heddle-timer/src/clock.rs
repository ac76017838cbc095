//! `Clock`: where a timer driver reads the time, either the real monotonic clock or a paused,
//! manually advanced one for deterministic tests; and the test-clock controls [`pause`],
//! [`resume`] and [`advance`], which act on the clock of the handle entered on this thread
//! (as tokio's `time::{pause, resume, advance}` do; the fallback driver's clock is real and
//! cannot be paused).
//!
//! # Model
//!
//! The clock keeps a `base` instant and, while it runs, the real instant at which it was last
//! unfrozen:
//!
//! ```text
//!   running:  now = base + (std::time::Instant::now() - unfrozen)
//!   paused:   now = base
//! ```
//!
//! * `pause` folds the running time into `base` and forgets `unfrozen`.
//! * `resume` records `unfrozen = std now`, so time continues from where it stood.
//! * `advance(d)` adds `d` to `base` (paused only); the driver's auto-advance moves `base`
//!   forward to the next deadline when the executor is idle, unless an
//!   [`AutoAdvanceGuard`] is alive (work outside the executor, such as a blocking closure,
//!   that the executor is waiting for).
//!
//! A clock that was never paused reads the real monotonic clock without its lock (its `base`
//! and `unfrozen` are equal). A reading taken on another thread at the very moment of the first
//! `pause` may therefore be the real time of that moment rather than the frozen reading.
//!
//! Time never goes backwards: every mutation only adds to `base`, and `resume` starts counting
//! real time from the moment it is called. Arithmetic saturates or is checked, so advancing by
//! `Duration::MAX` leaves the clock at the latest representable instant instead of panicking.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::loom::unmodelled::{
    AtomicBool, AtomicUsize, Mutex as ClockMutex, MutexGuard as ClockGuard, Ordering,
};
use crate::{Handle, Instant};

/// The time source of a [`TimerDriver`](crate::TimerDriver): real, or paused for tests.
///
/// Cloning gives another handle to the same clock. A paused clock only moves when
/// [`advance`](crate::advance) is called or when the driver auto-advances it: when the executor
/// parks with nothing to run (`Driver::park`) while timers are pending, the clock jumps straight
/// to the next deadline instead of the thread sleeping. That is what a runtime's
/// `start_paused(true)` configures, through [`TimerDriver::with_clock`](crate::TimerDriver::with_clock)
/// and [`Clock::new_paused`].
///
/// # Examples
///
/// ```
/// use heddle_timer::Clock;
/// use std::time::Duration;
///
/// let clock = Clock::new_paused();
/// let start = clock.now();
/// std::thread::sleep(Duration::from_millis(2));
/// assert_eq!(clock.now(), start); // paused: real time does not move it
/// assert!(clock.is_paused());
/// ```
#[derive(Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

struct Inner {
    /// Set while the clock has never been paused. Its reading is then the real monotonic time
    /// (`base == unfrozen`, see the module docs), read without the lock. The first `pause`
    /// clears it for good.
    real: AtomicBool,
    /// How many [`AutoAdvanceGuard`]s are alive; auto-advance waits while this is not zero.
    inhibitors: AtomicUsize,
    state: ClockMutex<State>,
}

/// The two instants that define the clock's reading; see the module docs.
#[derive(Debug, Clone, Copy)]
struct State {
    base: std::time::Instant,
    /// `Some(real instant)` while running, `None` while paused.
    unfrozen: Option<std::time::Instant>,
}

impl State {
    fn now(&self) -> std::time::Instant {
        match self.unfrozen {
            Some(unfrozen) => {
                let running = unfrozen.elapsed();
                self.base.checked_add(running).unwrap_or(self.base)
            }
            None => self.base,
        }
    }
}

impl Clock {
    /// A clock that follows real monotonic time.
    ///
    /// # Examples
    ///
    /// ```
    /// let clock = heddle_timer::Clock::new();
    /// assert!(!clock.is_paused());
    /// let a = clock.now();
    /// assert!(clock.now() >= a);
    /// ```
    pub fn new() -> Clock {
        let now = std::time::Instant::now();
        Clock::from_state(State {
            base: now,
            unfrozen: Some(now),
        })
    }

    /// A clock that starts paused at the current real instant.
    ///
    /// Pass it to [`TimerDriver::with_clock`](crate::TimerDriver::with_clock) to get a runtime
    /// whose time only moves when it is idle or advanced explicitly.
    ///
    /// # Examples
    ///
    /// ```
    /// let clock = heddle_timer::Clock::new_paused();
    /// assert!(clock.is_paused());
    /// ```
    pub fn new_paused() -> Clock {
        Clock::from_state(State {
            base: std::time::Instant::now(),
            unfrozen: None,
        })
    }

    fn from_state(state: State) -> Clock {
        Clock {
            inner: Arc::new(Inner {
                real: AtomicBool::new(state.unfrozen.is_some()),
                inhibitors: AtomicUsize::new(0),
                state: ClockMutex::new(state),
            }),
        }
    }

    fn lock(&self) -> ClockGuard<'_, State> {
        self.inner.state.lock()
    }

    /// Whether the clock has never been paused, so its reading is the real time.
    fn is_real(&self) -> bool {
        // Relaxed: the flag only goes from set to clear, and guards no other memory.
        self.inner.real.load(Ordering::Relaxed)
    }

    /// The clock's current reading.
    ///
    /// # Examples
    ///
    /// ```
    /// let clock = heddle_timer::Clock::new();
    /// let t: heddle_timer::Instant = clock.now();
    /// assert!(t <= clock.now());
    /// ```
    pub fn now(&self) -> Instant {
        if self.is_real() {
            return Instant::from_std(std::time::Instant::now());
        }
        Instant::from_std(self.lock().now())
    }

    /// Whether the clock is paused.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!heddle_timer::Clock::new().is_paused());
    /// ```
    pub fn is_paused(&self) -> bool {
        !self.is_real() && self.lock().unfrozen.is_none()
    }

    /// Whether an [`AutoAdvanceGuard`] holds auto-advance back.
    pub(crate) fn is_auto_advance_inhibited(&self) -> bool {
        self.inner.inhibitors.load(Ordering::SeqCst) != 0
    }

    /// Stops the clock at its current reading. Returns `false` if it was already paused.
    pub(crate) fn pause(&self) -> bool {
        let mut state = self.lock();
        if state.unfrozen.is_none() {
            return false;
        }
        self.inner.real.store(false, Ordering::Relaxed);
        state.base = state.now();
        state.unfrozen = None;
        true
    }

    /// Lets the clock run again from its current reading. Returns `false` if it was running.
    pub(crate) fn resume(&self) -> bool {
        let mut state = self.lock();
        if state.unfrozen.is_some() {
            return false;
        }
        state.unfrozen = Some(std::time::Instant::now());
        true
    }

    /// Moves a paused clock forward by `duration`, saturating at the latest representable
    /// instant. Returns `false` (and does nothing) if the clock is running.
    pub(crate) fn advance(&self, duration: Duration) -> bool {
        let mut state = self.lock();
        if state.unfrozen.is_some() {
            return false;
        }
        state.base = checked_add_or_max(state.base, duration);
        true
    }

    /// Moves a paused clock forward to `target` if that is later than its reading; never moves
    /// it backwards and never touches a running clock.
    pub(crate) fn advance_to(&self, target: std::time::Instant) {
        let mut state = self.lock();
        if state.unfrozen.is_none() && target > state.base {
            state.base = target;
        }
    }
}

/// `instant + duration`, or the largest instant reachable by halving the step on overflow.
fn checked_add_or_max(instant: std::time::Instant, duration: Duration) -> std::time::Instant {
    if let Some(sum) = instant.checked_add(duration) {
        return sum;
    }
    let mut result = instant;
    let mut step = duration;
    while step > Duration::ZERO {
        match result.checked_add(step) {
            Some(next) => result = next,
            None => step /= 2,
        }
    }
    result
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::new()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = *self.lock();
        f.debug_struct("Clock")
            .field("now", &state.now())
            .field("paused", &state.unfrozen.is_none())
            .finish()
    }
}

impl Handle {
    /// Holds back auto-advance of this handle's clock while the returned guard lives: work
    /// the executor waits for outside its tasks (a blocking closure) takes real time, which a
    /// paused clock must not skip over. Dropping the last guard wakes the driver, so it can
    /// auto-advance again. Has no effect on a running clock.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::{Clock, TimerDriver};
    ///
    /// let driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
    /// let guard = driver.handle().inhibit_auto_advance();
    /// std::thread::spawn(move || drop(guard)).join().unwrap();
    /// ```
    pub fn inhibit_auto_advance(&self) -> AutoAdvanceGuard {
        // SeqCst pairs with the load in `is_auto_advance_inhibited`: a driver that plans after
        // this increment does not auto-advance.
        self.clock().inner.inhibitors.fetch_add(1, Ordering::SeqCst);
        AutoAdvanceGuard {
            handle: self.clone(),
        }
    }
}

/// Holds back auto-advance of a paused clock while it lives; see
/// [`Handle::inhibit_auto_advance`].
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_timer::{AutoAdvanceGuard, TimerDriver};
///
/// let driver = TimerDriver::new(ThreadParker::new());
/// let guard: AutoAdvanceGuard = driver.handle().inhibit_auto_advance();
/// drop(guard);
/// ```
#[must_use = "auto-advance is held back only while the guard lives"]
pub struct AutoAdvanceGuard {
    handle: Handle,
}

impl Drop for AutoAdvanceGuard {
    fn drop(&mut self) {
        let inhibitors = &self.handle.clock().inner.inhibitors;
        // The last guard wakes the driver, which may be blocked without a deadline because
        // auto-advance was held back (an unpark before the park is not lost).
        if inhibitors.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.handle.shared.unpark();
        }
    }
}

impl fmt::Debug for AutoAdvanceGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutoAdvanceGuard").finish_non_exhaustive()
    }
}

/// The current handle, or a panic naming the function that needed it.
#[track_caller]
fn current_for(function: &str) -> Handle {
    match Handle::try_current() {
        Ok(handle) => handle,
        Err(_) => panic!(
            "heddle_timer::{function}() needs a timer handle on this thread: call it inside a \
             heddle runtime or after `Handle::enter`"
        ),
    }
}

/// Pauses the current handle's clock: from now on it only moves through [`advance`] or when
/// the driver is idle with timers pending (it then jumps to the next deadline).
///
/// # Panics
///
/// Panics if no timer handle is entered on this thread, or if the clock is already paused.
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_timer::{pause, resume, Instant, TimerDriver};
///
/// let driver = TimerDriver::new(ThreadParker::new());
/// let _guard = driver.handle().enter();
/// pause();
/// let a = Instant::now();
/// std::thread::sleep(std::time::Duration::from_millis(1));
/// assert_eq!(Instant::now(), a);
/// resume();
/// ```
#[track_caller]
pub fn pause() {
    let handle = current_for("pause");
    if !handle.clock().pause() {
        panic!("heddle_timer::pause(): the clock is already paused");
    }
    // The driver may be blocked on a real-time deadline; let it re-plan with a paused clock.
    handle.shared.unpark();
}

/// Lets the current handle's paused clock run again, from its current reading.
///
/// # Panics
///
/// Panics if no timer handle is entered on this thread, or if the clock is not paused.
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_timer::{resume, Clock, TimerDriver};
///
/// let driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
/// let _guard = driver.handle().enter();
/// resume();
/// assert!(!driver.clock().is_paused());
/// ```
#[track_caller]
pub fn resume() {
    let handle = current_for("resume");
    if !handle.clock().resume() {
        panic!("heddle_timer::resume(): the clock is not paused");
    }
    handle.shared.unpark();
}

/// Moves the current handle's paused clock forward by `duration` and fires every timer that
/// became due, in deadline order. The clock moves when `advance` is called; awaiting the
/// returned future yields once, so tasks woken by those timers get to run first.
///
/// Advancing by `Duration::MAX` saturates at the latest representable instant.
///
/// # Panics
///
/// Panics if no timer handle is entered on this thread, or if its clock is not paused.
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_timer::{advance, sleep, Clock, Duration, TimerDriver};
/// use std::future::Future;
/// use std::pin::pin;
/// use std::task::{Context, Waker};
///
/// let driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
/// let _guard = driver.handle().enter();
/// let mut cx = Context::from_waker(Waker::noop());
/// let mut hour = pin!(sleep(Duration::from_secs(3_600)));
/// assert!(hour.as_mut().poll(&mut cx).is_pending());
/// futures::executor::block_on(advance(Duration::from_secs(3_600)));
/// assert!(hour.as_mut().poll(&mut cx).is_ready());
/// ```
#[track_caller]
pub fn advance(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
    let handle = current_for("advance");
    if !handle.clock().advance(duration) {
        panic!(
            "heddle_timer::advance(): the clock is not paused; call `pause()` first or build \
             the runtime with a paused clock"
        );
    }
    handle.shared.fire_due_now();
    YieldOnce { yielded: false }
}

/// Returns `Pending` once (waking itself), then `Ready`.
#[derive(Debug)]
struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
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

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn pause_resume_advance_never_go_backwards() {
        let clock = Clock::new();
        let a = clock.now();
        assert!(clock.pause());
        assert!(!clock.pause());
        let b = clock.now();
        assert!(b >= a);
        assert!(clock.advance(Duration::from_secs(3_600)));
        assert_eq!(clock.now(), b + Duration::from_secs(3_600));
        clock.advance_to(b.into_std()); // backwards: ignored
        assert_eq!(clock.now(), b + Duration::from_secs(3_600));
        assert!(clock.resume());
        assert!(!clock.resume());
        assert!(!clock.advance(Duration::from_secs(1)));
        assert!(clock.now() >= b + Duration::from_secs(3_600));
    }

    #[test]
    fn advance_by_duration_max_saturates() {
        let clock = Clock::new_paused();
        let before = clock.now();
        assert!(clock.advance(Duration::MAX));
        let after = clock.now();
        assert!(after > before);
        assert!(clock.advance(Duration::MAX));
        assert_eq!(clock.now(), after);
        assert!(format!("{clock:?}").contains("paused: true"));
    }
}
