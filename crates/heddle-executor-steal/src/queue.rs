//! The per-worker run queue: a bounded ring that its owner pushes to and pops from, and that
//! other workers steal half of.
//!
//! # Layout and state words
//!
//! ```text
//!   buffer: [slot; CAPACITY]         (CAPACITY a power of two: 256, or 4 under loom)
//!   tail:   u32   written only by the owner (push); read by stealers
//!   head:   u64 = (steal: u32) << 32 | (real: u32)
//! ```
//!
//! Positions are `u32` counters that wrap; a slot index is `position & MASK`. Tasks live in
//! `real..tail`. `steal` equals `real` when no steal is in progress; while a stealer copies
//! tasks out it holds `steal` at the first position it is copying, so the owner cannot push
//! over those slots (the owner treats `tail - steal` as the occupied length). Only one steal
//! can be in progress at a time; a second stealer sees `steal != real` and gives up.
//!
//! # Who moves what
//!
//! * `push_back` (owner): writes the slot at `tail`, then publishes with a Release store of
//!   `tail + 1`. When full, it claims the oldest half with one CAS on `head` and moves that
//!   half plus the new task to the overflow queue (the injector); when a steal is in progress
//!   it sends just the new task there.
//! * `pop` (owner): CAS `head.real` forward by one (also `steal`, when no steal is running)
//!   and reads the slot it claimed.
//! * `steal_into` (any other worker): CAS `head.real` forward by half the queue while leaving
//!   `steal` at the old position, copy the claimed tasks into its own queue, then CAS `steal`
//!   up to `real`, releasing the slots to the owner.
//!
//! Every claimed slot is read by exactly one party (the owner's pop, or one stealer), and a
//! slot is rewritten only after `steal` has passed it, so no task is lost or duplicated
//! (checked by the loom model L3 in `src/tests/loom_queue.rs`).

use std::mem::MaybeUninit;
use std::ptr;

use crate::loom::{Arc, AtomicU32, AtomicU64, Ordering, UnsafeCell};

/// Slots per queue. Small under loom so models reach the full and steal paths quickly.
#[cfg(not(loom))]
pub(crate) const CAPACITY: usize = 256;
#[cfg(loom)]
pub(crate) const CAPACITY: usize = 4;

const MASK: usize = CAPACITY - 1;
/// What `push_back` moves to the injector when the queue is full.
const HALF: u32 = (CAPACITY / 2) as u32;

/// Where tasks go when a full local queue spills over (the executor's injector).
pub(crate) trait Overflow<T> {
    /// Takes `tasks` (the oldest half of a full queue, then the task being pushed).
    fn push_overflow(&self, tasks: impl Iterator<Item = T>);
}

struct Inner<T> {
    /// `(steal << 32) | real`; see the module docs.
    head: AtomicU64,
    /// One past the newest task. Written only by the owner.
    tail: AtomicU32,
    /// # Invariant
    /// Slots at positions `real..tail` are initialised; every other slot is uninitialised
    /// (or, at `steal..real` during a steal, being read by the stealer).
    buffer: Box<[UnsafeCell<MaybeUninit<T>>]>,
}

/// The owner's end of a queue: push and pop. Exactly one exists per queue.
pub(crate) struct Local<T> {
    inner: Arc<Inner<T>>,
}

/// A stealer's end of a queue; cloneable, usable from any worker.
pub(crate) struct Steal<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for Steal<T> {
    fn clone(&self) -> Steal<T> {
        Steal {
            inner: self.inner.clone(),
        }
    }
}

// The buffer's slots are handed from one thread to another only through the Acquire/Release
// protocol on `head` and `tail` described in the module docs.
// SAFETY: so no `T` is accessed by two threads at once; moving one across needs `T: Send`.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: as above; shared access only ever reads or writes slots a thread has claimed.
unsafe impl<T: Send> Sync for Inner<T> {}

fn pack(steal: u32, real: u32) -> u64 {
    (u64::from(steal) << 32) | u64::from(real)
}

fn unpack(head: u64) -> (u32, u32) {
    ((head >> 32) as u32, head as u32)
}

/// Creates a queue: the owner's end and a stealer's end.
pub(crate) fn new<T>() -> (Local<T>, Steal<T>) {
    let buffer = (0..CAPACITY)
        .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
        .collect();
    let inner = Arc::new(Inner {
        head: AtomicU64::new(0),
        tail: AtomicU32::new(0),
        buffer,
    });
    (
        Local {
            inner: inner.clone(),
        },
        Steal { inner },
    )
}

