//! Per-worker parking: a worker with nothing to do parks on the driver if no other worker
//! holds it, and on its own condition variable otherwise. One worker at a time owns the
//! driver (I/O and timers); the others sleep cheaply and are woken one by one.
//!
//! # State word of a worker's parker
//!
//! ```text
//!              (1) park: driver free                (3) unpark: swap NOTIFIED,
//!         ┌──────────────────────────▶ PARKED_DRIVER ── driver's unparker ──┐
//!         │                                 │                               ▼
//!       EMPTY ◀── (4) park returns ─────────┴───────────────────────── NOTIFIED
//!         │       (event, timeout, unpark, or a panic out of the driver)    ▲
//!         │    (2) park: driver held by another worker                      │
//!         └──────────────────────────▶ PARKED_CONDVAR ── condvar notify ────┘
//!                                                      (3), under the mutex
//!   (5) park finding NOTIFIED consumes it (→ EMPTY) and returns at once;
//!       unpark from EMPTY or NOTIFIED only stores the token.
//! ```
//!
//! * `EMPTY`: not parked, no token.
//! * `PARKED_CONDVAR`: blocked on the condvar; `unpark` notifies it under the mutex.
//! * `PARKED_DRIVER`: blocked in `Driver::park`; `unpark` calls the driver's unparker.
//! * `NOTIFIED`: a token is stored; the next park returns at once.
//!
//! Edges: (1) `Inner::park_driver`, (2) `Inner::park_condvar`, (3) `Unparker::unpark`,
//! (4) the `LeaveParked` guard in `park_driver` and the timeout path of `park_condvar`,
//! (5) the compare-exchange at the top of `Parker::park`. Every transition into a parked
//! state is a compare-exchange from `EMPTY` (Acquire, pairing with the Release swap of
//! `unpark`), and `unpark` swaps in `NOTIFIED` and acts on what it replaced, so a wake-up is
//! never lost whichever way the worker parks (the same protocol as
//! `heddle_driver::ThreadParker`).
//!
//! # The driver slot
//!
//! The driver sits in a cell behind a `held` flag that a worker takes with a compare-exchange
//! and clears when done (a try-lock, as tokio's multi-threaded scheduler keeps its driver).
//! A worker that finds it held parks on its condvar instead; nobody ever waits for the
//! driver. It is not a `Mutex` because nobody needs to block on it, and because loom 0.7
//! cannot check `Mutex::try_lock`: it blocks the thread whose `try_lock` loses the race
//! until the holder unlocks (tokio-rs/loom#376), which is a false deadlock when the holder
//! parks inside the driver.

use std::time::Duration;

use heddle_driver::{Driver, Unparker as _};

use crate::loom::{Arc, AtomicBool, AtomicUsize, Condvar, Mutex, Ordering, UnsafeCell};

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// The driver, shared by the workers; whoever holds it polls it (see the module docs).
pub(crate) struct DriverSlot<D: Driver> {
    /// Whether a worker is using `driver`.
    held: AtomicBool,
    /// # Invariant
    /// Accessed only inside `try_with`, by the thread that set `held`, until it clears it.
    driver: UnsafeCell<D>,
    unparker: D::Unparker,
}

// One thread at a time uses the driver (the field invariant of `driver`); the unparker is
// used from any thread, so it must be `Sync`.
// SAFETY: with the driver never shared between threads, sharing the slot needs only `D: Send`.
unsafe impl<D: Driver + Send> Sync for DriverSlot<D> where D::Unparker: Sync {}

impl<D: Driver> DriverSlot<D> {
    pub(crate) fn new(driver: D) -> DriverSlot<D> {
        let unparker = driver.unparker();
        DriverSlot {
            held: AtomicBool::new(false),
            driver: UnsafeCell::new(driver),
            unparker,
        }
    }

    /// Runs `f` on the driver, unless another worker holds it (then `None`).
    fn try_with<R>(&self, f: impl FnOnce(&mut D) -> R) -> Option<R> {
        // Acquire pairs with the Release in `Held::drop`: the previous holder's use of the
        // driver happens before ours.
        self.held
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        // Cleared on return and on unwind.
        struct Held<'a>(&'a AtomicBool);
        impl Drop for Held<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _held = Held(&self.held);
        Some(self.driver.with_mut(|driver| {
            // No other thread touches the driver until `_held` clears the flag, after this
            // closure returns.
            // SAFETY: we set `held`, so we have the driver to ourselves (the field invariant).
            f(unsafe { &mut *driver })
        }))
    }

    /// Polls the driver without blocking, if no other worker holds it.
    pub(crate) fn poll_now(&self) {
        self.try_with(|driver| driver.park_timeout(Duration::ZERO));
    }

    /// [`poll_now`](Self::poll_now), with a panic out of the driver contained (a waker that
    /// panics when woken): the panic hook has reported it, and the caller goes on.
    pub(crate) fn poll_now_contained(&self) {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.poll_now()));
    }
}

