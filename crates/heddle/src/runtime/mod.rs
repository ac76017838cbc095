//! The runtime: [`Runtime`], its [`Builder`], and the [`Handle`] that reaches it from
//! anywhere.
//!
//! Two flavors. **Multi-thread** ([`Builder::new_multi_thread`], [`Runtime::new`]): tasks run
//! on a pool of worker threads that steal work from each other; `block_on` blocks the calling
//! thread while the workers run the tasks. **Current-thread**
//! ([`Builder::new_current_thread`]): every task runs on the thread inside
//! [`Runtime::block_on`]; tasks spawned while no thread is inside `block_on` wait for the
//! next one; `!Send` tasks ([`Runtime::spawn_local`]) are allowed. Both park on the same
//! driver stack (timers over the I/O reactor) and share a blocking pool for
//! [`spawn_blocking`](crate::spawn_blocking). Wherever the runtime is current (inside
//! `block_on`, on its worker and blocking threads, under [`Runtime::enter`]) its pool is
//! current too, so `heddle::fs` and the other users of `heddle_blocking::unblock` run on it,
//! under its limits and shutdown, as with tokio.
//!
//! A runtime is `Send + Sync`: it can be built on one thread and used on another, shared in
//! an `Arc`, and spawned onto from any thread through a [`Handle`].
//!
//! To see what a runtime is doing, [`Runtime::metrics`] gives [`RuntimeMetrics`] (workers,
//! queues, task counts, blocking threads) and [`Runtime::dump`] lists its live tasks (see
//! [`dump`]); both follow tokio's names and cost the runtime nothing per task poll, wake or
//! spawn.

mod builder;
mod context;
mod current_thread;
mod drivers;
pub mod dump;
mod identity;
mod local_runtime;
mod metrics;
#[cfg(feature = "rt-multi-thread")]
mod multi_thread;

use std::fmt;
use std::future::Future;
use std::io;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use heddle_blocking::BlockingPool;
use heddle_task::JoinHandle;

pub use builder::{Builder, UnhandledPanic};
#[cfg(feature = "rt-multi-thread")]
pub(crate) use context::allow_block_on;
pub use context::TryCurrentError;
pub(crate) use context::{with_current, NO_RUNTIME};
pub use identity::{Id, RuntimeFlavor};
pub use local_runtime::{LocalOptions, LocalRuntime};
pub use metrics::RuntimeMetrics;

use current_thread::CurrentThread;
use drivers::DriverHandles;
use dump::Dump;
#[cfg(feature = "rt-multi-thread")]
use multi_thread::MultiThread;

/// A heddle runtime: an executor, the drivers it parks on (I/O and timers), and a blocking
/// pool.
///
/// Dropping the runtime drops every task's future (spawned, queued or idle) before `drop`
/// returns; their `JoinHandle`s resolve to a cancelled [`JoinError`](crate::task::JoinError).
/// It also waits for running [`spawn_blocking`](crate::spawn_blocking) closures; use
/// [`shutdown_timeout`](Runtime::shutdown_timeout) to bound that wait.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Runtime::new()?;
/// let handle = runtime.spawn(async { 20 });
/// let value = runtime.block_on(async move { handle.await.unwrap() + 22 });
/// assert_eq!(value, 42);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Runtime {
    handle: Handle,
    /// Set by the first shutdown (`shutdown_timeout`, `shutdown_background` or the drop).
    shut_down: bool,
}

/// A cloneable, `Send + Sync` reference to a runtime: spawn onto it, or block on it, from
/// any thread.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let handle = runtime.handle().clone();
/// let join = std::thread::spawn(move || handle.spawn(async { "from a thread" }))
///     .join()
///     .unwrap();
/// assert_eq!(runtime.block_on(join).unwrap(), "from a thread");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    id: Id,
    /// From `Builder::name`.
    name: Option<String>,
    drivers: DriverHandles,
    /// Set once while building (threads created before it is set only read it later).
    flavor: OnceLock<Flavor>,
    blocking: OnceLock<BlockingPool>,
}

enum Flavor {
    /// Boxed: the local executor is several times the size of the multi-thread handle.
    CurrentThread(Box<CurrentThread>),
    #[cfg(feature = "rt-multi-thread")]
    MultiThread(MultiThread),
}

