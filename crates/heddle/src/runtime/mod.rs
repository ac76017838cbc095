//! The runtime: [`Runtime`], its [`Builder`], and the [`Handle`] that reaches it from
//! anywhere.
//!
//! This first cut has the current-thread flavor: every task runs on the thread inside
//! [`Runtime::block_on`], which parks on the runtime's reactor when no task is ready, so
//! sockets created inside the runtime are served by it. Tasks spawned while no thread is inside `block_on` wait for the next
//! one. The runtime is `Send + Sync`: it can be built on one thread and driven on another,
//! shared in an `Arc`, and spawned onto from any thread through a [`Handle`]. `!Send` tasks
//! ([`Runtime::spawn_local`]) stay on the thread that spawned them.

mod builder;
mod context;

use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};

use heddle_driver::{Driver, ThreadParker, ThreadUnparker, Unparker};
use heddle_executor_local::{LocalExecutor, Spawner};
use heddle_reactor::{Reactor, ReactorUnparker};
use heddle_task::JoinHandle;

pub use builder::Builder;
pub(crate) use context::with_current;

/// The driver the runtime's executor parks on: the reactor (I/O readiness).
type RuntimeDriver = Reactor;

/// A heddle runtime: an executor plus the drivers it parks on.
///
/// Dropping the runtime drops every task's future (spawned, queued or idle) before `drop`
/// returns; their `JoinHandle`s resolve to a cancelled [`JoinError`](crate::task::JoinError).
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let handle = runtime.spawn(async { 20 });
/// let value = runtime.block_on(async move { handle.await.unwrap() + 22 });
/// assert_eq!(value, 42);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Runtime {
    handle: Handle,
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
    spawner: Spawner<ReactorUnparker>,
    /// Sockets created on a thread inside this runtime register here.
    reactor: heddle_reactor::Handle,
    core: Mutex<Core>,
}

/// The executor, which one `block_on` at a time takes out to run.
struct Core {
    /// `None` while a `block_on` runs it, and after shutdown.
    executor: Option<LocalExecutor<RuntimeDriver>>,
    /// `block_on` calls on other threads waiting for the executor to come back.
    waiters: Vec<Waker>,
    /// Set when the `Runtime` is dropped while a `block_on` holds the executor: the
    /// `block_on` drops it when done.
    shut_down: bool,
}

/// The error of [`Handle::try_current`]: no runtime is current on this thread.
///
/// # Examples
///
/// ```
/// let err = heddle::runtime::Handle::try_current().unwrap_err();
/// println!("{err}");
/// ```
#[derive(Debug, Clone)]
pub struct TryCurrentError {
    _private: (),
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(NO_RUNTIME)
    }
}

impl std::error::Error for TryCurrentError {}

pub(crate) const NO_RUNTIME: &str = "there is no heddle runtime on this thread: create one with \
     `heddle::Builder::new_current_thread().build()?` and spawn from inside `Runtime::block_on`, \
     or spawn through `Runtime::spawn` / `Handle::spawn`";

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
    _reactor: heddle_reactor::EnterGuard<'a>,
    _current: context::CurrentGuard,
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("EnterGuard { .. }")
    }
}

impl Runtime {
    fn current_thread(builder: heddle_executor_local::Builder) -> std::io::Result<Runtime> {
        let reactor = Reactor::new()?;
        let reactor_handle = reactor.handle();
        let executor = builder.build(reactor);
        let spawner = executor.spawner();
        Ok(Runtime {
            handle: Handle {
                inner: Arc::new(Inner {
                    spawner,
                    reactor: reactor_handle,
                    core: Mutex::new(Core {
                        executor: Some(executor),
                        waiters: Vec::new(),
                        shut_down: false,
                    }),
                }),
            },
        })
    }

