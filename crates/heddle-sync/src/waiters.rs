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
//! The free permit count lives in one atomic `word`, next to two flags:
//!
//! | bits | name | set by | cleared by |
//! |---|---|---|---|
//! | 0 | `CLOSED` | [`WaitQueue::close`] (without the lock) | never |
//! | 1 | `QUEUED` | a waiter joining an empty queue (lock held) | whoever empties the queue (lock held) |
//! | 2.. | free permits | `release` (adds), `acquire` (takes) | |
//!
//! The FIFO `queue` of waiting slot keys and the `slots` themselves live behind the `waiters`
//! mutex. A slot belongs to one [`Acquire`] future; it is created on that future's first
//! pending poll and removed by the future itself, either when it completes or in its `Drop`.
//! Other parties only change the slot's `grant` from `Waiting` to `Permits` or `Broadcast` and
//! take its waker.
//!
//! **Fast path, no lock:** while `QUEUED` is clear, [`WaitQueue::try_acquire`] (and the first
//! poll of an [`Acquire`]) take permits with one CAS on `word`; `release` adds them with one
//! CAS, and [`WaitQueue::give_back`] (permits the caller holds, so the cap cannot be exceeded)
//! with one `fetch_add`. **Slow path, under the lock:** an acquire that finds too few permits
//! sets `QUEUED` (with a CAS that fails if a release slipped in, so it then sees the permit)
//! and queues; a release that finds `QUEUED` set takes the lock, adds its permits and grants
//! them to the queue head (`give_back` adds first, then sees the flag in the value its
//! `fetch_add` returned and does the same). While `QUEUED` is set nobody takes permits without
//! the lock, so a new acquirer never barges ahead of a queued one.
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
//! 1. [`Acquire::poll`] inserts the slot, sets `QUEUED` and pushes its key on `queue`.
//! 2. [`WaitQueue::grant_queued`] (permits available, strictly in queue order) or
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
//! - Whenever the lock is free: `QUEUED` is set exactly when `queue` is not empty, and then its
//!   head needs more permits than are free (otherwise `grant_queued` would have granted it
//!   before the lock was released), except for permits a `give_back` added and is about to
//!   grant. This is what makes the queue FIFO-fair: a later, smaller request never overtakes
//!   the head.
//! - Whoever adds permits to `word` while `QUEUED` is set runs `grant_queued` under the lock
//!   afterwards (`release` adds them under the lock, `give_back` just before taking it). So a
//!   permit released while waiters queue always reaches them.
//! - `permits <= cap <= usize::MAX >> 2`.
//!
//! # Wakers
//!
//! Wakers are never called with the lock held: operations collect them into a [`WakeList`],
//! unlock, then wake. A waker that panics does not stop the others from being woken, and the
//! state was fully updated before any waker ran, so the queue stays consistent and usable.
//!
//! A waker is cloned under the lock, though, and `clone` may panic too. The first poll clones
//! before its CAS sets `QUEUED` (`acquire_or_queue`), so a panic leaves the word, the queue and
//! the slots as they were: no `QUEUED` without a queued waiter, which would make every later
//! acquire queue behind nobody. A later poll replaces its slot's waker in one assignment,
//! evaluated (and so panicking) before the old waker is touched.

use crate::loom::{AtomicUsize, Mutex, Ordering};
use slab::Slab;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Wakers collected under a lock, to be woken after it is released. The first one is stored
/// inline, so the common case (zero or one waker) does not allocate.
#[derive(Default)]
pub(crate) struct WakeList {
    first: Option<Waker>,
    rest: Vec<Waker>,
}

impl WakeList {
    pub(crate) fn new() -> Self {
        WakeList::default()
    }

    pub(crate) fn push(&mut self, waker: Option<Waker>) {
        let Some(waker) = waker else { return };
        if self.first.is_none() {
            self.first = Some(waker);
        } else {
            self.rest.push(waker);
        }
    }

