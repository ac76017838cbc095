//! `Handle`: the shared side of a timer driver, through which any thread registers timers;
//! the thread-local "current handle"; and the global fallback driver thread.
//!
//! # Who touches what
//!
//! [`Shared::state`] (the wheel, the driver's parked deadline, the shutdown flag) is only read or
//! written under its mutex. Futures register, reset, poll and cancel their entries through it
//! from any thread; the driver's thread fires entries through it before and after each park.
//! Wakers are never woken or dropped while the mutex is held: a waker may run arbitrary code
//! (even drop another `Sleep` of the same driver), so fired wakers and replaced wakers are moved
//! out first and handled after unlocking.
//!
//! # Panicking wakers
//!
//! A batch of fired timers (a park, `advance`, a dropped driver) is woken by `wake_all`, which
//! wakes every waker of the batch even if some panic and never lets a panic unwind into its
//! caller: that caller is an executor's park, and a panic escaping it would take down a worker
//! loop that has nothing to do with the waker. A waker replaced or cancelled by its own future
//! is dropped on that future's thread, where a panic belongs to the task polling it.
//!
//! # Liveness
//!
//! The driver computes the next deadline and records in `parked_until` how long it will block,
//! in the same critical section. A registration (or reset) that lands earlier than
//! `parked_until` lowers it and unparks the driver, so a driver never oversleeps a timer it
//! had not seen. A registration made while the driver is not parking (`parked_until == None`)
//! needs no unpark: the driver looks at the wheel before it blocks again.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::{Poll, Waker};
use std::time::Duration;

use crate::error::TryCurrentError;
use crate::loom::{Arc, Mutex, MutexGuard};
use crate::wheel::{Wheel, NEVER};
use crate::{Clock, Instant};

/// A cloneable, `Send + Sync` handle to a [`TimerDriver`](crate::TimerDriver), used to register
/// timers with it from any thread.
///
/// Timer futures find their driver through the handle *entered* on the current thread
/// ([`Handle::enter`]); a runtime enters its driver's handle on each of its threads. Where no
/// handle is entered, timers use a global fallback driver on a background thread, so they work
/// under any executor.
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_timer::{Handle, TimerDriver};
///
/// let driver = TimerDriver::new(ThreadParker::new());
/// let handle: Handle = driver.handle();
/// let _guard = handle.enter();
/// assert!(Handle::try_current().is_ok());
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) shared: Arc<Shared>,
}

/// State shared between a driver, its handles and its timers.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) clock: Clock,
    /// Time zero of the wheel: nanosecond deadlines count from here.
    origin: std::time::Instant,
    /// Wakes the driver's thread (the inner driver's unparker).
    unpark: Box<dyn Fn() + Send + Sync>,
}

/// The lock-protected part of [`Shared`].
pub(crate) struct State {
    pub(crate) wheel: Wheel<Option<Waker>>,
    /// `Some(t)`: the driver is (about to be) blocked until `t` ns at the latest; an earlier
    /// registration must unpark it. `None`: the driver is running and will look at the wheel
    /// before it blocks.
    pub(crate) parked_until: Option<u64>,
    /// The driver was dropped: nothing fires any more, timers move to the fallback driver.
    pub(crate) shutdown: bool,
    /// `Some` for a driver whose thread runs only while timers are registered (the global
    /// fallback); `None` for a driver that a runtime parks.
    pub(crate) on_demand: Option<OnDemand>,
}

/// The state of an on-demand driver thread.
///
/// # Invariant
///
/// `running` flips `false → true` once per `generation`, by the registration that needs the
/// thread (which then starts it); a stop sets it back to `false` and bumps `generation`, which
/// tells the thread of the old generation to exit. Both happen under the state lock, together
/// with the emptiness check of the wheel, so no registration can slip past a stopping thread.
/// A start that fails sets it back to `false` without a new generation (no thread ran) and
/// wakes every waiting timer, so that the next poll of any of them claims the start again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OnDemand {
    pub(crate) running: bool,
    pub(crate) generation: u64,
}

/// What polling a registered entry found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub(crate) enum EntryPoll {
    /// The deadline was reached.
    Fired,
    /// Still pending; the waker is stored.
    Pending,
    /// The driver is gone.
    Shutdown,
}

