//! heddle's single-threaded executor: runs `Send` and `!Send` tasks on one thread, over any
//! [`Driver`](heddle_driver::Driver).
//!
//! [`LocalExecutor`] polls tasks only inside [`run_until`](LocalExecutor::run_until), on
//! the calling thread. Same-thread wake-ups are a plain queue push; wake-ups and spawns from
//! other threads go through a lock-free injector (`concurrent-queue`) and the driver's
//! unparker. The run loop is fair (a task that always re-wakes itself cannot starve the
//! others: polls per tick are bounded and the injector is drained every tick), a panicking
//! task never stops it, and dropping it drops every task exactly once (through
//! `heddle-executor-core`'s shutdown drain). `!Send` tasks are spawned through heddle-task's
//! thread-checked `spawn_local_checked`, whose `LocalRunnable`s run and drop a task only on its
//! home thread, so the crate needs no `unsafe` for them. A seeded mode
//! ([`Builder::seed`]) shuffles the ready order reproducibly, to replay interleavings that
//! expose ordering bugs. [`Metrics`] reads its park count and busy time, queue depths and
//! task counts, and [`Spawner::dump_tasks`] lists the live tasks, at no cost to task polls,
//! wakes or spawns.
//!
//! Besides blocking in `run_until`, the executor can be driven by polling: built with
//! [`Builder::poll_driven`], [`LocalExecutor::tick`] runs a batch of tasks without blocking and
//! registers the caller's waker for the next wake-up from any thread. That is how the facade's
//! `LocalSet` runs its `!Send` tasks from a task of either runtime flavor: one single-threaded
//! executor serves both the current-thread runtime and `LocalSet`.
//!
//! This crate is layer 2: it depends on `heddle-task` (tasks) and `heddle-driver` (what it
//! parks on), and knows nothing of I/O or timers; the `heddle` facade runs it over the
//! reactor and timer stack. It is not a multi-threaded scheduler
//! (`heddle-executor-steal` is).
//!
//! # Examples
//!
//! ```
//! use heddle_driver::ThreadParker;
//! use heddle_executor_local::LocalExecutor;
//!
//! let mut executor = LocalExecutor::new(ThreadParker::new());
//! let spawner = executor.spawner();
//! let from_thread = std::thread::spawn(move || spawner.spawn(async { "remote" }))
//!     .join()
//!     .unwrap();
//! let local = executor.spawn_local(async { "local" });
//! let (a, b) = executor.run_until(async { (from_thread.await.unwrap(), local.await.unwrap()) });
//! assert_eq!((a, b), ("remote", "local"));
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

use heddle_loom as loom;

mod executor;
mod metrics;
mod rng;
mod shared;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use heddle_driver::Unparker;
use heddle_task::JoinHandle;

pub use executor::{Builder, LocalExecutor, DEFAULT_EVENT_INTERVAL, DEFAULT_GLOBAL_QUEUE_INTERVAL};
pub use metrics::Metrics;

use shared::Shared;

/// Spawns onto a [`LocalExecutor`] from any thread; cloneable, `Send + Sync`.
///
/// Spawning after the executor was dropped returns a `JoinHandle` that resolves to a
/// cancelled [`JoinError`](heddle_task::JoinError): no panic, no leak.
///
/// # Examples
///
/// ```
/// use heddle_executor_local::LocalExecutor;
///
/// let mut executor = LocalExecutor::new(heddle_driver::ThreadParker::new());
/// let spawner = executor.spawner();
/// let handle = spawner.spawn(async { 5 });
/// assert_eq!(executor.run_until(handle).unwrap(), 5);
///
/// drop(executor);
/// let late = spawner.spawn(async { 6 });
/// # let mut late = std::pin::pin!(late);
/// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// # let std::task::Poll::Ready(result) = std::future::Future::poll(late.as_mut(), &mut cx) else { panic!() };
/// assert!(result.unwrap_err().is_cancelled());
/// ```
pub struct Spawner<U: Unparker> {
    shared: Arc<Shared<U>>,
}

impl<U: Unparker> Spawner<U> {
    fn new(shared: Arc<Shared<U>>) -> Spawner<U> {
        Spawner { shared }
    }

    /// Spawns a `Send` task.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let handle = executor.spawner().spawn(async { 1 });
    /// assert_eq!(executor.run_until(handle).unwrap(), 1);
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.shared.spawn(heddle_task::Builder::new(), future)
    }

    /// Spawns a `Send` task configured by a task [`Builder`](heddle_task::Builder) (its name).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let builder = heddle_task::Builder::new().name("named");
    /// let handle = executor.spawner().spawn_with(builder, async { 1 });
    /// assert_eq!(executor.run_until(handle).unwrap(), 1);
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
        self.shared.spawn(builder, future)
    }

    /// Spawns a `!Send` task. Must be called on the thread running (or owning) the executor.
    ///
    /// # Panics
    ///
    /// Panics if another thread is running the executor, or if `!Send` tasks spawned on
    /// another thread are still alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let spawner = executor.spawner();
    /// let value = executor.run_until(async move {
    ///     let rc = std::rc::Rc::new(3);
    ///     spawner.spawn_local(async move { *rc }).await.unwrap()
    /// });
    /// assert_eq!(value, 3);
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.shared.spawn_local(heddle_task::Builder::new(), future)
    }

    /// Spawns a `!Send` task configured by a task [`Builder`](heddle_task::Builder).
    ///
    /// # Panics
    ///
    /// As [`spawn_local`](Spawner::spawn_local).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let handle = executor
    ///     .spawner()
    ///     .spawn_local_with(heddle_task::Builder::new().name("ui"), async { 2 });
    /// assert_eq!(executor.run_until(handle).unwrap(), 2);
    /// ```
    #[track_caller]
    pub fn spawn_local_with<F>(
        &self,
        builder: heddle_task::Builder<'_>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.shared.spawn_local(builder, future)
    }

    /// Whether the executor is gone (spawns are cancelled at once).
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let spawner = executor.spawner();
    /// assert!(!spawner.is_closed());
    /// drop(executor);
    /// assert!(spawner.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.registry().is_closed()
    }
}

impl<U: Unparker> Clone for Spawner<U> {
    fn clone(&self) -> Spawner<U> {
        Spawner::new(self.shared.clone())
    }
}

impl<U: Unparker> fmt::Debug for Spawner<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spawner").finish_non_exhaustive()
    }
}
