//! The message queue of an mpsc channel: a lock-free linked list of fixed-size blocks with many
//! writers (the senders) and one reader (the receiver).
//!
//! It only stores and orders messages. Capacity (bounded channels), sender counting and waking
//! are the channel's business (`chan.rs`); the one exception is the per-slot `RX_WAITING` mark,
//! which lets a writer tell, from the same atomic write that publishes its message, whether
//! the receiver is parked on that very slot.
//!
//! # Layout and positions
//!
//! Messages are numbered by *position*. A block covers [`LAP`] positions: [`BLOCK_CAP`] slots
//! and one extra position that no message uses. While the tail sits on that extra position the
//! next block is being installed, and writers wait for it (a few instructions).
//!
//! - `tail.index` (`position << SHIFT | CLOSED`) is the next position to claim; senders move it
//!   with a CAS, so a claim and a close are ordered. `tail.block` is the block of that position.
//! - `head` (receiver only) is the next position to read and its block.
//!
//! # A slot's life
//!
//! ```text
//!            (1) receiver parks on it                  (2) writer publishes, wakes receiver
//!   EMPTY -------------------------------> RX_WAITING --------------------------------------> WRITTEN
//!     |                                                                                         ^
//!     +-----------------------------------------------------------------------------------------+
//!                              (2') writer publishes, nobody to wake
//! ```
//!
//! 1. [`List::mark_rx_waiting`]: CAS `EMPTY -> RX_WAITING` on the head slot, after the receiver
//!    registered its waker. It fails only if the slot is `WRITTEN` already.
//! 2. [`List::push`]: claim a position (CAS on `tail.index`), write the value, then
//!    `swap(WRITTEN)`. The swap returns `RX_WAITING` exactly when the receiver parked on the
//!    slot before the message was visible; the caller then wakes it. Because both sides write
//!    the same atomic, one of them always sees the other: no wake-up is lost, and a writer whose
//!    receiver is busy pays nothing beyond the swap.
//!
//! # Who may touch what
//!
//! - A slot's `value` is written once, by the sender that claimed its position, before
//!   `WRITTEN`; after `WRITTEN` only the receiver reads it, once.
//! - The sender that claims the last slot of a block allocates the next block, stores it in
//!   `tail.block` and in the old block's `next`, and moves `tail.index` past the extra
//!   position, all before it writes its own slot. So when the receiver has read the last slot,
//!   `next` is set.
//! - The receiver frees a block after reading its last slot. Every writer's last access to a
//!   block is the `swap` publishing its slot, which the receiver's read acquired; writers that
//!   lose the claim CAS never dereference the block they loaded.
//! - Closing sets `CLOSED` in `tail.index`: later claims fail and hand the value back, while
//!   positions claimed before are still written and read.
//!
//! What is left when the list is dropped (every sender and the receiver gone, so every claimed
//! slot written) is dropped with it.

use crate::loom::{AtomicPtr, AtomicUsize, Backoff, Ordering, UnsafeCell};
use std::mem::MaybeUninit;
use std::ptr;

/// Positions per block (a power of two, so `% LAP` is a mask). Small under loom, so the models
/// cross block boundaries.
const LAP: usize = if cfg!(loom) { 4 } else { 32 };
/// Message slots per block; position `BLOCK_CAP` of each lap is the installing marker.
const BLOCK_CAP: usize = LAP - 1;

/// `tail.index` bit: no more claims.
const CLOSED: usize = 1;
/// The position sits above the `CLOSED` bit.
const SHIFT: u32 = 1;

/// Slot states.
const EMPTY: usize = 0;
const WRITTEN: usize = 1;
const RX_WAITING: usize = 2;

struct Slot<T> {
    /// Initialised exactly when `state` is `WRITTEN` and the receiver has not read it.
    value: UnsafeCell<MaybeUninit<T>>,
    state: AtomicUsize,
}

struct Block<T> {
    /// The following block; set before the last slot of this one is written.
    next: AtomicPtr<Block<T>>,
    slots: [Slot<T>; BLOCK_CAP],
}

impl<T> Block<T> {
    /// A block of empty slots, built in place (a block of large messages may not fit on the
    /// stack).
    fn new() -> Box<Self> {
        let mut block = Box::<Self>::new_uninit();
        let raw = block.as_mut_ptr();
        for i in 0..BLOCK_CAP {
            // Field writes through raw place projections create no reference to uninitialised
            // memory.
            // SAFETY: `raw` points to an allocation for a `Block<T>`.
            unsafe {
                (&raw mut (*raw).slots[i].state).write(AtomicUsize::new(EMPTY));
                (&raw mut (*raw).slots[i].value).write(UnsafeCell::new(MaybeUninit::uninit()));
            }
        }
        // SAFETY: as above; after this every field is initialised.
        unsafe {
            (&raw mut (*raw).next).write(AtomicPtr::new(ptr::null_mut()));
            block.assume_init()
        }
    }
}

