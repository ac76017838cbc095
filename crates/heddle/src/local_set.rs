//! [`LocalSet`]: a set of `!Send` tasks that run on the thread that drives the set, on either
//! runtime flavor.
//!
//! A `LocalSet` is not a runtime and has no thread, I/O driver or timer of its own. Its tasks
//! run only while the set is driven: by [`LocalSet::run_until`], by awaiting the set, or by
//! [`LocalSet::block_on`], inside a heddle runtime's `block_on` or one of its tasks. I/O and
//! timers used by the set's tasks come from that runtime (or, outside any, from heddle's
//! global driver threads), and wake-ups from other threads reach the set through its queue.
//!
//! # Who touches what
//!
//! `Shared` holds everything, behind one mutex that is never held while user code runs (no
//! future is polled or dropped and no waker is cloned, woken or dropped under it; task wakers
//! created by `heddle-task` are the exception, as they run no user code):
//!
//! * `queue`: the runnables of scheduled tasks. Any thread pushes (the schedule hook runs
//!   wherever a task is woken); only the set's thread pops, to run or drop them. The
//!   runnables are [`LocalRunnable`]s, which refuse to run, and leak rather than drop, on any
//!   other thread, so the set needs no `unsafe`.
//! * `waker`: the waker of whoever drives the set, registered when the queue is found empty.
//!   A push takes it and wakes it.
//! * `tasks`: the registry, a waker per live task (spawned, future not yet dropped). The
//!   `Entry` inside each task's future removes it when the future is dropped. Dropping the
//!   set reaches idle tasks through it.
//! * `closed`: set when the set starts dropping; a spawn after that is cancelled at once.
//!
//! # No lost wake-ups
//!
//! A driver registers its waker and checks the queue under the same lock; a push happens
//! under that lock too and takes the registered waker. So a push either comes before the
//! check, which sees it (the driver wakes itself and returns `Pending`), or after the
//! registration, and wakes the driver.
//!
//! # Drop
//!
//! Dropping the set, on its thread, closes it, then repeats: wake every task in the registry
//! (an idle task is scheduled and pushed to the queue; a scheduled one already is, or is
//! being pushed by another thread), and drop what the queue holds, which drops those futures
//! here and removes their entries. It stops when the registry is empty. A round that finds
//! nothing while tasks are still registered means a push from another thread is in flight
//! (its schedule call has the runnable but not yet the lock); the loop yields and looks
//! again. When it ends, every task is closed (async-task's `CLOSED`) or completed, and a wake
//! of a closed or completed task schedules nothing, so a late wake from any thread neither
//! runs nor drops a future. While the thread is already unwinding, the task harness leaks
//! futures rather than dropping them, so the loop then stops at the first empty round.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use heddle_loom::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use heddle_task::coop;
use heddle_task::{JoinHandle, LocalRunnable, LocalSchedule, ScheduleInfo};
use slab::Slab;

use crate::Runtime;

/// Task polls per poll of the set, after which it yields to whatever drives it (tokio uses
/// the same number). Small enough that the `run_until` future and the runtime's other tasks
/// wait at most one batch; large enough that the yield costs little per task.
const MAX_TASKS_PER_TICK: usize = 61;

thread_local! {
    /// The set that `heddle::spawn_local` spawns onto on this thread, if any.
    static CURRENT: std::cell::RefCell<Option<Arc<Shared>>> =
        const { std::cell::RefCell::new(None) };
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
    shared: Arc<Shared>,
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
    previous: Option<Arc<Shared>>,
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
        LocalSet {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    waker: None,
                    tasks: Slab::new(),
                    closed: false,
                }),
            }),
            _not_send: PhantomData,
        }
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
        enter(&self.shared)
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
        self.shared.spawn(builder, future)
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
        let _enter = enter(&self.shared);
        if self.shared.run_tasks(cx) {
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
        let _enter = enter(&self.shared);
        self.shared.lock().closed = true;
        // See the module docs, "Drop".
        loop {
            let wakers: Vec<Waker> = self
                .shared
                .lock()
                .tasks
                .iter()
                .map(|(_, waker)| waker.clone())
                .collect();
            for waker in wakers {
                waker.wake();
            }
            let queued = mem::take(&mut self.shared.lock().queue);
            let found = !queued.is_empty();
            // On this thread: each drop cancels its task and drops its future here.
            drop(queued);
            if self.shared.lock().tasks.is_empty() {
                break;
            }
            if !found {
                if std::thread::panicking() {
                    break;
                }
                std::thread::yield_now();
            }
        }
        let waker = self.shared.lock().waker.take();
        drop(waker);
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (alive, queued) = {
            let state = self.shared.lock();
            (state.tasks.len(), state.queue.len())
        };
        f.debug_struct("LocalSet")
            .field("alive_tasks", &alive)
            .field("queued", &queued)
            .finish()
    }
}

