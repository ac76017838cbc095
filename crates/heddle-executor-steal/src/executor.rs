//! [`StealExecutor`] and its [`Spawner`]: spawning onto it, blocking on it, and shutting it
//! down. Building it is in `builder`, its worker threads in `thread`.
//!
//! # Shutdown
//!
//! The shutdown flags, read as one state machine of the executor (`Shared` holds all but the
//! last; each is set once and never cleared):
//!
//! ```text
//!            (1) first task panic, with shutdown_on_panic
//!  RUNNING ───────────────────────────────────────────────▶ PANICKED ──(3)──▶ STOPPED_BY_PANIC
//!     │        task_panicked, then (2)                          │               stopped_by_panic
//!     │ (2) begin_shutdown: `shutdown` set, registry closed,    │ (4) stop()
//!     │     every worker unparked                               ▼
//!     └──────────────────────────────────────────────────────▶ STOPPING ──(5)──▶ DRAINED
//!                                                              `shut_down` (this handle)
//! ```
//!
//! 1. `Shared::on_task_panic` (only with `shutdown_on_panic`) sets `task_panicked` and calls (2).
//! 2. `Shared::begin_shutdown` sets `shutdown` (AcqRel swap: only the first caller proceeds),
//!    closes the registry so that later spawns are cancelled at once, and unparks every worker;
//!    each stops at its next loop turn and, in `thread::WorkerExit`, hands its core to
//!    `cores` and counts itself in `exited` under its lock.
//! 3. The last worker to exit after a panic sets `stopped_by_panic` and wakes the `block_on`s
//!    waiting for it, which then panic with tokio's message.
//! 4. `StealExecutor::stop` (drop, `shutdown`, `shutdown_timeout`, `shutdown_background`) sets
//!    `shut_down` (so a second call returns), calls (2) and waits for `exited` to reach
//!    `started` (bounded by the timeout). From inside one of its own tasks it cannot wait: it
//!    sets `drain_on_exit` and panics with advice. On a former worker that handed its core
//!    off (`block_in_place`) it waits for the others only. If any worker is still out, it sets
//!    `drain_on_exit` under the `exited` lock, so that a worker exiting at that moment either
//!    sees the flag or leaves its core to the drain that follows.
//! 5. `Shared::drop_tasks` drops every task once (`heddle_executor_core::drop_all_tasks`); with
//!    `drain_on_exit` set, the last worker to exit runs it again for what it held. Then the
//!    driver is polled once so that deregistrations complete, and the exited threads are
//!    joined (never the calling thread).

use std::fmt;
use std::future::Future;
use std::io;
use std::sync::Arc as StdArc;
use std::thread;
use std::time::{Duration, Instant};

use heddle_driver::Driver;
use heddle_task::JoinHandle;

use crate::block_on::{block_on_parked, UntilTaskPanic};
use crate::builder::Builder;
use crate::current;
use crate::loom::{Arc, Ordering};
use crate::shared::{Scheduler, Shared};
use heddle_executor_core::{Entry, Tracked};

/// Runs `f`, a closure that blocks, on the calling worker thread after handing the worker's
/// queue and duties to a new worker thread, so that the executor keeps running tasks
/// meanwhile (even with a single worker). On a thread that is not a worker of a
/// [`StealExecutor`], just runs `f`.
///
/// # Examples
///
/// ```
/// let executor = heddle_executor_steal::Builder::new()
///     .worker_threads(1)
///     .build(heddle_driver::ThreadParker::new())?;
/// let other = executor.spawn(async { "still running" });
/// let task = executor.spawn(async move {
///     // Blocks this thread; the single worker's duties moved to a new thread.
///     heddle_executor_steal::block_in_place(|| std::thread::sleep(std::time::Duration::from_millis(10)));
///     other.await.unwrap()
/// });
/// assert_eq!(executor.block_on(task).unwrap(), "still running");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn block_in_place<R>(f: impl FnOnce() -> R) -> R {
    current::block_in_place(f)
}

/// Default polls between two checks of the injector (remote spawns, overflow).
///
/// Checking it every poll costs a contended cache line per task; never checking it starves
/// remote work behind a busy local queue. 61, as tokio uses: remote work waits at most 61
/// task polls per worker.
pub const DEFAULT_GLOBAL_QUEUE_INTERVAL: u32 = 61;

