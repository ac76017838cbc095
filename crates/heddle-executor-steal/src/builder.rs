//! [`Builder`]: configures a [`StealExecutor`](crate::StealExecutor) and starts its workers.

use std::fmt;
use std::io;
use std::sync::Arc as StdArc;
use std::thread;

use heddle_driver::Driver;

use crate::executor::StealExecutor;
use crate::loom::AtomicUsize;
use crate::shared::{self, Config};
use crate::thread::spawn_worker_thread;
use crate::worker;
use crate::{AroundWorker, DEFAULT_EVENT_INTERVAL, DEFAULT_GLOBAL_QUEUE_INTERVAL};
use heddle_executor_core::ParkHook;

/// Names a new worker thread (see [`Builder::thread_name_fn`]).
pub(crate) type ThreadNameFn = StdArc<dyn Fn() -> String + Send + Sync + 'static>;

/// Configures a [`StealExecutor`].
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_executor_steal::Builder;
///
/// let executor = Builder::new().worker_threads(2).thread_name("compute").build(ThreadParker::new())?;
/// assert_eq!(executor.block_on(executor.spawn(async { 1 + 1 })).unwrap(), 2);
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use = "a Builder does nothing until `build` is called"]
pub struct Builder {
    workers: usize,
    thread_name: String,
    thread_name_fn: Option<ThreadNameFn>,
    stack_size: Option<usize>,
    around_worker: Option<AroundWorker>,
    on_park: Option<ParkHook>,
    on_unpark: Option<ParkHook>,
    config: Config,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("workers", &self.workers)
            .field("thread_name", &self.thread_name)
            .field("stack_size", &self.stack_size)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// One worker per available core, default intervals.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_steal::Builder::new();
    /// # drop(builder);
    /// ```
    pub fn new() -> Builder {
        Builder {
            workers: thread::available_parallelism().map_or(1, |n| n.get()),
            thread_name: "heddle-worker".to_owned(),
            thread_name_fn: None,
            stack_size: None,
            around_worker: None,
            on_park: None,
            on_unpark: None,
            config: Config {
                global_queue_interval: DEFAULT_GLOBAL_QUEUE_INTERVAL,
                event_interval: DEFAULT_EVENT_INTERVAL,
                shutdown_on_panic: false,
            },
        }
    }

    /// The number of worker threads (at least 1; `build` rejects 0).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_steal::Builder::new().worker_threads(4);
    /// # drop(builder);
    /// ```
    pub fn worker_threads(mut self, workers: usize) -> Builder {
        self.workers = workers;
        self
    }

    /// The worker threads' name (each gets `-<index>` appended).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_steal::Builder::new().thread_name("io");
    /// # drop(builder);
    /// ```
    pub fn thread_name(mut self, name: impl Into<String>) -> Builder {
        self.thread_name = name.into();
        self
    }