impl Drop for LocalEnterGuard {
    fn drop(&mut self) {
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

/// Makes `shared` the current set until the guard drops.
fn enter(shared: &Arc<Shared>) -> LocalEnterGuard {
    let previous = CURRENT
        .try_with(|c| c.replace(Some(shared.clone())))
        .ok()
        .flatten();
    LocalEnterGuard {
        previous,
        _not_send: PhantomData,
    }
}

/// The set current on this thread (driven or entered), if any.
pub(crate) fn current() -> Option<Arc<Shared>> {
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
        let shared = &this.set.shared;
        let _enter = enter(shared);
        let future = this.future;
        if let Poll::Ready(output) = coop::with_budget(|| future.poll(cx)) {
            return Poll::Ready(output);
        }
        shared.run_tasks(cx);
        Poll::Pending
    }
}

/// What the set's thread and the threads that wake its tasks share (see the module docs).
pub(crate) struct Shared {
    state: Mutex<State>,
}

struct State {
    /// Runnables of scheduled tasks, in the order they were scheduled.
    queue: VecDeque<LocalRunnable>,
    /// The driver's waker, registered when it found the queue empty; taken by the next push.
    waker: Option<Waker>,
    /// A waker per live task; see `Entry`.
    tasks: Slab<Waker>,
    /// Set once, when the set starts dropping; spawns are cancelled from then on.
    closed: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // No user code runs under the lock, so it is never poisoned by a task; the data is
        // plain bookkeeping that stays consistent either way.
        self.state.lock()
    }

    /// Spawns `future` as a task of the set. Called on the set's thread (the set is `!Send`,
    /// and the current set is a thread-local), which becomes the task's home thread.
    #[track_caller]
    pub(crate) fn spawn<F>(
        self: &Arc<Self>,
        builder: heddle_task::Builder<'_>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let mut state = self.lock();
        if state.closed {
            drop(state);
            let (runnable, handle) = builder.spawn_local_checked(future, Scheduler(self.clone()));
            // Cancelled at once: the future is dropped here, on its home thread.
            drop(runnable);
            return handle;
        }
        let slot = state.tasks.vacant_entry();
        let entry = Entry {
            shared: self.clone(),
            key: slot.key(),
        };
        let tracked = Tracked { future, entry };
        let (runnable, handle) = builder.spawn_local_checked(tracked, Scheduler(self.clone()));
        slot.insert(runnable.waker());
        state.queue.push_back(runnable);
        let waker = state.waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        handle
    }

    /// Runs up to `MAX_TASKS_PER_TICK` queued tasks, then makes sure the driver is polled
    /// again when there is work: at once (it is woken now) if tasks are still queued, else
    /// at the next push (its waker is registered). Returns whether the set has no live task.
    fn run_tasks(&self, cx: &mut Context<'_>) -> bool {
        for _ in 0..MAX_TASKS_PER_TICK {
            let next = self.lock().queue.pop_front();
            let Some(runnable) = next else {
                break;
            };
            runnable.run();
        }
        let state = self.lock();
        if state.queue.is_empty() {
            let registered = state
                .waker
                .as_ref()
                .is_some_and(|waker| waker.will_wake(cx.waker()));
            if registered {
                return state.tasks.is_empty();
            }
            drop(state);
            // Cloned outside the lock; the queue is checked again under it below.
            let waker = cx.waker().clone();
            let mut state = self.lock();
            if state.queue.is_empty() {
                let previous = state.waker.replace(waker);
                let finished = state.tasks.is_empty();
                drop(state);
                drop(previous);
                return finished;
            }
        } else {
            drop(state);
        }
        // Tasks are still queued: yield to the runtime, and come back.
        cx.waker().wake_by_ref();
        false
    }
}

/// The schedule hook of the set's tasks: pushes onto the queue and wakes the driver. Called
/// on whichever thread wakes the task.
struct Scheduler(Arc<Shared>);

impl LocalSchedule for Scheduler {
    fn schedule(&self, runnable: LocalRunnable, _info: ScheduleInfo) {
        let waker = {
            let mut state = self.0.lock();
            state.queue.push_back(runnable);
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// A task's place in the registry; dropping it (with the task's future) removes it.
struct Entry {
    shared: Arc<Shared>,
    key: usize,
}

impl Drop for Entry {
    fn drop(&mut self) {
        let waker = self.shared.lock().tasks.try_remove(self.key);
        // Dropped outside the lock.
        drop(waker);
    }
}

pin_project_lite::pin_project! {
    /// A task's future plus its registry entry. The future is declared first, so it is
    /// dropped before the entry leaves the registry.
    struct Tracked<F> {
        #[pin]
        future: F,
        entry: Entry,
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().future.poll(cx)
    }
}
