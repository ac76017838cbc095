//! `LocalExecutor`: the run loop, its configuration, and shutdown.
//!
//! # One tick of the run loop
//!
//! 1. If the `run_until` future was woken, poll it; return if it is ready.
//! 2. Run up to `global_queue_interval` tasks from the local queue (FIFO, or a seeded random
//!    pick). The `run_until` future is polled once per tick, so a main future that keeps
//!    yielding still lets a full batch of tasks run in between.
//! 3. Move everything the injector holds (wake-ups and spawns from other threads) to the
//!    local queue.
//! 4. If nothing ran and nothing arrived, park on the driver. Otherwise, every
//!    `event_interval` polls, give the driver a zero-timeout park so I/O and timers are
//!    serviced even while tasks keep the executor busy.
//!
//! A task that always wakes itself goes to the back of the queue each time, so every other
//! ready task runs before it runs again; remote work waits at most one tick.
//!
//! [`LocalExecutor::tick`] is one step of the same loop for an executor driven by polling:
//! move the injector's runnables to the local queue, run up to N tasks, then either wake the
//! caller at once (tasks are still queued) or register its waker, which the next push to the
//! injector takes and wakes (`Shared::register_tick_waker` checks the injector under the lock
//! that push's wake takes, so a push is never missed). It never parks on the driver.
//!
//! With [`Builder::shutdown_on_panic`], the loop also stops right after a task poll that
//! panicked, and after polling the `run_until` future when an earlier run stopped that way;
//! `run_until` then panics with `TASK_PANICKED`.

use crate::loom::{AtomicBool, Ordering};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use heddle_driver::{Driver, Unparker};
use heddle_executor_core::{drop_all_tasks, run_park_hook, ParkHook};
use heddle_task::JoinHandle;

use crate::rng::Rng;
use crate::shared::{self, thread_index, Queued, Shared};
use crate::Spawner;

/// Default number of task polls between two drains of the injector.
///
/// Small enough that work from other threads waits at most a few microseconds behind a busy
/// local queue; large enough that the drain (one atomic check when empty) costs nothing per
/// poll. The same order as tokio's current-thread default (31).
pub const DEFAULT_GLOBAL_QUEUE_INTERVAL: u32 = 31;

/// Default number of task polls between two non-blocking polls of the driver.
///
/// A zero-timeout park is a system call on the reactor; every 61 polls keeps it under a
/// few percent of a loop of trivial tasks while bounding I/O latency under load. tokio uses 61.
pub const DEFAULT_EVENT_INTERVAL: u32 = 61;

/// The message `run_until` panics with when a task panicked and the executor was built with
/// [`Builder::shutdown_on_panic`] (tokio's wording, so that searches for it find both).
pub(crate) const TASK_PANICKED: &str =
    "a spawned task panicked and the runtime is configured to shut down on unhandled panic";

