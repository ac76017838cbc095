//! Tasks: spawning, joining, aborting, task-local storage, yielding.
//!
//! A task is a future the runtime drives on its own; [`spawn`] returns a [`JoinHandle`] to
//! await its output as `Result<T, JoinError>`. Dropping the handle detaches the task; use
//! [`JoinHandle::abort`] to stop it. A panic inside a task is caught and comes back as a
//! [`JoinError`]; it never takes the runtime down.
//!
//! `!Send` futures run with [`spawn_local`]: on a current-thread runtime, or on either flavor
//! inside a [`LocalSet`].
//!
//! This module re-exports the task layer (`heddle-task`) and adds the spawn functions that
//! use the current runtime.

use std::future::Future;
use std::panic::Location;

use crate::runtime::{with_current, Handle, NO_RUNTIME};

#[doc(inline)]
pub use heddle_task::coop::{consume_budget, unconstrained, Unconstrained};
#[doc(inline)]
pub use heddle_task::{
    id, try_id, yield_now, AbortHandle, AccessError, Id, JoinError, JoinHandle, LocalKey,
    TaskLocalFuture, YieldNow,
};

pub mod coop {
    //! The cooperative budget, as tokio's `task::coop` spells it: each task poll may get
    //! `Ready` from heddle's resources (channels, sockets, timers, `JoinHandle`s) a bounded
    //! number of times before they make it yield, so one busy task cannot starve the others
    //! on its thread. Use [`cooperative`] or [`poll_proceed`] to make a resource from
    //! another crate take part.
    //!
    //! This module only re-exports the budget of the task layer; it does not schedule.
    //!
    //! # Examples
    //!
    //! ```
    //! use heddle::task::coop::{cooperative, has_budget_remaining};
    //!
    //! let runtime = heddle::Builder::new_current_thread().build()?;
    //! runtime.block_on(async {
    //!     assert_eq!(cooperative(async { 1 }).await, 1);
    //!     assert!(has_budget_remaining());
    //! });
    //! # Ok::<(), std::io::Error>(())
    //! ```

    #[doc(inline)]
    pub use heddle_task::coop::{
        consume_budget, cooperative, has_budget_remaining, poll_proceed, unconstrained, Coop,
        RestoreOnPending, Unconstrained,
    };
}

pub mod futures {
    //! The futures that task functions return, at tokio's `task::futures` path.
    //!
    //! # Examples
    //!
    //! ```
    //! heddle::task_local! { static KEY: u32; }
    //! let future: heddle::task::futures::TaskLocalFuture<u32, _> = KEY.scope(1, async {});
    //! # drop(future);
    //! ```

    #[doc(inline)]
    pub use heddle_task::TaskLocalFuture;
}

pub mod join_set {
    //! A collection of tasks spawned together, at tokio's `task::join_set` path: see
    //! [`JoinSet`].
    //!
    //! # Examples
    //!
    //! ```
    //! let set: heddle::task::join_set::JoinSet<u8> = heddle::task::join_set::JoinSet::new();
    //! assert!(set.is_empty());
    //! ```

    pub use crate::join_set::JoinSet;
}

#[doc(inline)]
pub use crate::task_local;

pub use crate::join_set::JoinSet;
pub use crate::local_set::{LocalEnterGuard, LocalSet};