    /// Runs `future` to completion on this thread, running the runtime's tasks meanwhile,
    /// and returns its output. A panic in `future` propagates; a panic in a task does not.
    ///
    /// # Panics
    ///
    /// Panics if called from inside a runtime (a task, or another `block_on` on this thread):
    /// blocking there would stop the very tasks the future may wait for. Use `.await` instead.
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
    /// let runtime = heddle::Builder::new_current_thread().build()?;
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
    /// Panics if another thread is inside this runtime's `block_on`, or if `!Send` tasks
    /// spawned on another thread are still alive: `!Send` tasks stay on one thread.
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
        self.handle.inner.spawner.spawn_local(future)
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

    /// Makes this runtime current on this thread until the guard drops, so that
    /// [`heddle::spawn`](crate::spawn) works outside `block_on`.
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
}

impl Drop for Runtime {
    fn drop(&mut self) {
        let executor = {
            let mut core = self.handle.inner.core();
            core.shut_down = true;
            core.executor.take()
        };
        // Dropped outside the lock: task destructors may use the handle (their spawns are
        // cancelled). If a `block_on` holds the executor, it drops it when it finishes.
        drop(executor);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("flavor", &"current_thread")
            .finish_non_exhaustive()
    }
}

impl Handle {
    /// The handle of the runtime current on this thread.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime (not inside `block_on`, a task, or an [`enter`](Handle::enter)
    /// guard), with a message saying how to create one; [`try_current`](Handle::try_current)
    /// returns an error instead.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
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
        context::current().ok_or(TryCurrentError { _private: () })
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
        self.inner.spawner.spawn(future)
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
        self.inner.spawner.spawn_with(builder, future)
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
        self.inner.spawner.spawn_local_with(builder, future)
    }

    /// Runs `future` to completion on this thread; see [`Runtime::block_on`]. If another
    /// thread is already running the runtime, this one waits for `future` and takes over
    /// running the tasks when the other returns.
    ///
    /// # Panics
    ///
    /// Panics if called from inside a runtime; use `.await` instead.
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
        let _reactor = self.inner.reactor.enter();
        let mut future = pin!(future);
        let mut parker = ThreadParker::new();
        let waker = Waker::from(Arc::new(Waiter(parker.unparker())));
        let mut cx = Context::from_waker(&waker);
        loop {
            // Take the executor if it is free; otherwise poll the future on our own and wait
            // for it or for the executor to come back.
            let executor = {
                let mut core = self.inner.core();
                match core.executor.take() {
                    Some(executor) => Some(executor),
                    None if core.shut_down => {
                        drop(core);
                        panic!(
                            "the heddle runtime was shut down while `block_on` was waiting for it"
                        );
                    }
                    None => {
                        if !core.waiters.iter().any(|w| w.will_wake(&waker)) {
                            core.waiters.push(waker.clone());
                        }
                        None
                    }
                }
            };
            match executor {
                Some(executor) => {
                    let mut slot = ExecutorSlot {
                        inner: &self.inner,
                        executor: Some(executor),
                    };
                    let executor = slot.executor.as_mut().expect("just stored");
                    return executor.run_until(future.as_mut());
                }
                None => {
                    if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                        return output;
                    }
                    parker.park();
                }
            }
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
            _reactor: self.inner.reactor.enter(),
            _current: context::set_current(self.clone()),
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle").finish_non_exhaustive()
    }
}

impl Inner {
    fn core(&self) -> MutexGuard<'_, Core> {
        self.core.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Gives the executor back when `block_on` returns or unwinds, and wakes the `block_on`
/// calls waiting for it. After shutdown, drops it instead.
struct ExecutorSlot<'a> {
    inner: &'a Inner,
    executor: Option<LocalExecutor<RuntimeDriver>>,
}

impl Drop for ExecutorSlot<'_> {
    fn drop(&mut self) {
        let Some(executor) = self.executor.take() else {
            return;
        };
        let (to_drop, waiters) = {
            let mut core = self.inner.core();
            let waiters = mem::take(&mut core.waiters);
            if core.shut_down {
                (Some(executor), waiters)
            } else {
                core.executor = Some(executor);
                (None, waiters)
            }
        };
        drop(to_drop);
        for waker in waiters {
            waker.wake();
        }
    }
}

/// Wakes a `block_on` that is waiting without the executor.
struct Waiter(ThreadUnparker);

impl Wake for Waiter {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}
