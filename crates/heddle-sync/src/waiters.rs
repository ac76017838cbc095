//! The one FIFO waiter queue every waiting primitive in this crate is built on.
//!
//! [`WaitQueue`] is a counting semaphore with a fair queue of waiters. The public types are
//! policies on top of it:
//!
//! | user | permits | an acquire of | close means |
//! |---|---|---|---|
//! | `Semaphore` | the user's count | `n` | `AcquireError` |
//! | `Mutex` | 1 | 1 | never closed |
//! | `RwLock` | `MAX_READS` | 1 (read) or `MAX_READS` (write) | never closed |
//! | bounded `mpsc` | free slots | 1 per message | the receiver closed |
//! | `Notify` | 0 or 1 stored notification (`cap` 1) | 1 | never closed |
//! | closed / cancelled signals | 0 | 1 | the event happened |
//!
//! # State and who may touch it
//!
//! Everything lives in one [`State`] behind one mutex: the free permit count, the closed flag,
//! the FIFO `queue` of waiting slot keys and the `slots` themselves. A slot belongs to one
//! [`Acquire`] future; it is created on that future's first pending poll and removed by the
//! future itself, either when it completes or in its `Drop`. Other parties only change the
//! slot's `grant` from `Waiting` to `Permits` or `Broadcast` and take its waker.
//!
//! ```text
//!            (1) first poll, no permits          (2) grant_queued / grant_all
//!   [none] ------------------------------> Waiting -----------------------------> Granted
//!     ^                                       |                                      |
//!     |  (3) poll sees Closed, or Drop        |       (4) poll observes the grant    |
//!     +---------------------------------------+--------------------------------------+
//!                                                  (5) Drop before (4): permits are
//!                                                      released to the next waiter
//! ```
//!
//! 1. [`Acquire::poll`] inserts the slot and pushes its key on `queue`.
//! 2. [`State::grant_queued`] (permits available, strictly in queue order) or
//!    [`WaitQueue::grant_all`] (a `notify_waiters`) pops the key and marks the slot granted.
//! 3. [`Acquire::poll`] returns `Closed`, or `Drop` removes a waiting slot; removing the head
//!    may unblock the waiters behind it, so `grant_queued` runs again.
//! 4. [`Acquire::poll`] removes a granted slot and returns `Ok`.
//! 5. `Drop` of a granted slot gives its permits back and runs `grant_queued`, so a grant is
//!    never lost by cancellation.
//!
//! # Invariants
//!
//! - Every key in `queue` names a slot whose grant is `Waiting`, and every waiting slot is in
//!   `queue` exactly once.
//! - When `queue` is not empty, its head needs more permits than are free (otherwise
//!   `grant_queued` would have granted it before the lock was released). This is what makes the
//!   queue FIFO-fair: a later, smaller request never overtakes the head.
//! - `permits <= cap`.
//!
//! # Wakers
//!
//! Wakers are never called with the lock held: operations collect them into a [`WakeList`],
//! unlock, then wake. A waker that panics does not stop the others from being woken, and the
//! state was fully updated before any waker ran, so the queue stays consistent and usable.

use crate::loom::Mutex;
use slab::Slab;
use std::collections::VecDeque;
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Wakers collected under a lock, to be woken after it is released.
#[derive(Default)]
pub(crate) struct WakeList(Vec<Waker>);

impl WakeList {
    pub(crate) fn new() -> Self {
        WakeList(Vec::new())
    }

    pub(crate) fn push(&mut self, waker: Option<Waker>) {
        if let Some(waker) = waker {
            self.0.push(waker);
        }
    }

    /// Wakes every collected waker, even if some of them panic.
    ///
    /// The first panic is resumed after all wakers ran, unless the thread is already unwinding
    /// (then it is swallowed: a second panic would abort the process).
    pub(crate) fn wake_all(self) {
        let mut first_panic = None;
        for waker in self.0 {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| waker.wake())) {
                first_panic.get_or_insert(payload);
            }
        }
        if let Some(payload) = first_panic {
            if !std::thread::panicking() {
                resume_unwind(payload);
            }
        }
    }
}