/// Configures a [`LocalExecutor`].
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_executor_local::Builder;
///
/// let mut executor = Builder::new().seed(7).event_interval(31).build(ThreadParker::new());
/// assert_eq!(executor.run_until(async { 1 }), 1);
/// ```
#[derive(Clone)]
#[must_use = "a Builder does nothing until `build` is called"]
pub struct Builder {
    seed: Option<u64>,
    global_queue_interval: u32,
    event_interval: u32,
    shutdown_on_panic: bool,
    poll_driven: bool,
    on_park: Option<ParkHook>,
    on_unpark: Option<ParkHook>,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("seed", &self.seed)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .field("shutdown_on_panic", &self.shutdown_on_panic)
            .field("poll_driven", &self.poll_driven)
            .finish_non_exhaustive()
    }
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl Builder {
    /// The default configuration: FIFO order, the default intervals, a panicking task
    /// affects only itself.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_local::Builder::new();
    /// # drop(builder);
    /// ```
    pub fn new() -> Builder {
        Builder {
            seed: None,
            global_queue_interval: DEFAULT_GLOBAL_QUEUE_INTERVAL,
            event_interval: DEFAULT_EVENT_INTERVAL,
            shutdown_on_panic: false,
            poll_driven: false,
            on_park: None,
            on_unpark: None,
        }
    }

    /// Runs `f` each time the executor is about to block on its driver (it found no work).
    /// A panic out of `f` is reported by the panic hook and otherwise ignored.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_local::Builder::new().on_park(|| println!("idle"));
    /// # drop(builder);
    /// ```
    pub fn on_park(mut self, f: impl Fn() + Send + Sync + 'static) -> Builder {
        self.on_park = Some(Arc::new(f));
        self
    }

    /// Runs `f` each time the executor returns from blocking on its driver, as
    /// [`on_park`](Builder::on_park) does before.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_local::Builder::new().on_unpark(|| println!("busy"));
    /// # drop(builder);
    /// ```
    pub fn on_unpark(mut self, f: impl Fn() + Send + Sync + 'static) -> Builder {
        self.on_unpark = Some(Arc::new(f));
        self
    }

    /// Shuffles the ready order with a generator seeded by `seed`: instead of FIFO, each poll
    /// picks a ready task at random. The same seed and the same program give the same order,
    /// so an interleaving that exposed a bug can be replayed.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_executor_local::Builder;
    /// use std::sync::{Arc, Mutex};
    ///
    /// fn order(seed: u64) -> Vec<u32> {
    ///     let mut executor = Builder::new().seed(seed).build(ThreadParker::new());
    ///     let seen = Arc::new(Mutex::new(Vec::new()));
    ///     for i in 0..8 {
    ///         let seen = seen.clone();
    ///         executor.spawn(async move { seen.lock().unwrap().push(i) });
    ///     }
    ///     executor.run_until(heddle_task::yield_now());
    ///     let order = seen.lock().unwrap().clone();
    ///     order
    /// }
    /// assert_eq!(order(1), order(1));
    /// ```
    pub fn seed(mut self, seed: u64) -> Builder {
        self.seed = Some(seed);
        self
    }

    /// Task polls between two drains of the injector (remote spawns and wake-ups). Clamped
    /// to at least 1.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_local::Builder::new().global_queue_interval(16);
    /// # drop(builder);
    /// ```
    pub fn global_queue_interval(mut self, polls: u32) -> Builder {
        self.global_queue_interval = polls.max(1);
        self
    }

    /// Task polls between two non-blocking polls of the driver (I/O and timers). Clamped to
    /// at least 1.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_executor_local::Builder::new().event_interval(128);
    /// # drop(builder);
    /// ```
    pub fn event_interval(mut self, polls: u32) -> Builder {
        self.event_interval = polls.max(1);
        self
    }

    /// Whether a task panic shuts the executor down (default `false`).
    ///
    /// A task panics when a panic unwinds out of its future's `poll`; one the future catches
    /// itself does not count, nor does a panic in its `Drop`. Either way the panic is caught
    /// and its [`JoinHandle`] resolves to a [`JoinError`](heddle_task::JoinError) for which
    /// `is_panic()` holds, whether or not the handle is being awaited. With `false`, nothing
    /// else happens. With `true`, the first such panic shuts the executor down:
    ///
    /// * [`run_until`](LocalExecutor::run_until) stops right after the poll that panicked and
    ///   panics with "a spawned task panicked and the runtime is configured to shut down on
    ///   unhandled panic"; later calls poll their future once and, if it is not ready, panic
    ///   the same way. No task is polled again;
    /// * spawns are cancelled at once, as after the executor is dropped;
    /// * the other tasks' futures are dropped when the executor is dropped, as usual.
    ///
    /// Noticing the panic costs nothing on a poll that does not panic; the run loop then
    /// tests this setting (a plain field, no atomic operation) after each poll.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_executor_local::Builder;
    /// use std::panic::{self, AssertUnwindSafe};
    ///
    /// let mut executor = Builder::new().shutdown_on_panic(true).build(ThreadParker::new());
    /// let failing = executor.spawn(async { panic!("boom") });
    /// let stopped = panic::catch_unwind(AssertUnwindSafe(|| {
    ///     executor.run_until(std::future::pending::<()>())
    /// }));
    /// assert!(stopped.is_err());
    /// assert!(executor.run_until(failing).unwrap_err().is_panic());
    /// let late = executor.spawn(async { 1 });
    /// assert!(executor.run_until(late).unwrap_err().is_cancelled());
    /// ```
    pub fn shutdown_on_panic(mut self, shutdown: bool) -> Builder {
        self.shutdown_on_panic = shutdown;
        self
    }

    /// Whether the executor is driven by polling [`LocalExecutor::tick`] from a future (for
    /// example from a task of another executor) instead of, or besides, blocking in
    /// [`run_until`](LocalExecutor::run_until). Default `false`.
    ///
    /// With `true`, every wake-up or spawn that reaches the executor from outside a `tick` (from
    /// another thread, or from this thread between ticks) also wakes the waker the last `tick`
    /// registered. That costs one lock per such wake-up; with `false` it costs nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_executor_local::Builder;
    ///
    /// let executor = Builder::new().poll_driven(true).build(ThreadParker::new());
    /// # drop(executor);
    /// ```
    pub fn poll_driven(mut self, poll_driven: bool) -> Builder {
        self.poll_driven = poll_driven;
        self
    }

    /// Creates the executor over `driver`.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = heddle_executor_local::Builder::new().build(heddle_driver::ThreadParker::new());
    /// # drop(executor);
    /// ```
    pub fn build<D: Driver>(self, driver: D) -> LocalExecutor<D> {
        let shared = Arc::new(Shared::new(
            driver.unparker(),
            self.shutdown_on_panic,
            self.poll_driven,
        ));
        LocalExecutor {
            shared,
            driver,
            queue: VecDeque::new(),
            rng: self.seed.map(Rng::new),
            global_queue_interval: self.global_queue_interval,
            event_interval: self.event_interval,
            shutdown_on_panic: self.shutdown_on_panic,
            on_park: self.on_park,
            on_unpark: self.on_unpark,
        }
    }
}

