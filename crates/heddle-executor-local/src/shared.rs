//! The part of the executor that other threads reach: the injector, the unparker (and, for
//! an executor driven by `tick`, the waker of whoever drives it), and the registry of live
//! tasks.
//!
//! # Registry
//!
//! Every task spawned on the executor is entered in `Registry::tasks` (a slab of its waker)
//! until its future is dropped; the [`Tracked`] wrapper's `Entry` removes it. This is what lets
//! `Drop for LocalExecutor` reach tasks that are idle, with their wakers held elsewhere, and
//! drop their futures before it returns. All fields of the registry are guarded by one mutex,
//! which is never held while user code runs (no future is polled, dropped or woken under it).
//! The registry also answers the task counts and the task list of `Metrics` and
//! `Spawner::dump_tasks`, from the wakers it holds anyway.
//!
//! # Home thread
//!
//! `!Send` tasks may only be polled and dropped on their *home* thread. Their runnables are
//! heddle-task's `LocalRunnable`s, which enforce that themselves (they refuse to run, and leak
//! rather than drop, elsewhere); the executor never relies on it, as it runs only on the home
//! thread while `!Send` tasks are alive and drops them only there. The registry records
//! the home thread, which is the thread that spawned the live `!Send` tasks (or, when there are
//! none, the thread that last ran the executor), and the thread running it right now, if any.
//!
//! # Unhandled panics
//!
//! [`Tracked`] also notices a panic that unwinds out of its future's `poll` (a drop guard that
//! is forgotten when `poll` returns, so a poll that does not panic pays nothing); the task
//! harness catches the panic right after and gives it to the `JoinHandle`. When the executor
//! is built with [`Builder::shutdown_on_panic`](crate::Builder::shutdown_on_panic), the first
//! such panic sets `task_panicked` and closes the registry; the run loop sees the flag after
//! that poll and stops.

use crate::loom::{AtomicBool, Ordering};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::mem;
use std::sync::Arc;

use crate::loom::{Mutex, MutexGuard};
use std::task::Waker;

use concurrent_queue::{ConcurrentQueue, PushError};
use heddle_driver::Unparker;
use heddle_executor_core::{Entry, Host, Registry, Shard, Tracked};
use heddle_task::{
    JoinHandle, LocalRunnable, LocalSchedule, Runnable, Schedule, ScheduleInfo, TaskInfo,
};

use crate::metrics::ThreadMetrics;

thread_local! {
    /// The `Shared` of the executor running on this thread (null when none).
    static CURRENT: Cell<*const ()> = const { Cell::new(std::ptr::null()) };
    /// The run queue of the executor running on this thread. The executor keeps its queue in
    /// its own field while it is not running and swaps it in here for the duration of a run, so
    /// that a same-thread wake is a plain `VecDeque` push.
    static QUEUE: RefCell<VecDeque<Queued>> = const { RefCell::new(VecDeque::new()) };
}

/// What the run queues hold: the runnable of a `Send` task, or the thread-checked runnable of
/// a `!Send` one (which runs, and drops its task, only on the task's home thread).
pub(crate) enum Queued {
    Send(Runnable),
    Local(LocalRunnable),
}

// No bigger than a `LocalRunnable` (a `Runnable` and a thread index): the variant hides in the
// index's unused 0, so the queues move two words per task, not three.
const _: () = assert!(std::mem::size_of::<Queued>() == std::mem::size_of::<LocalRunnable>());

impl Queued {
    /// Polls the task once.
    #[inline(always)]
    pub(crate) fn run(self) {
        match self {
            Queued::Send(runnable) => {
                runnable.run();
            }
            Queued::Local(runnable) => {
                runnable.run();
            }
        }
    }
}

pub(crate) use heddle_task::thread_index;

