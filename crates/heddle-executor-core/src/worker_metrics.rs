//! [`WorkerMetrics`]: the park count and busy time of one executor worker, shared by the
//! executors so each reports them the same way (`worker_park_count`,
//! `worker_park_unpark_count`, `worker_total_busy_duration` in tokio's naming).
//!
//! It only counts; it is not a tracing or profiling facility. The worker (the one thread that
//! runs the executor's loop at a time) writes it when it parks, unparks, starts or stops,
//! never per task poll, wake or spawn; any thread reads it.
//!
//! # Busy time
//!
//! A worker is busy from when it starts (or unparks) until it parks (or stops). It records
//! when its current busy stretch began in `busy_since` and adds each finished stretch to
//! `busy_nanos`. Stopping clears `busy_since` *before* it publishes the new total (both
//! Release), so a reader that loads `busy_since`, then the total (Acquire), then
//! `busy_since` again and finds the same value on both sides has a consistent pair: had it
//! seen a total published after its first load, the second load would see the cleared (or a
//! newer) start.

use crate::loom::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How many times a reader retries when the worker changes state under it.
const READ_ATTEMPTS: usize = 8;

/// One worker's park count and busy time; see the module docs for who writes what.
///
/// Aligned to its own pair of cache lines, so a worker writing it never touches a line
/// another worker or the executor's shared state uses.
///
/// # Examples
///
/// ```
/// use heddle_executor_core::WorkerMetrics;
///
/// let metrics = WorkerMetrics::new(std::time::Instant::now());
/// metrics.start_busy();
/// metrics.about_to_park();
/// assert_eq!((metrics.park_count(), metrics.park_unpark_count()), (1, 1));
/// metrics.unparked();
/// assert_eq!((metrics.park_count(), metrics.park_unpark_count()), (1, 2));
/// ```
#[repr(align(128))]
#[derive(Debug)]
pub struct WorkerMetrics {
    /// Incremented when the worker parks and again when it unparks: odd while it is parked.
    park_unpark_count: AtomicU64,
    /// Nanoseconds the worker was busy, up to the end of its last finished busy stretch.
    busy_nanos: AtomicU64,
    /// When the current busy stretch began, as nanoseconds since `epoch` plus one; 0 while
    /// the worker is not busy.
    busy_since: AtomicU64,
    epoch: Instant,
}

impl WorkerMetrics {
    /// Counters at zero; busy times are measured from `epoch` (any instant before the
    /// worker starts; workers of one executor may share it).
    ///
    /// # Examples
    ///
    /// ```
    /// let metrics = heddle_executor_core::WorkerMetrics::new(std::time::Instant::now());
    /// assert_eq!(metrics.busy_duration(), std::time::Duration::ZERO);
    /// ```
    pub fn new(epoch: Instant) -> WorkerMetrics {
        WorkerMetrics {
            park_unpark_count: AtomicU64::new(0),
            busy_nanos: AtomicU64::new(0),
            busy_since: AtomicU64::new(0),
            epoch,
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX - 1)
    }

    /// The worker starts a busy stretch, unless one is running. Worker only.
    ///
    /// # Examples
    ///
    /// ```
    /// let metrics = heddle_executor_core::WorkerMetrics::new(std::time::Instant::now());
    /// metrics.start_busy();
    /// std::thread::sleep(std::time::Duration::from_millis(1));
    /// assert!(metrics.busy_duration() > std::time::Duration::ZERO);
    /// ```
    pub fn start_busy(&self) {
        // Relaxed: only the worker writes `busy_since`.
        if self.busy_since.load(Ordering::Relaxed) == 0 {
            self.busy_since.store(self.now() + 1, Ordering::Release);
        }
    }

    /// The worker ends its busy stretch. Worker only.
    ///
    /// # Examples
    ///
    /// ```
    /// let metrics = heddle_executor_core::WorkerMetrics::new(std::time::Instant::now());
    /// metrics.start_busy();
    /// metrics.stop_busy();
    /// let busy = metrics.busy_duration();
    /// std::thread::sleep(std::time::Duration::from_millis(1));
    /// assert_eq!(metrics.busy_duration(), busy); // not busy: no time is added
    /// ```
    pub fn stop_busy(&self) {
        let since = self.busy_since.load(Ordering::Relaxed);
        if since == 0 {
            return;
        }
        let stretch = self.now().saturating_sub(since - 1);
        // Cleared first: see "Busy time" in the module docs.
        self.busy_since.store(0, Ordering::Release);
        let total = self
            .busy_nanos
            .load(Ordering::Relaxed)
            .saturating_add(stretch);
        self.busy_nanos.store(total, Ordering::Release);
    }

    /// The worker is about to park: its busy stretch ends and the park is counted. Worker
    /// only.
    ///
    /// # Examples
    ///
    /// ```
    /// let metrics = heddle_executor_core::WorkerMetrics::new(std::time::Instant::now());
    /// metrics.about_to_park();
    /// assert_eq!(metrics.park_unpark_count(), 1); // odd: parked
    /// ```
    pub fn about_to_park(&self) {
        self.stop_busy();
        self.bump_park_unpark();
    }

    /// The worker returned from a park: counted, and a busy stretch starts. Worker only.
    ///
    /// # Examples
    ///
    /// ```
    /// let metrics = heddle_executor_core::WorkerMetrics::new(std::time::Instant::now());
    /// metrics.about_to_park();
    /// metrics.unparked();
    /// assert_eq!(metrics.park_unpark_count(), 2); // even: running
    /// ```
    pub fn unparked(&self) {
        self.bump_park_unpark();
        self.start_busy();
    }

    fn bump_park_unpark(&self) {
        // A load and a store, not a read-modify-write: only the worker writes the counter.
        let count = self.park_unpark_count.load(Ordering::Relaxed);
        self.park_unpark_count.store(count + 1, Ordering::Relaxed);
    }

    /// Parks plus unparks so far: odd while the worker is parked.
    ///
    /// # Examples
    ///
    /// ```
    /// let metrics = heddle_executor_core::WorkerMetrics::new(std::time::Instant::now());
    /// assert_eq!(metrics.park_unpark_count(), 0);
    /// ```
    pub fn park_unpark_count(&self) -> u64 {
        self.park_unpark_count.load(Ordering::Relaxed)
    }

    /// Parks so far: each park adds 2 to [`park_unpark_count`](Self::park_unpark_count) once
    /// it ends, 1 until then.
    ///
    /// # Examples
    ///
    /// ```
    /// let metrics = heddle_executor_core::WorkerMetrics::new(std::time::Instant::now());
    /// metrics.about_to_park();
    /// assert_eq!(metrics.park_count(), 1);
    /// ```
    pub fn park_count(&self) -> u64 {
        self.park_unpark_count().div_ceil(2)
    }

    /// Time the worker has spent busy, including the stretch running now.
    ///
    /// # Examples
    ///
    /// ```
    /// let metrics = heddle_executor_core::WorkerMetrics::new(std::time::Instant::now());
    /// assert_eq!(metrics.busy_duration(), std::time::Duration::ZERO);
    /// ```
    pub fn busy_duration(&self) -> Duration {
        let mut nanos = 0;
        for _ in 0..READ_ATTEMPTS {
            let since = self.busy_since.load(Ordering::Acquire);
            let total = self.busy_nanos.load(Ordering::Acquire);
            let running = if since == 0 {
                0
            } else {
                self.now().saturating_sub(since - 1)
            };
            nanos = total.saturating_add(running);
            if self.busy_since.load(Ordering::Relaxed) == since {
                break;
            }
        }
        Duration::from_nanos(nanos)
    }
}
