//! `TimerDriver<D>`: wraps any [`Driver`] and bounds its park by the next timer deadline, then
//! fires whatever became due.
//!
//! # One park
//!
//! ```text
//!  1. now = clock; fire due timers ──(something fired)──▶ inner.park_timeout(0) ─▶ 4
//!        │ nothing fired: next = wheel.next_deadline()     (tasks are runnable: poll
//!        │ and record parked_until (same critical section)  I/O, do not block)
//!        ▼
//!  2. real clock:   inner.park_timeout(limit) if it comes first, or inner.park() if neither;
//!                   else, with spin budget: inner.park_timeout(next - 50 µs - now), then
//!                   spin until `next`; without: inner.park_timeout(next - now)
//!     paused clock: park() with timers pending and no `AutoAdvanceGuard` alive ─▶
//!                   inner.park_timeout(0), then jump the clock to `next` (auto-advance);
//!                   otherwise block like a real clock but bounded only by `limit` (virtual
//!                   deadlines do not pass while blocked; dropping the last guard unparks)
//!  3. (an earlier registration from another thread unparks step 2 early)
//!  4. now = clock; fire due timers; parked_until = None
//! ```
//!
//! A park with a zero timeout (the executor's periodic look at I/O while tasks are runnable)
//! is only steps 1 and 2 with `parked_until` left unset: it cannot block, so no deadline passes
//! meanwhile that step 4 would catch, and it costs one clock read and one lock.
//!
//! Because `next` is the exact earliest deadline of the nearest occupied slot (see
//! [`crate::wheel`]), step 2 wakes at the deadline itself, not at the next tick boundary nor at
//! a slot boundary only to cascade; the short spin absorbs the OS's wake-up latency (see
//! [`SPIN_BEFORE_DEADLINE`]). Spinning costs CPU per distinct deadline, so a [`SpinBudget`]
//! caps it at 1 ms of CPU per second of wall time: bursts of deadlines get a spin each, a
//! sustained stream of them (however many distinct deadlines someone else creates) falls back
//! to the OS's wake-up once the budget is spent.

use std::fmt;
use std::time::Duration;

use heddle_driver::{Driver, Unparker};

use crate::handle::{FireBuffer, Shared};
use crate::loom::Arc;
use crate::wheel::NEVER;
use crate::{Clock, Handle};

/// A [`Driver`] that adds timers to another driver `D`.
///
/// It parks `D` no longer than the next timer deadline and fires due timers after every park.
/// Timers are registered through its [`Handle`], from any thread. Its unparker is `D`'s.
///
/// # Examples
///
/// ```
/// use heddle_driver::{Driver, ThreadParker};
/// use heddle_timer::{Duration, Instant, TimerDriver};
/// use std::future::Future;
/// use std::pin::pin;
/// use std::task::{Context, Waker};
///
/// let mut driver = TimerDriver::new(ThreadParker::new());
/// let _guard = driver.handle().enter();
///
/// let start = Instant::now();
/// let mut sleep = pin!(heddle_timer::sleep(Duration::from_millis(5)));
/// let mut cx = Context::from_waker(Waker::noop());
/// while sleep.as_mut().poll(&mut cx).is_pending() {
///     driver.park(); // blocks until the deadline, then fires the timer
/// }
/// assert!(start.elapsed() >= Duration::from_millis(5));
/// ```
pub struct TimerDriver<D: Driver> {
    inner: D,
    handle: Handle,
    buffer: FireBuffer,
    spin: SpinBudget,
}

/// What step 2 of a park does; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Block the inner driver, with this timeout (`None`: indefinitely).
    Block(Option<Duration>),
    /// Real clock, bounded by this timer deadline (ns): block until [`SPIN_BEFORE_DEADLINE`]
    /// before it, then spin the rest of the way.
    Deadline(u64),
    /// Paused clock and idle executor: jump the clock to this deadline (ns).
    AutoAdvance(u64),
}

impl<D: Driver> TimerDriver<D> {
    /// Wraps `inner`, with the real clock.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::TimerDriver;
    ///
    /// let driver = TimerDriver::new(ThreadParker::new());
    /// assert!(!driver.clock().is_paused());
    /// ```
    pub fn new(inner: D) -> TimerDriver<D> {
        TimerDriver::with_clock(inner, Clock::new())
    }