impl<T> Inner<T> {
    /// Moves the task out of the slot at `position`.
    ///
    /// # Safety
    /// The caller has claimed `position` (it lies in a range taken from `head`), so the slot
    /// is initialised and no other thread reads or writes it until the claim is released.
    unsafe fn take(&self, position: u32) -> T {
        self.buffer[position as usize & MASK]
            // SAFETY: initialised and exclusively ours, per the caller's claim.
            .with(|slot| unsafe { ptr::read(slot).assume_init() })
    }

    /// Writes `task` into the slot at `position`.
    ///
    /// # Safety
    /// Only the owner calls this, for `position` in `tail..steal + CAPACITY`: a slot no
    /// stealer is reading and that holds no live task.
    unsafe fn put(&self, position: u32, task: T) {
        self.buffer[position as usize & MASK]
            // SAFETY: the slot is free and only the owner writes slots (caller's duty).
            .with_mut(|slot| unsafe { ptr::write(slot, MaybeUninit::new(task)) });
    }

    fn len(&self) -> usize {
        let (_, real) = unpack(self.head.load(Ordering::Acquire));
        let tail = self.tail.load(Ordering::Acquire);
        tail.wrapping_sub(real) as usize
    }
}

impl<T> Local<T> {
    /// The number of queued tasks (a snapshot).
    pub(crate) fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether the queue holds no task (a snapshot).
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Free slots, as the owner sees them (a stealer may free more at any time).
    pub(crate) fn remaining_slots(&self) -> usize {
        let (steal, _) = unpack(self.inner.head.load(Ordering::Acquire));
        // Only the owner writes `tail`.
        let tail = self.inner.tail.load(Ordering::Relaxed);
        CAPACITY - tail.wrapping_sub(steal) as usize
    }

    /// Pushes `task`; when the queue is full, spills half of it (and `task`) to `overflow`.
    pub(crate) fn push_back(&mut self, task: T, overflow: &impl Overflow<T>) {
        let mut task = task;
        loop {
            let head = self.inner.head.load(Ordering::Acquire);
            let (steal, real) = unpack(head);
            // Only the owner writes `tail`: Relaxed reads its own last store.
            let tail = self.inner.tail.load(Ordering::Relaxed);
            if tail.wrapping_sub(steal) < CAPACITY as u32 {
                // `tail - steal < CAPACITY`, so the slot at `tail` is outside `steal..tail`.
                // SAFETY: so nobody reads the slot and it holds no live task.
                unsafe { self.inner.put(tail, task) };
                // Release publishes the slot's contents to stealers and poppers.
                self.inner
                    .tail
                    .store(tail.wrapping_add(1), Ordering::Release);
                return;
            }
            if steal != real {
                // A stealer is emptying the queue right now; the queue will have room again
                // soon, but the task cannot wait: send it to the injector.
                overflow.push_overflow(std::iter::once(task));
                return;
            }
            match self.push_overflow(task, real, tail, overflow) {
                Ok(()) => return,
                // A stealer took tasks meanwhile: there may be room now; retry.
                Err(returned) => task = returned,
            }
        }
    }

    /// Claims the oldest `HALF` tasks and moves them, then `task`, to `overflow`.
    fn push_overflow(
        &mut self,
        task: T,
        head: u32,
        tail: u32,
        overflow: &impl Overflow<T>,
    ) -> Result<(), T> {
        debug_assert_eq!(tail.wrapping_sub(head) as usize, CAPACITY);
        let prev = pack(head, head);
        let next_head = head.wrapping_add(HALF);
        // Claim `head..head + HALF`. AcqRel: Acquire so we see the slots' contents written
        // before the pushes we are taking over; Release keeps the claim ordered before our
        // later writes to these slots.
        if self
            .inner
            .head
            .compare_exchange(
                prev,
                pack(next_head, next_head),
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_err()
        {
            return Err(task);
        }
        let inner = &self.inner;
        let claimed = (0..HALF).map(move |i| {
            // SAFETY: the CAS above claimed `head..head + HALF` for us alone.
            unsafe { inner.take(head.wrapping_add(i)) }
        });
        overflow.push_overflow(claimed.chain(std::iter::once(task)));
        Ok(())
    }

    /// Pops the oldest task.
    pub(crate) fn pop(&mut self) -> Option<T> {
        let mut head = self.inner.head.load(Ordering::Acquire);
        let claimed = loop {
            let (steal, real) = unpack(head);
            let tail = self.inner.tail.load(Ordering::Relaxed);
            if real == tail {
                return None;
            }
            let next_real = real.wrapping_add(1);
            // With no steal running, `steal` follows `real`; otherwise it stays put until the
            // stealer releases it.
            let next = if steal == real {
                pack(next_real, next_real)
            } else {
                pack(steal, next_real)
            };
            match self
                .inner
                .head
                .compare_exchange(head, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break real,
                Err(actual) => head = actual,
            }
        };
        // SAFETY: the CAS claimed position `claimed` for the owner alone.
        Some(unsafe { self.inner.take(claimed) })
    }
}

impl<T> Drop for Local<T> {
    fn drop(&mut self) {
        // Tasks left in the queue are dropped with it (the executor drains queues before
        // dropping them during shutdown; this only matters if that path unwinds).
        if !std::thread::panicking() {
            while self.pop().is_some() {}
        }
    }
}

impl<T> Steal<T> {
    /// Whether the queue looks empty (a snapshot).
    pub(crate) fn is_empty(&self) -> bool {
        self.inner.len() == 0
    }