/// Keeps the senders' tail and the receiver's head on separate cache lines.
#[repr(align(128))]
struct CachePadded<T>(T);

struct Tail<T> {
    /// `position << SHIFT | CLOSED`.
    index: AtomicUsize,
    /// The block holding `index`'s position (or, while `index` sits on the installing marker,
    /// the next block as soon as it is stored).
    block: AtomicPtr<Block<T>>,
}

struct Head<T> {
    /// Next position to read; never an installing marker.
    index: usize,
    block: *mut Block<T>,
}

/// The list; see the module docs.
pub(super) struct List<T> {
    tail: CachePadded<Tail<T>>,
    /// Only the receiver touches it (see the `# Safety` sections).
    head: CachePadded<UnsafeCell<Head<T>>>,
}

/// How many slots lie before `position`.
fn slots_before(position: usize) -> usize {
    position / LAP * BLOCK_CAP + (position % LAP).min(BLOCK_CAP)
}

impl<T> List<T> {
    pub(super) fn new() -> Self {
        let first = Box::into_raw(Block::new());
        List {
            tail: CachePadded(Tail {
                index: AtomicUsize::new(0),
                block: AtomicPtr::new(first),
            }),
            head: CachePadded(UnsafeCell::new(Head {
                index: 0,
                block: first,
            })),
        }
    }

    /// Appends `value`. `Ok(true)` means the receiver was parked on this message's slot and
    /// must be woken; `Err` hands the value back if the list is closed.
    pub(super) fn push(&self, value: T) -> Result<bool, T> {
        let mut backoff = Backoff::default();
        let mut next_block = None;
        let mut tail = self.tail.0.index.load(Ordering::Acquire);
        let (block, offset) = loop {
            if tail & CLOSED != 0 {
                return Err(value);
            }
            let offset = (tail >> SHIFT) % LAP;
            if offset == BLOCK_CAP {
                // Another sender is installing the next block.
                backoff.snooze();
                tail = self.tail.0.index.load(Ordering::Acquire);
                continue;
            }
            if offset + 1 == BLOCK_CAP && next_block.is_none() {
                // We may claim the last slot: have the next block ready before claiming, so
                // the others wait as briefly as possible.
                next_block = Some(Block::new());
            }
            // Loaded after `tail` (whose `Acquire` pairs with the installer's `Release`), so
            // it is `tail`'s block if the CAS below succeeds: the block only changes while
            // `tail.index` sits on the installing marker, which would fail the CAS.
            let block = self.tail.0.block.load(Ordering::Acquire);
            match self.tail.0.index.compare_exchange_weak(
                tail,
                tail.wrapping_add(1 << SHIFT),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break (block, offset),
                Err(actual) => tail = actual,
            }
        };

        if offset + 1 == BLOCK_CAP {
            // We claimed the last slot; the tail sits on the installing marker. Install the
            // next block, then let the other senders go on.
            let next = Box::into_raw(next_block.take().expect("allocated before the claim"));
            self.tail.0.block.store(next, Ordering::Release);
            self.tail.0.index.fetch_add(1 << SHIFT, Ordering::Release);
            // `block` stays allocated until the receiver has read our slot, which it cannot do
            // before we publish it below.
            // SAFETY: `block` is alive.
            unsafe { (*block).next.store(next, Ordering::Release) };
        }

        // SAFETY: as above, `block` is alive while our slot is unpublished.
        let slot = unsafe { &(*block).slots[offset] };
        // Our claim makes us the slot's only writer, and the receiver reads it only after
        // `WRITTEN`.
        // SAFETY: exclusive access to the value of a claimed, unpublished slot.
        slot.value.with_mut(|v| unsafe { (*v).write(value) });
        // AcqRel: `Release` publishes the value (and `next`); `Acquire` pairs with the
        // receiver's `RX_WAITING` CAS, so the caller's wake sees the registered waker.
        Ok(slot.state.swap(WRITTEN, Ordering::AcqRel) == RX_WAITING)
    }

    /// Refuses later pushes.
    pub(super) fn close(&self) {
        self.tail.0.index.fetch_or(CLOSED, Ordering::AcqRel);
    }

    pub(super) fn is_closed(&self) -> bool {
        self.tail.0.index.load(Ordering::Acquire) & CLOSED != 0
    }

