//! `Builder`: configures and creates a [`Runtime`].

use std::fmt;
use std::io;
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use heddle_blocking::{BlockingPool, ThreadName};

use super::current_thread::CurrentThread;
use super::drivers::{self, DriverHandles};
#[cfg(feature = "rt-multi-thread")]
use super::multi_thread::MultiThread;
use super::{context, Flavor, Handle, Inner, Runtime};

/// The scheduler a runtime uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    CurrentThread,
    #[cfg(feature = "rt-multi-thread")]
    MultiThread,
}

/// A thread start, stop, park or unpark hook.
type Hook = Arc<dyn Fn() + Send + Sync + 'static>;

/// Names a runtime thread ([`Builder::thread_name_fn`]).
type ThreadNameFn = Arc<dyn Fn() -> String + Send + Sync + 'static>;

/// What a runtime does when one of its spawned tasks panics; see
/// [`Builder::unhandled_panic`].
///
/// A task panics when a panic unwinds out of its future's `poll`. These do not count: a
/// panic the task catches itself (with `catch_unwind` inside the future), a panic in the
/// future's `Drop`, a panic in a [`spawn_blocking`](crate::spawn_blocking) closure (as in
/// tokio), and a panic in the future given to `block_on` (which propagates to its caller).
/// Whether anyone awaits the task's [`JoinHandle`](crate::task::JoinHandle) does not matter
/// either: the panic counts as unhandled even then, as in tokio, because the runtime cannot
/// know whether the awaiting code will look at the error. In every case the panic is caught
/// and the task's `JoinHandle` resolves to a [`JoinError`](crate::task::JoinError) for which
/// `is_panic()` holds.
///
/// # Examples
///
/// ```
/// use heddle::runtime::UnhandledPanic;
///
/// let runtime = heddle::Builder::new_current_thread()
///     .unhandled_panic(UnhandledPanic::ShutdownRuntime)
///     .build()?;
/// # drop(runtime);
/// assert_eq!(UnhandledPanic::default(), UnhandledPanic::Ignore);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnhandledPanic {
    /// The panic affects only its task (the default): the runtime keeps running the other
    /// tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle::runtime::UnhandledPanic;
    ///
    /// let runtime = heddle::Builder::new_multi_thread()
    ///     .worker_threads(1)
    ///     .unhandled_panic(UnhandledPanic::Ignore)
    ///     .build()?;
    /// let failing = runtime.spawn(async { panic!("boom") });
    /// let fine = runtime.spawn(async { 1 });
    /// runtime.block_on(async {
    ///     assert!(failing.await.unwrap_err().is_panic());
    ///     assert_eq!(fine.await.unwrap(), 1);
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[default]
    Ignore,
    /// The first task panic shuts the runtime down: no task is polled again, every
    /// `block_on` on the runtime panics (unless its future is ready when polled), and spawns
    /// give `JoinHandle`s that resolve to cancelled. The other tasks' futures are dropped
    /// when the runtime is dropped. Details under [`Builder::unhandled_panic`].
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle::runtime::UnhandledPanic;
    /// use std::panic::{self, AssertUnwindSafe};
    ///
    /// let runtime = heddle::Builder::new_multi_thread()
    ///     .worker_threads(1)
    ///     .unhandled_panic(UnhandledPanic::ShutdownRuntime)
    ///     .build()?;
    /// runtime.spawn(async { panic!("boom") });
    /// let stopped = panic::catch_unwind(AssertUnwindSafe(|| {
    ///     runtime.block_on(std::future::pending::<()>())
    /// }));
    /// assert!(stopped.is_err());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ShutdownRuntime,
}

