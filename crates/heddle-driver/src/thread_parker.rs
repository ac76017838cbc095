//! `ThreadParker`: the driver with no I/O, a mutex and condition variable behind a state word.
//!
//! # State word
//!
//! ```text
//!            park() finds no token          unpark() (while PARKED)
//!   EMPTY ──────────────────────────▶ PARKED ─────────────────────▶ NOTIFIED
//!     ▲  ◀── park() returns, timeout ──┘                               │
//!     │                                                               │
//!     └──────────── park() consumes the token ◀───────────────────────┘
//!                   (unpark() from EMPTY also goes straight to NOTIFIED)
//! ```
//!
//! * `EMPTY`: nobody parked, no token stored.
//! * `PARKED`: the owner is blocked (or about to block) on the condvar. Only `park` sets it.
//! * `NOTIFIED`: a token is stored. `unpark` sets it from either other state; `park` consumes
//!   it (back to `EMPTY`) and returns.
//!
//! Liveness: `unpark` moving `PARKED → NOTIFIED` takes the mutex before notifying the condvar,
//! and `park` re-reads the state under the same mutex before each wait, so the notification
//! cannot fall between the parked thread's check and its wait.

use std::time::Duration;

use crate::loom::{Arc, AtomicUsize, Condvar, Mutex, Ordering};
use crate::{Driver, Unparker};

/// Nobody parked, no token stored.
const EMPTY: usize = 0;
/// The owner is parked or about to wait on the condvar.
const PARKED: usize = 1;
/// An unpark token is stored.
const NOTIFIED: usize = 2;

/// A [`Driver`] that blocks the thread on a condition variable and has no I/O or timers.
///
/// Executors use it for pure computation, for tests, and under miri (which cannot run the
/// OS poller). It can be moved between threads: the token belongs to the parker, not to a
/// thread, unlike [`std::thread::park`].
///
/// # Examples
///
/// ```
/// use heddle_driver::{Driver, ThreadParker, Unparker};
/// use std::time::{Duration, Instant};
///
/// let mut parker = ThreadParker::new();
/// let start = Instant::now();
/// parker.park_timeout(Duration::from_millis(5)); // no unpark: returns after the timeout
/// assert!(start.elapsed() >= Duration::from_millis(1) || cfg!(miri));
///
/// parker.unparker().unpark();
/// parker.park(); // the stored token makes this return at once
/// ```
#[derive(Debug, Default)]
pub struct ThreadParker {
    inner: Arc<Inner>,
}

/// The [`Unparker`] of a [`ThreadParker`].
///
/// # Examples
///
/// ```
/// use heddle_driver::{Driver, ThreadParker, ThreadUnparker, Unparker};
///
/// let parker = ThreadParker::new();
/// let unparker: ThreadUnparker = parker.unparker();
/// unparker.unpark();
/// ```
#[derive(Debug, Clone)]
pub struct ThreadUnparker {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// `EMPTY`, `PARKED` or `NOTIFIED`; see the module docs.
    state: AtomicUsize,
    lock: Mutex<()>,
    condvar: Condvar,
}

impl ThreadParker {
    /// Creates a parker with no token stored.
    ///
    /// # Examples
    ///
    /// ```
    /// let parker = heddle_driver::ThreadParker::new();
    /// # drop(parker);
    /// ```
    pub fn new() -> ThreadParker {
        ThreadParker::default()
    }
}

impl Driver for ThreadParker {
    type Unparker = ThreadUnparker;

    fn park(&mut self) {
        self.inner.park(None);
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.inner.park(Some(timeout));
    }

    fn unparker(&self) -> ThreadUnparker {
        ThreadUnparker {
            inner: self.inner.clone(),
        }
    }
}

impl Unparker for ThreadUnparker {
    fn unpark(&self) {
        self.inner.unpark();
    }
}

impl Inner {
    fn park(&self, timeout: Option<Duration>) {
        // Fast path: a token is already stored. Acquire pairs with the Release in `unpark`,
        // so whatever the unparking thread wrote before unparking is visible after we return.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
        if timeout == Some(Duration::ZERO) {
            return;
        }

        let mut guard = self.lock.lock();
        match self
            .state
            .compare_exchange(EMPTY, PARKED, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // The token arrived between the fast path and taking the lock. `swap` (not a
                // store) so the Acquire synchronises with the unparker's Release.
                let old = self.state.swap(EMPTY, Ordering::Acquire);
                debug_assert_eq!(old, NOTIFIED);
                return;
            }
            Err(actual) => unreachable!("ThreadParker parked from two threads (state {actual})"),
        }

        match timeout {
            None => loop {
                guard = self.condvar.wait(guard);
                if self
                    .state
                    .compare_exchange(NOTIFIED, EMPTY, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    return;
                }
                // A spurious condvar wake-up: keep waiting.
            },
            Some(timeout) => {
                let (_guard, _) = self.condvar.wait_timeout(guard, timeout);
                // Whether we were notified or timed out, leave the parked state. If a token
                // arrived, consume it: this return is the wake-up it asked for.
                self.state.swap(EMPTY, Ordering::Acquire);
            }
        }
    }

    fn unpark(&self) {
        // Release pairs with the Acquire in `park`.
        match self.state.swap(NOTIFIED, Ordering::Release) {
            EMPTY | NOTIFIED => {}
            PARKED => {
                // Take the lock so the notification cannot slip between the parked thread's
                // state check and its wait: it either has not checked yet (and will see
                // NOTIFIED) or is already waiting (and gets the signal).
                drop(self.lock.lock());
                self.condvar.notify_one();
            }
            other => unreachable!("invalid ThreadParker state {other}"),
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn unpark_before_park_is_not_lost() {
        let mut parker = ThreadParker::new();
        parker.unparker().unpark();
        let start = Instant::now();
        parker.park();
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn one_token_releases_one_park() {
        let mut parker = ThreadParker::new();
        let unparker = parker.unparker();
        unparker.unpark();
        unparker.unpark();
        parker.park();
        // The second unpark did not add a second token: this park times out.
        parker.park_timeout(Duration::from_millis(1));
        assert_eq!(parker.inner.state.load(Ordering::SeqCst), EMPTY);
    }

    #[test]
    fn zero_timeout_never_blocks() {
        let mut parker = ThreadParker::new();
        for _ in 0..100 {
            parker.park_timeout(Duration::ZERO);
        }
    }

    #[test]
    fn unpark_from_other_threads_wakes_park() {
        let mut parker = ThreadParker::new();
        let rounds = if cfg!(miri) { 10 } else { 1_000 };
        for _ in 0..rounds {
            let unparker = parker.unparker();
            let t = std::thread::spawn(move || unparker.unpark());
            parker.park_timeout(Duration::from_secs(10));
            t.join().unwrap();
        }
    }

    #[test]
    fn parker_moves_between_threads() {
        let parker = ThreadParker::new();
        let unparker = parker.unparker();
        unparker.unpark();
        std::thread::spawn(move || {
            let mut parker = parker;
            parker.park();
        })
        .join()
        .unwrap();
    }

    #[test]
    fn send_sync_table() {
        fn is_send<T: Send>() {}
        fn is_sync<T: Sync>() {}
        is_send::<ThreadParker>();
        is_sync::<ThreadParker>();
        is_send::<ThreadUnparker>();
        is_sync::<ThreadUnparker>();
    }
}
