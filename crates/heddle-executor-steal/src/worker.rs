//! The workers: their state (`Core`), the loop they run, and how tasks are scheduled onto
//! them.
//!
//! # One worker's loop
//!
//! 1. Every `event_interval` ticks, poll the driver without blocking (if it is free).
//! 2. Next task: every `global_queue_interval` ticks the injector first (fairness for
//!    remote work); otherwise the LIFO slot, then the local queue, then a batch from the
//!    injector.
//! 3. Nothing local: become a searcher (at most half the workers) and steal half of a
//!    random victim's queue, or take from the injector.
//! 4. Still nothing: park (on the driver if free, else on the worker's condvar). The last
//!    searcher to park re-checks every queue first (see `idle`).
//!
//! Running a task: a task woken by the running task goes to the LIFO slot and runs next,
//! without a trip through the queue (a message ping-pong stays on one warm core); at most
//! `MAX_LIFO_POLLS` in a row, then the LIFO task goes to the back of the queue so a
//! ping-pong pair cannot starve it. A task that woke itself (yielded) goes to the back.
//!
//! # Waking a sleeping worker for local work
//!
//! A task pushed to a worker's own queue (a displaced LIFO task) wakes a sleeping worker only
//! once the queue holds `WAKE_QUEUE_LEN` (4) tasks; a yield wakes nobody (the worker is busy
//! and comes back to the yielder itself). Fewer queued tasks the worker gets to soon, and
//! waking another worker to steal them (a thread switch, a steal, the tasks' data moving to
//! another core's cache) usually costs more than it saves: a consumer that wakes its producers
//! keeps them on its warm core instead of pulling an idle worker in, which would move every
//! message between cores. Workers that are awake still steal from any non-empty queue, and the
//! last searcher's re-check (idle rule 3) uses the same threshold. Spawns from outside the
//! workers, driver wake-ups and overflow wake sleepers as before.
//!
//! # Watching a busy worker
//!
//! The risk of that rule is a worker caught in a long poll (heavy computation, or a call that
//! blocks) while up to 3 tasks wait in its queue, or one in its LIFO slot, and the other
//! workers sleep. So while any worker runs, one parked worker parks with a timeout of
//! `WATCH_INTERVAL` (1 ms) instead of indefinitely: on each timeout it looks for a worker
//! whose loop has not turned (`turns`) since it parked and whose queue or LIFO slot is not
//! empty, and if it finds one it unparks, takes the LIFO task (only a watcher may: see
//! `lifo`) and steals the queue. Such tasks thus wait at most about a millisecond behind a
//! long poll. A worker that queues a task or fills its LIFO slot without waking anyone while
//! no parked worker watches wakes a sleeper, which parks again as the watcher.
//!
//! # Panics
//!
//! A task's panic is caught by the task (its `JoinHandle` gets it). A panic out of the
//! driver (a waker that panics when the reactor or the timer wakes it, or a user's driver)
//! is caught around each park and each maintenance poll: to the loop it is a spurious
//! wake-up. Anything else that unwinds out of the loop retires the worker
//! (`Shared::retire_worker`): it leaves the idle accounting, its tasks go to the injector,
//! and its thread exits counted as exited. The thread's `CONTEXT` entry is restored by a
//! guard however the loop ends.
//! Once every worker is parked, they park indefinitely: an idle runtime does not wake up.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::task::Waker;

use concurrent_queue::ConcurrentQueue;
use heddle_driver::Driver;
use heddle_task::{Runnable, Schedule, ScheduleInfo, WorkerMetrics};
use slab::Slab;

use crate::idle::Idle;
use crate::lifo::{LifoOwner, LifoSlot};
use crate::loom::{Arc, AtomicBool, AtomicU32, AtomicUsize, CachePadded, Condvar, Mutex, Ordering};
use crate::park::{DriverSlot, Parker, Unparker};
use crate::queue::{self, Local, Overflow, Steal};
use crate::registry::Registry;

/// How many LIFO-slot tasks run in a row before the slot's task is queued instead.
pub(crate) const MAX_LIFO_POLLS: u32 = 3;

/// How many tasks a worker's own queue holds before a push wakes a sleeping worker (see
/// "Waking a sleeping worker for local work").
pub(crate) const WAKE_QUEUE_LEN: usize = 4;

/// How often a parked worker checks busy ones (see "Watching a busy worker").
const WATCH_INTERVAL: std::time::Duration = std::time::Duration::from_millis(1);

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
    hot: CachePadded<Hot>,
}