/// Reusable buffers for firing: keys from the wheel, wakers to call after unlocking.
#[derive(Debug, Default)]
pub(crate) struct FireBuffer {
    keys: Vec<usize>,
    wakers: Vec<Waker>,
}

impl Shared {
    pub(crate) fn new(clock: Clock, unpark: Box<dyn Fn() + Send + Sync>) -> Shared {
        Shared {
            state: Mutex::new(State {
                wheel: Wheel::new(),
                parked_until: None,
                shutdown: false,
                on_demand: None,
            }),
            origin: clock.now().into_std(),
            clock,
            unpark,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock()
    }

    pub(crate) fn unpark(&self) {
        (self.unpark)();
    }

    /// Nanoseconds from the origin to `instant`, saturating: instants before the origin are 0,
    /// instants more than ~584 years after it are [`NEVER`].
    pub(crate) fn instant_to_ns(&self, instant: Instant) -> u64 {
        let since = instant.into_std().saturating_duration_since(self.origin);
        u64::try_from(since.as_nanos()).unwrap_or(NEVER)
    }

    /// The instant `ns` nanoseconds after the origin, if representable.
    pub(crate) fn ns_to_instant(&self, ns: u64) -> Option<std::time::Instant> {
        self.origin.checked_add(Duration::from_nanos(ns))
    }

    /// The clock's reading in nanoseconds since the origin.
    pub(crate) fn now_ns(&self) -> u64 {
        self.instant_to_ns(self.clock.now())
    }

    /// Registers a timer for `deadline` ns with `waker`; `None` if the driver is gone.
    ///
    /// # Panics
    ///
    /// Panics if an on-demand driver's thread has to be started and cannot (see
    /// [`Shared::start_on_demand`]); the timer is then not registered.
    pub(crate) fn register(&self, deadline: u64, waker: Waker) -> Option<usize> {
        let mut state = self.lock();
        if state.shutdown {
            return None;
        }
        let key = state.wheel.insert(deadline, Some(waker));
        let unpark = Self::lower_parked_until(&mut state, deadline);
        let start = Self::claim_start(&mut state);
        drop(state);
        if start {
            self.start_on_demand(Some(key));
        } else if unpark {
            self.unpark();
        }
        Some(key)
    }

    /// Marks the thread of an on-demand driver as running if it is not; returns whether the
    /// caller must start it (with [`Shared::start_on_demand`], after unlocking).
    fn claim_start(state: &mut State) -> bool {
        match state.on_demand.as_mut() {
            Some(on_demand) if !on_demand.running => {
                on_demand.running = true;
                true
            }
            _ => false,
        }
    }

    /// Starts the thread that [`Shared::claim_start`] said to start. `own` is the entry of a
    /// registration that has not returned its key yet; it is removed if the start fails.
    ///
    /// # Panics
    ///
    /// Panics if the thread cannot be started, after clearing `running` and waking every
    /// timer still waiting on the driver so that its next poll tries again.
    fn start_on_demand(&self, own: Option<usize>) {
        let Err(error) = crate::fallback::start() else {
            return;
        };
        let mut waiting = Vec::new();
        let own_waker = {
            let mut guard = self.lock();
            let state = &mut *guard;
            if let Some(on_demand) = state.on_demand.as_mut() {
                on_demand.running = false;
            }
            let own_waker = own.and_then(|key| state.wheel.remove(key));
            state
                .wheel
                .for_each_mut(|_, waker| waiting.extend(waker.take()));
            own_waker
        };
        drop(own_waker);
        wake_all(&mut waiting);
        panic!("the heddle-timer fallback timer thread could not be started: {error}");
    }

    /// Gives entry `key` a new deadline (re-arming it if it had fired).
    pub(crate) fn reset(&self, key: usize, deadline: u64) {
        let mut state = self.lock();
        state.wheel.reset(key, deadline);
        let unpark = !state.shutdown && Self::lower_parked_until(&mut state, deadline);
        drop(state);
        if unpark {
            self.unpark();
        }
    }

    /// If the driver is blocked past `deadline`, records the earlier wake-up and says to unpark.
    fn lower_parked_until(state: &mut State, deadline: u64) -> bool {
        match state.parked_until {
            Some(until) if deadline < until => {
                state.parked_until = Some(deadline);
                true
            }
            _ => false,
        }
    }

    /// Checks entry `key`; if it is pending, stores `waker` (unless it would wake the same task
    /// as the stored one). A replaced waker is dropped after unlocking.
    ///
    /// # Panics
    ///
    /// Panics if this poll has to start an on-demand driver thread and cannot.
    pub(crate) fn poll_entry(&self, key: usize, waker: &Waker) -> EntryPoll {
        let mut state = self.lock();
        if state.wheel.is_fired(key) {
            return EntryPoll::Fired;
        }
        if state.shutdown {
            return EntryPoll::Shutdown;
        }
        let slot = state.wheel.value_mut(key);
        let old = match slot {
            Some(stored) if stored.will_wake(waker) => None,
            _ => slot.replace(waker.clone()),
        };
        // Only after a failed start of an on-demand thread: this timer was woken to retry it.
        let start = Self::claim_start(&mut state);
        drop(state);
        drop(old);
        if start {
            self.start_on_demand(None);
        }
        EntryPoll::Pending
    }

    /// Whether entry `key` has fired.
    pub(crate) fn is_fired(&self, key: usize) -> bool {
        self.lock().wheel.is_fired(key)
    }

    /// Removes entry `key`; its waker is dropped after unlocking. Returns whether the entry
    /// had fired before it was removed (a timer cancelled while pending never wakes anyone).
    pub(crate) fn cancel(&self, key: usize) -> bool {
        let (fired, waker, stopped): (bool, Option<Waker>, Option<Option<u64>>) = {
            let mut guard = self.lock();
            let state = &mut *guard;
            let fired = state.wheel.is_fired(key);
            let waker = state.wheel.remove(key);
            // The last timer of an on-demand driver went: let its thread linger and exit (or,
            // under miri, stop it now and join it below).
            let mut emptied = None;
            if let Some(on_demand) = state.on_demand.as_mut() {
                if on_demand.running && state.wheel.len() == 0 {
                    emptied = Some(if crate::fallback::STOP_WHEN_EMPTY {
                        Some(Self::stop_on_demand(on_demand))
                    } else {
                        None
                    });
                }
            }
            (fired, waker, emptied)
        };
        drop(waker);
        if let Some(stopped) = stopped {
            self.unpark();
            if let Some(generation) = stopped {
                crate::fallback::join_stopped(generation);
            }
        }
        fired
    }

    /// Fires everything due at `now` ns and wakes it. If nothing fired, `park` is called under
    /// the lock with the next deadline and returns the new `parked_until`. Returns whether
    /// anything fired.
    pub(crate) fn process(
        &self,
        now: u64,
        buffer: &mut FireBuffer,
        park: impl FnOnce(Option<u64>) -> Option<u64>,
    ) -> bool {
        let fired = {
            let mut guard = self.lock();
            let state = &mut *guard;
            state.wheel.process(now, &mut buffer.keys);
            for key in buffer.keys.drain(..) {
                if let Some(waker) = state.wheel.value_mut(key).take() {
                    buffer.wakers.push(waker);
                }
            }
            let fired = !buffer.wakers.is_empty();
            state.parked_until = if fired {
                None
            } else {
                park(state.wheel.next_deadline())
            };
            fired
        };
        // The lock is released: wakers may run arbitrary code.
        wake_all(&mut buffer.wakers);
        fired
    }

    /// Marks the on-demand thread of the current generation as stopped and returns that
    /// generation.
    fn stop_on_demand(on_demand: &mut OnDemand) -> u64 {
        let generation = on_demand.generation;
        on_demand.running = false;
        on_demand.generation = generation.wrapping_add(1);
        generation
    }

    /// The current generation of an on-demand driver thread.
    #[cfg(not(loom))]
    pub(crate) fn on_demand_generation(&self) -> u64 {
        self.lock()
            .on_demand
            .map_or(0, |on_demand| on_demand.generation)
    }

    /// Whether the on-demand thread of `generation` was told to stop.
    #[cfg(not(loom))]
    pub(crate) fn on_demand_stopped(&self, generation: u64) -> bool {
        self.lock()
            .on_demand
            .is_some_and(|on_demand| on_demand.generation != generation)
    }

    /// Whether no timer is registered at all.
    #[cfg(not(loom))]
    pub(crate) fn is_idle(&self) -> bool {
        self.lock().wheel.len() == 0
    }

    /// Stops the on-demand thread of `generation` if no timer is registered; returns whether
    /// it did (or the thread had already been stopped).
    #[cfg(not(loom))]
    pub(crate) fn stop_on_demand_if_idle(&self, generation: u64) -> bool {
        let mut guard = self.lock();
        let state = &mut *guard;
        match state.on_demand.as_mut() {
            Some(on_demand) if on_demand.generation != generation => true,
            Some(on_demand) if state.wheel.len() == 0 => {
                Self::stop_on_demand(on_demand);
                true
            }
            _ => false,
        }
    }

    /// Fires everything due now without touching the driver's parked state (used by
    /// `advance`), then unparks the driver so it recomputes its deadline.
    pub(crate) fn fire_due_now(&self) {
        let mut buffer = FireBuffer::default();
        let now = self.now_ns();
        {
            let mut state = self.lock();
            let state = &mut *state;
            state.wheel.process(now, &mut buffer.keys);
            for key in buffer.keys.drain(..) {
                if let Some(waker) = state.wheel.value_mut(key).take() {
                    buffer.wakers.push(waker);
                }
            }
        }
        wake_all(&mut buffer.wakers);
        self.unpark();
    }

    /// Marks the driver gone and wakes every pending timer so it moves to the fallback.
    pub(crate) fn shut_down(&self) {
        let mut wakers = Vec::new();
        {
            let mut state = self.lock();
            state.shutdown = true;
            state.parked_until = None;
            state
                .wheel
                .for_each_mut(|_, waker| wakers.extend(waker.take()));
        }
        wake_all(&mut wakers);
    }
}

impl Handle {
    /// The handle entered on this thread.
    ///
    /// # Errors
    ///
    /// Returns [`TryCurrentError`] if no handle is entered on this thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::{Handle, TimerDriver};
    ///
    /// assert!(Handle::try_current().is_err());
    /// let driver = TimerDriver::new(ThreadParker::new());
    /// let _guard = driver.handle().enter();
    /// assert!(Handle::try_current().is_ok());
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        CURRENT
            .try_with(|current| current.borrow().clone())
            .ok()
            .flatten()
            .ok_or_else(TryCurrentError::new)
    }