/// Why an acquire did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The queue was closed before permits were granted.
    Closed,
    /// (`try_acquire` only) not enough free permits, or others are queued first.
    NoPermits,
}

/// How a waiting slot was released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    /// Still queued.
    Waiting,
    /// Holds `needed` permits; they go back to the queue if the future is dropped unobserved.
    Permits,
    /// Woken by [`WaitQueue::grant_all`]; holds nothing, so a drop passes nothing on.
    Broadcast,
}

#[derive(Debug)]
struct Slot {
    needed: usize,
    waker: Option<Waker>,
    grant: Grant,
}

#[derive(Debug)]
struct State {
    /// Free permits. `permits <= cap`.
    permits: usize,
    cap: usize,
    closed: bool,
    /// Bumped by every [`WaitQueue::grant_all`]; lets `Notify` see calls made after a future
    /// was created but before it was first polled.
    generation: u64,
    /// Keys of `Waiting` slots, oldest first.
    queue: VecDeque<usize>,
    slots: Slab<Slot>,
}

impl State {
    /// Grants permits to queued waiters, strictly in FIFO order, while the head fits. A closed
    /// queue grants nothing more: its waiters were woken by `close` and fail on their next poll.
    fn grant_queued(&mut self, wakers: &mut WakeList) {
        if self.closed {
            return;
        }
        while let Some(&key) = self.queue.front() {
            let slot = &mut self.slots[key];
            if slot.needed > self.permits {
                break;
            }
            self.permits -= slot.needed;
            slot.grant = Grant::Permits;
            wakers.push(slot.waker.take());
            self.queue.pop_front();
        }
    }

    fn release(&mut self, n: usize, wakers: &mut WakeList) {
        self.permits = self.permits.saturating_add(n).min(self.cap);
        self.grant_queued(wakers);
    }
}

/// A fair counting semaphore with a FIFO waiter queue; see the module docs.
#[derive(Debug)]
pub(crate) struct WaitQueue {
    state: Mutex<State>,
}

impl WaitQueue {
    /// A queue with `permits` free permits, never holding more than `cap`.
    pub(crate) fn new(permits: usize, cap: usize) -> Self {
        debug_assert!(permits <= cap);
        WaitQueue {
            state: Mutex::new(State {
                permits,
                cap,
                closed: false,
                generation: 0,
                queue: VecDeque::new(),
                slots: Slab::new(),
            }),
        }
    }

    /// Takes `n` permits now, or says why not. Never jumps the queue.
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), Refused> {
        let mut state = self.state.lock();
        if state.closed {
            Err(Refused::Closed)
        } else if state.queue.is_empty() && state.permits >= n {
            state.permits -= n;
            Ok(())
        } else {
            Err(Refused::NoPermits)
        }
    }

    /// A future that waits for `n` permits in FIFO order.
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        Acquire {
            queue: self,
            needed: n,
            key: None,
            generation: None,
        }
    }

    /// Like [`acquire`](Self::acquire) for one permit, but also completes if [`grant_all`]
    /// runs after this call, even before the first poll (`Notify::notified`).
    ///
    /// [`grant_all`]: Self::grant_all
    pub(crate) fn acquire_or_broadcast(&self) -> Acquire<'_> {
        let generation = self.state.lock().generation;
        Acquire {
            queue: self,
            needed: 1,
            key: None,
            generation: Some(generation),
        }
    }

    /// Returns `n` permits (saturating at the cap) and grants queued waiters.
    pub(crate) fn release(&self, n: usize) {
        let mut wakers = WakeList::new();
        self.state.lock().release(n, &mut wakers);
        wakers.wake_all();
    }

    /// Wakes every waiter queued now without giving them permits (`Notify::notify_waiters`).
    pub(crate) fn grant_all(&self) {
        let mut wakers = WakeList::new();
        {
            let mut state = self.state.lock();
            let state = &mut *state;
            state.generation = state.generation.wrapping_add(1);
            for key in state.queue.drain(..) {
                let slot = &mut state.slots[key];
                slot.grant = Grant::Broadcast;
                wakers.push(slot.waker.take());
            }
        }
        wakers.wake_all();
    }

    /// Closes the queue: pending and future acquires fail; granted ones keep their permits.
    /// Returns `true` if this call closed it.
    pub(crate) fn close(&self) -> bool {
        let mut wakers = WakeList::new();
        let newly_closed;
        {
            let mut state = self.state.lock();
            let state = &mut *state;
            newly_closed = !state.closed;
            state.closed = true;
            for &key in &state.queue {
                wakers.push(state.slots[key].waker.take());
            }
        }
        wakers.wake_all();
        newly_closed
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.state.lock().closed
    }

    pub(crate) fn available_permits(&self) -> usize {
        self.state.lock().permits
    }

    /// Removes up to `n` free permits; returns how many were removed.
    pub(crate) fn forget_permits(&self, n: usize) -> usize {
        let mut state = self.state.lock();
        let taken = state.permits.min(n);
        state.permits -= taken;
        taken
    }
}

