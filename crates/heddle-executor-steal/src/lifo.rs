//! A worker's LIFO slot: the task most recently woken by the running task, which the worker
//! runs next. The owner fills and empties it; a watcher may take it from a worker stuck in a
//! long poll, so that the task does not wait for the poll to end.
//!
//! # Protocol
//!
//! The slot is one atomic pointer: null when empty, else a runnable turned into a raw
//! pointer ([`Runnable::into_raw`]). Only the owner ever stores a non-null pointer; anyone
//! may take one by swapping in null, and whoever swaps a pointer out owns that runnable.
//! So every runnable put in is taken out exactly once, by the owner or by one stealer.
//!
//! The owner remembers whether it left the slot filled (`filled`, owner-only). If it did
//! not, the slot is certainly empty (stealers only ever empty it), and a put is a plain
//! Release store, not a read-modify-write: the common path of a message ping-pong costs one
//! store and, when the worker runs the task, one swap.
//!
//! Orderings: a put publishes the runnable with Release; every take swaps with Acquire, so
//! the taker sees what the owner wrote before the put. The loom model
//! `src/tests/loom_lifo.rs` checks "each runnable taken exactly once" with a stealer racing
//! the owner's put, replace and take.

use std::ptr::{self, NonNull};

use heddle_task::Runnable;

use crate::loom::{AtomicPtr, Ordering};

/// One runnable, taken by the owner or by a stealer; see the module docs.
pub(crate) struct LifoSlot {
    ptr: AtomicPtr<()>,
}

/// The owner's side: whether it left the slot filled. Lives in the worker's core.
#[derive(Debug, Default)]
pub(crate) struct LifoOwner {
    filled: bool,
}

impl LifoOwner {
    /// Whether the slot may hold a task (`false` means it certainly does not: only the
    /// owner fills it).
    pub(crate) fn may_be_filled(&self) -> bool {
        self.filled
    }
}

impl LifoSlot {
    pub(crate) fn new() -> LifoSlot {
        LifoSlot {
            ptr: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Owner: puts `task` in the slot and returns the task it displaced, if any.
    pub(crate) fn put(&self, owner: &mut LifoOwner, task: Runnable) -> Option<Runnable> {
        let new = task.into_raw().as_ptr();
        if !owner.filled {
            owner.filled = true;
            // The slot is empty: only the owner fills it, and it did not. Release publishes
            // the runnable to whoever takes it (Acquire in `take_raw`).
            self.ptr.store(new, Ordering::Release);
            return None;
        }
        // A stealer may have emptied it meanwhile: swap, and own whatever comes out.
        let old = self.ptr.swap(new, Ordering::AcqRel);
        // A non-null pointer in the slot came from `into_raw` in `put`, and this swap took it
        // out for us alone.
        // SAFETY: so it is turned back exactly once.
        NonNull::new(old).map(|old| unsafe { Runnable::from_raw(old) })
    }

    /// Owner: takes the slot's task, if it has one.
    pub(crate) fn take(&self, owner: &mut LifoOwner) -> Option<Runnable> {
        if !std::mem::take(&mut owner.filled) {
            return None;
        }
        self.take_raw()
    }

    /// Anyone: takes the slot's task, if it has one (a watcher rescuing it from a stuck
    /// worker).
    pub(crate) fn steal(&self) -> Option<Runnable> {
        // A plain load first: a watcher looks at slots that are usually empty.
        if self.ptr.load(Ordering::Relaxed).is_null() {
            return None;
        }
        self.take_raw()
    }

    /// Whether the slot holds a task now (a snapshot, for watchers).
    pub(crate) fn is_filled(&self) -> bool {
        !self.ptr.load(Ordering::Relaxed).is_null()
    }

    fn take_raw(&self) -> Option<Runnable> {
        let old = self.ptr.swap(ptr::null_mut(), Ordering::Acquire);
        // A non-null pointer in the slot came from `into_raw` in `put`, and the swap removed it.
        // SAFETY: so only we turn it back, exactly once.
        NonNull::new(old).map(|old| unsafe { Runnable::from_raw(old) })
    }
}

impl Drop for LifoSlot {
    fn drop(&mut self) {
        // A task still in the slot is cancelled with it.
        drop(self.take_raw());
    }
}
