//! The set of live tasks, sharded to keep spawning threads off each other's locks.
//!
//! Every task is entered here (as its waker) when spawned and leaves when its future is
//! dropped (the [`Tracked`] wrapper's `Entry`). Shutdown wakes every entry so that its
//! runnable reaches a queue, and drops the runnables: that reaches idle tasks whose wakers
//! are held elsewhere. No lock is held while a future is polled, dropped or woken.

use std::future::Future;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

use slab::Slab;

use crate::loom::{Mutex, MutexGuard};

pub(crate) struct Registry {
    shards: Box<[Mutex<Shard>]>,
}

pub(crate) struct Shard {
    pub(crate) tasks: Slab<Waker>,
    pub(crate) closed: bool,
}

impl Registry {
    pub(crate) fn new(shards: usize) -> Registry {
        // Under loom one shard: every lock is a scheduling point the models must explore.
        let shards = if cfg!(loom) { 1 } else { shards.max(1) };
        Registry {
            shards: (0..shards)
                .map(|_| {
                    Mutex::new(Shard {
                        tasks: Slab::new(),
                        closed: false,
                    })
                })
                .collect(),
        }
    }

    pub(crate) fn shard_count(&self) -> usize {
        self.shards.len()
    }

    pub(crate) fn shard(&self, index: usize) -> MutexGuard<'_, Shard> {
        // Bookkeeping only, never held across user code: a poisoned lock's data is intact.
        self.shards[index].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Closes every shard (spawns are cancelled from now on) and returns how many tasks
    /// are alive.
    pub(crate) fn close(&self) -> usize {
        (0..self.shards.len())
            .map(|i| {
                let mut shard = self.shard(i);
                shard.closed = true;
                shard.tasks.len()
            })
            .sum()
    }

    /// Clones the waker of every live task.
    pub(crate) fn live_wakers(&self) -> Vec<Waker> {
        (0..self.shards.len())
            .flat_map(|i| {
                self.shard(i)
                    .tasks
                    .iter()
                    .map(|(_, w)| w.clone())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// How many tasks are alive.
    pub(crate) fn len(&self) -> usize {
        (0..self.shards.len())
            .map(|i| self.shard(i).tasks.len())
            .sum()
    }
}

/// Removes a task from the registry when its future is dropped.
pub(crate) struct Entry {
    /// # Invariant
    /// Points to a live `Registry`: the entry lives inside the task's future, and the task's
    /// scheduler (in the same allocation, dropped only after the future) holds an `Arc` to
    /// the executor state that owns the registry.
    registry: NonNull<Registry>,
    shard: usize,
    key: usize,
}

// SAFETY: `Entry` only reads the registry through `&`, and `Registry` is `Sync` (mutexes);
// sending the pointer is as safe as sending the `Arc` it borrows from.
unsafe impl Send for Entry {}

impl Entry {
    /// # Safety
    /// The registry must outlive the task whose future holds this entry (see the field
    /// invariant): the task's scheduler must keep it alive.
    pub(crate) unsafe fn new(registry: &Registry, shard: usize, key: usize) -> Entry {
        Entry {
            registry: NonNull::from(registry),
            shard,
            key,
        }
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        // SAFETY: the field invariant, promised by the caller of `Entry::new`.
        let registry = unsafe { self.registry.as_ref() };
        let waker = registry.shard(self.shard).tasks.try_remove(self.key);
        // Dropped outside the lock.
        drop(waker);
    }
}

pin_project_lite::pin_project! {
    /// A task's future plus its registry entry; the future is dropped first.
    pub(crate) struct Tracked<F> {
        #[pin]
        future: F,
        entry: Entry,
    }
}

impl<F> Tracked<F> {
    pub(crate) fn new(future: F, entry: Entry) -> Tracked<F> {
        Tracked { future, entry }
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().future.poll(cx)
    }
}
