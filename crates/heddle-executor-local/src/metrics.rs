//! What the executor tells about itself: [`Metrics`] (park count and busy time of its one
//! worker, queue depths, task counts) and the list of live tasks ([`Spawner::dump_tasks`]).
//!
//! This module reads; it is not a tracing or profiling facility, and nothing here changes how
//! tasks are scheduled. Every value is a snapshot that may be stale by the time it returns.
//!
//! # Who writes what, and when
//!
//! The executor's one worker is whichever thread is inside
//! [`run_until`](crate::LocalExecutor::run_until).
//!
//! * [`ThreadMetrics`] is written only by that thread, and only when it enters or leaves
//!   `run_until`, parks or unparks, or gives the driver its periodic non-blocking poll: plain
//!   loads and stores (no read-modify-write), never per poll, wake or spawn. Any thread
//!   reads it. The executor moves between threads only through `&mut` access, which orders
//!   one thread's writes before the next one's.
//! * The task counts come from the registry: the live count is the size of its slab, the
//!   spawn count a plain field bumped under the registry lock that a spawn takes anyway.
//!   Listing tasks takes that lock and copies each task's id, name and location out through
//!   the waker the registry holds ([`TaskInfo::from_waker`]); no waker is cloned, woken or
//!   dropped, so no user code runs under the lock.
//! * The global queue depth is the injector's length. The local run queue lives in a
//!   thread-local while the executor runs, out of other threads' reach, so its depth is the
//!   one the worker last published: at its last park (0), periodic driver poll, or return
//!   from `run_until`.
//!
//! Busy time and the park count are a [`heddle_executor_core::WorkerMetrics`].

use crate::loom::{AtomicUsize, Ordering};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use heddle_driver::{Driver, Unparker};
use heddle_task::TaskInfo;

use crate::shared::Shared;
use crate::{LocalExecutor, Spawner};

/// The worker's counters: park count and busy time ([`heddle_executor_core::WorkerMetrics`]) and the
/// local run queue's length as the worker last published it.
pub(crate) struct ThreadMetrics {
    pub(crate) worker: heddle_executor_core::WorkerMetrics,
    local_queue_depth: AtomicUsize,
}

impl ThreadMetrics {
    pub(crate) fn new() -> ThreadMetrics {
        ThreadMetrics {
            worker: heddle_executor_core::WorkerMetrics::new(Instant::now()),
            local_queue_depth: AtomicUsize::new(0),
        }
    }

    /// The worker is about to park, with an empty local queue. Worker only.
    pub(crate) fn about_to_park(&self) {
        self.worker.about_to_park();
        self.set_local_queue_depth(0);
    }

    /// Publishes the local run queue's length. Worker only.
    pub(crate) fn set_local_queue_depth(&self, depth: usize) {
        self.local_queue_depth.store(depth, Ordering::Relaxed);
    }
}

/// Snapshots of a [`LocalExecutor`]'s state, with tokio's names: its one worker (the thread
/// inside `run_until`), its queues, its tasks.
///
/// A `Metrics` reads the executor live at each call, from any thread, whether or not the
/// executor is running. Counting costs the executor nothing per task poll, wake or spawn.
///
/// # Examples
///
/// ```
/// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
/// let metrics = executor.metrics();
/// let task = executor.spawn(async {});
/// assert_eq!(metrics.num_alive_tasks(), 1);
/// executor.run_until(task).unwrap();
/// assert_eq!(metrics.num_alive_tasks(), 0);
/// assert_eq!(metrics.spawned_tasks_count(), 1);
/// ```
pub struct Metrics<U: Unparker> {
    shared: Arc<Shared<U>>,
}

impl<U: Unparker> Clone for Metrics<U> {
    fn clone(&self) -> Metrics<U> {
        Metrics {
            shared: self.shared.clone(),
        }
    }
}

impl<U: Unparker> fmt::Debug for Metrics<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics")
            .field("num_workers", &self.num_workers())
            .finish_non_exhaustive()
    }
}

impl<U: Unparker> Metrics<U> {
    /// The number of workers: always 1, the thread inside `run_until`.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// assert_eq!(executor.metrics().num_workers(), 1);
    /// ```
    pub fn num_workers(&self) -> usize {
        1
    }