/// A worker's parker.
pub(crate) struct Parker<D: Driver> {
    inner: Arc<Inner<D>>,
}

/// Wakes a worker's parker from any thread.
pub(crate) struct Unparker<D: Driver> {
    inner: Arc<Inner<D>>,
}

impl<D: Driver> Clone for Unparker<D> {
    fn clone(&self) -> Unparker<D> {
        Unparker {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<D: Driver> {
    state: AtomicUsize,
    lock: Mutex<()>,
    condvar: Condvar,
    driver: Arc<DriverSlot<D>>,
}

impl<D: Driver> Parker<D> {
    pub(crate) fn new(driver: Arc<DriverSlot<D>>) -> Parker<D> {
        Parker {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                lock: Mutex::new(()),
                condvar: Condvar::new(),
                driver,
            }),
        }
    }

    pub(crate) fn unparker(&self) -> Unparker<D> {
        Unparker {
            inner: self.inner.clone(),
        }
    }

    /// Blocks until unparked or, with a `timeout`, until it passes (spurious returns
    /// allowed). Drives I/O and timers while blocked if the driver is free.
    pub(crate) fn park(&mut self, timeout: Option<Duration>) {
        let inner = &*self.inner;
        // Acquire pairs with the Release swap in `unpark`.
        if inner
            .state
            .compare_exchange(NOTIFIED, EMPTY, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
        if inner
            .driver
            .try_with(|driver| inner.park_driver(driver, timeout))
            .is_none()
        {
            inner.park_condvar(timeout);
        }
    }
}

impl<D: Driver> Inner<D> {
    fn park_driver(&self, driver: &mut D, timeout: Option<Duration>) {
        match self.state.compare_exchange(
            EMPTY,
            PARKED_DRIVER,
            Ordering::Acquire,
            Ordering::Acquire,
        ) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, Ordering::Acquire);
                return;
            }
            Err(actual) => unreachable!("worker parked twice (state {actual})"),
        }
        // Whether we were unparked, the driver returned for an event or a panic unwinds out
        // of it, leave the parked state; a token that arrived meanwhile is consumed by this
        // return.
        struct LeaveParked<'a>(&'a AtomicUsize);
        impl Drop for LeaveParked<'_> {
            fn drop(&mut self) {
                self.0.swap(EMPTY, Ordering::Acquire);
            }
        }
        let _leave = LeaveParked(&self.state);
        match timeout {
            Some(timeout) => driver.park_timeout(timeout),
            None => driver.park(),
        }
    }

    fn park_condvar(&self, timeout: Option<Duration>) {
        let mut guard = self.lock.lock();
        match self.state.compare_exchange(
            EMPTY,
            PARKED_CONDVAR,
            Ordering::Acquire,
            Ordering::Acquire,
        ) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, Ordering::Acquire);
                return;
            }
            Err(actual) => unreachable!("worker parked twice (state {actual})"),
        }
        loop {
            match timeout {
                None => guard = self.condvar.wait(guard),
                Some(timeout) => {
                    let (next, result) = self.condvar.wait_timeout(guard, timeout);
                    guard = next;
                    if result.timed_out() {
                        // Leave the parked state; a token that arrived meanwhile is consumed
                        // by this return, as in `park_driver`.
                        self.state.swap(EMPTY, Ordering::Acquire);
                        return;
                    }
                }
            }
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
        }
    }
}

impl<D: Driver> Unparker<D> {
    pub(crate) fn unpark(&self) {
        let inner = &*self.inner;
        // Release pairs with the Acquire in `park`.
        match inner.state.swap(NOTIFIED, Ordering::Release) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Taking the lock orders this notification after the worker's wait began.
                drop(inner.lock.lock());
                inner.condvar.notify_one();
            }
            PARKED_DRIVER => {
                // The driver's unparker is the one piece of driver code the scheduling paths
                // call (a wake-up, a spawn): a panic out of it must not unwind through them,
                // where it could drop a runnable mid-flight. The panic hook has reported it.
                let unpark = || inner.driver.unparker.unpark();
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(unpark));
            }
            actual => unreachable!("invalid parker state {actual}"),
        }
    }
}