/// The parts of a [`Remote`] its worker writes all the time.
struct Hot {
    /// The worker's loop turns (its `tick`), for watchers to see it make progress.
    turns: AtomicU32,
    /// The worker's LIFO slot, which a watcher may take from a stuck worker.
    lifo: LifoSlot,
}

/// A worker's own state; only the worker thread touches it.
pub(crate) struct Core<D: Driver> {
    pub(crate) index: usize,
    /// The owner's side of `shared.remotes[index]`'s LIFO slot.
    lifo: LifoOwner,
    pub(crate) run_queue: Local<Runnable>,
    is_searching: bool,
    tick: u32,
    rng: u64,
    /// `None` while the worker is parked (the core then sits in its context).
    park: Option<Parker<D>>,
    /// Every worker's `turns` when this one parked as a watcher.
    watched_turns: Box<[u32]>,
}

impl<D: Driver> Core<D> {
    pub(crate) fn new(
        index: usize,
        run_queue: Local<Runnable>,
        park: Parker<D>,
        workers: usize,
    ) -> Core<D> {
        Core {
            index,
            lifo: LifoOwner::default(),
            run_queue,
            is_searching: false,
            tick: 0,
            rng: 0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1),
            park: Some(park),
            watched_turns: vec![0; workers].into_boxed_slice(),
        }
    }

    fn next_random(&mut self, below: usize) -> usize {
        // xorshift64: cheap, good enough to pick a victim.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng % below as u64) as usize
    }

    fn lifo_slot<'a>(&self, shared: &'a Shared<D>) -> &'a LifoSlot {
        &shared.remotes[self.index].hot.lifo
    }

    fn next_local_task(&mut self, shared: &Shared<D>) -> Option<Runnable> {
        self.lifo_slot(shared)
            .take(&mut self.lifo)
            .or_else(|| self.run_queue.pop())
    }

    fn next_task(&mut self, shared: &Shared<D>) -> Option<Runnable> {
        if self.tick % shared.config.global_queue_interval == 0 {
            return shared
                .injector
                .pop()
                .ok()
                .or_else(|| self.next_local_task(shared));
        }
        if let Some(task) = self.next_local_task(shared) {
            return Some(task);
        }
        // Refill from the injector: a fair share of it, within half our free room.
        let available = shared.injector.len();
        if available == 0 {
            return None;
        }
        let share = available / shared.remotes.len() + 1;
        let batch = share.min(self.run_queue.remaining_slots() / 2).max(1);
        let first = shared.injector.pop().ok()?;
        for _ in 1..batch {
            match shared.injector.pop() {
                Ok(task) => self.run_queue.push_back(task, shared),
                Err(_) => break,
            }
        }
        Some(first)
    }

    fn steal_work(&mut self, shared: &Shared<D>) -> Option<Runnable> {
        if !self.is_searching {
            self.is_searching = shared.idle.transition_worker_to_searching();
        }
        if !self.is_searching {
            return None;
        }
        let workers = shared.remotes.len();
        let start = self.next_random(workers);
        for offset in 0..workers {
            let victim = (start + offset) % workers;
            if victim == self.index {
                continue;
            }
            if let Some(task) = shared.remotes[victim].steal.steal_into(&mut self.run_queue) {
                return Some(task);
            }
        }
        shared.injector.pop().ok()
    }

    fn has_local_work(&self) -> bool {
        self.lifo.may_be_filled() || !self.run_queue.is_empty()
    }

    /// Returns `false` (and stays awake) if work arrived in the meantime.
    fn transition_to_parked(&mut self, shared: &Shared<D>) -> bool {
        if self.has_local_work() {
            return false;
        }
        let last_searcher = shared
            .idle
            .transition_worker_to_parked(self.index, self.is_searching);
        self.is_searching = false;
        if last_searcher {
            shared.notify_if_work_pending();
        }
        true
    }

    /// Returns `true` when the worker should run again, `false` to park again.
    fn transition_from_parked(&mut self, shared: &Shared<D>) -> bool {
        if self.has_local_work() {
            // The driver woke tasks onto this core while it was parked. If `notify_parked`
            // took this worker off the sleepers list meanwhile, it counted it as a searcher:
            // stay one, so that `transition_from_searching` gives the count back. (Dropping
            // the mark would leave the count raised for good: rule 1 would never wake a
            // parked worker again.)
            self.is_searching = !shared.idle.unpark_worker_by_id(self.index);
            return true;
        }
        if shared.idle.is_parked(self.index) {
            return false;
        }
        // Woken by `notify_parked`, which counted us as a searcher.
        self.is_searching = true;
        true
    }

    fn transition_from_searching(&mut self, shared: &Shared<D>) {
        if !self.is_searching {
            return;
        }
        self.is_searching = false;
        if shared.idle.transition_worker_from_searching() {
            // The last searcher found work: someone else should look for more.
            shared.notify_parked();
        }
    }

    /// Drops (cancels) every task this core holds.
    pub(crate) fn drain(&mut self, shared: &Shared<D>) -> usize {
        let mut dropped = 0;
        while let Some(task) = self.next_local_task(shared) {
            drop(task);
            dropped += 1;
        }
        dropped
    }
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

