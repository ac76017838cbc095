//! [`LocalSet`]: a set of `!Send` tasks that run on the thread that drives the set, on either
//! runtime flavor.
//!
//! A `LocalSet` is not a runtime and has no thread, I/O driver or timer of its own. Its tasks
//! run only while the set is driven: by [`LocalSet::run_until`], by awaiting the set, or by
//! [`LocalSet::block_on`], inside a heddle runtime's `block_on` or one of its tasks. I/O and
//! timers used by the set's tasks come from that runtime (or, outside any, from heddle's
//! global driver threads).
//!
//! Nor is it an executor of its own: it is a `heddle-executor-local` executor built
//! `poll_driven`, driven from the host's task by `LocalExecutor::tick`. The executor keeps
//! the queue, the registry of live tasks (which `Debug` counts) and the thread checks; a
//! wake-up from any thread reaches it and wakes whoever last drove the set. Dropping the set
//! drops the executor, which drops every task's future on this thread through the executor
//! core's shutdown drain. This module adds only what makes it tokio's `LocalSet`: the batch
//! size, `run_until`'s order (its future first), the thread-local "current set" that
//! routes [`heddle::spawn_local`](crate::spawn_local) to the set, and the count of sets being
//! driven on this thread, which makes `block_in_place` there panic as in tokio (the set's
//! tasks could not run while it blocks).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use heddle_driver::{ThreadParker, ThreadUnparker};
use heddle_executor_local::{LocalExecutor, Spawner};
use heddle_task::coop;
use heddle_task::JoinHandle;

use crate::Runtime;

/// Task polls per poll of the set, after which it yields to whatever drives it (tokio uses
/// the same number). Small enough that the `run_until` future and the runtime's other tasks
/// wait at most one batch; large enough that the yield costs little per task.
const MAX_TASKS_PER_TICK: usize = 61;

thread_local! {
    /// The set that `heddle::spawn_local` spawns onto on this thread, if any.
    static CURRENT: RefCell<Option<Spawner<ThreadUnparker>>> = const { RefCell::new(None) };
    /// How many sets are being driven (polled) on this thread, nested.
    static DRIVEN: Cell<usize> = const { Cell::new(0) };
}

/// A set of `!Send` tasks that run together on one thread: tokio's `LocalSet`.
///
/// [`spawn_local`](LocalSet::spawn_local) adds a task to the set. The tasks run only while
/// the set is driven, on the set's thread:
///
/// * [`run_until`](LocalSet::run_until) drives a future and the set's tasks until the future
///   completes;
/// * awaiting the set (it is a [`Future`]) runs it until all its tasks have finished;
/// * [`block_on`](LocalSet::block_on) is `runtime.block_on(set.run_until(future))`.
///
/// While the set is driven (or [entered](LocalSet::enter)), [`heddle::spawn_local`],
/// [`heddle::task::spawn_local`](crate::task::spawn_local),
/// [`task::Builder::spawn_local`](crate::task::Builder::spawn_local) and
/// [`JoinSet::spawn_local`](crate::task::JoinSet::spawn_local) spawn onto the set, on a
/// multi-thread runtime as well as on a current-thread one. Elsewhere they behave as before
/// (they need a current-thread runtime).
///
/// A `LocalSet` is not a runtime: it needs a heddle runtime's `block_on` (or a task) to
/// drive it, and its tasks use that runtime's I/O and timers. [`heddle::spawn`] inside it
/// still spawns `Send` tasks onto the runtime. Each poll of the set runs at most 61 tasks
/// before it yields, so the `run_until` future (polled first, every time) and the runtime's
/// other tasks keep making progress; every task poll gets the usual cooperative budget.
/// Wake-ups from any thread (a timer, a socket, a channel sent to from another thread) reach
/// the set. A panic in a task is caught and returned by its [`JoinHandle`]; the set and its
/// other tasks carry on.
///
/// Dropping the set drops every task's future, queued or idle, exactly once, on the set's
/// thread, before `drop` returns; their `JoinHandle`s resolve to a cancelled
/// [`JoinError`](crate::task::JoinError). A task woken after that does nothing.
///
/// [`heddle::spawn_local`]: crate::spawn_local
/// [`heddle::spawn`]: crate::spawn
///
/// # Examples
///
/// `!Send` tasks on a multi-thread runtime:
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let runtime = heddle::Runtime::new()?;
/// let local = heddle::task::LocalSet::new();
/// let log = Rc::new(RefCell::new(Vec::new()));
/// local.block_on(&runtime, async {
///     let l = log.clone();
///     let task = heddle::spawn_local(async move {
///         heddle::time::sleep(std::time::Duration::from_millis(1)).await;
///         l.borrow_mut().push("task");
///     });
///     task.await.unwrap();
///     log.borrow_mut().push("run_until");
/// });
/// assert_eq!(*log.borrow(), ["task", "run_until"]);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// The set stays on its thread, so it is not `Send`:
///
/// ```compile_fail
/// fn require_send<T: Send>(_: T) {}
/// require_send(heddle::task::LocalSet::new());
/// ```
pub struct LocalSet {
    /// `Some` until the set drops. Borrowed mutably only while the set runs a batch.
    executor: RefCell<Option<LocalExecutor<ThreadParker>>>,
    /// Spawns onto the executor, also while it runs a batch.
    spawner: Spawner<ThreadUnparker>,
    /// The set's id, unique among runtimes and sets ([`LocalSet::id`]).
    id: crate::runtime::Id,
    /// Keeps the set on the thread that created it (`!Send`, `!Sync`): its tasks are polled
    /// and dropped wherever `&self` is used.
    _not_send: PhantomData<Rc<()>>,
}

