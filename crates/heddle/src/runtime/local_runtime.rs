//! [`LocalRuntime`]: a current-thread runtime that stays on the thread that built it, so
//! `!Send` tasks can be spawned onto it from anywhere on that thread, even outside
//! `block_on` (tokio's `LocalRuntime`).
//!
//! It is a [`Runtime`] of the current-thread flavor behind a `!Send` wrapper: the scheduler,
//! drivers and blocking pool are the ones every runtime uses. It is not a `LocalSet`: no
//! other runtime drives it.

use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::time::Duration;

use heddle_task::JoinHandle;

use super::{Builder, EnterGuard, Handle, Runtime, RuntimeMetrics};

/// Settings of a [`LocalRuntime`] beyond those of the [`Builder`] (none yet; tokio's type,
/// kept so that code moves across and settings can be added later).
///
/// # Examples
///
/// ```
/// use heddle::runtime::LocalOptions;
///
/// let runtime = heddle::Builder::new_current_thread().build_local(LocalOptions::default())?;
/// # drop(runtime);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Default, Clone)]
#[non_exhaustive]
pub struct LocalOptions {}

/// A current-thread runtime bound to the thread that built it: `!Send`, and
/// [`spawn_local`](LocalRuntime::spawn_local) works on it from anywhere on that thread.
///
/// Tasks run while the thread is inside [`block_on`](LocalRuntime::block_on), as on any
/// current-thread runtime. Dropping it drops every task's future before `drop` returns.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
///
/// let runtime = heddle::runtime::LocalRuntime::new()?;
/// let shared = Rc::new(20);
/// // Spawned before `block_on`, and the future is not `Send`.
/// let task = runtime.spawn_local({
///     let shared = shared.clone();
///     async move { *shared + 1 }
/// });
/// let sum = runtime.block_on(async move {
///     let inner = heddle::spawn_local(async move { *shared }).await.unwrap();
///     task.await.unwrap() + inner
/// });
/// assert_eq!(sum, 41);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// It cannot leave its thread:
///
/// ```compile_fail
/// fn is_send<T: Send>() {}
/// is_send::<heddle::runtime::LocalRuntime>();
/// ```
pub struct LocalRuntime {
    runtime: Runtime,
    /// `!Send` and `!Sync`: the `!Send` tasks it holds belong to this thread.
    _not_send: PhantomData<*mut ()>,
}

impl LocalRuntime {
    /// A local runtime with the default settings and every driver.
    ///
    /// # Errors
    ///
    /// The OS error when the drivers cannot be created.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::runtime::LocalRuntime::new()?;
    /// assert_eq!(runtime.block_on(async { 1 }), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new() -> io::Result<LocalRuntime> {
        Builder::new_current_thread()
            .enable_all()
            .build_local(LocalOptions::default())
    }

    /// The runtime's handle; spawning `Send` tasks through it works from any thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::runtime::LocalRuntime::new()?;
    /// let task = runtime.handle().spawn(async { 2 });
    /// assert_eq!(runtime.block_on(task).unwrap(), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn handle(&self) -> &Handle {
        self.runtime.handle()
    }

    /// Spawns a task, `Send` or not, onto this runtime; it runs while the thread is inside
    /// [`block_on`](LocalRuntime::block_on).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::runtime::LocalRuntime::new()?;
    /// let rc = std::rc::Rc::new(3);
    /// let task = runtime.spawn_local(async move { *rc });
    /// assert_eq!(runtime.block_on(task).unwrap(), 3);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.runtime.spawn_local(future)
    }

    /// Runs a blocking closure on the runtime's blocking pool.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::runtime::LocalRuntime::new()?;
    /// let task = runtime.spawn_blocking(|| 4);
    /// assert_eq!(runtime.block_on(task).unwrap(), 4);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.runtime.spawn_blocking(f)
    }

    /// Runs `future` to completion on this thread, running the runtime's tasks meanwhile;
    /// see [`Runtime::block_on`].
    ///
    /// # Panics
    ///
    /// As [`Runtime::block_on`]: inside another runtime's task or `block_on`.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::runtime::LocalRuntime::new()?;
    /// assert_eq!(runtime.block_on(async { 5 }), 5);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Makes this runtime current on this thread until the guard is dropped; see
    /// [`Runtime::enter`].
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::runtime::LocalRuntime::new()?;
    /// let _guard = runtime.enter();
    /// let task = heddle::spawn_local(async { 6 });
    /// # drop(_guard);
    /// assert_eq!(runtime.block_on(task).unwrap(), 6);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.runtime.enter()
    }

    /// Shuts the runtime down, waiting at most `timeout` for its blocking threads; see
    /// [`Runtime::shutdown_timeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::runtime::LocalRuntime::new()?;
    /// runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown_timeout(self, timeout: Duration) {
        self.runtime.shutdown_timeout(timeout);
    }

    /// Shuts the runtime down without waiting for its blocking threads; see
    /// [`Runtime::shutdown_background`].
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::runtime::LocalRuntime::new()?;
    /// runtime.shutdown_background();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown_background(self) {
        self.runtime.shutdown_background();
    }

    /// Snapshots of the runtime's worker, queues, tasks and blocking threads.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::runtime::LocalRuntime::new()?;
    /// assert_eq!(runtime.metrics().num_workers(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        self.runtime.metrics()
    }
}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime")
            .field("handle", self.handle())
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// Creates a [`LocalRuntime`] from a current-thread builder.
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] for a multi-thread builder (tokio panics there), and
    /// whatever [`build`](Builder::build) fails with.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle::runtime::LocalOptions;
    ///
    /// let runtime = heddle::Builder::new_current_thread()
    ///     .enable_all()
    ///     .build_local(LocalOptions::default())?;
    /// assert_eq!(runtime.block_on(async { 7 }), 7);
    ///
    /// let err = heddle::Builder::new_multi_thread().build_local(LocalOptions::default()).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn build_local(&mut self, options: LocalOptions) -> io::Result<LocalRuntime> {
        let LocalOptions {} = options;
        if !self.is_current_thread() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "heddle::Builder: build_local needs a current-thread builder \
                 (Builder::new_current_thread())",
            ));
        }
        Ok(LocalRuntime {
            runtime: self.build()?,
            _not_send: PhantomData,
        })
    }
}