    /// Takes the next message if it is written.
    ///
    /// # Safety
    ///
    /// Only the receiver calls this, never concurrently with another receiver-side method.
    pub(super) unsafe fn pop(&self) -> Option<T> {
        self.head.0.with_mut(|head| {
            // SAFETY: the caller is the receiver, the only user of `head`.
            let head = unsafe { &mut *head };
            let offset = head.index % LAP;
            // SAFETY: the receiver frees a block only when it moves past it.
            let block = unsafe { &*head.block };
            let slot = &block.slots[offset];
            if slot.state.load(Ordering::Acquire) != WRITTEN {
                return None;
            }
            // `WRITTEN`: the value is initialised and its writer is done with it.
            // SAFETY: the receiver reads each written slot once.
            let value = slot.value.with(|v| unsafe { (*v).assume_init_read() });
            head.index = head.index.wrapping_add(1);
            if offset + 1 == BLOCK_CAP {
                let next = block.next.load(Ordering::Acquire);
                debug_assert!(
                    !next.is_null(),
                    "installed before the last slot was written"
                );
                // Every slot of the block is read, so every writer is done with it (their
                // `WRITTEN` swaps were their last accesses, and we acquired each), and no
                // writer can reach it any more (`tail.block` moved on before the last slot
                // was written).
                // SAFETY: the block came from `Box::into_raw` and nobody else uses it.
                drop(unsafe { Box::from_raw(head.block) });
                head.block = next;
                // Skip the installing marker.
                head.index = head.index.wrapping_add(1);
            }
            Some(value)
        })
    }

    /// Marks the head slot so that its writer wakes the receiver; `false` if the slot is
    /// already written (then pop it instead of parking). The receiver registers its waker
    /// first.
    ///
    /// # Safety
    ///
    /// As for [`pop`](Self::pop).
    pub(super) unsafe fn mark_rx_waiting(&self) -> bool {
        self.head.0.with(|head| {
            // SAFETY: the caller is the receiver, the only user of `head`.
            let head = unsafe { &*head };
            // SAFETY: the head block is alive while the receiver is (see `pop`).
            let slot = unsafe { &(*head.block).slots[head.index % LAP] };
            // AcqRel: `Release` pairs with the writer's swap (it sees the waker registered
            // before); `Acquire` on failure sees the value of a `WRITTEN` slot.
            match slot.state.compare_exchange(
                EMPTY,
                RX_WAITING,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => true,
                Err(state) => state == RX_WAITING,
            }
        })
    }

    /// Whether every claimed position has been read (a claimed slot may still be unwritten
    /// while this is `false`).
    ///
    /// # Safety
    ///
    /// Only the receiver calls this (shared calls from `&Receiver` are fine: none of them
    /// writes `head`).
    pub(super) unsafe fn is_drained(&self) -> bool {
        let tail = self.tail.0.index.load(Ordering::Acquire) >> SHIFT;
        // SAFETY: the caller is the receiver; no receiver-side write runs concurrently.
        self.head.0.with(|head| unsafe { (*head).index } == tail)
    }

    /// Messages claimed and not yet read (including ones still being written).
    ///
    /// # Safety
    ///
    /// As for [`is_drained`](Self::is_drained).
    pub(super) unsafe fn len(&self) -> usize {
        let tail = self.tail.0.index.load(Ordering::Acquire) >> SHIFT;
        // SAFETY: the caller is the receiver; no receiver-side write runs concurrently.
        let head = self.head.0.with(|head| unsafe { (*head).index });
        slots_before(tail).wrapping_sub(slots_before(head))
    }
}

impl<T> Drop for List<T> {
    fn drop(&mut self) {
        // `&mut self`: every sender and the receiver are gone, so every claimed slot is
        // written; read them all, which also frees every block but the last.
        // SAFETY: we are the only user of the list.
        while let Some(value) = unsafe { self.pop() } {
            drop(value);
        }
        self.head.0.with_mut(|head| {
            // SAFETY: `pop` left the head on the last block, which nothing else references.
            drop(unsafe { Box::from_raw((*head).block) });
        });
    }
}

// Senders push from any thread; the receiver pops from any thread, one at a time.
// Values of type `T` move between threads; all shared state is atomic or owned by one party
// under the protocol in the module docs.
// SAFETY: sound for `T: Send` by the protocol above.
unsafe impl<T: Send> Send for List<T> {}
// SAFETY: shared access is `push`/`close` (atomic protocol) or receiver-side (one receiver).
unsafe impl<T: Send> Sync for List<T> {}