impl<D: Driver> Shared<D> {
    /// Drops every task the stopped workers and the injector hold, and every idle task
    /// (woken through the registry so that its runnable reaches a queue). Repeats until a
    /// round finds nothing: a destructor may wake or spawn (spawns are cancelled). Called
    /// once the workers have stopped, with no lock held while tasks are dropped.
    pub(crate) fn drop_tasks(&self) {
        let mut cores: Vec<Box<Core<D>>> =
            std::mem::take(&mut *self.cores.lock().unwrap_or_else(|e| e.into_inner()));
        loop {
            for waker in self.registry.live_wakers() {
                waker.wake();
            }
            let mut found = 0;
            for core in &mut cores {
                found += core.drain(self);
            }
            while let Ok(task) = self.injector.pop() {
                drop(task);
                found += 1;
            }
            if found == 0 {
                break;
            }
        }
        self.injector.close();
        while let Ok(task) = self.injector.pop() {
            drop(task);
        }
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
        let waiters = self.panic_waiters.lock().unwrap_or_else(|e| e.into_inner());
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
        self.panic_waiters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(waker)
    }

    pub(crate) fn remove_panic_waiter(&self, key: usize) {
        let waker = self
            .panic_waiters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .try_remove(key);
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
            self.cores
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(core);
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
    fn notify_if_work_pending(&self) {
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
    fn notify_if_queue_long(&self, core: &Core<D>, share: bool) {
        if share && core.run_queue.len() >= WAKE_QUEUE_LEN {
            self.notify_parked();
        } else if let Some(worker) = self.idle.worker_to_watch() {
            // It wakes, finds itself still parked, and parks again as the watcher.
            self.remotes[worker].unparker.unpark();
        }
    }

    /// A worker that has not turned its loop since `watched` was taken while tasks wait in
    /// its queue or LIFO slot.
    fn stuck_worker(&self, watched: &[u32]) -> Option<usize> {
        self.remotes
            .iter()
            .zip(watched)
            .position(|(remote, &turns)| {
                remote.hot.turns.load(Ordering::Relaxed) == turns
                    && (!remote.steal.is_empty() || remote.hot.lifo.is_filled())
            })
    }
}

/// Hands the worker's core to a new thread; see [`block_in_place`].
type HandOff = fn(*const ()) -> bool;

fn no_hand_off(_: *const ()) -> bool {
    false
}

#[cfg(not(loom))]
thread_local! {
    /// The worker running on this thread: the key of its executor's `Shared`, a pointer to
    /// its `Context`, and how to hand its core off. Key 0: not a worker.
    static CONTEXT: Cell<(usize, *const (), HandOff)> =
        const { Cell::new((0, std::ptr::null(), no_hand_off as HandOff)) };
    /// The key of the executor whose worker this thread was until it handed its core off
    /// (`block_in_place`); 0 if none. Such a thread exits once its task returns, so a
    /// shutdown started on it must not wait for it.
    static HANDED_OFF: Cell<usize> = const { Cell::new(0) };
}

// Loom runs every model thread on one OS thread: the models need loom's per-model-thread
// storage to run the real worker loop (its macro takes no `const` initializer).
#[cfg(loom)]
loom::thread_local! {
    static CONTEXT: Cell<(usize, *const (), HandOff)> =
        Cell::new((0, std::ptr::null(), no_hand_off as HandOff));
    static HANDED_OFF: Cell<usize> = Cell::new(0);
}

/// Puts back the `CONTEXT` entry that was there before a worker's loop, when the loop ends
/// however it ends: after a panic, the entry must not point at the `Context` that unwinding
/// drops (`Scheduler::schedule` would write through it).
struct RestoreContext((usize, *const (), HandOff));

impl Drop for RestoreContext {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| c.set(self.0));
    }
}

