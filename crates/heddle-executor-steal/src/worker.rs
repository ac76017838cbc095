//! The workers: their state (`Core`) and the loop they run. What they share, and how tasks
//! are scheduled onto them, is in `shared`; which worker runs on a thread, in `current`.
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
//! Once every worker is parked, they park indefinitely: an idle runtime does not wake up.
//!
//! # Panics
//!
//! A task's panic is caught by the task (its `JoinHandle` gets it). A panic out of the
//! driver (a waker that panics when the reactor or the timer wakes it, or a user's driver)
//! is caught around each park and each maintenance poll: to the loop it is a spurious
//! wake-up, and so is a panic out of the driver's unparker. Anything else that unwinds out of
//! the loop (a fault of the scheduler itself) retires the worker (`Shared::retire_worker`): it
//! leaves the idle accounting, its tasks go to the injector, and its thread exits counted as
//! exited. The thread's `CONTEXT` entry is restored by a
//! guard however the loop ends.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

use heddle_driver::Driver;
use heddle_executor_core::run_park_hook;
use heddle_task::Runnable;

use crate::current::{hand_off, key_of, HandOff, RestoreContext, CONTEXT};
use crate::lifo::{LifoOwner, LifoSlot};
use crate::loom::{Arc, AtomicUsize, Ordering};
use crate::park::Parker;
use crate::queue::Local;
use crate::shared::Shared;

/// How many LIFO-slot tasks run in a row before the slot's task is queued instead.
pub(crate) const MAX_LIFO_POLLS: u32 = 3;

/// How many tasks a worker's own queue holds before a push wakes a sleeping worker (see
/// "Waking a sleeping worker for local work").
pub(crate) const WAKE_QUEUE_LEN: usize = 4;

/// How often a parked worker checks busy ones (see "Watching a busy worker").
const WATCH_INTERVAL: std::time::Duration = std::time::Duration::from_millis(1);

/// A worker's own state; only the worker thread touches it.
pub(crate) struct Core<D: Driver> {
    pub(crate) index: usize,
    /// The owner's side of `shared.remotes[index]`'s LIFO slot.
    pub(crate) lifo: LifoOwner,
    pub(crate) run_queue: Local<Runnable>,
    pub(crate) is_searching: bool,
    tick: u32,
    rng: u64,
    /// `None` while the worker is parked (the core then sits in its context).
    pub(crate) park: Option<Parker<D>>,
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

    pub(crate) fn lifo_slot<'a>(&self, shared: &'a Shared<D>) -> &'a LifoSlot {
        &shared.remotes[self.index].hot.lifo
    }

    pub(crate) fn next_local_task(&mut self, shared: &Shared<D>) -> Option<Runnable> {
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
}

/// A worker thread's view of its executor.
pub(crate) struct Context<D: Driver> {
    pub(crate) shared: Arc<Shared<D>>,
    /// The core, while a task runs or the worker parks; taken out while the loop uses it.
    pub(crate) core: RefCell<Option<Box<Core<D>>>>,
}

/// How to start worker threads (kept for replacements started by `block_in_place`).
pub(crate) struct ThreadConfig {
    pub(crate) name: String,
    /// Names each new worker thread instead of `name` (`Builder::thread_name_fn`).
    pub(crate) name_fn: Option<crate::builder::ThreadNameFn>,
    /// Runs before each park of a worker, and after it (`Builder::on_park`, `on_unpark`).
    pub(crate) on_park: Option<heddle_executor_core::ParkHook>,
    pub(crate) on_unpark: Option<heddle_executor_core::ParkHook>,
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
            core.index,
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
        run_park_hook(shared.threads.on_park.as_ref());
        if core.transition_to_parked(shared) {
            let metrics = &shared.worker_metrics[core.index];
            // Counted once per stay in the parked state, as tokio counts: the wake-ups inside
            // it (a watch timeout, a spurious return) go back to sleep without leaving it.
            metrics.about_to_park();
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
                core = self.park_once(core, timeout);
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
            metrics.unparked();
        }
        run_park_hook(shared.threads.on_unpark.as_ref());
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

#[cfg(all(test, not(loom)))]
mod tests {
    use std::time::Duration;

    use crate::loom::unmodelled::AtomicIsize;

    use heddle_driver::ThreadParker;

    use super::*;
    use crate::shared::create_with_defaults;

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