/// Default polls between two non-blocking polls of the driver by a busy worker.
///
/// A zero-timeout poll of the reactor is a system call; every 61 polls keeps it cheap while
/// bounding how long ready I/O waits behind busy workers (tokio's default too).
pub const DEFAULT_EVENT_INTERVAL: u32 = 61;

/// Runs each worker thread's loop; given the loop to run (see [`Builder::around_worker`]).
pub type AroundWorker = StdArc<dyn Fn(&mut dyn FnMut()) + Send + Sync + 'static>;

/// A multi-threaded, work-stealing executor over any [`Driver`].
///
/// Dropping it shuts it down: the workers stop, every task's future is dropped exactly once
/// (spawned, queued or idle) with no lock held while destructors run, and the worker threads
/// are joined.
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_executor_steal::StealExecutor;
///
/// let executor = StealExecutor::new(ThreadParker::new())?;
/// let tasks: Vec<_> = (0..100u64).map(|i| executor.spawn(async move { i * i })).collect();
/// let total: u64 = executor.block_on(async {
///     let mut total = 0;
///     for task in tasks {
///         total += task.await.unwrap();
///     }
///     total
/// });
/// assert_eq!(total, 328_350);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct StealExecutor<D: Driver + Send + 'static> {
    pub(crate) shared: Arc<Shared<D>>,
    pub(crate) threads: Vec<thread::JoinHandle<()>>,
    /// Set by the first `shutdown` (dropping after `shutdown_timeout` calls it again). Not
    /// `shared.shutdown`, which a task panic may set before the executor is shut down.
    pub(crate) shut_down: bool,
}

/// Spawns onto a [`StealExecutor`] from anywhere; cloneable, `Send + Sync`.
///
/// # Examples
///
/// ```
/// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
/// let spawner = executor.spawner();
/// let task = std::thread::spawn(move || spawner.spawn(async { 3 })).join().unwrap();
/// assert_eq!(executor.block_on(task).unwrap(), 3);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Spawner<D: Driver + Send + 'static> {
    pub(crate) shared: Arc<Shared<D>>,
}

impl<D: Driver + Send + 'static> Clone for Spawner<D> {
    fn clone(&self) -> Spawner<D> {
        Spawner {
            shared: self.shared.clone(),
        }
    }
}

impl<D: Driver + Send + 'static> fmt::Debug for Spawner<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spawner").finish_non_exhaustive()
    }
}