    /// Wakes every collected waker, even if some of them panic.
    ///
    /// The first panic is resumed after all wakers ran, unless the thread is already unwinding
    /// (then it is swallowed: a second panic would abort the process).
    pub(crate) fn wake_all(self) {
        let mut first_panic = None;
        for waker in self.first.into_iter().chain(self.rest) {
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

    /// Runs `f`, then [`wake_all`](Self::wake_all): for a caller whose last step before
    /// waking runs user code (drops messages). The wakers are woken even if `f` panics.
    pub(crate) fn wake_all_after(self, f: impl FnOnce()) {
        struct WakeOnDrop(Option<WakeList>);
        impl Drop for WakeOnDrop {
            fn drop(&mut self) {
                if let Some(wakers) = self.0.take() {
                    wakers.wake_all();
                }
            }
        }
        let wake = WakeOnDrop(Some(self));
        f();
        drop(wake);
    }
}

/// Wakes `waker` by reference, for the callers that wake one waker without a [`WakeList`].
/// A panic of the waker is passed on, unless the thread is already unwinding (a handle
/// dropped during a panic): then it is swallowed, as a second panic would abort the process.
#[inline]
pub(crate) fn wake_by_ref(waker: &Waker) {
    if std::thread::panicking() {
        wake_by_ref_while_unwinding(waker);
    } else {
        waker.wake_by_ref();
    }
}

/// The unwinding case of [`wake_by_ref`], out of line so that the common case stays small
/// enough to inline into the wake paths.
#[cold]
#[inline(never)]
fn wake_by_ref_while_unwinding(waker: &Waker) {
    let _ = catch_unwind(AssertUnwindSafe(|| waker.wake_by_ref()));
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

/// The queue itself: everything but the permit count. Guarded by [`WaitQueue::waiters`].
#[derive(Debug)]
struct Waiters {
    /// Bumped by every [`WaitQueue::grant_all`]; lets `Notify` see calls made after a future
    /// was created but before it was first polled.
    generation: u64,
    /// Keys of `Waiting` slots, oldest first.
    queue: VecDeque<usize>,
    slots: Slab<Slot>,
}

/// `word` bit: the queue is closed.
const CLOSED: usize = 0b01;
/// `word` bit: waiters are queued; permits are taken only under the lock.
const QUEUED: usize = 0b10;
const FLAGS: usize = CLOSED | QUEUED;
/// The free permit count sits above the flags.
const PERMIT_SHIFT: u32 = 2;

fn free_permits(word: usize) -> usize {
    word >> PERMIT_SHIFT
}

/// A fair counting semaphore with a FIFO waiter queue; see the module docs.
#[derive(Debug)]
pub(crate) struct WaitQueue {
    /// `free permits << PERMIT_SHIFT | QUEUED | CLOSED`.
    word: AtomicUsize,
    cap: usize,
    waiters: Mutex<Waiters>,
}

impl WaitQueue {
    const_unless_loom! {
        /// A queue with `permits` free permits, never holding more than `cap`. `const` (except
        /// under loom), for the `const_new` constructors.
        pub(crate) fn new(permits: usize, cap: usize) -> Self {
            debug_assert!(permits <= cap && cap <= usize::MAX >> PERMIT_SHIFT);
            WaitQueue {
                word: AtomicUsize::new(permits << PERMIT_SHIFT),
                cap,
                waiters: Mutex::new(Waiters {
                    generation: 0,
                    queue: VecDeque::new(),
                    slots: Slab::new(),
                }),
            }
        }
    }

    /// Takes `n` permits now, or says why not. Never jumps the queue. Lock-free.
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), Refused> {
        let mut word = self.word.load(Ordering::Acquire);
        loop {
            if word & CLOSED != 0 {
                return Err(Refused::Closed);
            }
            if word & QUEUED != 0 || free_permits(word) < n {
                return Err(Refused::NoPermits);
            }
            // Acquire: pairs with the `Release` of the `release` that freed these permits.
            match self.word.compare_exchange_weak(
                word,
                word - (n << PERMIT_SHIFT),
                Ordering::Acquire,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => word = actual,
            }
        }
    }

    /// A future that waits for `n` permits in FIFO order.
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        AcquireOn::new(self, n)
    }

    /// Like [`acquire`](Self::acquire) for one permit, but also completes if [`grant_all`]
    /// runs after this call, even before the first poll (`Notify::notified`).
    ///
    /// [`grant_all`]: Self::grant_all
    pub(crate) fn acquire_or_broadcast(&self) -> Acquire<'_> {
        AcquireOn::or_broadcast(self)
    }

    /// Returns `n` permits (saturating at the cap) and grants queued waiters. Lock-free unless
    /// waiters are queued.
    pub(crate) fn release(&self, n: usize) {
        let mut word = self.word.load(Ordering::Relaxed);
        loop {
            if word & QUEUED != 0 {
                // The permits go to the queue head, under the lock.
                let mut wakers = WakeList::new();
                {
                    let mut waiters = self.waiters.lock();
                    self.add_permits(n);
                    self.grant_queued(&mut waiters, &mut wakers);
                }
                wakers.wake_all();
                return;
            }
            // Fails (and retries, seeing the flag) if a waiter set `QUEUED` meanwhile.
            match self.word.compare_exchange_weak(
                word,
                self.with_added(word, n),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => word = actual,
            }
        }
    }