/// Gives the core of the worker behind `context` to a new worker thread. Returns `false`
/// (and keeps the core) if no core is in the context or no thread could be started.
fn hand_off<D: Driver + Send + 'static>(context: *const ()) -> bool {
    // `hand_off::<D>` is stored in `CONTEXT` only by `run_worker::<D>`, next to a pointer to
    // that worker's live `Context<D>`, and called with that pointer while the worker's loop
    // (and so the context) is on this thread's stack.
    // SAFETY: so `context` points to a live `Context<D>` (see above).
    let context = unsafe { &*context.cast::<Context<D>>() };
    let Some(core) = context.core.borrow_mut().take() else {
        return false;
    };
    match crate::executor::start_worker(&context.shared, core) {
        Ok(()) => true,
        Err(core) => {
            *context.core.borrow_mut() = Some(core);
            false
        }
    }
}

/// Runs `f` on this thread after handing its worker's duties (queue, LIFO slot, driver
/// turns) to a new worker thread, so the executor keeps running tasks while `f` blocks.
/// On a thread that is not a worker, just runs `f`.
pub(crate) fn block_in_place<R>(f: impl FnOnce() -> R) -> R {
    let (key, context, hand_off) =
        CONTEXT
            .try_with(Cell::get)
            .unwrap_or((0, std::ptr::null(), no_hand_off as HandOff));
    if key != 0 && hand_off(context) {
        // This thread is no longer a worker: its current task finishes here, then the
        // thread exits; wake-ups from here go through the injector.
        let _ = CONTEXT.try_with(|c| c.set((0, std::ptr::null(), no_hand_off as HandOff)));
        let _ = HANDED_OFF.try_with(|h| h.set(key));
    }
    f()
}

/// A worker thread's view of its executor.
pub(crate) struct Context<D: Driver> {
    pub(crate) shared: Arc<Shared<D>>,
    /// The core, while a task runs or the worker parks; taken out while the loop uses it.
    core: RefCell<Option<Box<Core<D>>>>,
}

fn key_of<D: Driver>(shared: &Shared<D>) -> usize {
    std::ptr::from_ref(shared).addr()
}

/// Whether the calling thread is a worker of the executor behind `shared`.
pub(crate) fn is_worker_of<D: Driver>(shared: &Shared<D>) -> bool {
    CONTEXT
        .try_with(|c| c.get().0 == key_of(shared))
        .unwrap_or(false)
}

/// Whether the calling thread was a worker of the executor behind `shared` and handed its
/// core off (`block_in_place`): it is counted as started and exits when its task returns.
pub(crate) fn handed_off_from<D: Driver>(shared: &Shared<D>) -> bool {
    HANDED_OFF
        .try_with(|h| h.get() == key_of(shared))
        .unwrap_or(false)
}

/// How to start worker threads (kept for replacements started by `block_in_place`).
pub(crate) struct ThreadConfig {
    pub(crate) name: String,
    pub(crate) stack_size: Option<usize>,
    pub(crate) around: Option<crate::AroundWorker>,
    pub(crate) next_id: AtomicUsize,
}

impl<D: Driver> Context<D> {
    /// Runs a worker until shutdown and returns its core (`None` if it was handed off).
    pub(crate) fn run_worker(shared: Arc<Shared<D>>, core: Box<Core<D>>) -> Option<Box<Core<D>>>
    where
        D: Send + 'static,
    {
        let context = Context {
            shared,
            core: RefCell::new(None),
        };
        let key = key_of(&context.shared);
        let entry = (
            key,
            std::ptr::from_ref(&context).cast(),
            hand_off::<D> as HandOff,
        );
        let _restore = RestoreContext(CONTEXT.with(|c| c.replace(entry)));
        let index = core.index;
        match panic::catch_unwind(AssertUnwindSafe(|| context.run(core))) {
            Ok(core) => core,
            Err(_) => {
                // A panic escaped the loop: not from user code (task polls, parks and the
                // driver's unparker are all contained), so from the scheduler itself; the
                // panic hook has reported it. The worker retires rather than run on
                // inconsistent state, and the tasks it held go to the other workers.
                let core = context.core.borrow_mut().take();
                context.shared.retire_worker(index, core);
                None
            }
        }
    }