/// The future returned by [`WaitQueue::acquire`].
///
/// # Cancel safety
///
/// Dropping it before it completes removes its slot. If permits had already been granted to it,
/// they are handed to the next waiter, so cancellation never loses a grant.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub(crate) struct Acquire<'a> {
    queue: &'a WaitQueue,
    needed: usize,
    /// The slot key while queued or granted-but-unobserved.
    key: Option<usize>,
    /// `Some` for `acquire_or_broadcast`: the generation seen at creation.
    generation: Option<u64>,
}

impl Future for Acquire<'_> {
    type Output = Result<(), Refused>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut wakers = WakeList::new();
        let mut guard = this.queue.state.lock();
        let state = &mut *guard;
        let result = match this.key {
            None => {
                if this.generation.is_some_and(|g| g != state.generation) {
                    this.generation = None;
                    Poll::Ready(Ok(()))
                } else if state.closed {
                    Poll::Ready(Err(Refused::Closed))
                } else if state.queue.is_empty() && state.permits >= this.needed {
                    state.permits -= this.needed;
                    Poll::Ready(Ok(()))
                } else {
                    let waker = cx.waker().clone();
                    let key = state.slots.insert(Slot {
                        needed: this.needed,
                        waker: Some(waker),
                        grant: Grant::Waiting,
                    });
                    state.queue.push_back(key);
                    this.key = Some(key);
                    Poll::Pending
                }
            }
            Some(key) => match state.slots[key].grant {
                Grant::Permits | Grant::Broadcast => {
                    state.slots.remove(key);
                    this.key = None;
                    Poll::Ready(Ok(()))
                }
                Grant::Waiting if state.closed => {
                    state.slots.remove(key);
                    state.queue.retain(|&k| k != key);
                    this.key = None;
                    // The head left; those behind it may fit now.
                    state.grant_queued(&mut wakers);
                    Poll::Ready(Err(Refused::Closed))
                }
                Grant::Waiting => {
                    let slot = &mut state.slots[key];
                    match &slot.waker {
                        Some(w) if w.will_wake(cx.waker()) => {}
                        _ => slot.waker = Some(cx.waker().clone()),
                    }
                    Poll::Pending
                }
            },
        };
        if result.is_ready() {
            // A completed future never reports a broadcast from before it completed.
            this.generation = None;
        }
        drop(guard);
        wakers.wake_all();
        result
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let mut wakers = WakeList::new();
        // Declared outside the locked block, so its waker is dropped after the unlock.
        let slot;
        {
            let mut state = self.queue.state.lock();
            slot = state.slots.remove(key);
            match slot.grant {
                Grant::Waiting => {
                    state.queue.retain(|&k| k != key);
                    state.grant_queued(&mut wakers);
                }
                Grant::Permits => state.release(slot.needed, &mut wakers),
                Grant::Broadcast => {}
            }
        }
        drop(slot);
        wakers.wake_all();
    }
}