    /// Gives back `n` permits the caller holds (so the cap cannot be exceeded) and grants
    /// queued waiters: one `fetch_add`, plus the lock only if waiters are queued.
    pub(crate) fn give_back(&self, n: usize) {
        // The permits may sit in `word` with `QUEUED` set until we hold the lock; nobody
        // takes them without the lock meanwhile, and we grant them next.
        if self.word.fetch_add(n << PERMIT_SHIFT, Ordering::Release) & QUEUED != 0 {
            let mut wakers = WakeList::new();
            {
                let mut waiters = self.waiters.lock();
                self.grant_queued(&mut waiters, &mut wakers);
            }
            wakers.wake_all();
        }
    }

    /// `word` with `n` more free permits, saturating at the cap.
    fn with_added(&self, word: usize, n: usize) -> usize {
        let permits = free_permits(word).saturating_add(n).min(self.cap);
        permits << PERMIT_SHIFT | word & FLAGS
    }

    /// Adds `n` permits whatever the flags (the caller holds the lock and grants next).
    fn add_permits(&self, n: usize) {
        let mut word = self.word.load(Ordering::Relaxed);
        while let Err(actual) = self.word.compare_exchange_weak(
            word,
            self.with_added(word, n),
            Ordering::Release,
            Ordering::Relaxed,
        ) {
            word = actual;
        }
    }

    /// Takes `n` free permits if there are that many, whatever the flags.
    fn take_permits(&self, n: usize) -> bool {
        let mut word = self.word.load(Ordering::Acquire);
        loop {
            if free_permits(word) < n {
                return false;
            }
            match self.word.compare_exchange_weak(
                word,
                word - (n << PERMIT_SHIFT),
                Ordering::Acquire,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(actual) => word = actual,
            }
        }
    }

    /// Grants permits to queued waiters, strictly in FIFO order, while the head fits, then
    /// clears `QUEUED` if the queue is empty. A closed queue grants nothing more: its waiters
    /// were woken by `close` and fail on their next poll. Call with the lock held.
    fn grant_queued(&self, waiters: &mut Waiters, wakers: &mut WakeList) {
        if !self.is_closed() {
            while let Some(&key) = waiters.queue.front() {
                let slot = &mut waiters.slots[key];
                if !self.take_permits(slot.needed) {
                    break;
                }
                slot.grant = Grant::Permits;
                wakers.push(slot.waker.take());
                waiters.queue.pop_front();
            }
        }
        if waiters.queue.is_empty() {
            self.word.fetch_and(!QUEUED, Ordering::Release);
        }
    }

    /// Gives one permit to the newest waiter rather than the oldest (`Notify::notify_last`), or
    /// stores it (up to the cap) if nobody waits. Only for queues whose waiters each need one
    /// permit; takes the lock.
    pub(crate) fn release_to_newest(&self) {
        let mut wakers = WakeList::new();
        {
            let mut guard = self.waiters.lock();
            let waiters = &mut *guard;
            match waiters.queue.pop_back() {
                Some(key) => {
                    let slot = &mut waiters.slots[key];
                    debug_assert_eq!(slot.needed, 1);
                    slot.grant = Grant::Permits;
                    wakers.push(slot.waker.take());
                    if waiters.queue.is_empty() {
                        self.word.fetch_and(!QUEUED, Ordering::Release);
                    }
                }
                None => self.add_permits(1),
            }
        }
        wakers.wake_all();
    }

    /// Wakes every waiter queued now without giving them permits (`Notify::notify_waiters`).
    pub(crate) fn grant_all(&self) {
        let mut wakers = WakeList::new();
        {
            let mut guard = self.waiters.lock();
            let waiters = &mut *guard;
            waiters.generation = waiters.generation.wrapping_add(1);
            for key in waiters.queue.drain(..) {
                let slot = &mut waiters.slots[key];
                slot.grant = Grant::Broadcast;
                wakers.push(slot.waker.take());
            }
            self.word.fetch_and(!QUEUED, Ordering::Release);
        }
        wakers.wake_all();
    }