    /// How many tasks are alive: spawned, and their future not yet dropped (it is dropped
    /// when the task completes, panics or is aborted).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let task = executor.spawn(std::future::pending::<()>());
    /// assert_eq!(executor.metrics().num_alive_tasks(), 1);
    /// task.abort();
    /// let _ = executor.run_until(task);
    /// assert_eq!(executor.metrics().num_alive_tasks(), 0);
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.shared.alive()
    }

    /// How many tasks were spawned on the executor since it was built (tasks spawned after
    /// it was dropped, which are cancelled at once, are not counted).
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// executor.spawn(async {});
    /// executor.spawn_local(async {});
    /// assert_eq!(executor.metrics().spawned_tasks_count(), 2);
    /// ```
    pub fn spawned_tasks_count(&self) -> u64 {
        self.shared.spawned()
    }

    /// How many tasks wait in the injector: spawned or woken from outside `run_until`'s
    /// thread (or while no thread runs the executor), not yet moved to the local queue.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// executor.spawn(async {});
    /// assert_eq!(executor.metrics().global_queue_depth(), 1);
    /// ```
    pub fn global_queue_depth(&self) -> usize {
        self.shared.injector.len()
    }

    /// How many tasks wait in the local run queue, as the worker last published it: when it
    /// last parked (0), polled the driver between tasks, or returned from `run_until`. The
    /// queue itself is out of other threads' reach while the executor runs.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// assert_eq!(executor.metrics().worker_local_queue_depth(0), 0);
    /// ```
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.worker(worker)
            .local_queue_depth
            .load(Ordering::Relaxed)
    }

    /// How many times the worker has parked (gone to sleep on the driver with nothing to
    /// do) inside `run_until`.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::Poll;
    /// use std::time::Duration;
    ///
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let metrics = executor.metrics();
    /// let watcher = metrics.clone();
    /// let (tx, rx) = std::sync::mpsc::channel::<std::task::Waker>();
    /// std::thread::spawn(move || {
    ///     let waker = rx.recv().unwrap();
    ///     // Wake the executor once it sleeps: the count is odd while it is parked.
    ///     while watcher.worker_park_unpark_count(0) % 2 == 0 {
    ///         std::thread::sleep(Duration::from_millis(1));
    ///     }
    ///     waker.wake();
    /// });
    /// let mut tx = Some(tx);
    /// executor.run_until(std::future::poll_fn(move |cx| match tx.take() {
    ///     Some(tx) => {
    ///         tx.send(cx.waker().clone()).unwrap();
    ///         Poll::Pending
    ///     }
    ///     None => Poll::Ready(()),
    /// }));
    /// assert!(metrics.worker_park_count(0) >= 1);
    /// ```
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.worker(worker).worker.park_count()
    }

    /// How many times the worker has parked or unparked: odd while it is parked.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// assert_eq!(executor.metrics().worker_park_unpark_count(0), 0);
    /// ```
    #[track_caller]
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        self.worker(worker).worker.park_unpark_count()
    }

    /// How long the worker has been busy: inside `run_until` and not parked.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let metrics = executor.metrics();
    /// executor.run_until(async {});
    /// println!("busy for {:?}", metrics.worker_total_busy_duration(0));
    /// ```
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        self.worker(worker).worker.busy_duration()
    }

    #[track_caller]
    fn worker(&self, worker: usize) -> &ThreadMetrics {
        assert!(
            worker == 0,
            "worker index {worker} out of range: a current-thread executor has 1 worker, \
             numbered 0"
        );
        &self.shared.worker_metrics
    }
}

impl<D: Driver> LocalExecutor<D> {
    /// The executor's [`Metrics`].
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// assert_eq!(executor.metrics().num_alive_tasks(), 0);
    /// ```
    pub fn metrics(&self) -> Metrics<D::Unparker> {
        self.spawner().metrics()
    }
}

impl<U: Unparker> Spawner<U> {
    /// The executor's [`Metrics`].
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let metrics = executor.spawner().metrics();
    /// assert_eq!(metrics.num_workers(), 1);
    /// ```
    pub fn metrics(&self) -> Metrics<U> {
        Metrics {
            shared: self.shared.clone(),
        }
    }

    /// The id, name and spawn location of every live task (spawned, future not yet dropped:
    /// idle, queued or running), in no particular order.
    ///
    /// Takes the registry lock, which is never held while a task runs, so it may be called
    /// from inside a task; it runs no task code and keeps no task alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let spawner = executor.spawner();
    /// let task = spawner.spawn_with(heddle_task::Builder::new().name("idle"), std::future::pending::<()>());
    /// let tasks = spawner.dump_tasks();
    /// assert_eq!(tasks.len(), 1);
    /// assert_eq!((tasks[0].id(), tasks[0].name()), (task.id(), Some("idle")));
    /// ```
    pub fn dump_tasks(&self) -> Vec<TaskInfo> {
        self.shared.tasks()
    }
}