    /// Names each worker thread with what `f` returns when the thread is started (at
    /// `build`, or for a `block_in_place` replacement), instead of
    /// [`thread_name`](Builder::thread_name) with an index. NUL bytes in the name are left
    /// out, since a thread name cannot hold one.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    ///
    /// let executor = heddle_executor_steal::Builder::new()
    ///     .worker_threads(1)
    ///     .thread_name_fn(|| "compute".to_owned())
    ///     .build(ThreadParker::new())?;
    /// let name = executor.block_on(executor.spawn(async {
    ///     std::thread::current().name().map(str::to_owned)
    /// }));
    /// assert_eq!(name.unwrap().as_deref(), Some("compute"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn thread_name_fn(mut self, f: impl Fn() -> String + Send + Sync + 'static) -> Builder {
        self.thread_name_fn = Some(StdArc::new(f));
        self
    }

    /// Runs `f` on a worker thread each time it is about to park (it found no work), before
    /// it blocks. A panic out of `f` is reported by the panic hook and otherwise ignored.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_steal::Builder::new().on_park(|| println!("idle"));
    /// # drop(builder);
    /// ```
    pub fn on_park(mut self, f: impl Fn() + Send + Sync + 'static) -> Builder {
        self.on_park = Some(StdArc::new(f));
        self
    }

    /// Runs `f` on a worker thread each time it returns from a park, before it looks for
    /// work. A panic out of `f` is reported by the panic hook and otherwise ignored.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_steal::Builder::new().on_unpark(|| println!("busy"));
    /// # drop(builder);
    /// ```
    pub fn on_unpark(mut self, f: impl Fn() + Send + Sync + 'static) -> Builder {
        self.on_unpark = Some(StdArc::new(f));
        self
    }

    /// The worker threads' stack size in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_steal::Builder::new().thread_stack_size(4 << 20);
    /// # drop(builder);
    /// ```
    pub fn thread_stack_size(mut self, bytes: usize) -> Builder {
        self.stack_size = Some(bytes);
        self
    }

    /// Task polls between two checks of the injector; at least 1.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_steal::Builder::new().global_queue_interval(31);
    /// # drop(builder);
    /// ```
    pub fn global_queue_interval(mut self, polls: u32) -> Builder {
        self.config.global_queue_interval = polls;
        self
    }

    /// Task polls between two non-blocking driver polls by a busy worker; at least 1.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_steal::Builder::new().event_interval(31);
    /// # drop(builder);
    /// ```
    pub fn event_interval(mut self, polls: u32) -> Builder {
        self.config.event_interval = polls;
        self
    }

    /// Whether a task panic shuts the executor down (default `false`).
    ///
    /// A task panics when a panic unwinds out of its future's `poll`; one the future catches
    /// itself does not count, nor does a panic in its `Drop` or in a closure of a blocking
    /// pool (`heddle-blocking`). Either way the panic is caught and the task's
    /// [`JoinHandle`](heddle_task::JoinHandle) resolves to a [`JoinError`](heddle_task::JoinError) for which
    /// `is_panic()` holds, whether or not the handle is being awaited. With `false`, nothing
    /// else happens. With `true`, the first such panic shuts the executor down:
    ///
    /// * the workers stop at their next loop turn (the other tasks are not polled again);
    /// * once they all have, every [`block_on`](StealExecutor::block_on) on the executor,
    ///   running or later, panics with "a spawned task panicked and the runtime is
    ///   configured to shut down on unhandled panic" unless its future is ready when polled;
    /// * spawns are cancelled at once, as after the executor is dropped;
    /// * the other tasks' futures are dropped when the executor is dropped, as usual.
    ///
    /// Checking for the panic costs nothing per poll; with `true`, `block_on` registers with
    /// the executor once.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_executor_steal::Builder;
    /// use std::panic::{self, AssertUnwindSafe};
    ///
    /// let executor = Builder::new()
    ///     .worker_threads(2)
    ///     .shutdown_on_panic(true)
    ///     .build(ThreadParker::new())?;
    /// let failing = executor.spawn(async { panic!("boom") });
    /// let stopped = panic::catch_unwind(AssertUnwindSafe(|| {
    ///     executor.block_on(std::future::pending::<()>())
    /// }));
    /// assert!(stopped.is_err());
    /// assert!(executor.block_on(failing).unwrap_err().is_panic());
    /// let late = executor.spawn(async { 1 });
    /// assert!(executor.block_on(late).unwrap_err().is_cancelled());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown_on_panic(mut self, shutdown: bool) -> Builder {
        self.config.shutdown_on_panic = shutdown;
        self
    }

    /// Wraps each worker thread's loop: `f` is called on the new thread with the loop and
    /// must call it exactly once. Runtimes use it to enter their I/O and timer handles (and
    /// run start/stop hooks) around the worker's life.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let started = Arc::new(AtomicUsize::new(0));
    /// let s = started.clone();
    /// let executor = heddle_executor_steal::Builder::new()
    ///     .worker_threads(2)
    ///     .around_worker(move |run| {
    ///         s.fetch_add(1, Ordering::SeqCst);
    ///         run();
    ///     })
    ///     .build(heddle_driver::ThreadParker::new())?;
    /// drop(executor);
    /// assert_eq!(started.load(Ordering::SeqCst), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn around_worker(
        mut self,
        f: impl Fn(&mut dyn FnMut()) + Send + Sync + 'static,
    ) -> Builder {
        self.around_worker = Some(StdArc::new(f));
        self
    }

    /// Starts the workers over `driver`.
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] for zero workers or zero intervals (the message names
    /// the setting); the OS error if a worker thread cannot be started (the threads already
    /// started are stopped and joined first).
    ///
    /// # Examples
    ///
    /// ```
    /// let err = heddle_executor_steal::Builder::new()
    ///     .worker_threads(0)
    ///     .build(heddle_driver::ThreadParker::new())
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn build<D>(self, driver: D) -> io::Result<StealExecutor<D>>
    where
        D: Driver + Send + 'static,
    {
        let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, what.to_owned());
        if self.workers == 0 {
            return Err(invalid("worker_threads must be at least 1"));
        }
        if self.workers >= 1 << 15 {
            return Err(invalid("worker_threads must be below 32768"));
        }
        if self.config.global_queue_interval == 0 {
            return Err(invalid("global_queue_interval must be at least 1"));
        }
        if self.config.event_interval == 0 {
            return Err(invalid("event_interval must be at least 1"));
        }
        let threads = worker::ThreadConfig {
            name: self.thread_name,
            name_fn: self.thread_name_fn,
            on_park: self.on_park,
            on_unpark: self.on_unpark,
            stack_size: self.stack_size,
            around: self.around_worker,
            next_id: AtomicUsize::new(0),
        };
        let (shared, cores) = shared::create(driver, self.workers, self.config, threads);
        let mut executor = StealExecutor {
            shared,
            threads: Vec::with_capacity(self.workers),
            shut_down: false,
        };
        for core in cores {
            match spawn_worker_thread(&executor.shared, core) {
                Ok(handle) => executor.threads.push(handle),
                // Dropping `executor` stops and joins the workers already running.
                Err((error, _core)) => return Err(error),
            }
        }
        Ok(executor)
    }
}