    /// Closes the queue: pending and future acquires fail; granted ones keep their permits.
    /// Returns `true` if this call closed it.
    pub(crate) fn close(&self) -> bool {
        let mut wakers = WakeList::new();
        let newly_closed = self.close_into(&mut wakers);
        wakers.wake_all();
        newly_closed
    }

    /// [`close`](Self::close), but the waiters' wakers go to `wakers` instead of being woken:
    /// for a caller that changes more state before any waker may run.
    pub(crate) fn close_into(&self, wakers: &mut WakeList) -> bool {
        // Set before taking the lock: a waiter that queues after this sees the flag under the
        // lock (or its `QUEUED` CAS fails on it), and one queued before is woken below.
        let newly_closed = self.word.fetch_or(CLOSED, Ordering::AcqRel) & CLOSED == 0;
        let mut guard = self.waiters.lock();
        let waiters = &mut *guard;
        for &key in &waiters.queue {
            wakers.push(waiters.slots[key].waker.take());
        }
        newly_closed
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.word.load(Ordering::Acquire) & CLOSED != 0
    }

    pub(crate) fn available_permits(&self) -> usize {
        free_permits(self.word.load(Ordering::Acquire))
    }

    /// Whether the queue is closed and all `cap` permits are free: nobody holds one and
    /// nobody can get one any more.
    pub(crate) fn is_closed_and_idle(&self) -> bool {
        let word = self.word.load(Ordering::Acquire);
        word & CLOSED != 0 && free_permits(word) == self.cap
    }

    /// Removes up to `n` free permits; returns how many were removed.
    pub(crate) fn forget_permits(&self, n: usize) -> usize {
        let mut word = self.word.load(Ordering::Relaxed);
        loop {
            let taken = free_permits(word).min(n);
            match self.word.compare_exchange_weak(
                word,
                word - (taken << PERMIT_SHIFT),
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return taken,
                Err(actual) => word = actual,
            }
        }
    }

    /// The locked part of a first poll: take the permits, or queue.
    fn acquire_or_queue(&self, waiters: &mut Waiters, needed: usize, waker: &Waker) -> FirstPoll {
        // Our copy of the waker, made before `QUEUED` says we wait: a `clone` that panics
        // unwinds with nothing changed (the lock recovers from the poisoning it leaves).
        let mut own = None;
        let mut word = self.word.load(Ordering::Acquire);
        loop {
            if word & CLOSED != 0 {
                return FirstPoll::Done(Err(Refused::Closed));
            }
            if word & QUEUED != 0 {
                // Others wait already; join the back (the flag stays set: we hold the lock,
                // and the queue is not empty, so a `clone` that panics below breaks nothing).
                break;
            }
            let (new, taken) = if free_permits(word) >= needed {
                (word - (needed << PERMIT_SHIFT), true)
            } else {
                own.get_or_insert_with(|| waker.clone());
                (word | QUEUED, false)
            };
            // A release or close that slips in makes this fail; we then re-read the word.
            match self
                .word
                .compare_exchange_weak(word, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) if taken => return FirstPoll::Done(Ok(())),
                Ok(_) => break,
                Err(actual) => word = actual,
            }
        }
        let key = waiters.slots.insert(Slot {
            needed,
            waker: Some(own.unwrap_or_else(|| waker.clone())),
            grant: Grant::Waiting,
        });
        waiters.queue.push_back(key);
        FirstPoll::Queued(key)
    }
}

/// The outcome of [`WaitQueue::acquire_or_queue`].
#[must_use]
enum FirstPoll {
    Done(Result<(), Refused>),
    /// Queued under this slot key.
    Queued(usize),
}

/// An `Arc` of something that holds a [`WaitQueue`], dereferencing to that queue: lets an
/// [`AcquireOn`] own its queue, for the `_owned` futures (`Notify::notified_owned`,
/// `CancellationToken::cancelled_owned`) that must not borrow.
pub(crate) struct ArcQueue<T> {
    owner: std::sync::Arc<T>,
    queue: fn(&T) -> &WaitQueue,
}

impl<T> ArcQueue<T> {
    pub(crate) fn new(owner: std::sync::Arc<T>, queue: fn(&T) -> &WaitQueue) -> Self {
        ArcQueue { owner, queue }
    }
}

impl<T> Deref for ArcQueue<T> {
    type Target = WaitQueue;
    fn deref(&self) -> &WaitQueue {
        (self.queue)(&self.owner)
    }
}