#[cfg(feature = "rt-multi-thread")]
const NEEDS_CURRENT_THREAD: &str = "spawn_local needs a current-thread runtime: `!Send` tasks \
     run on one thread. Build the runtime with `heddle::Builder::new_current_thread()`, run \
     the code inside a `heddle::task::LocalSet` (`local.block_on(&runtime, future)` or \
     `local.run_until(future).await`), or make the future `Send` and use `spawn`";

/// Makes a runtime current on this thread until dropped; see [`Handle::enter`].
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let guard = runtime.handle().enter();
/// let task = heddle::spawn(async { 1 }); // uses the entered runtime
/// drop(guard);
/// assert_eq!(runtime.block_on(task).unwrap(), 1);
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use = "the runtime is current only while the guard lives"]
pub struct EnterGuard<'a> {
    _drivers: drivers::DriverGuard<'a>,
    _current: context::CurrentGuard,
    _pool: heddle_blocking::EnterGuard<'a>,
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("EnterGuard { .. }")
    }
}

impl Runtime {
    /// A multi-thread runtime with one worker per core and the default settings.
    ///
    /// # Errors
    ///
    /// The OS error if the drivers or the worker threads cannot be created.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// assert_eq!(runtime.block_on(async { 1 }), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(feature = "rt-multi-thread")]
    pub fn new() -> std::io::Result<Runtime> {
        Builder::new_multi_thread().build()
    }

    /// Runs `future` to completion on this thread and returns its output. On a
    /// current-thread runtime this thread also runs the tasks meanwhile; on a multi-thread
    /// runtime the workers do. A panic in `future` propagates; a panic in a task does not,
    /// unless the runtime was built with [`UnhandledPanic::ShutdownRuntime`].
    ///
    /// # Panics
    ///
    /// Panics if called from inside a runtime (a task, or another `block_on` on this
    /// thread): blocking there would stop the very tasks the future may wait for. Use
    /// `.await` instead. With [`UnhandledPanic::ShutdownRuntime`], panics when a spawned
    /// task panics (or has panicked) and `future` is not ready.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let output = runtime.block_on(async {
    ///     let task = heddle::spawn(async { "spawned" });
    ///     task.await.unwrap()
    /// });
    /// assert_eq!(output, "spawned");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.handle.block_on(future)
    }

    /// Spawns a `Send` task onto the runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// let task = runtime.spawn(async { 5 });
    /// assert_eq!(runtime.block_on(task).unwrap(), 5);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Spawns a `!Send` task; it runs on this thread (inside `block_on`).
    ///
    /// # Panics
    ///
    /// Panics on a multi-thread runtime, if another thread is inside this runtime's
    /// `block_on`, or if `!Send` tasks spawned on another thread are still alive: `!Send`
    /// tasks stay on one thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let shared = Rc::new(7);
    /// let task = runtime.spawn_local({
    ///     let shared = shared.clone();
    ///     async move { *shared * 6 }
    /// });
    /// assert_eq!(runtime.block_on(task).unwrap(), 42);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.handle.spawn_local(heddle_task::Builder::new(), future)
    }

    /// Runs a blocking closure on the runtime's blocking pool.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// let task = runtime.spawn_blocking(|| std::thread::current().name().map(str::to_owned));
    /// let name = runtime.block_on(task).unwrap();
    /// assert!(name.unwrap().contains("blocking"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// The runtime's handle.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let handle: heddle::runtime::Handle = runtime.handle().clone();
    /// # drop(handle);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Snapshots of the runtime's workers, queues, tasks and blocking threads; see
    /// [`RuntimeMetrics`].
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_multi_thread().worker_threads(2).build()?;
    /// assert_eq!(runtime.metrics().num_workers(), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        self.handle.metrics()
    }

    /// Lists the runtime's live tasks with their ids, names and spawn locations; see
    /// [`Handle::dump`] and the [`dump`] module.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// let handle = heddle::task::Builder::new()
    ///     .name("server")
    ///     .spawn_on(std::future::pending::<()>(), runtime.handle())?;
    /// let dump = runtime.dump();
    /// let task = dump.tasks().iter().find(|task| task.id() == handle.id()).unwrap();
    /// assert_eq!(task.name(), Some("server"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn dump(&self) -> Dump {
        self.handle.dump()
    }

    /// Makes this runtime current on this thread until the guard drops, so that
    /// [`heddle::spawn`](crate::spawn), sockets, timers and file operations (its blocking
    /// pool) use it outside `block_on`.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let _guard = runtime.enter();
    /// assert!(heddle::runtime::Handle::try_current().is_ok());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shuts the runtime down, waiting at most `timeout` for workers and blocking closures
    /// to finish. Tasks are dropped; a closure or task stuck past the timeout is left to
    /// finish on its own thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let runtime = heddle::Runtime::new()?;
    /// runtime.spawn_blocking(|| std::thread::sleep(Duration::from_millis(200)));
    /// runtime.shutdown_timeout(Duration::from_millis(10)); // returns without waiting 200 ms
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shut_down(Some(timeout));
    }

    /// Shuts the runtime down without waiting for any thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// runtime.spawn(std::future::pending::<()>());
    /// runtime.shutdown_background();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown_background(mut self) {
        self.shut_down(Some(Duration::ZERO));
    }

    /// Shuts down, waiting up to `timeout` (`None`: as long as it takes). A wait is refused
    /// on a thread running a runtime's tasks, where it would block them (or deadlock on its
    /// own): the runtime is shut down without waiting, then this panics, as tokio does.
    #[track_caller]
    fn shut_down(&mut self, timeout: Option<Duration>) {
        if std::mem::replace(&mut self.shut_down, true) {
            return;
        }
        let waits = timeout != Some(Duration::ZERO);
        if waits && heddle_task::context::is_in_runtime() && !std::thread::panicking() {
            self.handle.inner.shutdown(Some(Duration::ZERO));
            panic!("{CANNOT_DROP}");
        }
        self.handle.inner.shutdown(timeout);
    }
}

