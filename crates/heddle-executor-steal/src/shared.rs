//! What the workers of one executor share ([`Shared`]: the workers' remote halves, the
//! injector, the idle state, the driver, the registry), and how tasks reach a worker: the
//! [`Scheduler`] hook schedules a woken task onto the running worker's core (its LIFO slot or
//! queue) or through the injector, waking a parked worker by the rules of `idle`. Shutdown's
//! drain and a faulty worker's retirement are here too.

use std::task::Waker;

use concurrent_queue::ConcurrentQueue;
use heddle_driver::Driver;
use heddle_executor_core::{drop_all_tasks, Host, Registry, WorkerMetrics};
use heddle_task::{Runnable, Schedule, ScheduleInfo};
use slab::Slab;

use crate::cache_padded::CachePadded;
use crate::current::{key_of, CONTEXT};
use crate::idle::Idle;
use crate::lifo::LifoSlot;
use crate::loom::{Arc, AtomicBool, AtomicU32, AtomicUsize, Condvar, Mutex, Ordering};
use crate::park::{DriverSlot, Parker, Unparker};
use crate::queue::{self, Overflow, Steal};
use crate::worker::{Context, Core, ThreadConfig, WAKE_QUEUE_LEN};

/// Scheduler settings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Config {
    pub(crate) global_queue_interval: u32,
    pub(crate) event_interval: u32,
    /// A task panic stops the workers (`Builder::shutdown_on_panic`).
    pub(crate) shutdown_on_panic: bool,
}

/// What every worker and every handle shares.
pub(crate) struct Shared<D: Driver> {
    pub(crate) remotes: Box<[Remote<D>]>,
    /// Each worker's park counts and busy time, indexed like `remotes`; written only by the
    /// thread holding that worker's core (see `metrics`).
    pub(crate) worker_metrics: Box<[WorkerMetrics]>,
    pub(crate) injector: ConcurrentQueue<Runnable>,
    pub(crate) idle: Idle,
    pub(crate) driver: Arc<DriverSlot<D>>,
    pub(crate) registry: Registry,
    pub(crate) config: Config,
    pub(crate) threads: ThreadConfig,
    /// The workers stop at their next loop turn. Set by shutdown, or by the first task panic
    /// when `config.shutdown_on_panic` is on; never cleared.
    pub(crate) shutdown: AtomicBool,
    /// Set once, by the first task panic when `config.shutdown_on_panic` is on.
    task_panicked: AtomicBool,
    /// Set once, after `task_panicked`, by the last worker to exit: `block_on` panics from
    /// then on.
    stopped_by_panic: AtomicBool,
    /// The wakers of the `block_on` calls that panic when a task panics (registered only
    /// with `config.shutdown_on_panic`); all are woken by `on_workers_stopped`.
    panic_waiters: Mutex<Slab<Waker>>,
    /// Set when shutdown was requested from a worker thread: the last worker to exit drops
    /// the tasks (nobody else waits for them).
    pub(crate) drain_on_exit: AtomicBool,
    /// Cores handed back by workers as they exit, for the shutdown drain. Boxed because a
    /// core moves between the loop and its context on every task: a pointer move.
    #[allow(clippy::vec_box)]
    pub(crate) cores: Mutex<Vec<Box<Core<D>>>>,
    /// How many worker threads were started (fewer than `remotes` if starting one failed).
    pub(crate) started: AtomicUsize,
    /// How many workers have exited; `exited_cv` is notified as each does.
    pub(crate) exited: Mutex<usize>,
    pub(crate) exited_cv: Condvar,
}

/// The part of a worker other threads use: steal from it, wake it.
pub(crate) struct Remote<D: Driver> {
    pub(crate) steal: Steal<Runnable>,
    pub(crate) unparker: Unparker<D>,
    /// Written by the worker on every loop turn and LIFO hand-off, read by watchers: a cache
    /// line of its own.
    pub(crate) hot: CachePadded<Hot>,
}

/// The parts of a [`Remote`] its worker writes all the time.
pub(crate) struct Hot {
    /// The worker's loop turns (its `tick`), for watchers to see it make progress.
    pub(crate) turns: AtomicU32,
    /// The worker's LIFO slot, which a watcher may take from a stuck worker.
    pub(crate) lifo: LifoSlot,
}

