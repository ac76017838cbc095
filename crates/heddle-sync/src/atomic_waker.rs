//! [`AtomicWaker`]: one waker slot that one consumer registers in and any thread wakes,
//! without a lock.
//!
//! It is how a single consumer (the mpsc receiver) parks: register the waker, then re-check
//! the condition it waits for; a producer changes the condition, then calls [`wake`]. Every
//! `wake` makes the registered waker's `wake_by_ref` run after that `wake` began, so the task
//! polls again after the change and its re-check sees it. It is not a queue of waiters: a
//! second registration replaces the first.
//!
//! The waker stays in the cell when it is woken. A consumer that parks again with the same
//! waker (the usual case: the same task, polled again) finds it there and writes no atomic;
//! only a different waker is stored, under the cell's state. This relies on what every
//! executor provides: a wake happens-before the poll it causes.
//!
//! # State
//!
//! `state` is `wakes << 2 | PANICKED | REGISTERING`: how many `wake` calls are in progress,
//! whether the registered waker panicked, and whether the consumer is replacing the waker.
//! `PANICKED` may accompany any row below.
//!
//! | state | meaning | who may touch `waker` |
//! |---|---|---|
//! | idle: no wakes, no `REGISTERING` | nobody wakes or replaces the waker | the consumer may read it; the next `wake` or replacing `register` locks it |
//! | `REGISTERING` | the consumer replaces the waker | that consumer (reads and writes) |
//! | `wakes > 0`, no `REGISTERING` | one `wake` (the *drainer*) calls the waker | the drainer and the consumer read it; nobody writes |
//! | `wakes > 0`, `REGISTERING` | wakes arrived while the consumer replaced the waker | the consumer, which drains them when it unlocks |
//!
//! ```text
//!          (1) register (other waker): CAS idle -> REGISTERING    (2) unlock: CAS back to idle
//!   idle -------------------------------------------------> REGISTERING --------------------> idle
//!    |  ^                                                       |
//!    |  | (4) drained: the fetch_sub that leaves wakes = 0      | (5) wakes meanwhile: (2) fails;
//!    v  |                                                       v     the consumer clears the bit
//!  draining <----- (3) wake: fetch_add finds idle         REGISTERING + wakes ------------> draining
//!    (3') wake: fetch_add finds wakes > 0 or REGISTERING: leaves its wake to the drainer
//! ```
//!
//! 1–2. [`AtomicWaker::register`] with a waker that would wake a different task (or after the
//!    registered one panicked) stores it while holding `REGISTERING`; with the same waker it
//!    returns at once.
//! 3–4. [`AtomicWaker::wake`] adds one wake. The call that finds the state idle becomes the
//!    drainer: it calls `wake_by_ref`, then subtracts the wakes it has served; if more arrived
//!    meanwhile (3'), it calls the waker again for them, until its `fetch_sub` leaves none.
//! 5. The consumer's unlock finds wakes that arrived while it held the cell, and drains them
//!    itself (its new waker is the one they must reach).
//!
//! Why no wake is lost: a `wake` whose `fetch_add` finds a drainer is served by that drainer's
//! next round, whose `fetch_sub` reads (`AcqRel`) the added count, so the `wake_by_ref` of that
//! round comes after the waker's change of condition. A `wake` that comes while the consumer
//! stores a new waker is served by the consumer's unlock, after the store. A consumer that
//! cannot store its new waker (a drainer holds the cell) wakes it itself, so its task polls
//! again and registers then. Each `wake_by_ref` reaches a task that then polls again (or, if it
//! is running, polls once more after this poll): that poll's re-check sees the change.
//!
//! # Panics in wakers
//!
//! A panic in `wake_by_ref` propagates to the caller that ran it, after resetting the state to
//! `PANICKED` alone (wakes still counted are dropped: they would call the same waker). Later
//! wakes do not call that waker again; the consumer's next `register`, with any waker, stores
//! it and clears the flag, and its re-check, after the reset, sees every change made before.
//! So one panicking waker fails one `wake`, as if it had been taken out, and the cell stays
//! usable. A `wake` made while the thread already unwinds (a sender dropped during a panic)
//! swallows the waker's panic instead, which would abort the process, and drains on as if the
//! call had returned.
//!
//! `register` clones the waker before it locks the cell, so a `clone` that panics leaves the
//! cell as it was, the old waker still registered.
//!
//! [`wake`]: AtomicWaker::wake

use crate::loom::{AtomicUsize, Backoff, Ordering, UnsafeCell};
use crate::waiters::wake_by_ref;
use std::fmt;
use std::task::Waker;

const IDLE: usize = 0;
const REGISTERING: usize = 0b01;
/// The registered waker panicked: wakes no longer call it, and `register` replaces it even
/// with a waker of the same task.
const PANICKED: usize = 0b10;
/// One wake in progress; the count of them lives above the flags.
const WAKE: usize = 0b100;

/// A single waker slot: registered by one consumer, woken from any thread (module docs).
pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    /// Written only by the consumer, in `register` and `clear`, holding `REGISTERING`; read
    /// by the consumer at any time and by the drainer while it drains.
    waker: UnsafeCell<Option<Waker>>,
}