    /// Wraps `inner`, reading time from `clock`. With [`Clock::new_paused`] this is a runtime's
    /// `start_paused(true)`: time stands still except when the executor is idle with timers
    /// pending (the clock then jumps to the next deadline) or when [`advance`](crate::advance)
    /// is called.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::{Driver, ThreadParker};
    /// use heddle_timer::{Clock, Duration, TimerDriver};
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Waker};
    ///
    /// let mut driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
    /// let _guard = driver.handle().enter();
    /// let wall = std::time::Instant::now();
    /// let mut sleep = pin!(heddle_timer::sleep(Duration::from_secs(3_600)));
    /// let mut cx = Context::from_waker(Waker::noop());
    /// while sleep.as_mut().poll(&mut cx).is_pending() {
    ///     driver.park(); // idle: the paused clock jumps to the deadline
    /// }
    /// assert!(wall.elapsed() < Duration::from_secs(60));
    /// ```
    pub fn with_clock(inner: D, clock: Clock) -> TimerDriver<D> {
        let unparker = inner.unparker();
        let shared = Shared::new(clock, Box::new(move || unparker.unpark()));
        TimerDriver {
            inner,
            handle: Handle {
                shared: Arc::new(shared),
            },
            buffer: FireBuffer::default(),
            spin: SpinBudget::new(),
        }
    }

    /// A handle for registering timers with this driver from any thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::TimerDriver;
    ///
    /// let driver = TimerDriver::new(ThreadParker::new());
    /// let handle = driver.handle();
    /// std::thread::spawn(move || drop(handle.enter())).join().unwrap();
    /// ```
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// This driver's clock.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::{Clock, TimerDriver};
    ///
    /// let driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
    /// assert!(driver.clock().is_paused());
    /// ```
    pub fn clock(&self) -> &Clock {
        &self.handle.shared.clock
    }

    /// The wrapped driver.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::TimerDriver;
    ///
    /// let driver = TimerDriver::new(ThreadParker::new());
    /// let _parker: &ThreadParker = driver.inner();
    /// ```
    pub fn inner(&self) -> &D {
        &self.inner
    }

    /// The wrapped driver, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::TimerDriver;
    ///
    /// let mut driver = TimerDriver::new(ThreadParker::new());
    /// let _parker: &mut ThreadParker = driver.inner_mut();
    /// ```
    pub fn inner_mut(&mut self) -> &mut D {
        &mut self.inner
    }

    /// One park; `limit` is the executor's own timeout (`None` for [`Driver::park`]).
    ///
    /// Out of line: an executor parks once per many polls, and inlining this into its run loop
    /// only makes the loop's code larger.
    #[inline(never)]
    fn park_inner(&mut self, limit: Option<Duration>) {
        let shared = &*self.handle.shared;
        if limit == Some(Duration::ZERO) {
            // A poll: it does not block, so no deadline passes during step 2 that step 4
            // would have to fire; the next park looks at the wheel again.
            let now = shared.now_ns();
            shared.process(now, &mut self.buffer, |_| None);
            self.inner.park_timeout(Duration::ZERO);
            return;
        }
        let paused = shared.clock.is_paused();
        let may_advance = paused && !shared.clock.is_auto_advance_inhibited();
        let now = shared.now_ns();
        let mut plan = Plan::Block(limit);
        // Step 1, and the decision of step 2 under the same lock as the next deadline.
        let fired = shared.process(now, &mut self.buffer, |next| {
            plan = decide(paused, may_advance, limit, now, next);
            match plan {
                Plan::AutoAdvance(_) => None,
                // While paused, blocking never lets a virtual deadline pass: any registration
                // has to wake us so the next idle park can auto-advance.
                Plan::Block(_) if paused => Some(NEVER),
                Plan::Block(_) | Plan::Deadline(_) => Some(next.unwrap_or(NEVER)),
            }
        });
        if fired {
            self.inner.park_timeout(Duration::ZERO);
        } else {
            match plan {
                Plan::Block(None) => self.inner.park(),
                Plan::Block(Some(timeout)) => self.inner.park_timeout(timeout),
                Plan::Deadline(deadline) => {
                    park_until(&mut self.inner, shared, &mut self.spin, deadline);
                }
                Plan::AutoAdvance(deadline) => {
                    self.inner.park_timeout(Duration::ZERO);
                    if let Some(target) = shared.ns_to_instant(deadline) {
                        shared.clock.advance_to(target);
                    }
                }
            }
        }
        // Step 4.
        let now = shared.now_ns();
        shared.process(now, &mut self.buffer, |_| None);
    }
}