impl<D: Driver> Overflow<Runnable> for Shared<D> {
    fn push_overflow(&self, tasks: impl Iterator<Item = Runnable>) {
        for task in tasks {
            // A closed injector means shutdown: the task is cancelled here.
            let _ = self.injector.push(task);
        }
        self.notify_parked();
    }
}

impl<D: Driver> Host for Shared<D>
where
    Shared<D>: Sync,
{
    type Extra = ();

    fn registry(&self) -> &Registry {
        &self.registry
    }

    fn on_task_panic(&self) {
        Shared::on_task_panic(self);
    }
}

impl<D: Driver> Shared<D> {
    /// Drops every task the stopped workers and the injector hold, and every idle task
    /// (woken through the registry so that its runnable reaches a queue). Repeats until a
    /// round finds nothing: a destructor may wake or spawn (spawns are cancelled). Called
    /// once the workers have stopped, with no lock held while tasks are dropped.
    pub(crate) fn drop_tasks(&self) {
        let mut cores: Vec<Box<Core<D>>> = std::mem::take(&mut *self.cores.lock());
        let drain_cores = |sink: &mut dyn FnMut(Runnable)| {
            for core in &mut cores {
                while let Some(task) = core.next_local_task(self) {
                    sink(task);
                }
            }
        };
        drop_all_tasks(&self.registry, &self.injector, drain_cores, drop, || false);
    }

    /// Starts shutdown: sets the flag, closes the registry (spawns are cancelled from now on)
    /// and unparks every worker, which stops at its next loop turn. `false` if shutdown had
    /// already started.
    pub(crate) fn begin_shutdown(&self) -> bool {
        if self.shutdown.swap(true, Ordering::AcqRel) {
            return false;
        }
        self.registry.close();
        for remote in self.remotes.iter() {
            remote.unparker.unpark();
        }
        true
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.shutdown.load(Ordering::Acquire)
    }

    /// Called while a panic unwinds out of a task's poll. With `config.shutdown_on_panic`,
    /// the first one shuts the executor down: spawns are cancelled from now on and the
    /// workers stop at their next loop turn (the tasks stay until the executor is dropped).
    /// Only takes locks that are never held while a task runs, and cannot panic.
    pub(crate) fn on_task_panic(&self) {
        if !self.config.shutdown_on_panic || self.task_panicked.swap(true, Ordering::AcqRel) {
            return;
        }
        self.begin_shutdown();
    }

    /// Called by the last worker thread to exit. After a task panic (see `on_task_panic`),
    /// every `block_on` may now panic: no task is running any more, so the panicking task's
    /// output is in its `JoinHandle`.
    pub(crate) fn on_workers_stopped(&self) {
        if !self.task_panicked.load(Ordering::Acquire) {
            return;
        }
        self.stopped_by_panic.store(true, Ordering::Release);
        // The wakers are `block_on`'s thread unparkers: waking them under the lock runs no
        // user code. A `block_on` that registers after this sees `stopped_by_panic` (the
        // lock orders its check after the store above).
        let waiters = self.panic_waiters.lock();
        for (_, waker) in waiters.iter() {
            waker.wake_by_ref();
        }
    }

    /// Whether the workers stopped because a task panicked (see `on_workers_stopped`).
    pub(crate) fn stopped_by_panic(&self) -> bool {
        self.stopped_by_panic.load(Ordering::Acquire)
    }

    /// Registers a `block_on` to be woken by `on_workers_stopped`; returns the key for
    /// `remove_panic_waiter`.
    pub(crate) fn add_panic_waiter(&self, waker: Waker) -> usize {
        self.panic_waiters.lock().insert(waker)
    }

    pub(crate) fn remove_panic_waiter(&self, key: usize) {
        let waker = self.panic_waiters.lock().try_remove(key);
        // Dropped outside the lock.
        drop(waker);
    }

