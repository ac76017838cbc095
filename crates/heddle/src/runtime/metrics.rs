//! [`RuntimeMetrics`]: snapshots of a runtime's workers, queues, tasks and blocking pool,
//! with tokio's names and meanings, for both flavors.
//!
//! The counters live in the executors (`heddle-executor-steal`, `heddle-executor-local`) and
//! the blocking pool (`heddle-blocking`); this type only asks them. None of them costs
//! anything per task poll, wake or spawn: workers write their own counters when they park and
//! unpark, and the rest is read from the queues and the task registry as they are. This is
//! not a tracing or profiling facility: there are no histograms or per-task timings.

use std::fmt;
use std::time::Duration;

use super::{Flavor, Handle};

/// Snapshots of a runtime's state: workers, queues, tasks and blocking threads.
///
/// Returned by [`Runtime::metrics`](super::Runtime::metrics) and [`Handle::metrics`]. Each
/// method reads the runtime live; the value may be stale by the time it returns. A
/// current-thread runtime has one worker, index 0: whichever thread is inside `block_on`.
/// Worker indexes run from 0 to [`num_workers`](RuntimeMetrics::num_workers) − 1; the
/// per-worker methods panic on any other.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_multi_thread().worker_threads(2).build()?;
/// let metrics = runtime.metrics();
/// runtime.block_on(async {
///     heddle::spawn(async {}).await.unwrap();
/// });
/// assert_eq!(metrics.num_workers(), 2);
/// assert_eq!(metrics.spawned_tasks_count(), 1);
/// assert_eq!(metrics.num_alive_tasks(), 0);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct RuntimeMetrics {
    handle: Handle,
}

impl fmt::Debug for RuntimeMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeMetrics")
            .field("num_workers", &self.num_workers())
            .field("num_alive_tasks", &self.num_alive_tasks())
            .finish_non_exhaustive()
    }
}

/// Calls the same method on whichever executor's metrics the runtime has.
macro_rules! per_flavor {
    ($self:ident, $metrics:ident => $call:expr) => {
        match $self.handle.inner.flavor() {
            Flavor::CurrentThread(flavor) => {
                let $metrics = &flavor.metrics;
                $call
            }
            #[cfg(feature = "rt-multi-thread")]
            Flavor::MultiThread(flavor) => {
                let $metrics = &flavor.metrics;
                $call
            }
        }
    };
}

impl RuntimeMetrics {
    pub(crate) fn new(handle: Handle) -> RuntimeMetrics {
        RuntimeMetrics { handle }
    }

    /// The number of worker threads: as built for a multi-thread runtime, 1 for a
    /// current-thread one.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// assert_eq!(runtime.metrics().num_workers(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn num_workers(&self) -> usize {
        per_flavor!(self, metrics => metrics.num_workers())
    }

    /// How many spawned tasks are alive: not yet completed, panicked or aborted (their future
    /// not yet dropped). [`spawn_blocking`](crate::spawn_blocking) closures are not counted.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// let task = runtime.spawn(std::future::pending::<()>());
    /// assert_eq!(runtime.metrics().num_alive_tasks(), 1);
    /// task.abort();
    /// let _ = runtime.block_on(task);
    /// assert_eq!(runtime.metrics().num_alive_tasks(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        per_flavor!(self, metrics => metrics.num_alive_tasks())
    }

    /// How many tasks were spawned on the runtime since it was built (not counting
    /// [`spawn_blocking`](crate::spawn_blocking) closures).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.spawn(async {});
    /// runtime.spawn(async {});
    /// assert_eq!(runtime.metrics().spawned_tasks_count(), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn spawned_tasks_count(&self) -> u64 {
        per_flavor!(self, metrics => metrics.spawned_tasks_count())
    }

    /// How many tasks wait in the global (injection) queue: spawned or woken from outside
    /// the workers and not yet taken by one.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// // Nobody is inside `block_on`, so the task waits in the global queue.
    /// runtime.spawn(async {});
    /// assert_eq!(runtime.metrics().global_queue_depth(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn global_queue_depth(&self) -> usize {
        per_flavor!(self, metrics => metrics.global_queue_depth())
    }

    /// How many tasks wait in `worker`'s local run queue. On a current-thread runtime, the
    /// depth the worker last published: when it last parked, polled for I/O between tasks,
    /// or left `block_on` (its queue is out of other threads' reach while it runs).
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_multi_thread().worker_threads(1).build()?;
    /// assert_eq!(runtime.metrics().worker_local_queue_depth(0), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        per_flavor!(self, metrics => metrics.worker_local_queue_depth(worker))
    }

    /// How many times `worker` has parked: gone to sleep (on the I/O driver or alone) with
    /// nothing to run.
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let runtime = heddle::Builder::new_current_thread().enable_all().build()?;
    /// // Sleeping leaves the worker nothing to run: it parks until the timer fires.
    /// runtime.block_on(heddle::time::sleep(Duration::from_millis(5)));
    /// assert!(runtime.metrics().worker_park_count(0) >= 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        per_flavor!(self, metrics => metrics.worker_park_count(worker))
    }

    /// How many times `worker` has parked or unparked. Each park adds one and each unpark
    /// one more, so the count is odd while the worker is parked.
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let metrics = runtime.metrics();
    /// // Nobody is inside `block_on`: the worker has never parked.
    /// assert_eq!(metrics.worker_park_unpark_count(0), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        per_flavor!(self, metrics => metrics.worker_park_unpark_count(worker))
    }

    /// How long `worker` has been busy (running, not parked) since the runtime started; on
    /// a current-thread runtime, only time inside `block_on` counts.
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// runtime.block_on(async {});
    /// let busy = runtime.metrics().worker_total_busy_duration(0);
    /// println!("worker 0 was busy for {busy:?}");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        per_flavor!(self, metrics => metrics.worker_total_busy_duration(worker))
    }

    /// How many threads the blocking pool has (busy or idle).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// assert_eq!(runtime.metrics().num_blocking_threads(), 0); // started on demand
    /// runtime.block_on(runtime.spawn_blocking(|| ())).unwrap();
    /// assert!(runtime.metrics().num_blocking_threads() <= 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn num_blocking_threads(&self) -> usize {
        self.handle.inner.blocking().threads()
    }

    /// How many blocking-pool threads are idle, waiting for a closure (they exit after the
    /// keep-alive time, [`Builder::thread_keep_alive`](crate::Builder::thread_keep_alive)).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// let metrics = runtime.metrics();
    /// assert!(metrics.num_idle_blocking_threads() <= metrics.num_blocking_threads());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.handle.inner.blocking().idle_threads()
    }

    /// How many [`spawn_blocking`](crate::spawn_blocking) closures wait for a blocking
    /// thread (all are busy and the pool is at its
    /// [`max_blocking_threads`](crate::Builder::max_blocking_threads)).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// assert_eq!(runtime.metrics().blocking_queue_depth(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn blocking_queue_depth(&self) -> usize {
        self.handle.inner.blocking().queue_depth()
    }
}