/// The panic of dropping (or shutting down with a wait) a runtime in an async context.
const CANNOT_DROP: &str = "Cannot drop a runtime in a context where blocking is not allowed. \
     This happens when a runtime is dropped from within an asynchronous context: a thread \
     running a heddle runtime's tasks (here, perhaps from inside one of its own tasks). It was \
     shut down without waiting; call `shutdown_background()` there instead, or drop it from a \
     plain thread or inside `spawn_blocking`.";

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shut_down(None);
    }
}

// A panic caught while a runtime is borrowed leaves it usable: its state lives behind locks
// and atomics that a panic does not tear, as with tokio's `Runtime`.
impl std::panic::UnwindSafe for Runtime {}
impl std::panic::RefUnwindSafe for Runtime {}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl Inner {
    fn flavor(&self) -> &Flavor {
        self.flavor
            .get()
            .expect("the runtime's executor is set before the runtime is handed out")
    }

    fn blocking(&self) -> &BlockingPool {
        self.blocking
            .get()
            .expect("the runtime's blocking pool is set before the runtime is handed out")
    }

    fn shutdown(&self, timeout: Option<Duration>) {
        let start = Instant::now();
        match self.flavor.get() {
            Some(Flavor::CurrentThread(flavor)) => flavor.shutdown(),
            #[cfg(feature = "rt-multi-thread")]
            Some(Flavor::MultiThread(flavor)) => flavor.shutdown(timeout),
            None => {}
        }
        if let Some(pool) = self.blocking.get() {
            pool.shutdown(timeout.map(|t| t.saturating_sub(start.elapsed())));
        }
        // Nothing drives the reactor from now on (a `Handle` kept elsewhere does not): its
        // sources that outlive the runtime get the shutdown error instead of a hang.
        self.drivers.shut_down();
    }
}

/// The index of the runtime worker running this thread: on the multi-thread flavor, the
/// worker's index (`0` to `worker_threads - 1`); on the current-thread flavor, `Some(0)` on
/// the thread whose `block_on` is running the runtime's tasks; `None` anywhere else (a
/// blocking-pool thread, a `block_on` waiting for another one, no runtime). A task can move
/// between workers at each `.await`.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_multi_thread().worker_threads(2).build()?;
/// let index = runtime.block_on(runtime.spawn(async { heddle::runtime::worker_index() }));
/// assert!(matches!(index, Ok(Some(0 | 1))));
/// assert_eq!(heddle::runtime::worker_index(), None);
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// assert_eq!(runtime.block_on(async { heddle::runtime::worker_index() }), Some(0));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn worker_index() -> Option<usize> {
    #[cfg(feature = "rt-multi-thread")]
    if let Some(index) = heddle_executor_steal::worker_index() {
        return Some(index);
    }
    let drives_here = |handle: &Handle| match handle.inner.flavor() {
        Flavor::CurrentThread(flavor) => flavor.drives_here(),
        #[cfg(feature = "rt-multi-thread")]
        Flavor::MultiThread(_) => false,
    };
    with_current(drives_here).unwrap_or(false).then_some(0)
}