/// A single-threaded executor for `Send` and `!Send` tasks, over any [`Driver`].
///
/// Tasks run only inside [`run_until`](LocalExecutor::run_until) (or its alias
/// [`block_on`](LocalExecutor::block_on)), on the calling thread. Other threads spawn and
/// wake tasks through a [`Spawner`] or a task's waker; those go through a lock-free injector
/// and unpark the driver.
///
/// The executor is `Send` when its driver is, so it can be built on one thread and run on
/// another. `!Send` tasks are tied to their *home thread*, the thread that spawned them:
/// running the executor elsewhere while they are alive panics, and dropping it elsewhere
/// leaks them (their futures must not be dropped on another thread).
///
/// Dropping the executor drops every task's future, spawned, queued or idle, exactly once,
/// before `drop` returns. No lock is held while those destructors run, so a destructor may
/// wake tasks or spawn (a spawn after shutdown gives a cancelled `JoinHandle`).
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_executor_local::LocalExecutor;
/// use std::rc::Rc;
///
/// let mut executor = LocalExecutor::new(ThreadParker::new());
/// let shared = Rc::new(40);
/// let local = executor.spawn_local({
///     let shared = shared.clone();
///     async move { *shared + 1 }
/// });
/// let remote = executor.spawn(async { 1 });
/// let sum = executor.run_until(async { local.await.unwrap() + remote.await.unwrap() });
/// assert_eq!(sum, 42);
/// ```
pub struct LocalExecutor<D: Driver> {
    shared: Arc<Shared<D::Unparker>>,
    driver: D,
    /// The run queue while the executor is not running (it lives in a thread-local while it
    /// runs; see `Shared::enter`).
    queue: VecDeque<Queued>,
    rng: Option<Rng>,
    global_queue_interval: u32,
    event_interval: u32,
    /// A copy of `shared.shutdown_on_panic`, next to the other settings the run loop reads.
    shutdown_on_panic: bool,
    /// Run around each blocking park of the driver ([`Builder::on_park`]).
    on_park: Option<ParkHook>,
    on_unpark: Option<ParkHook>,
}

impl<D: Driver> LocalExecutor<D> {
    /// An executor with the default configuration (see [`Builder`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// assert_eq!(executor.run_until(async { "ok" }), "ok");
    /// ```
    pub fn new(driver: D) -> LocalExecutor<D> {
        Builder::new().build(driver)
    }