/// Keeps a [`LocalSet`] current on this thread, so that [`heddle::spawn_local`](crate::spawn_local)
/// spawns onto it, until dropped; see [`LocalSet::enter`].
///
/// # Examples
///
/// ```
/// let local = heddle::task::LocalSet::new();
/// let guard: heddle::task::LocalEnterGuard = local.enter();
/// let task = heddle::spawn_local(async { 1 }); // onto `local`
/// drop(guard);
/// let runtime = heddle::Runtime::new()?;
/// assert_eq!(local.block_on(&runtime, task).unwrap(), 1);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// It restores this thread's previous state when dropped, so it stays on this thread:
///
/// ```compile_fail
/// fn require_send<T: Send>(_: T) {}
/// let local = heddle::task::LocalSet::new();
/// require_send(local.enter());
/// ```
#[must_use = "the set is current only while the guard lives"]
pub struct LocalEnterGuard {
    /// The set that was current before, restored on drop.
    previous: Option<Spawner<ThreadUnparker>>,
    /// Counted in `DRIVEN` (the set is being driven, not merely entered).
    driven: bool,
    /// The guard restores this thread's state, so it stays on this thread.
    _not_send: PhantomData<Rc<()>>,
}

impl LocalSet {
    /// An empty set.
    ///
    /// # Examples
    ///
    /// ```
    /// let local = heddle::task::LocalSet::new();
    /// # drop(local);
    /// ```
    pub fn new() -> LocalSet {
        let executor = heddle_executor_local::Builder::new()
            .poll_driven(true)
            .build(ThreadParker::new());
        LocalSet {
            spawner: executor.spawner(),
            executor: RefCell::new(Some(executor)),
            id: crate::runtime::Id::next(),
            _not_send: PhantomData,
        }
    }

    /// The set's id: unique among the process's runtimes and sets, as tokio's.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle::task::LocalSet;
    ///
    /// let (a, b) = (LocalSet::new(), LocalSet::new());
    /// assert_ne!(a.id(), b.id());
    /// assert_eq!(a.id(), a.id());
    /// ```
    pub fn id(&self) -> crate::runtime::Id {
        self.id
    }

    /// Makes this set current on this thread until the guard drops:
    /// [`heddle::spawn_local`](crate::spawn_local) then spawns onto it, even outside any
    /// runtime. The tasks still run only when the set is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// let local = heddle::task::LocalSet::new();
    /// let task = {
    ///     let _guard = local.enter();
    ///     heddle::spawn_local(async { "spawned while entered" })
    /// };
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// assert_eq!(local.block_on(&runtime, task).unwrap(), "spawned while entered");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn enter(&self) -> LocalEnterGuard {
        enter(&self.spawner, false)
    }

    /// Spawns a `!Send` task onto the set. It runs when the set is driven, on the set's
    /// thread; it does not need a runtime to be spawned.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let local = heddle::task::LocalSet::new();
    /// let shared = Rc::new(20);
    /// let task = local.spawn_local({
    ///     let shared = shared.clone();
    ///     async move { *shared + 1 }
    /// });
    /// let runtime = heddle::Runtime::new()?;
    /// let value = local.block_on(&runtime, async { task.await.unwrap() * 2 });
    /// assert_eq!(value, 42);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let builder = heddle_task::Builder::new().location(std::panic::Location::caller());
        self.spawn_local_named(builder, future)
    }

    /// [`spawn_local`](LocalSet::spawn_local) with the task's metadata from `builder`.
    pub(crate) fn spawn_local_named<F>(
        &self,
        builder: heddle_task::Builder<'_>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawner.spawn_local_with(builder, future)
    }

    /// Drives `future` and the set's tasks until `future` completes, and returns its output.
    /// Tasks still pending then stay in the set for the next time it is driven.
    ///
    /// While it runs, [`heddle::spawn_local`](crate::spawn_local) called from `future` or
    /// from the set's tasks spawns onto this set. `future` is polled first on every poll,
    /// with a fresh cooperative budget; then at most 61 tasks run before control goes back
    /// to the runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let runtime = heddle::Runtime::new()?;
    /// let local = heddle::task::LocalSet::new();
    /// let counter = Rc::new(Cell::new(0));
    /// runtime.block_on(local.run_until(async {
    ///     let tasks: Vec<_> = (0..10)
    ///         .map(|_| {
    ///             let counter = counter.clone();
    ///             heddle::spawn_local(async move { counter.set(counter.get() + 1) })
    ///         })
    ///         .collect();
    ///     for task in tasks {
    ///         task.await.unwrap();
    ///     }
    /// }));
    /// assert_eq!(counter.get(), 10);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        RunUntil { set: self, future }.await
    }

    /// Runs `future` and the set's tasks on `runtime` until `future` completes:
    /// `runtime.block_on(self.run_until(future))`.
    ///
    /// # Panics
    ///
    /// As [`Runtime::block_on`]: when called from inside a runtime (await
    /// [`run_until`](LocalSet::run_until) there instead).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let local = heddle::task::LocalSet::new();
    /// let rc = std::rc::Rc::new(5);
    /// let value = local.block_on(&runtime, async move {
    ///     heddle::spawn_local(async move { *rc }).await.unwrap()
    /// });
    /// assert_eq!(value, 5);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, runtime: &Runtime, future: F) -> F::Output {
        runtime.block_on(self.run_until(future))
    }

    /// Runs a batch of the set's tasks and makes sure `cx` is woken when there is more work
    /// (see `LocalExecutor::tick`). Returns whether the set has no live task left.
    ///
    /// # Panics
    ///
    /// If the set is driven from inside one of its own tasks.
    fn run_tasks(&self, cx: &mut Context<'_>) -> bool {
        let Ok(mut executor) = self.executor.try_borrow_mut() else {
            panic!(
                "a LocalSet was driven from inside one of its own tasks; drive it from the \
                 code that owns it"
            );
        };
        let executor = executor
            .as_mut()
            .expect("the executor lives until the set drops");
        let queued = executor.tick(MAX_TASKS_PER_TICK, cx);
        !queued && executor.alive_tasks() == 0
    }
}