    /// The loop. Returns the core at shutdown, or `None` if a task handed the core to
    /// another thread (`block_in_place`) and this thread is no longer a worker.
    fn run(&self, mut core: Box<Core<D>>) -> Option<Box<Core<D>>> {
        let shared = &*self.shared;
        let metrics = &shared.worker_metrics[core.index];
        metrics.start_busy();
        while !shared.is_shutdown() {
            #[cfg(all(test, not(loom)))]
            tests::inject_fault(&core);
            core.tick = core.tick.wrapping_add(1);
            shared.remotes[core.index]
                .hot
                .turns
                .store(core.tick, Ordering::Relaxed);
            if core.tick % shared.config.event_interval == 0 {
                core = self.maintenance(core);
            }
            if let Some(task) = core.next_task(shared) {
                core = self.run_task(task, core)?;
                continue;
            }
            if let Some(task) = core.steal_work(shared) {
                core = self.run_task(task, core)?;
                continue;
            }
            core = self.park(core);
        }
        core.transition_from_searching(shared);
        metrics.stop_busy();
        Some(core)
    }

    /// Runs `task` (and LIFO-slot successors). `None` if the task handed the core off.
    fn run_task(&self, task: Runnable, mut core: Box<Core<D>>) -> Option<Box<Core<D>>> {
        core.transition_from_searching(&self.shared);
        let mut task = task;
        let mut lifo_polls = 0;
        loop {
            *self.core.borrow_mut() = Some(core);
            task.run();
            // `None`: the task called `block_in_place`, which gave the core to a new thread.
            core = self.core.borrow_mut().take()?;
            if self.shared.is_shutdown() {
                // No task is polled after shutdown; the LIFO task stays for the drain.
                return Some(core);
            }
            let Some(next) = core.lifo_slot(&self.shared).take(&mut core.lifo) else {
                return Some(core);
            };
            lifo_polls += 1;
            if lifo_polls > MAX_LIFO_POLLS {
                core.run_queue.push_back(next, &*self.shared);
                self.shared.notify_if_queue_long(&core, true);
                return Some(core);
            }
            task = next;
        }
    }

    /// Polls the driver without blocking; tasks it wakes land on this core.
    fn maintenance(&self, core: Box<Core<D>>) -> Box<Core<D>> {
        *self.core.borrow_mut() = Some(core);
        self.shared.driver.poll_now_contained();
        self.core
            .borrow_mut()
            .take()
            .expect("the core is back in the context after polling the driver")
    }

    fn park(&self, mut core: Box<Core<D>>) -> Box<Core<D>> {
        let shared = &*self.shared;
        if core.transition_to_parked(shared) {
            let metrics = &shared.worker_metrics[core.index];
            // When the current watch began (see "Watching a busy worker").
            let mut watch_since = None;
            while !shared.is_shutdown() {
                // Loom models run without the watch: its timeout never passes under loom, and
                // it only adds wake-ups to those the idle rules make.
                let watching = !cfg!(loom) && shared.idle.any_unparked();
                let timeout = if watching {
                    let since = *watch_since.get_or_insert_with(|| {
                        for (turns, remote) in core.watched_turns.iter_mut().zip(&*shared.remotes) {
                            *turns = remote.hot.turns.load(Ordering::Relaxed);
                        }
                        std::time::Instant::now()
                    });
                    shared.idle.set_watching(true);
                    Some(WATCH_INTERVAL.saturating_sub(since.elapsed()))
                } else {
                    watch_since = None;
                    None
                };
                metrics.about_to_park();
                core = self.park_once(core, timeout);
                metrics.unparked();
                if watching {
                    shared.idle.set_watching(false);
                }
                if core.transition_from_parked(shared) {
                    break;
                }
                if let Some(since) = watch_since {
                    if since.elapsed() >= WATCH_INTERVAL {
                        watch_since = None;
                        if let Some(stuck) = shared.stuck_worker(&core.watched_turns) {
                            if shared.idle.unpark_worker_by_id(core.index) {
                                // Unparked, not searching: take the stuck worker's LIFO task
                                // (nobody else may), and the loop steals its queue.
                                if let Some(task) = shared.remotes[stuck].hot.lifo.steal() {
                                    core.run_queue.push_back(task, shared);
                                }
                                break;
                            }
                        }
                    }
                }
            }
        }
        core
    }

