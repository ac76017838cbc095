//! What the executor tells about itself: [`Metrics`] (worker park counts and busy time, queue
//! depths, task counts) and the list of live tasks ([`Spawner::dump_tasks`]).
//!
//! This module reads; it is not a tracing or profiling facility, and nothing here changes how
//! tasks are scheduled. Every value is a snapshot that may be stale by the time it returns.
//!
//! # Who writes what, and when
//!
//! * A worker's [`WorkerMetrics`] is written only by the thread holding that worker's core,
//!   and only when the worker parks, unparks, starts or stops: plain loads and stores on a
//!   line of its own (no read-modify-write), never per poll, wake or spawn. Any thread reads
//!   it.
//! * The task counts come from the registry: the live count is the size of its slabs, the
//!   spawn count a plain field of each shard bumped under the shard lock that a spawn takes
//!   anyway. Listing tasks takes each shard lock in turn and copies each task's id, name and
//!   location out through the waker the registry holds ([`TaskInfo::from_waker`]); no waker
//!   is cloned, woken or dropped, so no user code runs under the lock.
//! * Queue depths are read from the queues' own indexes.
//!
//! Busy time and park counts are [`WorkerMetrics`] (heddle-task), one per worker.

use std::fmt;
use std::time::Duration;

use heddle_driver::Driver;
use heddle_executor_core::WorkerMetrics;
use heddle_task::TaskInfo;

use crate::executor::{Spawner, StealExecutor};
use crate::loom::Arc;
use crate::shared::Shared;

/// Snapshots of a [`StealExecutor`]'s state, with tokio's names: workers, queues, tasks.
///
/// A `Metrics` reads the executor live at each call; it keeps the executor's shared state
/// alive (not its threads). Counting costs the executor nothing per task poll, wake or
/// spawn: workers write their counters only when they park and unpark.
///
/// # Examples
///
/// ```
/// let executor = heddle_executor_steal::Builder::new()
///     .worker_threads(2)
///     .build(heddle_driver::ThreadParker::new())?;
/// let metrics = executor.metrics();
/// executor.block_on(executor.spawn(async {})).unwrap();
/// assert_eq!(metrics.num_workers(), 2);
/// assert_eq!(metrics.spawned_tasks_count(), 1);
/// assert_eq!(metrics.num_alive_tasks(), 0);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Metrics<D: Driver + Send + 'static> {
    shared: Arc<Shared<D>>,
}

impl<D: Driver + Send + 'static> Clone for Metrics<D> {
    fn clone(&self) -> Metrics<D> {
        Metrics {
            shared: self.shared.clone(),
        }
    }
}

impl<D: Driver + Send + 'static> fmt::Debug for Metrics<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics")
            .field("num_workers", &self.num_workers())
            .finish_non_exhaustive()
    }
}