/// Configures and creates a [`Runtime`].
///
/// Settings are checked by [`build`](Builder::build), which returns
/// [`io::ErrorKind::InvalidInput`] with a message naming the setting for nonsense values
/// (zero workers, zero blocking threads, zero intervals, zero I/O events per tick, a thread
/// name containing NUL, a zero stack size, `start_paused` on a multi-thread runtime).
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_multi_thread()
///     .worker_threads(2)
///     .thread_name("app-worker")
///     .enable_all()
///     .build()?;
/// assert_eq!(runtime.block_on(async { 1 + 1 }), 2);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Builder {
    kind: Kind,
    name: Option<String>,
    worker_threads: Option<usize>,
    thread_name: String,
    thread_name_fn: Option<ThreadNameFn>,
    stack_size: Option<usize>,
    on_thread_start: Option<Hook>,
    on_thread_stop: Option<Hook>,
    on_thread_park: Option<Hook>,
    on_thread_unpark: Option<Hook>,
    max_io_events_per_tick: usize,
    max_blocking_threads: usize,
    thread_keep_alive: Duration,
    global_queue_interval: Option<u32>,
    event_interval: u32,
    start_paused: bool,
    seed: Option<u64>,
    unhandled_panic: UnhandledPanic,
}

impl Builder {
    fn new(kind: Kind) -> Builder {
        Builder {
            kind,
            name: None,
            worker_threads: None,
            thread_name: "heddle-worker".to_owned(),
            thread_name_fn: None,
            stack_size: None,
            on_thread_start: None,
            on_thread_stop: None,
            on_thread_park: None,
            on_thread_unpark: None,
            max_io_events_per_tick: drivers::DEFAULT_MAX_IO_EVENTS_PER_TICK,
            max_blocking_threads: heddle_blocking::DEFAULT_MAX_BLOCKING_THREADS,
            thread_keep_alive: heddle_blocking::DEFAULT_THREAD_KEEP_ALIVE,
            global_queue_interval: None,
            event_interval: match kind {
                Kind::CurrentThread => heddle_executor_local::DEFAULT_EVENT_INTERVAL,
                #[cfg(feature = "rt-multi-thread")]
                Kind::MultiThread => heddle_executor_steal::DEFAULT_EVENT_INTERVAL,
            },
            start_paused: false,
            seed: None,
            unhandled_panic: UnhandledPanic::Ignore,
        }
    }

    /// A builder for a multi-thread, work-stealing runtime (one worker per core by default).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_multi_thread().build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(feature = "rt-multi-thread")]
    pub fn new_multi_thread() -> Builder {
        Builder::new(Kind::MultiThread)
    }