pub(crate) struct Shared<U> {
    /// Runnables scheduled from threads other than the one running the executor.
    pub(crate) injector: ConcurrentQueue<Queued>,
    /// Wakes the executor's driver when something is pushed to the injector.
    pub(crate) unparker: U,
    registry: Registry<LocalExtra>,
    /// The park counts, busy time and published queue depth of the thread running the
    /// executor (see `metrics`).
    pub(crate) worker_metrics: ThreadMetrics,
    /// Whether a task panic shuts the executor down (`Builder::shutdown_on_panic`).
    shutdown_on_panic: bool,
    /// Set once, by the first task panic when `shutdown_on_panic` is on; never cleared.
    task_panicked: AtomicBool,
    /// Whether the executor is driven by `LocalExecutor::tick` (`Builder::poll_driven`); set
    /// at build time, never changed.
    poll_driven: bool,
    /// The waker `tick` registered when it left nothing queued; a push to the injector takes
    /// and wakes it. Used only when `poll_driven`.
    tick_waker: Mutex<Option<Waker>>,
}

/// What the executor keeps next to its registry, under the registry's lock.
#[derive(Debug, Default)]
pub(crate) struct LocalExtra {
    /// The thread `!Send` tasks belong to (see module docs); 0 before the first run/spawn.
    pub(crate) home: u64,
    /// The thread inside `run_until`, or 0.
    pub(crate) running: u64,
    /// How many live tasks are `!Send`.
    pub(crate) local_tasks: usize,
}

impl<U: Unparker> Shared<U> {
    pub(crate) fn new(unparker: U, shutdown_on_panic: bool, poll_driven: bool) -> Shared<U> {
        Shared {
            injector: ConcurrentQueue::unbounded(),
            unparker,
            registry: Registry::new(1),
            worker_metrics: ThreadMetrics::new(),
            shutdown_on_panic,
            task_panicked: AtomicBool::new(false),
            poll_driven,
            tick_waker: Mutex::new(None),
        }
    }

    /// Whether the executor was built to be driven by `tick`.
    pub(crate) fn is_poll_driven(&self) -> bool {
        self.poll_driven
    }

    /// Wakes whatever drives the executor after a push to the injector: the driver, and the
    /// waker `tick` registered, if any.
    fn wake_executor(&self) {
        self.unparker.unpark();
        if self.poll_driven {
            let waker = self.tick_waker.lock().take();
            // Woken outside the lock.
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }

    /// Registers `waker` to be woken by the next push to the injector, unless the injector
    /// holds something already. Returns whether it does (then nothing is registered).
    ///
    /// The injector is checked under the same lock that `wake_executor` takes after its
    /// push, so a push either comes before the check, which sees it, or takes the waker
    /// registered here.
    pub(crate) fn register_tick_waker(&self, waker: &Waker) -> bool {
        let slot = self.tick_waker.lock();
        if !self.injector.is_empty() {
            return true;
        }
        if slot
            .as_ref()
            .is_some_and(|current| current.will_wake(waker))
        {
            return false;
        }
        drop(slot);
        // Cloned outside the lock (a waker's `clone` is user code); checked again under it.
        let waker = waker.clone();
        let mut slot = self.tick_waker.lock();
        if !self.injector.is_empty() {
            return true;
        }
        let previous = slot.replace(waker);
        drop(slot);
        drop(previous);
        false
    }

    /// Takes the waker `tick` registered, to drop it with the executor.
    pub(crate) fn take_tick_waker(&self) -> Option<Waker> {
        self.tick_waker.lock().take()
    }

    /// Whether a task panicked and the executor is shutting down because of it.
    pub(crate) fn task_panicked(&self) -> bool {
        // Written and read on the executor's thread (tasks are polled only there); Relaxed.
        self.task_panicked.load(Ordering::Relaxed)
    }

    /// Called while a panic unwinds out of a task's poll. With `shutdown_on_panic`, starts the
    /// shutdown: later spawns are cancelled and the run loop stops after this poll. Takes the
    /// registry lock, which is never held while a task runs, and cannot panic.
    fn on_task_panic(&self) {
        if !self.shutdown_on_panic {
            return;
        }
        self.task_panicked.store(true, Ordering::Relaxed);
        self.registry().close();
    }

    /// The registry's one shard, locked.
    pub(crate) fn registry(&self) -> MutexGuard<'_, Shard<LocalExtra>> {
        self.registry.shard(0)
    }

    pub(crate) fn as_key(self: &Arc<Self>) -> *const () {
        Arc::as_ptr(self).cast()
    }