impl<D: Driver + Send + 'static> StealExecutor<D> {
    /// An executor with the default configuration (one worker per core).
    ///
    /// # Errors
    ///
    /// The OS error if a worker thread cannot be started.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// # drop(executor);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(driver: D) -> io::Result<StealExecutor<D>> {
        Builder::new().build(driver)
    }

    /// Spawns a task onto the workers.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// let task = executor.spawn(async { "done" });
    /// assert_eq!(executor.block_on(task).unwrap(), "done");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn(&self.shared, heddle_task::Builder::new(), future)
    }

    /// A handle that spawns onto this executor from anywhere.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// let spawner = executor.spawner();
    /// assert_eq!(executor.block_on(spawner.spawn(async { 1 })).unwrap(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn spawner(&self) -> Spawner<D> {
        Spawner {
            shared: self.shared.clone(),
        }
    }

    /// How many tasks are alive (spawned, future not yet dropped).
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// executor.block_on(executor.spawn(async {})).unwrap();
    /// assert_eq!(executor.alive_tasks(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn alive_tasks(&self) -> usize {
        self.shared.registry.len()
    }

    /// Runs `future` on the calling thread until it completes, while the workers run the
    /// tasks. The calling thread does not run tasks.
    ///
    /// # Panics
    ///
    /// Panics if called from one of this executor's worker threads: blocking a worker would
    /// stall the tasks the future may be waiting for. Use `.await` instead. With
    /// [`Builder::shutdown_on_panic`], panics once a task has panicked, unless `future` is
    /// ready when polled.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// assert_eq!(executor.block_on(async { 5 }), 5);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.spawner().block_on(future)
    }

    /// Shuts down, waiting at most `timeout` for the workers to stop (a worker stuck inside
    /// a task's poll cannot be interrupted; it is left behind and its tasks with it).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// executor.spawn(std::future::pending::<()>());
    /// executor.shutdown_timeout(Duration::from_secs(1));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.stop(Some(timeout));
    }

    /// Shuts down and waits for every worker to stop; what dropping the executor does.
    /// Tasks still in the executor are dropped (cancelled) before this returns.
    ///
    /// # Panics
    ///
    /// Called from inside one of the executor's own tasks (it cannot wait for itself).
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// let task = executor.spawn(std::future::pending::<()>());
    /// executor.shutdown();
    /// assert!(task.is_finished()); // cancelled: its future was dropped
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown(mut self) {
        self.stop(None);
    }

    /// Shuts down without waiting for the workers to stop; they exit on their own.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// executor.shutdown_background();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown_background(mut self) {
        self.stop(Some(Duration::ZERO));
    }

    fn stop(&mut self, timeout: Option<Duration>) {
        let shared = &*self.shared;
        let inside = current::is_worker_of(shared);
        if inside {
            // This thread is a worker: it cannot wait for itself. Stop the workers anyway;
            // the last one to exit drops the tasks. Then report the mistake.
            shared.drain_on_exit.store(true, Ordering::Release);
        }
        if std::mem::replace(&mut self.shut_down, true) {
            return;
        }
        // Started already if a task panicked with `shutdown_on_panic`; this call still waits.
        shared.begin_shutdown();
        if inside {
            self.threads.clear();
            if timeout == Some(Duration::ZERO) {
                // `shutdown_background`: nothing to wait for, so nothing went wrong.
                return;
            }
            panic!(
                "a heddle runtime was dropped or shut down from inside one of its own tasks; \
                 its workers are stopping, but shut it down from outside (e.g. after \
                 `block_on` returns) so that shutdown can wait for them"
            );
        }
        // A former worker that handed its core off (`block_in_place`) and now shuts down:
        // it exits once its task returns, so wait for the others only.
        let this_thread = usize::from(current::handed_off_from(shared));
        // Wait for the workers to stop (they see the flag at their next loop turn).
        // A timeout too long to represent (`Duration::MAX`) waits without a deadline.
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        // Only the workers that were started (building stops at the first failure; a
        // `block_in_place` may have started replacements, so re-read it).
        let mut exited = shared.exited.lock();
        while *exited + this_thread < shared.started.load(Ordering::Acquire) {
            let now = Instant::now();
            exited = match deadline {
                None => shared.exited_cv.wait(exited),
                Some(deadline) if now < deadline => {
                    shared.exited_cv.wait_timeout(exited, deadline - now).0
                }
                Some(_) => break,
            };
        }
        let all_exited = *exited >= shared.started.load(Ordering::Acquire);
        if !all_exited {
            // Some worker is still out (stuck in a long poll past the timeout, or this very
            // thread): whichever exits last drops what it held and what was woken since.
            // Set under the lock, before this drain, so that a worker exiting right now
            // either finds the flag or leaves its core to this drain.
            shared.drain_on_exit.store(true, Ordering::Release);
        }
        drop(exited);
        shared.drop_tasks();
        let current = thread::current().id();
        for thread in self.threads.drain(..) {
            if all_exited && thread.thread().id() != current {
                let _ = thread.join();
            }
            // Otherwise detached: a stuck worker exits when its task returns.
        }
        // Tasks the driver still references are released with it; poll it once so that
        // deregistrations complete.
        shared.driver.poll_now_contained();
    }
}

impl<D: Driver + Send + 'static> Drop for StealExecutor<D> {
    fn drop(&mut self) {
        self.stop(None);
    }
}

impl<D: Driver + Send + 'static> fmt::Debug for StealExecutor<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StealExecutor")
            .field("workers", &self.shared.remotes.len())
            .field("alive_tasks", &self.alive_tasks())
            .finish_non_exhaustive()
    }
}