impl<D: Driver + Send + 'static> Metrics<D> {
    pub(crate) fn new(shared: Arc<Shared<D>>) -> Metrics<D> {
        Metrics { shared }
    }

    /// The number of worker threads.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::Builder::new()
    ///     .worker_threads(3)
    ///     .build(heddle_driver::ThreadParker::new())?;
    /// assert_eq!(executor.metrics().num_workers(), 3);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn num_workers(&self) -> usize {
        self.shared.remotes.len()
    }

    /// How many tasks are alive: spawned, and their future not yet dropped (it is dropped
    /// when the task completes, panics or is aborted).
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// let task = executor.spawn(std::future::pending::<()>());
    /// assert_eq!(executor.metrics().num_alive_tasks(), 1);
    /// task.abort();
    /// let _ = executor.block_on(task);
    /// assert_eq!(executor.metrics().num_alive_tasks(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.shared.registry.len()
    }

    /// How many tasks were spawned on the executor since it was built (tasks spawned after
    /// shutdown, which are cancelled at once, are not counted).
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// for _ in 0..3 {
    ///     executor.spawn(async {});
    /// }
    /// assert_eq!(executor.metrics().spawned_tasks_count(), 3);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn spawned_tasks_count(&self) -> u64 {
        self.shared.registry.spawned()
    }

    /// How many tasks wait in the global injector: spawned or woken from outside the
    /// workers, or moved there when a worker's local queue was full.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// // The workers may already have taken it.
    /// executor.spawn(async {});
    /// assert!(executor.metrics().global_queue_depth() <= 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn global_queue_depth(&self) -> usize {
        self.shared.injector.len()
    }

    /// How many tasks wait in `worker`'s local run queue (not counting its LIFO slot).
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::Builder::new()
    ///     .worker_threads(1)
    ///     .build(heddle_driver::ThreadParker::new())?;
    /// assert_eq!(executor.metrics().worker_local_queue_depth(0), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.check(worker);
        self.shared.remotes[worker].steal.len()
    }

    /// How many times `worker` has parked (gone to sleep with nothing to do). A stay in the
    /// parked state counts once, however often the worker briefly wakes inside it (to watch
    /// a busy worker, or spuriously), as tokio counts.
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::Builder::new()
    ///     .worker_threads(1)
    ///     .build(heddle_driver::ThreadParker::new())?;
    /// let metrics = executor.metrics();
    /// // With nothing to run, the worker parks soon after it starts.
    /// for _ in 0..10_000 {
    ///     if metrics.worker_park_count(0) > 0 {
    ///         break;
    ///     }
    ///     std::thread::sleep(std::time::Duration::from_millis(1));
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_count()
    }

    /// How many times `worker` has parked or unparked: odd while it is parked.
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::Builder::new()
    ///     .worker_threads(1)
    ///     .build(heddle_driver::ThreadParker::new())?;
    /// let metrics = executor.metrics();
    /// let count = metrics.worker_park_unpark_count(0);
    /// let parked = count % 2 == 1;
    /// # let _ = parked;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_unpark_count()
    }

    /// How long `worker` has been busy (running, not parked) since the executor started.
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::Builder::new()
    ///     .worker_threads(1)
    ///     .build(heddle_driver::ThreadParker::new())?;
    /// let busy = executor.metrics().worker_total_busy_duration(0);
    /// println!("worker 0 was busy for {busy:?}");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        self.worker(worker).busy_duration()
    }

    #[track_caller]
    fn check(&self, worker: usize) {
        let workers = self.num_workers();
        assert!(
            worker < workers,
            "worker index {worker} out of range: the executor has {workers} worker(s), \
             numbered from 0"
        );
    }

    #[track_caller]
    fn worker(&self, worker: usize) -> &WorkerMetrics {
        self.check(worker);
        &self.shared.worker_metrics[worker]
    }
}

impl<D: Driver + Send + 'static> StealExecutor<D> {
    /// The executor's [`Metrics`].
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// assert!(executor.metrics().num_workers() >= 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn metrics(&self) -> Metrics<D> {
        self.spawner().metrics()
    }
}

impl<D: Driver + Send + 'static> Spawner<D> {
    /// The executor's [`Metrics`].
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// let metrics = executor.spawner().metrics();
    /// assert_eq!(metrics.num_alive_tasks(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn metrics(&self) -> Metrics<D> {
        Metrics::new(self.shared.clone())
    }

    /// The id, name and spawn location of every live task (spawned, future not yet dropped:
    /// idle, queued or running), in no particular order. Closures run on a blocking pool
    /// (`heddle-blocking`) are not the executor's tasks and are not listed.
    ///
    /// Takes the registry's locks one at a time, which are never held while a task runs, so
    /// it may be called from inside a task; it runs no task code and keeps no task alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// let spawner = executor.spawner();
    /// let task = spawner.spawn_with(
    ///     heddle_task::Builder::new().name("sleeper"),
    ///     std::future::pending::<()>(),
    /// );
    /// let tasks = spawner.dump_tasks();
    /// assert_eq!(tasks.len(), 1);
    /// assert_eq!(tasks[0].name(), Some("sleeper"));
    /// assert_eq!(tasks[0].id(), task.id());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn dump_tasks(&self) -> Vec<TaskInfo> {
        self.shared.registry.tasks()
    }
}