    /// Takes worker `index` out of scheduling for good after a panic escaped its loop: it
    /// leaves the idle accounting (never woken, never counted awake or searching), and the
    /// tasks in its core move to the injector for the other workers. The core itself goes to
    /// `cores`, for the shutdown drain.
    ///
    /// Best effort for a fault of the scheduler itself (user code cannot get here): a core
    /// lost to the unwinding (`None`) is taken to have not been searching. Had it been, the
    /// searching count stays raised, and parked workers are woken only by the rule-3 re-checks
    /// and the watcher until shutdown.
    pub(crate) fn retire_worker(&self, index: usize, core: Option<Box<Core<D>>>) {
        let searching = core.as_ref().is_some_and(|core| core.is_searching);
        self.idle.retire_worker(index, searching);
        // A closed injector means shutdown: a task pushed then is cancelled there.
        if let Some(mut core) = core {
            while let Some(task) = core.next_local_task(self) {
                let _ = self.injector.push(task);
            }
            self.cores.lock().push(core);
        }
        // A core lost to the unwinding left its tasks in the queue's buffer and the LIFO slot,
        // which `shared` keeps (through `remotes`): take them out through the stealing side,
        // or they would never run and never be dropped.
        let remote = &self.remotes[index];
        if let Some(task) = remote.hot.lifo.steal() {
            let _ = self.injector.push(task);
        }
        let (mut rescued, _) = queue::new();
        while let Some(task) = remote.steal.steal_into(&mut rescued) {
            let _ = self.injector.push(task);
            while let Some(task) = rescued.pop() {
                let _ = self.injector.push(task);
            }
        }
        self.notify_parked();
    }

    /// Wakes a parked worker if the idle rules call for it.
    pub(crate) fn notify_parked(&self) {
        if let Some(worker) = self.idle.worker_to_notify() {
            self.remotes[worker].unparker.unpark();
        }
    }

    /// The last searcher's re-check (idle rule 3). A queue shorter than `WAKE_QUEUE_LEN` does
    /// not count: its worker is awake and gets to it (or a watcher steps in).
    pub(crate) fn notify_if_work_pending(&self) {
        let pending = self.remotes.iter().any(|r| r.steal.len() >= WAKE_QUEUE_LEN)
            || !self.injector.is_empty();
        if pending {
            self.notify_parked();
        }
    }

    /// Schedules from outside the executor's workers.
    fn schedule_remote(&self, task: Runnable) {
        match self.injector.push(task) {
            Ok(()) => self.notify_parked(),
            // Shut down: the task is cancelled (dropped) here.
            Err(error) => drop(error.into_inner()),
        }
    }

    /// Schedules onto the calling worker's core.
    fn schedule_local(&self, core: &mut Core<D>, task: Runnable, is_yield: bool) {
        let queued = if is_yield {
            core.run_queue.push_back(task, self);
            true
        } else {
            match core.lifo_slot(self).put(&mut core.lifo, task) {
                Some(previous) => {
                    core.run_queue.push_back(previous, self);
                    true
                }
                None => false,
            }
        };
        // While the worker is parked on the driver (its parker taken), it notifies others
        // itself when it wakes with work. Otherwise even a task put in the LIFO slot makes
        // sure someone watches this worker: the running task may block.
        if core.park.is_some() {
            // A yield, or a task in the LIFO slot, is no new work to share (see the module
            // docs).
            self.notify_if_queue_long(core, queued && !is_yield);
        }
    }

    /// After a push to `core`'s queue: wakes a sleeping worker if `share` and the queue is long
    /// enough (`WAKE_QUEUE_LEN`); otherwise makes sure a parked worker watches this one (see
    /// the module docs).
    pub(crate) fn notify_if_queue_long(&self, core: &Core<D>, share: bool) {
        if share && core.run_queue.len() >= WAKE_QUEUE_LEN {
            self.notify_parked();
        } else if let Some(worker) = self.idle.worker_to_watch() {
            // It wakes, finds itself still parked, and parks again as the watcher.
            self.remotes[worker].unparker.unpark();
        }
    }

    /// A worker that has not turned its loop since `watched` was taken while tasks wait in
    /// its queue or LIFO slot.
    pub(crate) fn stuck_worker(&self, watched: &[u32]) -> Option<usize> {
        self.remotes
            .iter()
            .zip(watched)
            .position(|(remote, &turns)| {
                remote.hot.turns.load(Ordering::Relaxed) == turns
                    && (!remote.steal.is_empty() || remote.hot.lifo.is_filled())
            })
    }
}