    /// Spawns a `Send` future from any thread.
    #[track_caller]
    pub(crate) fn spawn<F>(
        self: &Arc<Self>,
        builder: heddle_task::Builder<'_>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let mut registry = self.registry();
        if registry.is_closed() {
            drop(registry);
            let (runnable, handle) = builder.spawn(future, Scheduler(self.clone()));
            // Cancelled at once.
            drop(runnable);
            return handle;
        }
        registry.count_spawn();
        let key = registry.vacant_key();
        // SAFETY: the task's scheduler holds an `Arc` to `self` until after its future drops.
        let entry = unsafe { Entry::new(&**self, 0, key, false) };
        let (runnable, handle) =
            builder.spawn(Tracked::new(future, entry), Scheduler(self.clone()));
        registry.insert_task(key, &runnable);
        drop(registry);
        Scheduler(self.clone()).push(Queued::Send(runnable));
        handle
    }

    /// Spawns a `!Send` future; the calling thread becomes (or must be) its home thread.
    ///
    /// # Panics
    ///
    /// Panics if another thread is running the executor, or if `!Send` tasks spawned on
    /// another thread are still alive.
    #[track_caller]
    pub(crate) fn spawn_local<F>(
        self: &Arc<Self>,
        builder: heddle_task::Builder<'_>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let me = thread_index();
        let mut registry = self.registry();
        if registry.extra.running != 0 && registry.extra.running != me {
            drop(registry);
            panic!(
                "spawn_local called on a thread other than the one running this executor; \
                 `!Send` tasks must be spawned from the executor's own thread (use `spawn` for \
                 `Send` futures)"
            );
        }
        if registry.extra.local_tasks > 0 && registry.extra.home != me {
            drop(registry);
            panic!(
                "spawn_local called on a thread other than the one that owns this executor's \
                 `!Send` tasks; spawn them from the thread that runs the executor"
            );
        }
        registry.extra.home = me;
        if registry.is_closed() {
            drop(registry);
            let (runnable, handle) = builder.spawn_local_checked(future, Scheduler(self.clone()));
            // Cancelled at once: the future is dropped here, on its home thread.
            drop(runnable);
            return handle;
        }
        registry.extra.local_tasks += 1;
        registry.count_spawn();
        let key = registry.vacant_key();
        // SAFETY: the task's scheduler holds an `Arc` to `self` until after its future drops.
        let tracked = Tracked::new(future, unsafe { Entry::new(&**self, 0, key, true) });
        // The runnables of this task are `LocalRunnable`s: they run and drop the task only on
        // this thread, the home thread recorded above under the registry lock.
        let (runnable, handle) = builder.spawn_local_checked(tracked, Scheduler(self.clone()));
        registry.insert_local_task(key, &runnable);
        drop(registry);
        Scheduler(self.clone()).push(Queued::Local(runnable));
        handle
    }

    /// How many tasks are alive.
    pub(crate) fn alive(&self) -> usize {
        self.registry.len()
    }

    /// How many tasks were spawned (not counting those cancelled at spawn by shutdown).
    pub(crate) fn spawned(&self) -> u64 {
        self.registry.spawned()
    }

    /// The id, name and spawn location of every live task.
    pub(crate) fn tasks(&self) -> Vec<TaskInfo> {
        self.registry.tasks()
    }

    /// The registry itself, for the shutdown drain.
    pub(crate) fn all_tasks(&self) -> &Registry<LocalExtra> {
        &self.registry
    }

    /// Marks this executor as running on this thread: run queue pushes from this thread go to
    /// the thread-local queue. Returns the previous `CURRENT` for `exit`.
    pub(crate) fn enter(self: &Arc<Self>, queue: &mut VecDeque<Queued>) -> *const () {
        QUEUE.with(|q| mem::swap(&mut *q.borrow_mut(), queue));
        CURRENT.with(|c| c.replace(self.as_key()))
    }

    /// Undoes `enter`: moves the thread-local queue back into `queue`.
    pub(crate) fn exit(&self, queue: &mut VecDeque<Queued>, previous: *const ()) {
        QUEUE.with(|q| mem::swap(&mut *q.borrow_mut(), queue));
        CURRENT.with(|c| c.set(previous));
    }
}

/// Runs `f` with the running executor's queue: one thread-local access for a whole batch of
/// pops, which [`pop`] then takes from.
#[inline(always)]
pub(crate) fn with_local_queue<R>(f: impl FnOnce(&RefCell<VecDeque<Queued>>) -> R) -> R {
    QUEUE.with(f)
}