impl Default for LocalSet {
    /// An empty set, as [`LocalSet::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// let local = heddle::task::LocalSet::default();
    /// # drop(local);
    /// ```
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl Future for LocalSet {
    type Output = ();

    /// Runs the set's tasks; ready once none is left (finished, panicked or aborted).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let local = heddle::task::LocalSet::new();
    /// let done = Rc::new(Cell::new(0));
    /// for _ in 0..3 {
    ///     let done = done.clone();
    ///     local.spawn_local(async move {
    ///         heddle::task::yield_now().await;
    ///         done.set(done.get() + 1);
    ///     });
    /// }
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(local);
    /// assert_eq!(done.get(), 3);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _enter = enter(&self.spawner, true);
        if self.run_tasks(cx) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        // Current while the futures are dropped: a destructor's `spawn_local` reaches this
        // (closed) set and is cancelled at once, on this thread.
        let _enter = enter(&self.spawner, false);
        // Drops every task's future here, before `drop` returns.
        drop(self.executor.get_mut().take());
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet")
            .field("alive_tasks", &self.spawner.metrics().num_alive_tasks())
            .finish_non_exhaustive()
    }
}

impl Drop for LocalEnterGuard {
    fn drop(&mut self) {
        if self.driven {
            let _ = DRIVEN.try_with(|d| d.set(d.get() - 1));
        }
        let previous = self.previous.take();
        // Taken out of the cell before it is dropped, so no borrow is held meanwhile.
        let current = CURRENT.try_with(|c| c.replace(previous)).ok().flatten();
        drop(current);
    }
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalEnterGuard { .. }")
    }
}

/// Makes the set of `spawner` the current set until the guard drops; `driven`: the set's
/// tasks or `run_until`'s future are being polled meanwhile.
fn enter(spawner: &Spawner<ThreadUnparker>, driven: bool) -> LocalEnterGuard {
    let previous = CURRENT
        .try_with(|c| c.replace(Some(spawner.clone())))
        .ok()
        .flatten();
    let driven = driven && DRIVEN.try_with(|d| d.set(d.get() + 1)).is_ok();
    LocalEnterGuard {
        previous,
        driven,
        _not_send: PhantomData,
    }
}

/// Whether a set is being driven on this thread: its tasks could not run while the thread
/// blocks.
#[cfg(feature = "rt-multi-thread")]
pub(crate) fn is_driven() -> bool {
    DRIVEN.try_with(Cell::get).is_ok_and(|n| n != 0)
}

/// The set current on this thread (driven or entered), if any.
pub(crate) fn current() -> Option<Spawner<ThreadUnparker>> {
    CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
}

pin_project_lite::pin_project! {
    /// The future of `run_until`: the user's future, then a batch of the set's tasks.
    struct RunUntil<'a, F> {
        set: &'a LocalSet,
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for RunUntil<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _enter = enter(&this.set.spawner, true);
        let future = this.future;
        if let Poll::Ready(output) = coop::with_budget(|| future.poll(cx)) {
            return Poll::Ready(output);
        }
        this.set.run_tasks(cx);
        Poll::Pending
    }
}