/// The executor's [`Schedule`] hook.
pub(crate) struct Scheduler<D: Driver>(pub(crate) Arc<Shared<D>>);

impl<D: Driver + Send + 'static> Schedule for Scheduler<D>
where
    D::Unparker: Send + Sync,
{
    fn schedule(&self, task: Runnable, info: ScheduleInfo) {
        let shared = &*self.0;
        let key = key_of(shared);
        let task = CONTEXT
            .try_with(|c| {
                let (current, context, _, _) = c.get();
                if current != key {
                    return Some(task);
                }
                // `current == key` means this thread is a worker of the executor whose
                // `Shared<D>` is at `key`, so `context` points to that worker's live
                // `Context<D>` (set by `run_worker` for exactly the duration of the loop)
                // with the same `D`.
                // SAFETY: so `context` points to a live `Context<D>` of this `D` (see above).
                let context = unsafe { &*context.cast::<Context<D>>() };
                let mut slot = context.core.borrow_mut();
                match slot.as_mut() {
                    Some(core) => {
                        shared.schedule_local(core, task, info.woken_while_running);
                        None
                    }
                    // The loop holds the core (e.g. a wake from the driver's maintenance
                    // poll outside a task): go through the injector.
                    None => Some(task),
                }
            })
            .unwrap_or(None);
        if let Some(task) = task {
            shared.schedule_remote(task);
        }
    }
}

/// Creates the shared state and one core per worker.
#[allow(clippy::vec_box)] // see `Shared::cores`
pub(crate) fn create<D: Driver>(
    driver: D,
    workers: usize,
    config: Config,
    threads: ThreadConfig,
) -> (Arc<Shared<D>>, Vec<Box<Core<D>>>) {
    let driver = Arc::new(DriverSlot::new(driver));
    let mut remotes = Vec::with_capacity(workers);
    let mut cores = Vec::with_capacity(workers);
    for index in 0..workers {
        let (local, steal) = queue::new();
        let parker = Parker::new(driver.clone());
        remotes.push(Remote {
            steal,
            unparker: parker.unparker(),
            hot: CachePadded(Hot {
                turns: AtomicU32::new(0),
                lifo: LifoSlot::new(),
            }),
        });
        cores.push(Box::new(Core::new(index, local, parker, workers)));
    }
    let epoch = std::time::Instant::now();
    let shared = Arc::new(Shared {
        remotes: remotes.into_boxed_slice(),
        worker_metrics: (0..workers).map(|_| WorkerMetrics::new(epoch)).collect(),
        injector: ConcurrentQueue::unbounded(),
        idle: Idle::new(workers),
        driver,
        registry: Registry::new((workers * 4).next_power_of_two()),
        config,
        threads,
        shutdown: AtomicBool::new(false),
        task_panicked: AtomicBool::new(false),
        stopped_by_panic: AtomicBool::new(false),
        panic_waiters: Mutex::new(Slab::new()),
        drain_on_exit: AtomicBool::new(false),
        cores: Mutex::new(Vec::new()),
        started: AtomicUsize::new(0),
        exited: Mutex::new(0),
        exited_cv: Condvar::new(),
    });
    (shared, cores)
}

/// `create` with the default intervals and unnamed threads, for tests and loom models that
/// drive cores and the shared state without starting worker threads.
#[cfg(test)]
#[allow(clippy::vec_box)] // see `Shared::cores`
pub(crate) fn create_with_defaults<D: Driver>(
    driver: D,
    workers: usize,
) -> (Arc<Shared<D>>, Vec<Box<Core<D>>>) {
    let config = Config {
        global_queue_interval: crate::DEFAULT_GLOBAL_QUEUE_INTERVAL,
        event_interval: crate::DEFAULT_EVENT_INTERVAL,
        shutdown_on_panic: false,
    };
    let threads = ThreadConfig {
        name: String::new(),
        name_fn: None,
        on_park: None,
        on_unpark: None,
        stack_size: None,
        around: None,
        next_id: AtomicUsize::new(0),
    };
    create(driver, workers, config, threads)
}