/// Step 2 bounded by a timer: the OS wakes a blocked thread tens of microseconds after the
/// timeout it asked for (more on a virtual machine), so while the [`SpinBudget`] allows, block
/// `inner` until [`SPIN_BEFORE_DEADLINE`] before `deadline` and spin for the rest (not
/// `yield_now`: under load that hands the CPU to another thread for a whole time slice). The
/// spin runs only if the park was not ended early by other work, so it is at most that long.
/// Without budget, block until `deadline` itself and take the OS's wake-up as it comes.
fn park_until<D: Driver>(inner: &mut D, shared: &Shared, budget: &mut SpinBudget, deadline: u64) {
    let now = shared.now_ns();
    if !budget.allows_spin(now) {
        inner.park_timeout(Duration::from_nanos(deadline.saturating_sub(now)));
        return;
    }
    let early = deadline.saturating_sub(SPIN_BEFORE_DEADLINE.as_nanos() as u64);
    inner.park_timeout(Duration::from_nanos(early.saturating_sub(now)));
    let woke = shared.now_ns();
    if woke < early {
        return;
    }
    while shared.now_ns() < deadline {
        std::hint::spin_loop();
    }
    // The spin used at most the CPU from `woke` to `deadline`: time beyond that (the thread
    // was preempted mid-spin) was not spent spinning.
    budget.charge(deadline.saturating_sub(woke));
}

/// How long before a timer deadline a park returns to wait out the rest without blocking.
/// 50 µs is about the median wake-up latency of a blocked thread measured on the benchmark
/// machine (2-core VM, `polling` with a timerfd); see `docs/timers.md`.
#[cfg(not(loom))]
const SPIN_BEFORE_DEADLINE: Duration = Duration::from_micros(50);
/// No spinning under loom: a model must not depend on wall-clock time.
#[cfg(loom)]
const SPIN_BEFORE_DEADLINE: Duration = Duration::ZERO;

/// The share of wall time a driver may spend spinning before deadlines, as a divisor: 1/1000,
/// 1 ms of CPU per second.
const SPIN_SHARE_DIVISOR: u64 = 1_000;

/// The most spin time a driver can save up while it does not spin: 100 spins of
/// [`SPIN_BEFORE_DEADLINE`].
const SPIN_BURST: u64 = 100 * SPIN_BEFORE_DEADLINE.as_nanos() as u64;

/// A token bucket of spin time (ns): it fills at 1/[`SPIN_SHARE_DIVISOR`] of the time that
/// passes, up to [`SPIN_BURST`], and every spin takes what it used.
///
/// Spinning buys precision with CPU, one spin per distinct deadline, and whoever creates the
/// timers (a peer choosing request timeouts, say) chooses how many distinct deadlines there
/// are. The bucket bounds that cost at 1 ms of CPU per second however many there are, while a
/// burst of deadlines (a hundred sleeps in a row) or a steady trickle of them (a tick every
/// 50 ms) still gets a spin for each. Once it is empty, parks block until the deadline itself
/// and the OS's wake-up latency shows until the bucket has filled again.
#[derive(Debug)]
struct SpinBudget {
    /// Spin time that may be used now, ns.
    available: u64,
    /// The clock reading (ns) up to which `available` was filled.
    filled_to: u64,
}

impl SpinBudget {
    fn new() -> SpinBudget {
        SpinBudget {
            available: SPIN_BURST,
            filled_to: 0,
        }
    }

    /// Fills the bucket for the time up to `now` and says whether it holds a whole spin.
    fn allows_spin(&mut self, now: u64) -> bool {
        let earned = now.saturating_sub(self.filled_to) / SPIN_SHARE_DIVISOR;
        self.available = self.available.saturating_add(earned);
        if self.available >= SPIN_BURST {
            self.available = SPIN_BURST;
            self.filled_to = self.filled_to.max(now);
        } else {
            // Keep the remainder of the division for the next fill.
            self.filled_to += earned * SPIN_SHARE_DIVISOR;
        }
        self.available >= SPIN_BEFORE_DEADLINE.as_nanos() as u64
    }