// `waker` is only accessed under the `state` protocol.
// SAFETY: the cell is handed between threads by `state`, and a `Waker` is `Send + Sync`.
unsafe impl Send for AtomicWaker {}
// SAFETY: shared access writes `waker` only while excluding every reader (see the invariant).
unsafe impl Sync for AtomicWaker {}

/// Resets `state` to `PANICKED` alone if the drain it guards unwinds (module docs, "Panics in
/// wakers").
struct ResetOnUnwind<'a>(&'a AtomicUsize);

impl Drop for ResetOnUnwind<'_> {
    fn drop(&mut self) {
        // A read-modify-write, so a consumer that later reads `state` still synchronises with
        // every wake counted before.
        self.0.swap(PANICKED, Ordering::AcqRel);
    }
}

impl AtomicWaker {
    pub(crate) fn new() -> Self {
        AtomicWaker {
            state: AtomicUsize::new(IDLE),
            waker: UnsafeCell::new(None),
        }
    }

    /// Registers `waker` to be woken by the next [`wake`](Self::wake)s. Free when the cell
    /// already holds a waker that wakes the same task.
    ///
    /// # Safety
    ///
    /// No other `register` or [`clear`](Self::clear) of this cell runs at the same time: it
    /// has one consumer.
    pub(crate) unsafe fn register(&self, waker: &Waker) {
        let same = self.waker.with(|cell| {
            // Only `register` and `clear` write the cell, and the caller rules those out;
            // wakes only read it.
            // SAFETY: so a shared read here races with no write.
            let current = unsafe { &*cell };
            current.as_ref().is_some_and(|w| w.will_wake(waker))
        });
        if same && self.state.load(Ordering::Acquire) & PANICKED == 0 {
            return;
        }
        // SAFETY: our caller's contract, passed on.
        unsafe { self.store(waker) };
    }

    /// The part of [`register`](Self::register) that stores a new waker; out of line, so the
    /// check above stays small where it is inlined (a receiver's every park).
    ///
    /// # Safety
    ///
    /// As for [`register`](Self::register).
    #[inline(never)]
    unsafe fn store(&self, waker: &Waker) {
        // Cloned before the cell is locked: a `clone` that panics leaves it as it was.
        let new = waker.clone();
        if !self.lock() {
            // A drainer is reading the cell, so ours cannot go in now. Wake it, so its task
            // polls again and registers then; the drainer is a few instructions from done.
            waker.wake_by_ref();
            Backoff::default().snooze();
            return;
        }
        // The CAS above took `REGISTERING`: nobody else reads or writes the cell until we unlock.
        let old = self.waker.with_mut(|cell| {
            // SAFETY: exclusive access to `waker`, as just said.
            unsafe { (*cell).replace(new) }
        });
        self.unlock();
        drop(old);
    }

    /// Empties the cell (the consumer is going away), unless a drainer is reading it; then
    /// the waker stays until the cell is dropped.
    ///
    /// # Safety
    ///
    /// As for [`register`](Self::register).
    pub(crate) unsafe fn clear(&self) {
        if !self.lock() {
            return;
        }
        // SAFETY: the CAS above took `REGISTERING`: exclusive access to `waker`.
        let old = self.waker.with_mut(|cell| unsafe { (*cell).take() });
        self.unlock();
        drop(old);
    }

    /// Takes `REGISTERING` (edge 1), clearing `PANICKED`; fails while a wake is draining.
    fn lock(&self) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        while state & !PANICKED == IDLE {
            match self.state.compare_exchange_weak(
                state,
                REGISTERING,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(actual) => state = actual,
            }
        }
        false
    }

    /// Gives `REGISTERING` up; drains the wakes that arrived while it was held (edge 5).
    fn unlock(&self) {
        if self
            .state
            .compare_exchange(REGISTERING, IDLE, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            let before = self.state.fetch_sub(REGISTERING, Ordering::AcqRel);
            self.drain(before / WAKE, before & PANICKED != 0);
        }
    }

    /// Wakes the registered waker (if any): its `wake_by_ref` runs after this call began,
    /// here or in the drainer of the moment.
    pub(crate) fn wake(&self) {
        let before = self.state.fetch_add(WAKE, Ordering::AcqRel);
        if before & !PANICKED == IDLE {
            self.drain(1, before & PANICKED != 0);
        }
    }

    /// Calls the waker for `seen` counted wakes, then for any counted meanwhile, until none
    /// is left; only counts them off if the waker panicked before. The caller is the drainer:
    /// `wakes >= seen > 0` and `REGISTERING` is clear, so `PANICKED` cannot change (only
    /// `lock` clears it) until the drain ends or unwinds.
    fn drain(&self, mut seen: usize, panicked: bool) {
        let reset = ResetOnUnwind(&self.state);
        loop {
            if !panicked {
                self.waker.with(|cell| {
                    // While wakes are counted without `REGISTERING`, nobody writes the cell.
                    // SAFETY: a shared read racing with no write.
                    if let Some(waker) = unsafe { &*cell } {
                        wake_by_ref(waker);
                    }
                });
            }
            let before = self.state.fetch_sub(seen * WAKE, Ordering::AcqRel);
            let left = before / WAKE - seen;
            if left == 0 {
                break;
            }
            seen = left;
        }
        std::mem::forget(reset);
    }
}

impl fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtomicWaker").finish_non_exhaustive()
    }
}
