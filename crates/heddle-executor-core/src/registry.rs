//! [`Registry`]: the set of an executor's live tasks, sharded so that spawning threads stay
//! off each other's locks.
//!
//! Every task is entered here (as its waker) when it is spawned and leaves when its future is
//! dropped (the [`Entry`](crate::Entry) inside its future). No lock is ever held while a future
//! is polled, dropped or woken, nor while a waker is cloned or dropped, except task wakers of
//! `heddle-task`, which run no user code. Shutdown wakes every entry so that its runnable
//! reaches a queue ([`drop_all_tasks`](crate::drop_all_tasks)); metrics and dumps read the
//! counts and the tasks' metadata through the wakers the registry holds anyway.
//!
//! # Invariant
//!
//! A shard's slab holds only task wakers of `heddle-task` (from
//! [`Runnable::waker`](heddle_task::Runnable::waker)) or the no-op placeholder of
//! [`Shard::reserve`]: the only ways in are [`Shard::reserve`], [`Shard::insert_task`],
//! [`Shard::insert_local_task`] and [`Shard::set_task`]. [`Registry::tasks`] relies on it.

use std::task::Waker;

use heddle_task::{LocalRunnable, Runnable, TaskInfo};
use slab::Slab;

use crate::loom::{Mutex, MutexGuard};

/// The live tasks of one executor, in shards; see the module docs.
///
/// `X` is per-shard data the executor keeps under the same lock (the single-threaded
/// executor keeps its home thread and its count of `!Send` tasks there).
///
/// # Examples
///
/// ```
/// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(4);
/// assert_eq!(registry.shard_count(), 4);
/// assert_eq!(registry.len(), 0);
/// assert_eq!(registry.close(), 0);
/// assert!(registry.shard(0).is_closed());
/// ```
#[derive(Debug)]
pub struct Registry<X = ()> {
    shards: Box<[Mutex<Shard<X>>]>,
}

/// One shard of a [`Registry`], locked.
#[derive(Debug)]
pub struct Shard<X = ()> {
    /// The waker of each live task, or the no-op placeholder of a reserved slot.
    tasks: Slab<Waker>,
    closed: bool,
    spawned: u64,
    /// The executor's own data, under the same lock.
    pub extra: X,
}

impl<X: Default> Registry<X> {
    /// A registry of `shards` shards (at least one; exactly one under loom, so that the
    /// models have fewer locks to interleave).
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry<u32> = heddle_executor_core::Registry::new(0);
    /// assert_eq!(registry.shard_count(), 1);
    /// ```
    pub fn new(shards: usize) -> Registry<X> {
        let shards = if cfg!(loom) { 1 } else { shards.max(1) };
        Registry {
            shards: (0..shards)
                .map(|_| {
                    Mutex::new(Shard {
                        tasks: Slab::new(),
                        closed: false,
                        spawned: 0,
                        extra: X::default(),
                    })
                })
                .collect(),
        }
    }
}

impl<X> Registry<X> {
    /// How many shards there are.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(2);
    /// assert_eq!(registry.shard_count(), 2);
    /// ```
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// Locks shard `index`.
    ///
    /// # Panics
    ///
    /// If `index` is not below [`shard_count`](Registry::shard_count).
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// assert!(!registry.shard(0).is_closed());
    /// ```
    pub fn shard(&self, index: usize) -> MutexGuard<'_, Shard<X>> {
        // Bookkeeping only, never held across user code: a poisoned lock's data is intact.
        self.shards[index].lock()
    }

    /// Closes every shard (spawns are to be cancelled from now on) and returns how many
    /// tasks are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(2);
    /// assert_eq!(registry.close(), 0);
    /// assert!(registry.shard(1).is_closed());
    /// ```
    pub fn close(&self) -> usize {
        (0..self.shards.len())
            .map(|i| {
                let mut shard = self.shard(i);
                shard.closed = true;
                shard.tasks.len()
            })
            .sum()
    }

    /// Clones the waker of every live task (to wake them all at shutdown).
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// assert!(registry.live_wakers().is_empty());
    /// ```
    pub fn live_wakers(&self) -> Vec<Waker> {
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

    /// How many tasks are alive (spawned, future not yet dropped).
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// let key = registry.shard(0).reserve();
    /// assert_eq!(registry.len(), 1);
    /// assert!(registry.shard(0).remove(key).is_some());
    /// assert_eq!(registry.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        (0..self.shards.len())
            .map(|i| self.shard(i).tasks.len())
            .sum()
    }

    /// Whether no task is alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// assert!(registry.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many tasks were ever spawned (counted by [`Shard::count_spawn`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// registry.shard(0).count_spawn();
    /// assert_eq!(registry.spawned(), 1);
    /// ```
    pub fn spawned(&self) -> u64 {
        (0..self.shards.len()).map(|i| self.shard(i).spawned).sum()
    }

    /// The id, name and spawn location of every live task. Under each shard's lock it only
    /// reads the metadata through the wakers (none is cloned, woken or dropped), so no user
    /// code runs while a lock is held.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// registry.shard(0).reserve(); // a placeholder is not a task yet
    /// assert!(registry.tasks().is_empty());
    /// ```
    pub fn tasks(&self) -> Vec<TaskInfo> {
        let mut tasks = Vec::new();
        for i in 0..self.shards.len() {
            let shard = self.shard(i);
            tasks.reserve(shard.tasks.len());
            for (_, waker) in shard.tasks.iter() {
                // By the module invariant every waker here is a task waker of heddle-task or
                // the no-op placeholder (null data pointer), which `from_waker` maps to `None`.
                // SAFETY: so each is one of the wakers `from_waker` accepts.
                tasks.extend(unsafe { TaskInfo::from_waker(waker) });
            }
        }
        tasks
    }
}