    /// Takes `spun` ns of spinning out of the bucket.
    fn charge(&mut self, spun: u64) {
        self.available = self.available.saturating_sub(spun);
    }
}

/// Step 2's decision; see the module docs.
fn decide(
    paused: bool,
    may_advance: bool,
    limit: Option<Duration>,
    now: u64,
    next: Option<u64>,
) -> Plan {
    match (paused, next) {
        (true, Some(next)) if limit.is_none() && may_advance => Plan::AutoAdvance(next),
        (true, _) | (false, None) => Plan::Block(limit),
        (false, Some(next)) => {
            let until_next = Duration::from_nanos(next.saturating_sub(now));
            match limit {
                Some(limit) if limit < until_next => Plan::Block(Some(limit)),
                _ => Plan::Deadline(next),
            }
        }
    }
}

impl<D: Driver> Driver for TimerDriver<D> {
    type Unparker = D::Unparker;

    fn park(&mut self) {
        self.park_inner(None);
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.park_inner(Some(timeout));
    }

    fn unparker(&self) -> D::Unparker {
        self.inner.unparker()
    }
}

impl<D: Driver> Drop for TimerDriver<D> {
    /// Pending timers are woken and, when polled again, move to the global fallback driver, so
    /// a `Sleep` that outlives its runtime still completes instead of hanging.
    fn drop(&mut self) {
        self.handle.shared.shut_down();
    }
}

impl<D: Driver + fmt::Debug> fmt::Debug for TimerDriver<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerDriver")
            .field("inner", &self.inner)
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn the_spin_budget_bounds_spinning_to_its_share_of_time() {
        let spin = SPIN_BEFORE_DEADLINE.as_nanos() as u64;
        let mut budget = SpinBudget::new();
        let mut now = 1_000_000_000;
        // A full bucket: a burst of 100 back-to-back spins.
        for _ in 0..100 {
            assert!(budget.allows_spin(now));
            budget.charge(spin);
        }
        assert!(!budget.allows_spin(now));
        // One spin's worth comes back after a thousand times its length.
        now += spin * SPIN_SHARE_DIVISOR - 1;
        assert!(!budget.allows_spin(now));
        now += 1;
        assert!(budget.allows_spin(now));
        budget.charge(spin);
        // Sustained: one spin per millisecond for ten seconds gets 1 ms of spinning a second.
        let mut spun = 0;
        for _ in 0..10_000 {
            now += 1_000_000;
            if budget.allows_spin(now) {
                budget.charge(spin);
                spun += spin;
            }
        }
        let share = 10 * 1_000_000_000 / SPIN_SHARE_DIVISOR;
        assert!(spun <= share + SPIN_BURST, "spun {spun} ns");
        assert!(spun >= share - spin, "spun {spun} ns");
        // Idle time never saves up more than the burst.
        now += 3_600 * 1_000_000_000;
        assert!(budget.allows_spin(now));
        assert_eq!(budget.available, SPIN_BURST);
    }

    #[test]
    fn decide_covers_every_case() {
        let ms = Duration::from_millis;
        assert_eq!(decide(false, false, None, 0, None), Plan::Block(None));
        assert_eq!(
            decide(false, false, Some(ms(3)), 0, None),
            Plan::Block(Some(ms(3)))
        );
        assert_eq!(
            decide(false, false, None, 1_000, Some(5_000)),
            Plan::Deadline(5_000)
        );
        assert_eq!(
            decide(false, false, Some(ms(1)), 1_000, Some(5_000)),
            Plan::Deadline(5_000)
        );
        assert_eq!(
            decide(false, false, Some(ms(0)), 0, Some(5_000)),
            Plan::Block(Some(ms(0)))
        );
        assert_eq!(
            decide(false, false, None, 9_000, Some(5_000)),
            Plan::Deadline(5_000)
        );
        assert_eq!(decide(true, true, None, 0, Some(7)), Plan::AutoAdvance(7));
        // Held back by an `AutoAdvanceGuard`: blocks until woken instead.
        assert_eq!(decide(true, false, None, 0, Some(7)), Plan::Block(None));
        assert_eq!(decide(true, true, None, 0, None), Plan::Block(None));
        assert_eq!(
            decide(true, true, Some(ms(1)), 0, Some(7)),
            Plan::Block(Some(ms(1)))
        );
    }
}