impl<T> fmt::Debug for ArcQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// The future returned by [`WaitQueue::acquire`]: [`AcquireOn`] a borrowed queue.
pub(crate) type Acquire<'a> = AcquireOn<&'a WaitQueue>;

/// A wait for permits of the queue `Q` leads to: borrowed ([`Acquire`]) or owned
/// ([`ArcQueue`]).
///
/// # Cancel safety
///
/// Dropping it before it completes removes its slot. If permits had already been granted to it,
/// they are handed to the next waiter, so cancellation never loses a grant.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub(crate) struct AcquireOn<Q: Deref<Target = WaitQueue>> {
    queue: Q,
    needed: usize,
    /// The slot key while queued or granted-but-unobserved.
    key: Option<usize>,
    /// `Some` for `acquire_or_broadcast`: the generation seen at creation.
    generation: Option<u64>,
}

impl<Q: Deref<Target = WaitQueue>> AcquireOn<Q> {
    /// A wait for `needed` permits of `queue`, in FIFO order.
    pub(crate) fn new(queue: Q, needed: usize) -> Self {
        AcquireOn {
            queue,
            needed,
            key: None,
            generation: None,
        }
    }

    /// A wait for one permit of `queue` that also completes if [`WaitQueue::grant_all`] runs
    /// after this call, even before the first poll.
    pub(crate) fn or_broadcast(queue: Q) -> Self {
        let generation = queue.waiters.lock().generation;
        AcquireOn {
            queue,
            needed: 1,
            key: None,
            generation: Some(generation),
        }
    }
}

impl<Q: Deref<Target = WaitQueue> + Unpin> Future for AcquireOn<Q> {
    type Output = Result<(), Refused>;

    /// One unit of the cooperative budget per acquisition (see `budget`), as tokio's locks,
    /// semaphores and `Notify` charge.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        crate::budget::budgeted(cx, |cx| this.poll_acquire(cx))
    }
}

impl<Q: Deref<Target = WaitQueue> + Unpin> AcquireOn<Q> {
    /// The wait itself, outside the budget (`Notified::enable` polls it so).
    pub(crate) fn poll_acquire(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Refused>> {
        let this = self;
        if this.key.is_none() && this.generation.is_none() {
            // The lock-free fast path; only a queue that is closed, busy or short goes on.
            match this.queue.try_acquire(this.needed) {
                Err(Refused::NoPermits) => {}
                done => return Poll::Ready(done),
            }
        }
        let mut wakers = WakeList::new();
        let mut guard = this.queue.waiters.lock();
        let waiters = &mut *guard;
        let result = match this.key {
            None => {
                if this.generation.is_some_and(|g| g != waiters.generation) {
                    this.generation = None;
                    Poll::Ready(Ok(()))
                } else {
                    match this
                        .queue
                        .acquire_or_queue(waiters, this.needed, cx.waker())
                    {
                        FirstPoll::Done(done) => Poll::Ready(done),
                        FirstPoll::Queued(key) => {
                            this.key = Some(key);
                            Poll::Pending
                        }
                    }
                }
            }
            Some(key) => match waiters.slots[key].grant {
                Grant::Permits | Grant::Broadcast => {
                    waiters.slots.remove(key);
                    this.key = None;
                    Poll::Ready(Ok(()))
                }
                Grant::Waiting if this.queue.is_closed() => {
                    waiters.slots.remove(key);
                    waiters.queue.retain(|&k| k != key);
                    this.key = None;
                    // Keeps `QUEUED` in step with the queue.
                    this.queue.grant_queued(waiters, &mut wakers);
                    Poll::Ready(Err(Refused::Closed))
                }
                Grant::Waiting => {
                    let slot = &mut waiters.slots[key];
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

impl<Q: Deref<Target = WaitQueue>> Drop for AcquireOn<Q> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let mut wakers = WakeList::new();
        // Declared outside the locked block, so its waker is dropped after the unlock.
        let slot;
        {
            let mut guard = self.queue.waiters.lock();
            let waiters = &mut *guard;
            slot = waiters.slots.remove(key);
            match slot.grant {
                Grant::Waiting => {
                    // The head may have left; those behind it may fit now.
                    waiters.queue.retain(|&k| k != key);
                    self.queue.grant_queued(waiters, &mut wakers);
                }
                Grant::Permits => {
                    self.queue.add_permits(slot.needed);
                    self.queue.grant_queued(waiters, &mut wakers);
                }
                Grant::Broadcast => {}
            }
        }
        drop(slot);
        wakers.wake_all();
    }
}