/// Whether `err` comes from an I/O resource whose runtime was shut down: a socket created
/// on a runtime that has since been dropped, used on another one or outside any (tokio's
/// `is_rt_shutdown_err`). Such a socket can no longer wait for readiness, so every wait on
/// it fails with this error.
///
/// # Examples
///
/// ```
/// let first = heddle::Builder::new_current_thread().build()?;
/// let second = heddle::Builder::new_current_thread().build()?;
/// let listener = first.block_on(heddle::net::TcpListener::bind("127.0.0.1:0"))?;
/// drop(first);
/// second.block_on(async {
///     let err = listener.accept().await.unwrap_err();
///     assert!(heddle::runtime::is_rt_shutdown_err(&err));
/// });
/// assert!(!heddle::runtime::is_rt_shutdown_err(&std::io::Error::other("other")));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn is_rt_shutdown_err(err: &io::Error) -> bool {
    #[cfg(all(feature = "net", unix))]
    return heddle_reactor::is_shutdown_error(err);
    #[cfg(not(all(feature = "net", unix)))]
    {
        let _ = err; // without a reactor no error says so
        false
    }
}

impl Handle {
    /// The handle of the runtime current on this thread.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime (not inside `block_on`, a task, a worker or blocking thread,
    /// or an [`enter`](Handle::enter) guard), with a message saying how to create one;
    /// [`try_current`](Handle::try_current) returns an error instead.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// runtime.block_on(async {
    ///     let handle = heddle::runtime::Handle::current();
    ///     handle.spawn(async {}).await.unwrap();
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        match context::current() {
            Some(handle) => handle,
            None => panic!("{NO_RUNTIME}"),
        }
    }

    /// The handle of the runtime current on this thread, or an error outside one.
    ///
    /// # Errors
    ///
    /// [`TryCurrentError`] when no runtime is current on this thread.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle::runtime::Handle::try_current().is_err());
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::try_current().map_err(TryCurrentError::new)
    }

    /// Spawns a `Send` task onto the runtime, from any thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let task = runtime.handle().spawn(async { 3 });
    /// assert_eq!(runtime.block_on(task).unwrap(), 3);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_named(heddle_task::Builder::new(), future)
    }

    #[track_caller]
    pub(crate) fn spawn_named<F>(
        &self,
        builder: heddle_task::Builder<'_>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self.inner.flavor() {
            Flavor::CurrentThread(flavor) => flavor.spawner.spawn_with(builder, future),
            #[cfg(feature = "rt-multi-thread")]
            Flavor::MultiThread(flavor) => flavor.spawner.spawn_with(builder, future),
        }
    }

    #[track_caller]
    pub(crate) fn spawn_local<F>(
        &self,
        builder: heddle_task::Builder<'_>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        match self.inner.flavor() {
            Flavor::CurrentThread(flavor) => flavor.spawner.spawn_local_with(builder, future),
            #[cfg(feature = "rt-multi-thread")]
            Flavor::MultiThread(_) => panic!("{NEEDS_CURRENT_THREAD}"),
        }
    }

    /// Runs a blocking closure on the runtime's blocking pool, from any thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// let task = runtime.handle().spawn_blocking(|| 2 + 2);
    /// assert_eq!(runtime.block_on(task).unwrap(), 4);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        // A paused clock does not auto-advance past a closure still queued or running, as
        // tokio's does not: the guard lives as long as the closure.
        #[cfg(feature = "time")]
        let f = {
            let guard = self.inner.drivers.inhibit_auto_advance();
            move || {
                let _guard = guard;
                f()
            }
        };
        self.inner.blocking().spawn_blocking(f)
    }

    /// [`spawn_blocking`](Handle::spawn_blocking) with the task's metadata from `builder`.
    #[track_caller]
    pub(crate) fn spawn_blocking_named<F, R>(
        &self,
        builder: heddle_task::Builder<'_>,
        f: F,
    ) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.inner.blocking().spawn_blocking_with(builder, f)
    }

    /// Runs `future` to completion on this thread; see [`Runtime::block_on`]. On a
    /// current-thread runtime already run by another thread, this one waits for `future`
    /// and takes over running the tasks when the other returns.
    ///
    /// # Panics
    ///
    /// Panics if called from inside a runtime; use `.await` instead. Panics after a task
    /// panic, as [`Runtime::block_on`] does, on a runtime built with
    /// [`UnhandledPanic::ShutdownRuntime`].
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let handle = runtime.handle().clone();
    /// let value = std::thread::spawn(move || handle.block_on(async { 9 })).join().unwrap();
    /// assert_eq!(value, 9);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _running = context::enter_running();
        let _current = context::set_current(self.clone());
        let _drivers = self.inner.drivers.enter();
        let _pool = self.inner.blocking().enter();
        match self.inner.flavor() {
            Flavor::CurrentThread(flavor) => flavor.block_on(future),
            #[cfg(feature = "rt-multi-thread")]
            Flavor::MultiThread(flavor) => flavor.spawner.block_on(future),
        }
    }

    /// Makes this runtime current on this thread until the guard drops.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// {
    ///     let _guard = runtime.handle().enter();
    ///     let _task = heddle::spawn(async {});
    /// }
    /// assert!(heddle::runtime::Handle::try_current().is_err());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _drivers: self.inner.drivers.enter(),
            _current: context::set_current(self.clone()),
            _pool: self.inner.blocking().enter(),
        }
    }

    /// Snapshots of the runtime's workers, queues, tasks and blocking threads; see
    /// [`RuntimeMetrics`].
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let metrics = runtime.block_on(async { heddle::runtime::Handle::current().metrics() });
    /// assert_eq!(metrics.num_workers(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics::new(self.clone())
    }

    /// Lists the runtime's live tasks (spawned and not yet finished: idle, scheduled or
    /// running) with their ids, names and spawn locations; see the [`dump`] module.
    ///
    /// The dump is taken at once. tokio's `Handle::dump` is an `async fn`; here
    /// [`Dump`] is [`IntoFuture`](std::future::IntoFuture), ready at once, so
    /// `handle.dump().await` works too. It may be called from anywhere, including from
    /// inside a task of this runtime. heddle does not capture await-point backtraces: a
    /// task's [`Trace`](dump::Trace) says which task it is and where it was spawned.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     let task = heddle::task::Builder::new()
    ///         .name("pinger")
    ///         .spawn(std::future::pending::<()>())?;
    ///     let dump = heddle::runtime::Handle::current().dump().await;
    ///     let names: Vec<_> = dump.tasks().iter().map(|task| task.name()).collect();
    ///     assert_eq!(names, [Some("pinger")]);
    ///     task.abort();
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn dump(&self) -> Dump {
        let tasks = match self.inner.flavor() {
            Flavor::CurrentThread(flavor) => flavor.spawner.dump_tasks(),
            #[cfg(feature = "rt-multi-thread")]
            Flavor::MultiThread(flavor) => flavor.spawner.dump_tasks(),
        };
        Dump::new(tasks)
    }

    /// The runtime's blocking pool (for adapters that run blocking calls on it).
    #[cfg(feature = "io-std")]
    pub(crate) fn blocking_pool(&self) -> &BlockingPool {
        self.inner.blocking()
    }

    #[cfg(feature = "rt-multi-thread")]
    pub(crate) fn is_current_thread(&self) -> bool {
        matches!(self.inner.flavor(), Flavor::CurrentThread(_))
    }

    /// How many tasks are alive on the runtime (spawned, not yet finished or dropped).
    /// `None` while a current-thread runtime's `block_on` holds its executor.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// runtime.block_on(runtime.spawn(async {})).unwrap();
    /// assert_eq!(runtime.handle().alive_tasks(), Some(0));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn alive_tasks(&self) -> Option<usize> {
        match self.inner.flavor() {
            Flavor::CurrentThread(flavor) => flavor.alive_tasks(),
            #[cfg(feature = "rt-multi-thread")]
            Flavor::MultiThread(flavor) => flavor.alive_tasks(),
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flavor = match self.inner.flavor.get() {
            Some(Flavor::CurrentThread(_)) => "current_thread",
            #[cfg(feature = "rt-multi-thread")]
            Some(Flavor::MultiThread(_)) => "multi_thread",
            None => "building",
        };
        f.debug_struct("Handle")
            .field("flavor", &flavor)
            .finish_non_exhaustive()
    }
}