/// Spawns a `Send` task onto the current runtime.
///
/// # Panics
///
/// Panics outside a runtime, with a message saying how to create one (see
/// [`Handle::current`]).
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let sum = runtime.block_on(async {
///     let tasks: Vec<_> = (1..=4).map(|i| heddle::spawn(async move { i * 10 })).collect();
///     let mut sum = 0;
///     for task in tasks {
///         sum += task.await.unwrap();
///     }
///     sum
/// });
/// assert_eq!(sum, 100);
/// # Ok::<(), std::io::Error>(())
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // The handle is borrowed, not cloned, and the caller's location passed on explicitly
    // (the closure would otherwise hide it from `#[track_caller]`).
    let location = Location::caller();
    let builder = heddle_task::Builder::new().location(location);
    match with_current(|handle| handle.spawn_named(builder, future)) {
        Some(join) => join,
        None => panic!("{NO_RUNTIME}"),
    }
}

/// Spawns a `!Send` task; it runs on this thread.
///
/// Inside a [`LocalSet`] (while it is driven or [entered](LocalSet::enter)) the task goes to
/// that set, on either runtime flavor. Elsewhere it goes to the current runtime, which must be
/// a current-thread one.
///
/// # Panics
///
/// Outside a `LocalSet`: panics outside a runtime, on a multi-thread runtime, and when the
/// current runtime is being run by another thread (`!Send` tasks stay on the thread that
/// spawned them).
///
/// # Examples
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let log = runtime.block_on(async {
///     let log = Rc::new(RefCell::new(Vec::new()));
///     let l = log.clone();
///     heddle::spawn_local(async move { l.borrow_mut().push("local") }).await.unwrap();
///     let log = log.borrow().clone();
///     log
/// });
/// assert_eq!(log, ["local"]);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// On a multi-thread runtime, inside a [`LocalSet`]:
///
/// ```
/// let runtime = heddle::Runtime::new()?;
/// let local = heddle::task::LocalSet::new();
/// let value = local.block_on(&runtime, async {
///     let rc = std::rc::Rc::new(2);
///     heddle::spawn_local(async move { *rc * 21 }).await.unwrap()
/// });
/// assert_eq!(value, 42);
/// # Ok::<(), std::io::Error>(())
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let location = Location::caller();
    let builder = heddle_task::Builder::new().location(location);
    if let Some(set) = crate::local_set::current() {
        return set.spawn_local_with(builder, future);
    }
    match with_current(|handle| handle.spawn_local(builder, future)) {
        Some(join) => join,
        None => panic!("{NO_RUNTIME}"),
    }
}

/// Runs a blocking closure on the current runtime's blocking pool, so the workers keep
/// running tasks; the `JoinHandle` resolves to the closure's return value.
///
/// # Panics
///
/// Panics outside a runtime (see [`Handle::current`]).
///
/// # Examples
///
/// ```
/// let runtime = heddle::Runtime::new()?;
/// let len = runtime.block_on(async {
///     heddle::spawn_blocking(|| std::fs::read_dir(".").map(|d| d.count()).unwrap_or(0))
///         .await
///         .unwrap()
/// });
/// assert!(len > 0);
/// # Ok::<(), std::io::Error>(())
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match with_current(|handle| handle.spawn_blocking(f)) {
        Some(join) => join,
        None => panic!("{NO_RUNTIME}"),
    }
}

/// Runs a blocking closure on the current worker thread, after handing the worker's queue
/// and duties to a new thread, so the runtime keeps running tasks meanwhile (even with one
/// worker). Inside it, [`Handle::block_on`] may be used to wait for a future. Outside a
/// runtime it just runs `f`.
///
/// # Panics
///
/// Panics on a current-thread runtime, where no other thread could take over the tasks, and
/// inside a [`LocalSet`] being driven, whose `!Send` tasks could not move to another thread;
/// use [`spawn_blocking`] there.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_multi_thread().worker_threads(1).build()?;
/// let value = runtime.block_on(async {
///     let other = heddle::spawn(async { 21 });
///     heddle::spawn(async move {
///         let doubled = heddle::task::block_in_place(|| {
///             // Blocking here is fine: the single worker's duties moved to another thread.
///             heddle::runtime::Handle::current().block_on(other).unwrap() * 2
///         });
///         doubled
///     })
///     .await
///     .unwrap()
/// });
/// assert_eq!(value, 42);
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(feature = "rt-multi-thread")]
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    if with_current(Handle::is_current_thread).unwrap_or(false) {
        panic!(
            "can call blocking only when running on the multi-threaded runtime: \
             block_in_place cannot be used on a current-thread runtime, where no other thread \
             can run its tasks meanwhile. Use `heddle::spawn_blocking` (or a multi-thread \
             runtime)"
        );
    }
    if crate::local_set::is_driven() {
        panic!(
            "can call blocking only when running on the multi-threaded runtime: \
             block_in_place cannot be used inside a `LocalSet`, whose `!Send` tasks could not \
             run meanwhile. Use `heddle::spawn_blocking` instead"
        );
    }
    // Without a budget inside: `f` may block on futures (`futures::executor::block_on`) that a
    // budget spent by the task before would leave pending for good.
    crate::runtime::allow_block_on(|| {
        heddle_executor_steal::block_in_place(|| heddle_task::coop::without_budget(f))
    })
}

/// Configures a task before spawning it: its name, visible in `Debug` output, dumps and
/// metrics.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let task = heddle::task::Builder::new().name("worker").spawn(async { 1 })?;
///     assert_eq!(task.await.unwrap(), 1);
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Default)]
#[must_use = "a Builder does nothing until `spawn` is called"]
pub struct Builder<'a> {
    name: Option<&'a str>,
}