    /// The number of queued tasks (a snapshot). Capped at the capacity: the owner may pop
    /// and push between the two index loads, making the raw difference overshoot.
    pub(crate) fn len(&self) -> usize {
        self.inner.len().min(CAPACITY)
    }

    /// Steals half of this queue into `dst` (the thief's own queue, which must have room for
    /// it) and returns one of the stolen tasks to run at once.
    pub(crate) fn steal_into(&self, dst: &mut Local<T>) -> Option<T> {
        // Only `dst`'s owner (the caller) writes its tail.
        let dst_tail = dst.inner.tail.load(Ordering::Relaxed);
        let (dst_steal, _) = unpack(dst.inner.head.load(Ordering::Acquire));
        if dst_tail.wrapping_sub(dst_steal) > HALF {
            // Not enough room to take half of a full queue; a thief with work of its own
            // does not need to steal anyway.
            return None;
        }
        let count = self.steal_into_inner(dst, dst_tail);
        if count == 0 {
            return None;
        }
        // Keep the last stolen task to run now; publish the others in `dst`.
        let count = count - 1;
        let last = dst_tail.wrapping_add(count);
        // `steal_into_inner` wrote positions `dst_tail..dst_tail + count + 1` of `dst`.
        // SAFETY: they are not yet published (tail is unchanged), so only we see them.
        let task = unsafe { dst.inner.take(last) };
        if count > 0 {
            dst.inner.tail.store(last, Ordering::Release);
        }
        Some(task)
    }