    /// Spawns a `Send` task. It runs when the executor runs.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let handle = executor.spawn(async { 2 });
    /// assert_eq!(executor.run_until(handle).unwrap(), 2);
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.shared.spawn(heddle_task::Builder::new(), future)
    }

    /// Spawns a `!Send` task on this thread, which becomes its home thread.
    ///
    /// # Panics
    ///
    /// Panics if `!Send` tasks spawned on another thread are still alive on this executor.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let counter = Rc::new(Cell::new(0));
    /// let c = counter.clone();
    /// let handle = executor.spawn_local(async move { c.set(c.get() + 1) });
    /// executor.run_until(handle).unwrap();
    /// assert_eq!(counter.get(), 1);
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.shared.spawn_local(heddle_task::Builder::new(), future)
    }

    /// A cloneable, `Send + Sync` handle that spawns onto this executor from anywhere.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let spawner = executor.spawner();
    /// let handle = std::thread::spawn(move || spawner.spawn(async { 7 })).join().unwrap();
    /// assert_eq!(executor.run_until(handle).unwrap(), 7);
    /// ```
    pub fn spawner(&self) -> Spawner<D::Unparker> {
        Spawner::new(self.shared.clone())
    }

    /// How many tasks are alive (spawned, with their future not yet dropped).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let handle = executor.spawn(async {});
    /// assert_eq!(executor.alive_tasks(), 1);
    /// executor.run_until(handle).unwrap();
    /// assert_eq!(executor.alive_tasks(), 0);
    /// ```
    pub fn alive_tasks(&self) -> usize {
        self.shared.alive()
    }

    /// The driver, e.g. to reach a reactor or timer handle it carries.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::Driver;
    /// let executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let _unparker = executor.driver().unparker();
    /// ```
    pub fn driver(&self) -> &D {
        &self.driver
    }

    /// Same as [`run_until`](LocalExecutor::run_until).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// assert_eq!(executor.block_on(async { 3 }), 3);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&mut self, future: F) -> F::Output {
        self.run_until(future)
    }

    /// Runs the executor's tasks on this thread until `future` completes, and returns its
    /// output. Tasks still pending when it returns stay on the executor for the next run.
    ///
    /// A panic in a task is caught and reported through its `JoinHandle`; it stops the
    /// executor only if it was built with [`Builder::shutdown_on_panic`]. A panic in `future`
    /// itself propagates to the caller.
    ///
    /// # Panics
    ///
    /// Panics if `!Send` tasks spawned on another thread are alive: they may only run on
    /// their home thread. With [`Builder::shutdown_on_panic`], panics once a task has
    /// panicked, unless `future` completes on its first poll after that.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut executor = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    /// let handles: Vec<_> = (0..10).map(|i| executor.spawn(async move { i * i })).collect();
    /// let total = executor.run_until(async move {
    ///     let mut total = 0;
    ///     for handle in handles {
    ///         total += handle.await.unwrap();
    ///     }
    ///     total
    /// });
    /// assert_eq!(total, 285);
    /// ```
    #[track_caller]
    pub fn run_until<F: Future>(&mut self, future: F) -> F::Output {
        self.claim_thread();
        let main = Arc::new(MainWaker {
            woken: AtomicBool::new(true),
            executor: self.shared.as_key().addr(),
            unparker: self.shared.unparker.clone(),
        });
        let waker = Waker::from(main.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);

        self.shared.worker_metrics.worker.start_busy();
        let previous = self.shared.enter(&mut self.queue);
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            self.run_loop(&main, &mut cx, future.as_mut())
        }));
        self.shared.exit(&mut self.queue, previous);
        let metrics = &self.shared.worker_metrics;
        metrics.set_local_queue_depth(self.queue.len());
        metrics.worker.stop_busy();
        self.shared.registry().extra.running = 0;
        match result {
            Ok(Some(output)) => output,
            Ok(None) => panic!("{TASK_PANICKED}"),
            Err(payload) => panic::resume_unwind(payload),
        }
    }

    /// Runs up to `max_tasks` of the executor's queued tasks on this thread, then returns
    /// whether tasks are still queued. Never blocks, never touches the driver: this is how a
    /// future (typically a task of another executor) drives this one.
    ///
    /// Whatever it returns, the executor asks to be ticked again when there is work: if tasks
    /// are still queued it wakes `cx`'s waker at once (the caller should yield, then tick
    /// again), else it registers that waker, and a task scheduled from any thread (or a
    /// spawn) wakes it. Wake-ups from other threads reach it only on an executor built with
    /// [`Builder::poll_driven`].
    ///
    /// Tasks run with the same guarantees as under [`run_until`](LocalExecutor::run_until):
    /// FIFO (or the seeded order), a panicking task only reports the panic.
    ///
    /// # Panics
    ///
    /// Panics if the executor was not built with [`Builder::poll_driven`], and as `run_until`
    /// does: if `!Send` tasks spawned on another thread are alive, and with
    /// [`Builder::shutdown_on_panic`], once a task has panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_driver::ThreadParker;
    /// use heddle_executor_local::Builder;
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use std::task::{Context, Waker};
    ///
    /// let mut executor = Builder::new().poll_driven(true).build(ThreadParker::new());
    /// let ran = Rc::new(Cell::new(0));
    /// for _ in 0..3 {
    ///     let ran = ran.clone();
    ///     executor.spawn_local(async move { ran.set(ran.get() + 1) });
    /// }
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(executor.tick(2, &mut cx)); // one task is still queued
    /// assert!(!executor.tick(2, &mut cx));
    /// assert_eq!(ran.get(), 3);
    /// ```
    #[track_caller]
    pub fn tick(&mut self, max_tasks: usize, cx: &mut Context<'_>) -> bool {
        assert!(
            self.shared.is_poll_driven(),
            "LocalExecutor::tick needs an executor built with `Builder::poll_driven(true)`, \
             so that wake-ups from other threads reach the ticking future"
        );
        self.claim_thread();
        let previous = self.shared.enter(&mut self.queue);
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            self.drain_injector();
            self.run_batch(max_tasks).is_some()
        }));
        self.shared.exit(&mut self.queue, previous);
        self.shared.registry().extra.running = 0;
        shared::release_burst_buffer(&mut self.queue);
        match result {
            Ok(true) => {}
            Ok(false) => panic!("{TASK_PANICKED}"),
            Err(payload) => panic::resume_unwind(payload),
        }
        let queued = !self.queue.is_empty() || self.shared.register_tick_waker(cx.waker());
        if queued {
            cx.waker().wake_by_ref();
        }
        queued
    }

    /// Marks this thread as the one running the executor (and the home of its `!Send`
    /// tasks), for `run_until` and `tick`.
    ///
    /// # Panics
    ///
    /// If `!Send` tasks spawned on another thread are alive.
    #[track_caller]
    fn claim_thread(&self) {
        let me = thread_index();
        let mut registry = self.shared.registry();
        if registry.extra.local_tasks > 0 && registry.extra.home != me {
            drop(registry);
            panic!(
                "this executor has `!Send` tasks that belong to another thread; run it on the \
                 thread that spawned them"
            );
        }
        registry.extra.home = me;
        registry.extra.running = me;
    }

    /// Whether the run loop must stop because a task panicked (see
    /// [`Builder::shutdown_on_panic`]). Without that setting, only a field test.
    fn stopped_by_panic(&self) -> bool {
        self.shutdown_on_panic && self.shared.task_panicked()
    }

    /// Runs up to `max` queued tasks. Returns how many ran, or `None` when a task panicked
    /// and the executor shuts down on panic.
    #[inline(always)]
    fn run_batch(&mut self, max: usize) -> Option<usize> {
        let shutdown_on_panic = self.shutdown_on_panic;
        let state = &self.shared;
        let rng = &mut self.rng;
        shared::with_local_queue(|queue| {
            let mut ran = 0;
            while ran < max {
                let Some(runnable) = shared::pop(queue, rng.as_mut()) else {
                    break;
                };
                runnable.run();
                if shutdown_on_panic && state.task_panicked() {
                    return None;
                }
                ran += 1;
            }
            Some(ran)
        })
    }

    /// The run loop of `run_until`; see the module docs. `None`: a task panicked and the
    /// executor shuts down on panic.
    fn run_loop<F: Future>(
        &mut self,
        main: &MainWaker<D::Unparker>,
        cx: &mut Context<'_>,
        mut future: Pin<&mut F>,
    ) -> Option<F::Output> {
        let mut since_event = 0u32;
        loop {
            if main.woken.swap(false, Ordering::Acquire) {
                // With a task's budget, as tokio gives its `block_on` future.
                if let Poll::Ready(output) =
                    heddle_task::coop::with_budget(|| future.as_mut().poll(cx))
                {
                    return Some(output);
                }
            }
            if self.stopped_by_panic() {
                return None;
            }

            let ran = self.run_batch(self.global_queue_interval as usize)?;
            let arrived = self.drain_injector();
            since_event += ran as u32;
            if ran == 0 && arrived == 0 {
                if !main.woken.load(Ordering::Acquire) {
                    shared::release_local_burst_buffer();
                    let metrics = &self.shared.worker_metrics;
                    run_park_hook(self.on_park.as_ref());
                    metrics.about_to_park();
                    park_contained(|| self.driver.park());
                    metrics.worker.unparked();
                    run_park_hook(self.on_unpark.as_ref());
                    since_event = 0;
                }
            } else if since_event >= self.event_interval {
                self.shared
                    .worker_metrics
                    .set_local_queue_depth(shared::local_len());
                park_contained(|| self.driver.park_timeout(Duration::ZERO));
                since_event = 0;
            }
        }
    }

    /// Moves what the injector holds to the local queue. Returns how many runnables moved.
    fn drain_injector(&mut self) -> usize {
        let mut moved = 0;
        // Bounded by the length seen now, so a storm of remote wake-ups cannot keep the loop
        // here forever.
        for _ in 0..self.shared.injector.len() {
            match self.shared.injector.pop() {
                Ok(runnable) => {
                    shared::push_local(runnable);
                    moved += 1;
                }
                Err(_) => break,
            }
        }
        moved
    }
}