    /// The handle entered on this thread.
    ///
    /// # Panics
    ///
    /// Panics if no handle is entered on this thread; [`Handle::try_current`] returns an error
    /// instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::{Handle, TimerDriver};
    ///
    /// let driver = TimerDriver::new(ThreadParker::new());
    /// let _guard = driver.handle().enter();
    /// let handle = Handle::current();
    /// # drop(handle);
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(handle) => handle,
            Err(e) => panic!("{e}"),
        }
    }

    /// The handle entered on this thread, or the global fallback driver's handle (started on
    /// first use) if none is.
    pub(crate) fn current_or_fallback() -> Handle {
        Handle::try_current().unwrap_or_else(|_| crate::fallback::handle())
    }

    /// Makes this handle the current one on this thread until the guard is dropped; timer
    /// futures created meanwhile register with this handle's driver, and [`Instant::now`] reads
    /// its clock. Guards nest: dropping one restores the handle that was current before.
    ///
    /// A runtime calls this on each of its threads (for example in the thread's start hook,
    /// keeping the guard for the thread's lifetime) and around `block_on`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::TimerDriver;
    ///
    /// let driver = TimerDriver::new(ThreadParker::new());
    /// let guard = driver.handle().enter();
    /// let sleep = heddle_timer::sleep(std::time::Duration::from_millis(1)); // uses `driver`
    /// drop(guard);
    /// # drop(sleep);
    /// ```
    pub fn enter(&self) -> EnterGuard {
        let prev = CURRENT.with(|current| current.borrow_mut().replace(self.clone()));
        EnterGuard {
            prev,
            _not_send: PhantomData,
        }
    }

    /// The current reading of this driver's clock.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::{Clock, TimerDriver};
    ///
    /// let clock = Clock::new_paused();
    /// let driver = TimerDriver::with_clock(ThreadParker::new(), clock.clone());
    /// assert_eq!(driver.handle().now(), clock.now());
    /// ```
    pub fn now(&self) -> Instant {
        self.shared.clock.now()
    }

    /// This driver's clock.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::TimerDriver;
    ///
    /// let driver = TimerDriver::new(ThreadParker::new());
    /// assert!(!driver.handle().clock().is_paused());
    /// ```
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// How many timers are held by the driver's wheel: pending ones plus fired ones whose
    /// future has not yet observed the firing. A dropped or completed timer is not counted.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_timer::TimerDriver;
    ///
    /// let driver = TimerDriver::new(ThreadParker::new());
    /// assert_eq!(driver.handle().timer_count(), 0);
    /// ```
    pub fn timer_count(&self) -> usize {
        self.shared.lock().wheel.len()
    }

    /// Polls a registration: registers on first use, migrates to the fallback driver when this
    /// driver is gone.
    pub(crate) fn poll_timer(
        &mut self,
        entry: &mut Option<usize>,
        deadline: Instant,
        waker: &Waker,
    ) -> Poll<()> {
        loop {
            let deadline_ns = self.shared.instant_to_ns(deadline);
            if deadline_ns <= self.shared.now_ns() {
                if let Some(key) = entry.take() {
                    let _ = self.shared.cancel(key);
                }
                return Poll::Ready(());
            }
            let outcome = match *entry {
                None => match self.shared.register(deadline_ns, waker.clone()) {
                    Some(key) => {
                        *entry = Some(key);
                        EntryPoll::Pending
                    }
                    None => EntryPoll::Shutdown,
                },
                Some(key) => self.shared.poll_entry(key, waker),
            };
            match outcome {
                EntryPoll::Pending => return Poll::Pending,
                EntryPoll::Fired => {
                    if let Some(key) = entry.take() {
                        let _ = self.shared.cancel(key);
                    }
                    return Poll::Ready(());
                }
                EntryPoll::Shutdown => {
                    if let Some(key) = entry.take() {
                        let _ = self.shared.cancel(key);
                    }
                    let fallback = crate::fallback::handle();
                    assert!(
                        !Arc::ptr_eq(&fallback.shared, &self.shared),
                        "the heddle-timer fallback driver is gone"
                    );
                    *self = fallback;
                }
            }
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("clock", &self.shared.clock)
            .finish_non_exhaustive()
    }
}