impl<X> Shard<X> {
    /// Whether the registry was closed ([`Registry::close`] or [`Shard::close`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// registry.shard(0).close();
    /// assert!(registry.shard(0).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Closes this shard only (an executor with one shard closes it with a lock it holds
    /// anyway).
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// registry.shard(0).close();
    /// assert_eq!(registry.close(), 0);
    /// ```
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// Counts a spawn, for [`Registry::spawned`].
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// registry.shard(0).count_spawn();
    /// assert_eq!(registry.spawned(), 1);
    /// ```
    pub fn count_spawn(&mut self) {
        self.spawned += 1;
    }

    /// The key the next [`insert_task`](Shard::insert_task) will use, for a task built while
    /// the lock is held.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// assert_eq!(registry.shard(0).vacant_key(), 0);
    /// ```
    pub fn vacant_key(&self) -> usize {
        self.tasks.vacant_key()
    }

    /// Enters `runnable`'s task under `key`, which must be [`vacant_key`](Shard::vacant_key)
    /// read under the same lock.
    ///
    /// # Panics
    ///
    /// If `key` is not the vacant key.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// let (runnable, _handle) = heddle_task::Builder::new().spawn(async {}, |_| {});
    /// let mut shard = registry.shard(0);
    /// let key = shard.vacant_key();
    /// shard.insert_task(key, &runnable);
    /// drop(shard);
    /// assert_eq!(registry.tasks()[0].id(), runnable.id());
    /// ```
    pub fn insert_task(&mut self, key: usize, runnable: &Runnable) {
        let inserted = self.tasks.insert(runnable.waker());
        assert_eq!(inserted, key, "insert_task takes the shard's vacant key");
    }

    /// As [`insert_task`](Shard::insert_task), for the runnable of a thread-checked `!Send`
    /// task.
    ///
    /// # Panics
    ///
    /// If `key` is not the vacant key.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_task::LocalRunnable;
    ///
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// let (runnable, _handle) =
    ///     heddle_task::Builder::new().spawn_local_checked(async {}, |_: LocalRunnable| {});
    /// let mut shard = registry.shard(0);
    /// let key = shard.vacant_key();
    /// shard.insert_local_task(key, &runnable);
    /// drop(shard);
    /// assert_eq!(registry.tasks()[0].id(), runnable.id());
    /// ```
    pub fn insert_local_task(&mut self, key: usize, runnable: &LocalRunnable) {
        let inserted = self.tasks.insert(runnable.waker());
        assert_eq!(
            inserted, key,
            "insert_local_task takes the shard's vacant key"
        );
    }

    /// Reserves a slot with a placeholder (a no-op waker), for a task built after the lock is
    /// released; [`set_task`](Shard::set_task) fills it. Returns its key.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// let key = registry.shard(0).reserve();
    /// let (runnable, _handle) = heddle_task::Builder::new().spawn(async {}, |_| {});
    /// registry.shard(0).set_task(key, &runnable);
    /// assert_eq!(registry.tasks().len(), 1);
    /// ```
    pub fn reserve(&mut self) -> usize {
        self.tasks.insert(Waker::noop().clone())
    }

    /// Puts `runnable`'s task in the slot [`reserve`](Shard::reserve)d under `key`, if it is
    /// still there.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// let key = registry.shard(0).reserve();
    /// let (runnable, _handle) = heddle_task::Builder::new().spawn(async {}, |_| {});
    /// registry.shard(0).set_task(key, &runnable);
    /// ```
    pub fn set_task(&mut self, key: usize, runnable: &Runnable) {
        if let Some(slot) = self.tasks.get_mut(key) {
            *slot = runnable.waker();
        }
    }

    /// Removes the task under `key`; the caller drops the returned waker after unlocking.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// let key = registry.shard(0).reserve();
    /// let waker = registry.shard(0).remove(key);
    /// assert!(waker.is_some());
    /// ```
    pub fn remove(&mut self, key: usize) -> Option<Waker> {
        self.tasks.try_remove(key)
    }

    /// How many tasks this shard holds.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// assert_eq!(registry.shard(0).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether this shard holds no task.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry: heddle_executor_core::Registry = heddle_executor_core::Registry::new(1);
    /// assert!(registry.shard(0).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}
