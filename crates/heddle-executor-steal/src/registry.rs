//! The set of live tasks, sharded to keep spawning threads off each other's locks.
//!
//! Every task is entered here (as its waker) when spawned and leaves when its future is
//! dropped (the [`Tracked`] wrapper's `Entry`). Shutdown wakes every entry so that its
//! runnable reaches a queue, and drops the runnables: that reaches idle tasks whose wakers
//! are held elsewhere. No lock is held while a future is polled, dropped or woken. The
//! registry also answers the task counts and the task list of `Metrics` and
//! `Spawner::dump_tasks`, from the wakers it holds anyway.
//!
//! [`Tracked`] also notices a panic that unwinds out of its future's `poll`: a drop guard,
//! forgotten when `poll` returns (a poll that does not panic pays nothing), tells the executor
//! through `Shared::on_task_panic` while the panic unwinds; the task harness catches the panic
//! right after and gives it to the `JoinHandle`.

use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

use heddle_driver::Driver;
use heddle_task::TaskInfo;
use slab::Slab;

use crate::loom::{Mutex, MutexGuard};
use crate::shared::Shared;

pub(crate) struct Registry {
    shards: Box<[Mutex<Shard>]>,
}

pub(crate) struct Shard {
    /// The waker of each live task; a no-op waker for the moment between taking a slot and
    /// storing the new task's waker (`executor::spawn`), when the task is not scheduled yet.
    /// (`Waker`, not `Option<Waker>`: a slab entry of 16 bytes rather than 24, per task.)
    pub(crate) tasks: Slab<Waker>,
    pub(crate) closed: bool,
    /// How many tasks were spawned into this shard (bumped by `executor::spawn` under the
    /// lock it takes anyway); for `Metrics::spawned_tasks_count`.
    pub(crate) spawned: u64,
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
                        spawned: 0,
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

    /// How many tasks were ever spawned (not counting those cancelled at spawn by shutdown).
    pub(crate) fn spawned(&self) -> u64 {
        (0..self.shards.len()).map(|i| self.shard(i).spawned).sum()
    }

    /// The id, name and spawn location of every live task. Under each shard's lock it only
    /// reads the metadata through the wakers (none is cloned, woken or dropped), so no user
    /// code runs while a lock is held.
    pub(crate) fn tasks(&self) -> Vec<TaskInfo> {
        let mut tasks = Vec::new();
        for i in 0..self.shards.len() {
            let shard = self.shard(i);
            tasks.reserve(shard.tasks.len());
            for (_, waker) in shard.tasks.iter() {
                // Every waker in a shard is either the no-op placeholder of a task being
                // spawned (null data pointer) or one from `Runnable::waker` (`executor::spawn`
                // stores nothing else).
                // SAFETY: so it is one of the wakers `from_waker` accepts.
                tasks.extend(unsafe { TaskInfo::from_waker(waker) });
            }
        }
        tasks
    }
}

/// Removes a task from the registry when its future is dropped.
pub(crate) struct Entry<D: Driver> {
    /// # Invariant
    /// Points to a live `Shared` (which owns the registry): the entry lives inside the task's
    /// future, and the task's scheduler (in the same allocation, dropped only after the
    /// future) holds an `Arc` to it.
    shared: NonNull<Shared<D>>,
    /// `u32`s: an `Entry` lives in every task's future, so it is kept to 16 bytes.
    shard: u32,
    key: u32,
}

// `Entry` only reaches `Shared` through `&`, and the bound makes `Shared<D>` `Sync`.
// SAFETY: so sending the pointer is as safe as sending the `Arc` it borrows from.
unsafe impl<D: Driver> Send for Entry<D> where Shared<D>: Sync {}

impl<D: Driver> Entry<D> {
    /// # Safety
    /// `shared` must outlive the task whose future holds this entry (see the field
    /// invariant): the task's scheduler must keep it alive.
    pub(crate) unsafe fn new(shared: &Shared<D>, shard: usize, key: usize) -> Entry<D> {
        Entry {
            shared: NonNull::from(shared),
            shard: u32::try_from(shard).expect("fewer than 2^32 registry shards"),
            key: u32::try_from(key).expect("fewer than 2^32 live tasks in one registry shard"),
        }
    }

    fn shared(&self) -> &Shared<D> {
        // SAFETY: the field invariant, promised by the caller of `Entry::new`.
        unsafe { self.shared.as_ref() }
    }
}

impl<D: Driver> Drop for Entry<D> {
    fn drop(&mut self) {
        let waker = self
            .shared()
            .registry
            .shard(self.shard as usize)
            .tasks
            .try_remove(self.key as usize);
        // Dropped outside the lock.
        drop(waker);
    }
}

pin_project_lite::pin_project! {
    /// A task's future plus its registry entry; the future is dropped first.
    pub(crate) struct Tracked<F, D: Driver> {
        #[pin]
        future: F,
        entry: Entry<D>,
    }
}

impl<F, D: Driver> Tracked<F, D> {
    pub(crate) fn new(future: F, entry: Entry<D>) -> Tracked<F, D> {
        Tracked { future, entry }
    }
}

impl<F: Future, D: Driver> Future for Tracked<F, D> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let unwinding = PanicGuard(this.entry);
        let poll = this.future.poll(cx);
        // The poll returned: nothing to report.
        mem::forget(unwinding);
        poll
    }
}

/// Dropped only while a panic unwinds out of a task's poll (see the module docs).
struct PanicGuard<'a, D: Driver>(&'a Entry<D>);

impl<D: Driver> Drop for PanicGuard<'_, D> {
    fn drop(&mut self) {
        self.0.shared().on_task_panic();
    }
}
