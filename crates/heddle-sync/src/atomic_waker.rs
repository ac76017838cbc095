//! [`AtomicWaker`]: one waker slot that one task registers in and any thread wakes, without a
//! lock.
//!
//! It is how a single consumer (the mpsc receiver) parks: register the waker, then re-check
//! the condition it waits for; a producer changes the condition, then calls [`wake`]. Either
//! the producer's `wake` finds the registered waker, or the consumer's re-check sees the
//! change. It is not a queue of waiters: a second registration replaces the first.
//!
//! # State
//!
//! `state` guards `waker`:
//!
//! | state | meaning | who may touch `waker` |
//! |---|---|---|
//! | `WAITING` (0) | idle | nobody; the next `register` or `wake` locks it |
//! | `REGISTERING` | a `register` owns the cell | that `register` |
//! | `WAKING` | a `wake` owns the cell | that `wake` |
//! | `REGISTERING \| WAKING` | a `wake` arrived while a `register` owned the cell | the `register`, which then wakes the new waker itself |
//!
//! ```text
//!            (1) register: CAS WAITING -> REGISTERING      (2) register done: CAS back to WAITING
//!   WAITING -------------------------------------> REGISTERING ------------------------------> WAITING
//!      |  ^                                            |
//!      |  | (4) wake done: clear WAKING                | (5) wake meanwhile: set WAKING; the CAS of (2)
//!      v  |                                            v     fails, register takes and wakes the waker
//!     WAKING <------ (3) wake: fetch_or WAKING    REGISTERING|WAKING --------------------------> WAITING
//! ```
//!
//! 1–2. [`AtomicWaker::register`] stores the waker (cloning only if it would wake a different
//!    task) and unlocks.
//! 3–4. [`AtomicWaker::take`] (and [`wake`]) takes the waker out and unlocks.
//! 5. A `take` that finds `REGISTERING` only sets `WAKING` and returns `None`; the registering
//!    side sees the bit when it unlocks, takes the waker and wakes it, so the wake is not lost.
//!
//! Both (1) and (3) are read-modify-writes of `state` with `AcqRel`, so they are totally
//! ordered: either the producer's (3) comes after the consumer's (1), and finds the waker (or
//! triggers (5)), or it comes before, and the consumer's (1) synchronises with it, so the
//! consumer's re-check after `register` sees everything the producer did before `wake`.
//!
//! # Panics in wakers
//!
//! No waker code (`clone`, `wake`, `drop`) runs while the cell is locked, except `clone` in
//! (1), which unlocks on unwind. So a panicking waker propagates to the caller that ran it and
//! leaves the cell usable.
//!
//! [`wake`]: AtomicWaker::wake

use crate::loom::{AtomicUsize, Backoff, Ordering, UnsafeCell};
use std::fmt;
use std::task::Waker;

const WAITING: usize = 0;
const REGISTERING: usize = 0b01;
const WAKING: usize = 0b10;

/// A lock-free cell for the waker of one task; see the module docs.
pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    /// # Invariant
    ///
    /// Only accessed by the party that moved `state` from `WAITING` to `REGISTERING` or
    /// `WAKING`, until it moves it back.
    waker: UnsafeCell<Option<Waker>>,
}

// `waker` is only accessed under the `state` protocol, one party at a time.
// SAFETY: the cell is handed between threads by `state`, and a `Waker` is `Send + Sync`.
unsafe impl Send for AtomicWaker {}
// SAFETY: shared access never touches `waker` without owning `state` (see the invariant).
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    pub(crate) fn new() -> Self {
        AtomicWaker {
            state: AtomicUsize::new(WAITING),
            waker: UnsafeCell::new(None),
        }
    }

    /// Registers `waker` to be woken by the next [`wake`](Self::wake), replacing the previous
    /// one. Call it before re-checking the awaited condition.
    pub(crate) fn register(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(WAITING, REGISTERING, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => {}
            Err(state) if state & WAKING != 0 => {
                // A `take` owns the cell right now, waking the previous waker. Ours may be a
                // different task that would miss this wake: wake it, so it polls again. The
                // `take` is a few instructions from done; let it finish before that poll.
                waker.wake_by_ref();
                Backoff::default().snooze();
                return;
            }
            // Another `register` runs concurrently; only one consumer registers, so this
            // cannot happen through the crate's types. Leave the cell to that call.
            Err(_) => return,
        }

        // Puts the state back if `clone` panics, so the cell stays usable.
        struct Unlock<'a>(&'a AtomicUsize);
        impl Drop for Unlock<'_> {
            fn drop(&mut self) {
                self.0.store(WAITING, Ordering::Release);
            }
        }
        let unlock = Unlock(&self.state);
        // The CAS above moved `state` to `REGISTERING`: the cell is ours until we move it back.
        // SAFETY: exclusive access to `waker` by its invariant.
        let old = self.waker.with_mut(|cell| unsafe {
            match &*cell {
                Some(current) if current.will_wake(waker) => None,
                _ => (*cell).replace(waker.clone()),
            }
        });
        std::mem::forget(unlock);

        match self
            .state
            .compare_exchange(REGISTERING, WAITING, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => drop(old),
            Err(_) => {
                // (5): a `take` ran while we held the cell and left the wake to us. `state` is
                // still `REGISTERING | WAKING`: the `take` only set the bit.
                // SAFETY: the cell is still ours (invariant on `waker`).
                let woken = self.waker.with_mut(|cell| unsafe { (*cell).take() });
                self.state.store(WAITING, Ordering::Release);
                drop(old);
                if let Some(woken) = woken {
                    woken.wake();
                }
            }
        }
    }

    /// Takes the registered waker out, if any, for the caller to wake.
    pub(crate) fn take(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, Ordering::AcqRel) {
            WAITING => {
                // We moved `state` from `WAITING` to `WAKING`: the cell is ours until we clear it.
                // SAFETY: exclusive access to `waker` by its invariant.
                let waker = self.waker.with_mut(|cell| unsafe { (*cell).take() });
                self.state.fetch_and(!WAKING, Ordering::Release);
                waker
            }
            // A `register` owns the cell and will see `WAKING` (edge 5), or another `take`
            // is taking the waker already.
            _ => None,
        }
    }

    /// Wakes the registered waker, if any. A panic from the waker propagates after the cell
    /// was unlocked.
    pub(crate) fn wake(&self) {
        if let Some(waker) = self.take() {
            waker.wake();
        }
    }
}

impl fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtomicWaker").finish_non_exhaustive()
    }
}