/// Wakes every waker, even if some of them panic, and never unwinds into the caller.
///
/// The caller is the driver's thread in the middle of a park (or a `TimerDriver` being
/// dropped, or `advance`): a panic resumed there would unwind through an executor's loop that
/// has nothing to do with the waker. The panic hook has already reported each panic, so its
/// payload is dropped here; a payload whose own drop panics is forgotten instead.
fn wake_all(wakers: &mut Vec<Waker>) {
    for waker in wakers.drain(..) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| waker.wake())) {
            if let Err(nested) = catch_unwind(AssertUnwindSafe(|| drop(payload))) {
                std::mem::forget(nested);
            }
        }
    }
}

thread_local! {
    /// The handle entered on this thread, if any.
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
}

/// The reading of the entered handle's clock, or `None` where no handle is entered.
pub(crate) fn current_clock_now() -> Option<Instant> {
    CURRENT
        .try_with(|current| current.borrow().as_ref().map(Handle::now))
        .ok()
        .flatten()
}

/// Keeps a [`Handle`] current on this thread; dropping it restores the previous one.
///
/// It is `!Send`: it must be dropped on the thread that entered.
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_timer::{EnterGuard, Handle, TimerDriver};
///
/// let driver = TimerDriver::new(ThreadParker::new());
/// let guard: EnterGuard = driver.handle().enter();
/// drop(guard);
/// assert!(Handle::try_current().is_err());
/// ```
///
/// ```compile_fail
/// use heddle_driver::ThreadParker;
/// use heddle_timer::TimerDriver;
///
/// fn is_send<T: Send>(_: T) {}
/// let driver = TimerDriver::new(ThreadParker::new());
/// is_send(driver.handle().enter());
/// ```
#[must_use = "the handle is only current while the guard is alive"]
pub struct EnterGuard {
    prev: Option<Handle>,
    /// Ties the guard to the thread: a `MutexGuard` is `!Send` but `Sync`, as tokio's guard is.
    _not_send: PhantomData<std::sync::MutexGuard<'static, ()>>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        let replaced =
            CURRENT.try_with(|current| std::mem::replace(&mut *current.borrow_mut(), prev));
        drop(replaced);
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}