    /// A builder for a runtime that runs every task on the thread that calls
    /// [`Runtime::block_on`]. Tasks run only while some thread is inside `block_on`.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new_current_thread() -> Builder {
        Builder::new(Kind::CurrentThread)
    }

    /// Enables every driver. A heddle runtime always carries every driver its features
    /// compile in (`net`, `time`), so this does nothing; it exists so that code written for
    /// tokio moves across unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().enable_all().build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn enable_all(&mut self) -> &mut Builder {
        self
    }

    /// Enables the I/O driver; see [`enable_all`](Builder::enable_all).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().enable_io().build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(feature = "net")]
    pub fn enable_io(&mut self) -> &mut Builder {
        self
    }

    /// Enables the timer driver; see [`enable_all`](Builder::enable_all).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().enable_time().build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(feature = "time")]
    pub fn enable_time(&mut self) -> &mut Builder {
        self
    }

    /// The number of worker threads of a multi-thread runtime (default: one per core; at
    /// least 1). Ignored by the current-thread flavor, as in tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_multi_thread().worker_threads(2).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn worker_threads(&mut self, workers: usize) -> &mut Builder {
        self.worker_threads = Some(workers);
        self
    }

    /// The name of the runtime's threads (workers get `-<n>` appended, blocking threads
    /// `-blocking-<n>`). Default `heddle-worker`.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_multi_thread().thread_name("db").build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Builder {
        self.thread_name = name.into();
        self
    }

    /// Names each runtime thread (worker or blocking) with what `f` returns when the thread
    /// starts, instead of [`thread_name`](Builder::thread_name) with a suffix; tokio's
    /// `thread_name_fn`. NUL bytes in the name are left out, since a thread name cannot hold
    /// one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let runtime = heddle::Builder::new_multi_thread()
    ///     .thread_name_fn(|| {
    ///         static NEXT: AtomicUsize = AtomicUsize::new(0);
    ///         format!("app-{}", NEXT.fetch_add(1, Ordering::Relaxed))
    ///     })
    ///     .build()?;
    /// let name = runtime.block_on(runtime.spawn_blocking(|| {
    ///     std::thread::current().name().map(str::to_owned)
    /// }));
    /// assert!(name.unwrap().unwrap().starts_with("app-"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn thread_name_fn(
        &mut self,
        f: impl Fn() -> String + Send + Sync + 'static,
    ) -> &mut Builder {
        self.thread_name_fn = Some(Arc::new(f));
        self
    }

    /// The stack size, in bytes, of the runtime's threads (default: the platform's).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_multi_thread().thread_stack_size(4 << 20).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn thread_stack_size(&mut self, bytes: usize) -> &mut Builder {
        self.stack_size = Some(bytes);
        self
    }

    /// Runs `f` on each runtime thread (worker or blocking) when it starts.
    ///
    /// A hook that panics is reported like any thread panic (the panic hook prints its
    /// message to stderr) and is otherwise ignored: the thread goes on as if the hook had
    /// returned, so a faulty hook never costs the runtime a worker or a blocking thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_multi_thread()
    ///     .on_thread_start(|| println!("thread up"))
    ///     .build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn on_thread_start(&mut self, f: impl Fn() + Send + Sync + 'static) -> &mut Builder {
        self.on_thread_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on each runtime thread (worker or blocking) when it stops.
    ///
    /// A hook that panics is reported and ignored, as for
    /// [`on_thread_start`](Builder::on_thread_start): the thread still exits cleanly and
    /// shutdown still waits for it.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_multi_thread()
    ///     .on_thread_stop(|| println!("thread down"))
    ///     .build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn on_thread_stop(&mut self, f: impl Fn() + Send + Sync + 'static) -> &mut Builder {
        self.on_thread_stop = Some(Arc::new(f));
        self
    }

    /// Runs `f` on a thread that runs tasks each time it is about to park: a worker of a
    /// multi-thread runtime, or the thread inside [`Runtime::block_on`] of a current-thread
    /// runtime, when it finds no task to run and blocks until there is one.
    ///
    /// A hook that panics is reported (the panic hook prints its message) and otherwise
    /// ignored, as for [`on_thread_start`](Builder::on_thread_start).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let parks = Arc::new(AtomicUsize::new(0));
    /// let counter = parks.clone();
    /// let runtime = heddle::Builder::new_current_thread()
    ///     .on_thread_park(move || {
    ///         counter.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()?;
    /// runtime.block_on(runtime.spawn_blocking(|| ())).unwrap();
    /// assert!(parks.load(Ordering::Relaxed) >= 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn on_thread_park(&mut self, f: impl Fn() + Send + Sync + 'static) -> &mut Builder {
        self.on_thread_park = Some(Arc::new(f));
        self
    }

    /// Runs `f` on a thread that runs tasks each time it returns from a park (see
    /// [`on_thread_park`](Builder::on_thread_park)), before it looks for tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_multi_thread()
    ///     .on_thread_unpark(|| println!("thread unparked"))
    ///     .build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn on_thread_unpark(&mut self, f: impl Fn() + Send + Sync + 'static) -> &mut Builder {
        self.on_thread_unpark = Some(Arc::new(f));
        self
    }

    /// The most I/O events the runtime handles per wait of its reactor (default 1024; at
    /// least 1: `build` rejects 0 with `InvalidInput`); events past it are handled by the
    /// next wait.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().max_io_events_per_tick(256).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(feature = "net")]
    pub fn max_io_events_per_tick(&mut self, capacity: usize) -> &mut Builder {
        self.max_io_events_per_tick = capacity;
        self
    }

    /// The most threads the blocking pool may run at once (default 512, at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_multi_thread().max_blocking_threads(16).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn max_blocking_threads(&mut self, threads: usize) -> &mut Builder {
        self.max_blocking_threads = threads;
        self
    }

    /// How long an idle blocking thread waits for work before it exits (default 10 s).
    ///
    /// `Duration::ZERO` is allowed: a blocking thread then exits as soon as it finds no
    /// closure queued, and the next `spawn_blocking` starts a new one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let runtime = heddle::Builder::new_multi_thread().thread_keep_alive(Duration::from_secs(1)).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn thread_keep_alive(&mut self, keep_alive: Duration) -> &mut Builder {
        self.thread_keep_alive = keep_alive;
        self
    }

    /// Task polls between two checks of the queue of tasks spawned or woken from outside
    /// (default 61 multi-thread, 31 current-thread; at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().global_queue_interval(16).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn global_queue_interval(&mut self, polls: u32) -> &mut Builder {
        self.global_queue_interval = Some(polls);
        self
    }

    /// Task polls between two non-blocking polls for I/O and timer events (default 61; at
    /// least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().event_interval(128).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn event_interval(&mut self, polls: u32) -> &mut Builder {
        self.event_interval = polls;
        self
    }

    /// Starts the clock paused: time moves only with [`advance`](crate::time::advance), or
    /// jumps to the next timer when every task is idle, so tests that sleep for hours finish
    /// at once. Current-thread runtimes only (idle must mean the whole runtime is idle).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let runtime = heddle::Builder::new_current_thread().start_paused(true).build()?;
    /// let start = std::time::Instant::now();
    /// runtime.block_on(heddle::time::sleep(Duration::from_secs(3600)));
    /// assert!(start.elapsed() < Duration::from_secs(60));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(feature = "time")]
    pub fn start_paused(&mut self, paused: bool) -> &mut Builder {
        self.start_paused = paused;
        self
    }

    /// Names the runtime ([`Handle::name`](crate::runtime::Handle::name)); tokio's
    /// `Builder::name`. Thread names are set with [`thread_name`](Builder::thread_name).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().name("api").build()?;
    /// assert_eq!(runtime.handle().name(), Some("api"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn name(&mut self, name: impl Into<String>) -> &mut Builder {
        self.name = Some(name.into());
        self
    }

    /// Shuffles the order in which ready tasks run, reproducibly: the same seed and the same
    /// program give the same order. Current-thread runtimes only: a multi-thread runtime's
    /// order depends on its threads' timing, so `build` rejects a seed there (`InvalidInput`)
    /// rather than ignore it. For tests that hunt ordering bugs; the default is FIFO.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().seed(42).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn seed(&mut self, seed: u64) -> &mut Builder {
        self.seed = Some(seed);
        self
    }

    /// What the runtime does when a spawned task panics (default
    /// [`UnhandledPanic::Ignore`]). Both flavors support it (tokio offers it on the
    /// current-thread runtime, behind `tokio_unstable`).
    ///
    /// With [`UnhandledPanic::ShutdownRuntime`], the first panic that unwinds out of a
    /// spawned task's poll shuts the runtime down:
    ///
    /// * no task is polled again (on a multi-thread runtime, each worker first finishes the
    ///   poll it is in);
    /// * then a [`block_on`](Runtime::block_on) in progress panics with "a spawned task
    ///   panicked and the runtime is configured to shut down on unhandled panic" (as
    ///   tokio's does), and so does every later `block_on` whose future is not ready when
    ///   first polled;
    /// * spawns give `JoinHandle`s that resolve to cancelled;
    /// * the panicking task's `JoinHandle` still gives the panic;
    /// * the other tasks' futures are dropped, exactly once, when the runtime is dropped;
    ///   [`spawn_blocking`](crate::spawn_blocking) closures keep running until then.
    ///
    /// See [`UnhandledPanic`] for which panics count.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle::runtime::UnhandledPanic;
    /// use std::panic::{self, AssertUnwindSafe};
    ///
    /// let runtime = heddle::Builder::new_current_thread()
    ///     .unhandled_panic(UnhandledPanic::ShutdownRuntime)
    ///     .build()?;
    /// let failing = runtime.spawn(async { panic!("boom") });
    /// let stopped = panic::catch_unwind(AssertUnwindSafe(|| {
    ///     runtime.block_on(async {
    ///         // Never finishes: the panicking task stops the runtime first.
    ///         heddle::time::sleep(std::time::Duration::from_secs(3600)).await;
    ///     })
    /// }));
    /// let message = stopped.unwrap_err().downcast::<String>().unwrap();
    /// assert!(message.contains("a spawned task panicked"));
    ///
    /// // Ready futures still complete: the panic is in the task's JoinHandle, and spawns
    /// // after the shutdown are cancelled.
    /// assert!(runtime.block_on(failing).unwrap_err().is_panic());
    /// assert!(runtime.block_on(runtime.spawn(async {})).unwrap_err().is_cancelled());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn unhandled_panic(&mut self, behavior: UnhandledPanic) -> &mut Builder {
        self.unhandled_panic = behavior;
        self
    }

    /// Creates the runtime.
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] with a message naming the setting when a setting is
    /// out of range; the OS error when the drivers or threads cannot be created (for
    /// example, no file descriptors or threads left).
    ///
    /// # Examples
    ///
    /// ```
    /// let err = heddle::Builder::new_multi_thread().worker_threads(0).build().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// assert!(err.to_string().contains("worker_threads"));
    /// ```
    pub fn build(&mut self) -> io::Result<Runtime> {
        self.validate()?;
        // The channels' timeouts (`Sender::send_timeout`) sleep on heddle's timer.
        #[cfg(all(feature = "sync", feature = "time"))]
        heddle_sync::timer::set_sleep(|duration| Box::pin(heddle_timer::sleep(duration)));
        let (driver, handles) = drivers::build(self.start_paused, self.max_io_events_per_tick)?;
        let shutdown_on_panic = match self.unhandled_panic {
            UnhandledPanic::Ignore => false,
            UnhandledPanic::ShutdownRuntime => true,
        };
        let inner = Arc::new(Inner {
            id: super::Id::next(),
            name: self.name.clone(),
            drivers: handles.clone(),
            flavor: OnceLock::new(),
            blocking: OnceLock::new(),
        });
        let blocking_name = match &self.thread_name_fn {
            Some(name_fn) => {
                let name_fn = name_fn.clone();
                ThreadName::from_fn(move || name_fn())
            }
            None => ThreadName::from(format!("{}-blocking", self.thread_name)),
        };
        let blocking = BlockingPool::with_threads(
            self.max_blocking_threads,
            self.thread_keep_alive,
            blocking_name,
            self.stack_size,
            Some(self.thread_wrapper(Arc::downgrade(&inner), handles.clone(), false)),
        );
        // Set before the workers start: they enter the pool.
        let _ = inner.blocking.set(blocking);
        let flavor = match self.kind {
            Kind::CurrentThread => {
                let mut executor = heddle_executor_local::Builder::new()
                    .global_queue_interval(
                        self.global_queue_interval
                            .unwrap_or(heddle_executor_local::DEFAULT_GLOBAL_QUEUE_INTERVAL),
                    )
                    .event_interval(self.event_interval)
                    .shutdown_on_panic(shutdown_on_panic);
                if let Some(seed) = self.seed {
                    executor = executor.seed(seed);
                }
                if let Some(hook) = self.on_thread_park.clone() {
                    executor = executor.on_park(move || hook());
                }
                if let Some(hook) = self.on_thread_unpark.clone() {
                    executor = executor.on_unpark(move || hook());
                }
                Flavor::CurrentThread(Box::new(CurrentThread::new(executor.build(driver))))
            }
            #[cfg(feature = "rt-multi-thread")]
            Kind::MultiThread => {
                let around = self.thread_wrapper(Arc::downgrade(&inner), handles, true);
                let mut executor = heddle_executor_steal::Builder::new()
                    .thread_name(self.thread_name.clone())
                    .global_queue_interval(
                        self.global_queue_interval
                            .unwrap_or(heddle_executor_steal::DEFAULT_GLOBAL_QUEUE_INTERVAL),
                    )
                    .event_interval(self.event_interval)
                    .shutdown_on_panic(shutdown_on_panic)
                    .around_worker(move |run| around(run));
                if let Some(workers) = self.worker_threads {
                    executor = executor.worker_threads(workers);
                }
                if let Some(bytes) = self.stack_size {
                    executor = executor.thread_stack_size(bytes);
                }
                if let Some(name_fn) = self.thread_name_fn.clone() {
                    executor = executor.thread_name_fn(move || name_fn());
                }
                if let Some(hook) = self.on_thread_park.clone() {
                    executor = executor.on_park(move || hook());
                }
                if let Some(hook) = self.on_thread_unpark.clone() {
                    executor = executor.on_unpark(move || hook());
                }
                Flavor::MultiThread(MultiThread::new(executor.build(driver)?))
            }
        };
        let _ = inner.flavor.set(flavor);
        Ok(Runtime {
            shut_down: false,
            handle: Handle { inner },
        })
    }

    /// Whether this builder makes a current-thread runtime.
    pub(super) fn is_current_thread(&self) -> bool {
        self.kind == Kind::CurrentThread
    }

    fn validate(&self) -> io::Result<()> {
        let invalid = |message: &str| {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("heddle::Builder: {message}"),
            ))
        };
        if self.worker_threads == Some(0) {
            return invalid("worker_threads must be at least 1");
        }
        if self.max_blocking_threads == 0 {
            return invalid("max_blocking_threads must be at least 1");
        }
        if self.global_queue_interval == Some(0) {
            return invalid("global_queue_interval must be at least 1");
        }
        if self.event_interval == 0 {
            return invalid("event_interval must be at least 1");
        }
        if self.thread_name.contains('\0') {
            return invalid("thread_name must not contain a NUL byte");
        }
        if self.max_io_events_per_tick == 0 {
            return invalid("max_io_events_per_tick must be at least 1");
        }
        if self.stack_size == Some(0) {
            return invalid("thread_stack_size must be more than 0 bytes");
        }
        if self.seed.is_some() && self.kind != Kind::CurrentThread {
            return invalid(
                "seed needs a current-thread runtime (Builder::new_current_thread()): a \
                 multi-thread runtime's task order is not reproducible",
            );
        }
        if self.start_paused && self.kind != Kind::CurrentThread {
            return invalid(
                "start_paused needs a current-thread runtime (Builder::new_current_thread())",
            );
        }
        Ok(())
    }

    /// What runs around every runtime thread's life: the runtime is current there (spawn,
    /// sockets, timers, `unblock` use it) and the user's hooks run. On threads that run tasks
    /// (`runs_tasks`; not the blocking pool's) `block_on` and other blocking calls are refused.
    fn thread_wrapper(
        &self,
        inner: Weak<Inner>,
        drivers: DriverHandles,
        runs_tasks: bool,
    ) -> heddle_blocking::AroundThread {
        let on_start = self.on_thread_start.clone();
        let on_stop = self.on_thread_stop.clone();
        Arc::new(move |run: &mut dyn FnMut()| {
            let handle = inner.upgrade().map(|inner| Handle { inner });
            let _current = handle.clone().map(context::set_current);
            let _pool = handle
                .as_ref()
                .map(|handle| handle.inner.blocking().enter());
            let _running = runs_tasks.then(context::enter_running);
            let _drivers = drivers.enter();
            run_hook(on_start.as_ref());
            run();
            run_hook(on_stop.as_ref());
        })
    }
}

/// Runs a thread hook, containing a panic: the panic hook has reported it already, and the
/// thread must go on (a worker that died here would take its tasks with it).
fn run_hook(hook: Option<&Hook>) {
    if let Some(hook) = hook {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook()));
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("worker_threads", &self.worker_threads)
            .field("thread_name", &self.thread_name)
            .field("thread_stack_size", &self.stack_size)
            .field("max_io_events_per_tick", &self.max_io_events_per_tick)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_keep_alive", &self.thread_keep_alive)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .field("start_paused", &self.start_paused)
            .field("seed", &self.seed)
            .field("unhandled_panic", &self.unhandled_panic)
            .finish_non_exhaustive()
    }
}