    fn park_once(
        &self,
        mut core: Box<Core<D>>,
        timeout: Option<std::time::Duration>,
    ) -> Box<Core<D>> {
        let mut parker = core.park.take().expect("the parker is in the core");
        // The core stays reachable while parked, so tasks the driver wakes on this thread
        // are scheduled straight onto it.
        *self.core.borrow_mut() = Some(core);
        // A panic out of the driver (a waker that panics when woken, a user's driver) must
        // not take the worker down: the panic hook has reported it, and to the loop it is a
        // spurious wake-up. The parker resets its state on unwind.
        let _ = panic::catch_unwind(AssertUnwindSafe(|| parker.park(timeout)));
        let mut core = self
            .core
            .borrow_mut()
            .take()
            .expect("the core is back in the context after parking");
        core.park = Some(parker);
        if !core.run_queue.is_empty() {
            // The driver woke several tasks: share them.
            self.shared.notify_parked();
        }
        core
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
                let (current, context, _) = c.get();
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
        stack_size: None,
        around: None,
        next_id: AtomicUsize::new(0),
    };
    create(driver, workers, config, threads)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::atomic::AtomicIsize;
    use std::time::Duration;

    use heddle_driver::ThreadParker;

    use super::*;

    /// The worker whose next loop turn panics (a scheduler fault); -1: none.
    static FAULTY_WORKER: AtomicIsize = AtomicIsize::new(-1);

    /// Panics once on the worker a test named, at a loop turn where it is not searching (a
    /// core lost to the unwinding takes its searching mark with it; see `retire_worker`).
    pub(super) fn inject_fault<D: Driver>(core: &Core<D>) {
        if core.is_searching {
            return;
        }
        let armed = FAULTY_WORKER.compare_exchange(
            core.index as isize,
            -1,
            Ordering::SeqCst,
            Ordering::SeqCst,
        );
        if armed.is_ok() {
            panic!("injected scheduler fault");
        }
    }

    /// A panic out of the loop that no user code caused retires the worker: its queued and
    /// LIFO tasks run on the other worker, the thread's context entry is restored, shutdown
    /// counts the thread as exited and drops every task (miri checks that none leaks).
    #[test]
    fn a_fault_in_the_loop_retires_the_worker_and_loses_no_task() {
        let executor = crate::Builder::new()
            .worker_threads(2)
            .build(ThreadParker::new())
            .unwrap();
        let rounds = if cfg!(miri) { 5 } else { 50 };
        for round in 0..rounds {
            if round == 1 {
                FAULTY_WORKER.store(0, Ordering::SeqCst);
            }
            let tasks: Vec<_> = (0..8u64)
                .map(|i| {
                    executor.spawn(async move {
                        heddle_task::yield_now().await;
                        i
                    })
                })
                .collect();
            for (i, task) in tasks.into_iter().enumerate() {
                assert_eq!(executor.block_on(task).unwrap(), i as u64);
            }
        }
        // Worker 0 has hit the fault by now, or is parked with it pending: wake it with work.
        for _ in 0..100 {
            if FAULTY_WORKER.load(Ordering::SeqCst) == -1 {
                break;
            }
            executor.block_on(executor.spawn(async {})).unwrap();
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(
            FAULTY_WORKER.load(Ordering::SeqCst),
            -1,
            "the fault never ran"
        );
        let pending = executor.spawn(std::future::pending::<()>());
        drop(executor);
        assert!(pending.is_finished());
    }

    /// A parked worker that `notify_parked` picks (and so counts as searching) while the
    /// driver wakes a task onto its core must stay the searcher it was counted as; else the
    /// count stays raised and no parked worker is ever woken for new work again.
    #[test]
    fn notified_worker_waking_with_local_work_stays_a_searcher() {
        let (shared, mut cores) = create_with_defaults(ThreadParker::new(), 2);
        assert!(cores[0].transition_to_parked(&shared));
        assert_eq!(shared.idle.worker_to_notify(), Some(0));
        let (task, _handle) = heddle_task::Builder::new().spawn(async {}, |_: Runnable| {});
        assert!(cores[0]
            .lifo_slot(&shared)
            .put(&mut cores[0].lifo, task)
            .is_none());

        assert!(cores[0].transition_from_parked(&shared));
        assert!(cores[0].is_searching);
        // It runs the task: no longer searching, and nobody else is.
        cores[0].transition_from_searching(&shared);
        assert!(cores[1].transition_to_parked(&shared));
        assert_eq!(
            shared.idle.worker_to_notify(),
            Some(1),
            "new work must still wake a parked worker"
        );
    }
}