impl<'a> Builder<'a> {
    /// A builder for an unnamed task.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle::task::Builder::new();
    /// # drop(builder);
    /// ```
    pub fn new() -> Builder<'a> {
        Builder { name: None }
    }

    /// Names the task.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle::task::Builder::new().name("acceptor");
    /// # drop(builder);
    /// ```
    pub fn name(self, name: &'a str) -> Builder<'a> {
        Builder { name: Some(name) }
    }

    fn task_builder(&self) -> heddle_task::Builder<'a> {
        match self.name {
            Some(name) => heddle_task::Builder::new().name(name),
            None => heddle_task::Builder::new(),
        }
    }

    /// Spawns a `Send` task onto the current runtime.
    ///
    /// # Errors
    ///
    /// An [`std::io::Error`] when there is no current runtime (instead of the panic of
    /// [`spawn`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let err = heddle::task::Builder::new().spawn(async {}).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::Other);
    /// ```
    #[track_caller]
    pub fn spawn<F>(self, future: F) -> std::io::Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let handle = Handle::try_current().map_err(std::io::Error::other)?;
        Ok(handle.spawn_named(self.task_builder(), future))
    }

    /// Spawns a `Send` task onto the runtime of `handle`.
    ///
    /// # Errors
    ///
    /// This version does not fail; it returns `io::Result` to match the other spawns.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let task = heddle::task::Builder::new().name("x").spawn_on(async { 2 }, runtime.handle())?;
    /// assert_eq!(runtime.block_on(task).unwrap(), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(self, future: F, handle: &Handle) -> std::io::Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Ok(handle.spawn_named(self.task_builder(), future))
    }

    /// Spawns a `!Send` task, on this thread: onto the current [`LocalSet`] if there is one,
    /// else onto the current runtime.
    ///
    /// # Errors
    ///
    /// An [`std::io::Error`] when there is neither a current `LocalSet` nor a current runtime.
    ///
    /// # Panics
    ///
    /// As [`spawn_local`].
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let v = runtime.block_on(async {
    ///     let rc = std::rc::Rc::new(4);
    ///     heddle::task::Builder::new().name("ui").spawn_local(async move { *rc })?.await.map_err(std::io::Error::from)
    /// })?;
    /// assert_eq!(v, 4);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(self, future: F) -> std::io::Result<JoinHandle<F::Output>>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        if let Some(set) = crate::local_set::current() {
            return Ok(set.spawn_local_with(self.task_builder(), future));
        }
        let handle = Handle::try_current().map_err(std::io::Error::other)?;
        Ok(handle.spawn_local(self.task_builder(), future))
    }

    /// Spawns a `!Send` task onto `local_set`; it runs when the set is driven.
    ///
    /// # Errors
    ///
    /// This version does not fail; it returns `io::Result` to match the other spawns.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// let local = heddle::task::LocalSet::new();
    /// let rc = std::rc::Rc::new(5);
    /// let task = heddle::task::Builder::new().name("ui").spawn_local_on(async move { *rc }, &local)?;
    /// assert_eq!(local.block_on(&runtime, task).unwrap(), 5);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_local_on<F>(
        self,
        future: F,
        local_set: &LocalSet,
    ) -> std::io::Result<JoinHandle<F::Output>>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Ok(local_set.spawn_local_named(self.task_builder(), future))
    }

    /// Runs a blocking closure on the current runtime's blocking pool (see
    /// [`spawn_blocking`]).
    ///
    /// # Errors
    ///
    /// An [`std::io::Error`] when there is no current runtime (instead of the panic of
    /// [`spawn_blocking`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let err = heddle::task::Builder::new().spawn_blocking(|| ()).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::Other);
    ///
    /// let runtime = heddle::Runtime::new()?;
    /// let six = runtime.block_on(async {
    ///     heddle::task::Builder::new().name("hash").spawn_blocking(|| 2 * 3)?.await.map_err(std::io::Error::from)
    /// })?;
    /// assert_eq!(six, 6);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(self, f: F) -> std::io::Result<JoinHandle<R>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let handle = Handle::try_current().map_err(std::io::Error::other)?;
        Ok(handle.spawn_blocking_named(self.task_builder(), f))
    }

    /// Runs a blocking closure on the blocking pool of `handle`'s runtime.
    ///
    /// # Errors
    ///
    /// This version does not fail; it returns `io::Result` to match the other spawns.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let task = heddle::task::Builder::new().spawn_blocking_on(|| 9, runtime.handle())?;
    /// assert_eq!(runtime.block_on(task).unwrap(), 9);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F, R>(self, f: F, handle: &Handle) -> std::io::Result<JoinHandle<R>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        Ok(handle.spawn_blocking_named(self.task_builder(), f))
    }
}