/// Runs one park of the driver, containing a panic out of it (a waker that panics when the
/// driver wakes it, or a user's driver): the panic hook has reported it, and to the loop it
/// is a spurious wake-up, so it never unwinds into `block_on` through tasks it has nothing
/// to do with.
fn park_contained(park: impl FnOnce()) {
    let _ = panic::catch_unwind(AssertUnwindSafe(park));
}

/// The waker of the `run_until` future: a flag plus an unpark.
struct MainWaker<U> {
    woken: AtomicBool,
    /// The address of the executor's `Shared` (`Shared::as_key`), to recognise a wake from
    /// its own thread. An address, not a pointer: it is only compared.
    executor: usize,
    unparker: U,
}

impl<U: Unparker> Wake for MainWaker<U> {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Release pairs with the Acquire swap in the run loop.
        self.woken.store(true, Ordering::Release);
        // On the executor's own thread the run loop is awake and checks the flag before it
        // parks; only another thread needs to unpark the driver (for the reactor, a
        // system call).
        if !shared::is_running_here(self.executor) {
            self.unparker.unpark();
        }
    }
}

impl<D: Driver> Drop for LocalExecutor<D> {
    fn drop(&mut self) {
        let me = thread_index();
        self.shared.registry().close();
        // Every task is woken so its runnable comes to a queue and is dropped from there, until
        // a round finds nothing (the registry is closed, so this ends). A `!Send` task's
        // runnable drops its future only on the task's home thread and leaks it elsewhere;
        // on the home thread the drain also waits for a wake-up another thread has in flight.
        let queue = &mut self.queue;
        let drain_queue = |sink: &mut dyn FnMut(Queued)| {
            for runnable in mem::take(queue) {
                sink(runnable);
            }
        };
        let shared = &self.shared;
        let local_at_home = || {
            let registry = shared.registry();
            registry.extra.local_tasks > 0 && registry.extra.home == me
        };
        drop_all_tasks(
            shared.all_tasks(),
            &shared.injector,
            drain_queue,
            drop,
            local_at_home,
        );
        drop(shared.take_tick_waker());
    }
}

impl<D: Driver> fmt::Debug for LocalExecutor<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalExecutor")
            .field("alive_tasks", &self.alive_tasks())
            .field("queued", &self.queue.len())
            .field("seeded", &self.rng.is_some())
            .finish_non_exhaustive()
    }
}