/// Pops the next runnable from `queue` (FIFO, or a seeded random pick). The borrow ends before
/// the caller runs the task, whose wake-ups push to the same queue.
#[inline(always)]
pub(crate) fn pop(
    queue: &RefCell<VecDeque<Queued>>,
    pick: Option<&mut crate::rng::Rng>,
) -> Option<Queued> {
    let mut q = queue.borrow_mut();
    match pick {
        Some(rng) if q.len() > 1 => {
            let index = rng.below(q.len());
            q.swap_remove_back(index)
        }
        _ => q.pop_front(),
    }
}

/// Gives a drained queue's buffer back to the allocator when a burst (100,000 spawns at once)
/// grew it, instead of keeping it in the process's memory for good. Called where the executor
/// is about to wait, never per task.
pub(crate) fn release_burst_buffer(queue: &mut VecDeque<Queued>) {
    if queue.is_empty() && queue.capacity() > RETAINED {
        queue.shrink_to(RETAINED);
    }
}

/// [`release_burst_buffer`] for the running executor's queue.
pub(crate) fn release_local_burst_buffer() {
    QUEUE.with(|q| release_burst_buffer(&mut q.borrow_mut()));
}

/// Entries of run queue buffer kept once the queue drains (16 KiB).
const RETAINED: usize = 1024;

/// The length of the running executor's queue.
pub(crate) fn local_len() -> usize {
    QUEUE.with(|q| q.borrow().len())
}

/// Pushes onto the running executor's queue.
#[inline(always)]
pub(crate) fn push_local(runnable: Queued) {
    QUEUE.with(|q| q.borrow_mut().push_back(runnable));
}

/// The executor's [`Schedule`] hook (and [`LocalSchedule`] hook, for `!Send` tasks).
pub(crate) struct Scheduler<U>(pub(crate) Arc<Shared<U>>);

impl<U: Unparker> Scheduler<U> {
    /// Queues `runnable`: on the running executor's own thread a plain push, else through the
    /// injector, waking the executor.
    #[inline]
    fn push(&self, runnable: Queued) {
        let me = self.0.as_key();
        // Same thread, executor running: a plain push, no atomics, no unpark. The run queue is
        // never borrowed across a schedule call.
        if CURRENT.try_with(|c| c.get() == me).unwrap_or(false) {
            push_local(runnable);
        } else {
            self.push_remote(runnable);
        }
    }

    /// The injector half of `push`.
    #[inline(never)]
    fn push_remote(&self, runnable: Queued) {
        match self.0.injector.push(runnable) {
            Ok(()) => self.0.wake_executor(),
            // The executor is gone. A `Send` task is cancelled here; a `!Send` one may be on a
            // foreign thread, so it is leaked rather than dropped (its future must not be
            // dropped off its home thread, nor inside a wake-up on it).
            Err(PushError::Closed(runnable)) | Err(PushError::Full(runnable)) => match runnable {
                Queued::Send(runnable) => drop(runnable),
                Queued::Local(runnable) => mem::forget(runnable),
            },
        }
    }
}

impl<U: Unparker> Schedule for Scheduler<U> {
    fn schedule(&self, runnable: Runnable, _info: ScheduleInfo) {
        self.push(Queued::Send(runnable));
    }
}

impl<U: Unparker> LocalSchedule for Scheduler<U> {
    fn schedule(&self, runnable: LocalRunnable, _info: ScheduleInfo) {
        self.push(Queued::Local(runnable));
    }
}

/// Whether the executor whose `Shared` is at address `key` is running on this thread.
pub(crate) fn is_running_here(key: usize) -> bool {
    CURRENT.try_with(|c| c.get().addr() == key).unwrap_or(false)
}

impl<U: Unparker> Host for Shared<U> {
    type Extra = LocalExtra;

    fn registry(&self) -> &Registry<LocalExtra> {
        &self.registry
    }

    fn on_task_panic(&self) {
        Shared::on_task_panic(self);
    }

    fn on_remove(extra: &mut LocalExtra, local: bool) {
        if local {
            extra.local_tasks -= 1;
        }
    }
}