impl<D: Driver + Send + 'static> Spawner<D> {
    /// Spawns a task.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// let task = executor.spawner().spawn(async { 2 });
    /// assert_eq!(executor.block_on(task).unwrap(), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn(&self.shared, heddle_task::Builder::new(), future)
    }

    /// Spawns a task configured by a task [`Builder`](heddle_task::Builder).
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// let task = executor.spawner().spawn_with(heddle_task::Builder::new().name("n"), async { 2 });
    /// assert_eq!(executor.block_on(task).unwrap(), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_with<F>(
        &self,
        builder: heddle_task::Builder<'_>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn(&self.shared, builder, future)
    }

    /// Whether the calling thread is one of this executor's workers.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// let spawner = executor.spawner();
    /// assert!(!spawner.is_worker_thread());
    /// let s = spawner.clone();
    /// assert!(executor.block_on(spawner.spawn(async move { s.is_worker_thread() })).unwrap());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn is_worker_thread(&self) -> bool {
        current::is_worker_of(&self.shared)
    }

    /// Whether the executor has shut down (spawns are cancelled at once).
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// let spawner = executor.spawner();
    /// drop(executor);
    /// assert!(spawner.is_shut_down());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn is_shut_down(&self) -> bool {
        self.shared.is_shutdown()
    }

    /// Runs `future` on the calling thread until it completes; see
    /// [`StealExecutor::block_on`].
    ///
    /// # Panics
    ///
    /// Panics on one of this executor's worker threads, and as [`StealExecutor::block_on`]
    /// once a task has panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_steal::StealExecutor::new(heddle_driver::ThreadParker::new())?;
    /// assert_eq!(executor.spawner().block_on(async { 4 }), 4);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        assert!(
            !self.is_worker_thread(),
            "Cannot block on a future from inside one of the runtime's worker threads: it \
             would stall the tasks the future may wait for. Use `.await` instead."
        );
        if self.shared.config.shutdown_on_panic {
            block_on_parked(UntilTaskPanic::new(&self.shared, future))
        } else {
            block_on_parked(future)
        }
    }
}

#[track_caller]
pub(crate) fn spawn<D, F>(
    shared: &Arc<Shared<D>>,
    builder: heddle_task::Builder<'_>,
    future: F,
) -> JoinHandle<F::Output>
where
    D: Driver + Send + 'static,
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let index = shard_hint() & (shared.registry.shard_count() - 1);
    // Two short critical sections, so that allocating the task happens outside the lock: take
    // a slot, build the task, then store its waker.
    let key = {
        let mut shard = shared.registry.shard(index);
        if shard.is_closed() {
            drop(shard);
            let (runnable, handle) = builder.spawn(future, Scheduler(shared.clone()));
            // Shut down: the task is cancelled at once.
            drop(runnable);
            return handle;
        }
        // A plain field under the lock this spawn holds anyway: no atomic, no extra line.
        shard.count_spawn();
        // A waker that does nothing holds the slot until the task's own is stored.
        shard.reserve()
    };
    // The entry lives inside the task's future, whose scheduler is created below.
    // SAFETY: the task's scheduler holds an `Arc` to `shared` until after the future is dropped.
    let entry = unsafe { Entry::new(&**shared, index, key, false) };
    let (runnable, handle) = builder.spawn(Tracked::new(future, entry), Scheduler(shared.clone()));
    let closed = {
        let mut shard = shared.registry.shard(index);
        if !shard.is_closed() {
            shard.set_task(key, &runnable);
        }
        shard.is_closed()
    };
    if closed {
        // Shut down in between: cancelled here; dropping the future frees the slot.
        drop(runnable);
    } else {
        runnable.schedule();
    }
    handle
}

/// The shard for the next spawn on this thread: a per-thread counter, so consecutive tasks
/// land on different shards. A task leaves its shard on whichever worker finishes it; with the
/// shard chosen per thread instead, every worker finishing tasks spawned by one thread
/// contended for that thread's shard.
fn shard_hint() -> usize {
    use std::cell::Cell;

    use crate::loom::unmodelled::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static HINT: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    HINT.try_with(|hint| {
        let mut next = hint.get();
        if next == usize::MAX {
            next = NEXT.fetch_add(1, Ordering::Relaxed);
        }
        hint.set(next.wrapping_add(1) & (usize::MAX >> 1));
        next
    })
    .unwrap_or(0)
}