    /// Claims half of this queue, copies it to `dst` at `dst_tail..`, and releases the
    /// claim. Returns how many tasks were copied (0 if there was nothing to take or another
    /// steal was in progress).
    fn steal_into_inner(&self, dst: &mut Local<T>, dst_tail: u32) -> u32 {
        let mut prev = self.inner.head.load(Ordering::Acquire);
        let (first, count, mut next) = loop {
            let (steal, real) = unpack(prev);
            if steal != real {
                // Another thief is at work.
                return 0;
            }
            // Acquire pairs with the owner's Release store of `tail`: the slots up to it
            // are initialised and visible.
            let tail = self.inner.tail.load(Ordering::Acquire);
            let available = tail.wrapping_sub(real);
            let count = available - available / 2;
            if count == 0 {
                return 0;
            }
            let steal_to = real.wrapping_add(count);
            // Move `real` past the stolen range but keep `steal` at its start: the owner may
            // not reuse those slots until we release them below.
            let next = pack(steal, steal_to);
            match self
                .inner
                .head
                .compare_exchange(prev, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break (real, count, next),
                Err(actual) => prev = actual,
            }
        };
        for i in 0..count {
            // Positions `first..first + count` were claimed by the CAS above and stay
            // reserved (`steal` has not passed them).
            // SAFETY: and the destinations are `dst`'s free, unpublished space (room for HALF).
            unsafe {
                let task = self.inner.take(first.wrapping_add(i));
                dst.inner.put(dst_tail.wrapping_add(i), task);
            }
        }
        // Release the claim: `steal` catches up with `real`. The owner may have popped
        // meanwhile (moving `real` only), so retry until the CAS lands.
        loop {
            let (_, real) = unpack(next);
            match self.inner.head.compare_exchange(
                next,
                pack(real, real),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return count,
                Err(actual) => {
                    let (steal, real) = unpack(actual);
                    debug_assert_ne!(steal, real, "the steal claim vanished");
                    next = actual;
                }
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[derive(Default)]
    struct Spill(RefCell<Vec<u32>>);

    impl Overflow<u32> for Spill {
        fn push_overflow(&self, tasks: impl Iterator<Item = u32>) {
            self.0.borrow_mut().extend(tasks);
        }
    }

    #[test]
    fn fifo_push_pop() {
        let (mut local, _steal) = new::<u32>();
        let spill = Spill::default();
        for i in 0..10 {
            local.push_back(i, &spill);
        }
        let popped: Vec<u32> = std::iter::from_fn(|| local.pop()).collect();
        assert_eq!(popped, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn overflow_moves_the_oldest_half_then_the_new_task() {
        let (mut local, _steal) = new::<u32>();
        let spill = Spill::default();
        for i in 0..=CAPACITY as u32 {
            local.push_back(i, &spill);
        }
        let spilled = spill.0.borrow().clone();
        let mut expected: Vec<u32> = (0..HALF).collect();
        expected.push(CAPACITY as u32);
        assert_eq!(spilled, expected);
        assert_eq!(local.len(), CAPACITY - HALF as usize);
        let popped: Vec<u32> = std::iter::from_fn(|| local.pop()).collect();
        assert_eq!(popped, (HALF..CAPACITY as u32).collect::<Vec<_>>());
    }

    #[test]
    fn steal_takes_half_and_returns_one() {
        let (mut victim, steal) = new::<u32>();
        let (mut thief, _) = new::<u32>();
        let spill = Spill::default();
        for i in 0..10 {
            victim.push_back(i, &spill);
        }
        let got = steal.steal_into(&mut thief).unwrap();
        assert_eq!(got, 4, "the last of the five stolen tasks is returned");
        assert_eq!(thief.len(), 4);
        assert_eq!(victim.len(), 5);
        let mut all: Vec<u32> = std::iter::from_fn(|| thief.pop())
            .chain(std::iter::from_fn(|| victim.pop()))
            .collect();
        all.push(got);
        all.sort_unstable();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn every_task_exactly_once_under_concurrent_steals() {
        let rounds = if cfg!(miri) { 2 } else { 50 };
        let per_round = if cfg!(miri) { 300 } else { 20_000 };
        for _ in 0..rounds {
            let (mut owner, steal) = new::<u32>();
            let spill = crate::loom::Mutex::new(Vec::new());
            struct SharedSpill<'a>(&'a crate::loom::Mutex<Vec<u32>>);
            impl Overflow<u32> for SharedSpill<'_> {
                fn push_overflow(&self, tasks: impl Iterator<Item = u32>) {
                    self.0.lock().extend(tasks);
                }
            }
            let done = crate::loom::AtomicBool::new(false);
            let stolen = std::thread::scope(|s| {
                let thieves: Vec<_> = (0..2)
                    .map(|_| {
                        let steal = steal.clone();
                        let done = &done;
                        s.spawn(move || {
                            let (mut mine, _) = new::<u32>();
                            let mut got = Vec::new();
                            loop {
                                let finished = done.load(crate::loom::Ordering::Acquire);
                                if let Some(t) = steal.steal_into(&mut mine) {
                                    got.push(t);
                                }
                                while let Some(t) = mine.pop() {
                                    got.push(t);
                                }
                                if finished {
                                    break got;
                                }
                            }
                        })
                    })
                    .collect();
                let mut mine = Vec::new();
                for i in 0..per_round {
                    owner.push_back(i, &SharedSpill(&spill));
                    if i % 3 == 0 {
                        mine.extend(owner.pop());
                    }
                }
                while let Some(t) = owner.pop() {
                    mine.push(t);
                }
                done.store(true, crate::loom::Ordering::Release);
                for t in thieves {
                    mine.extend(t.join().unwrap());
                }
                mine
            });
            let mut all = stolen;
            all.extend(spill.into_inner());
            all.sort_unstable();
            assert_eq!(all, (0..per_round).collect::<Vec<_>>());
        }
    }

    #[test]
    fn dropping_the_queue_drops_its_tasks() {
        let (mut local, _steal) = new::<std::sync::Arc<()>>();
        let token = std::sync::Arc::new(());
        struct Drop0;
        impl Overflow<std::sync::Arc<()>> for Drop0 {
            fn push_overflow(&self, tasks: impl Iterator<Item = std::sync::Arc<()>>) {
                tasks.for_each(drop);
            }
        }
        for _ in 0..5 {
            local.push_back(token.clone(), &Drop0);
        }
        drop(local);
        assert_eq!(std::sync::Arc::strong_count(&token), 1);
    }
}
