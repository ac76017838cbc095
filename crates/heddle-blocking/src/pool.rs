//! The blocking pool: threads for closures that block (file I/O, CPU-heavy work, foreign
//! blocking APIs), so that the threads that run async tasks keep running them.
//!
//! Threads start on demand, up to `max_threads`, and exit after `keep_alive` without work.
//! A closure runs as a task whose future calls it on its first poll, so it has a
//! `JoinHandle`, an id, and panic capture like any task.
//!
//! # Waking and starting threads
//!
//! A thread runs queued closures one after another until the queue is empty, so one woken
//! thread serves a burst of short closures. The pool therefore wakes an idle thread, or starts
//! a new one, only when the queue holds more than [`BACKLOG_PER_THREAD`] closures for each
//! thread already about to look at it (starting, or woken and not yet running). The same rule
//! runs each time a thread takes a closure while others wait, so if every closure blocks, each
//! queued one still gets a thread of its own (up to `max_threads`): a closure never waits for
//! another to finish unless the pool is at its cap.
//!
//! If no thread can be created (the OS refuses) and none is running to take the closure, the
//! task fails: its `JoinHandle` resolves to a [`JoinError`](heddle_task::JoinError) that
//! carries the `io::Error` (`JoinError::into_panic` returns it, to downcast to `io::Error`
//! with its kind). If some thread is running, the closure waits in the queue.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use heddle_task::{JoinHandle, Runnable, Schedule, ScheduleInfo};

use crate::loom::{Arc, Condvar, Mutex, MutexGuard};

/// Default cap on blocking threads (tokio's default too).
pub const DEFAULT_MAX_BLOCKING_THREADS: usize = 512;
/// Default idle time after which a blocking thread exits.
pub const DEFAULT_THREAD_KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Runs each pool thread's loop; given the loop to run (see [`BlockingPool::with_threads`]).
///
/// A runtime uses it to make itself current on the pool's threads and to run its thread
/// hooks. It must call the loop once; if it returns or panics without calling it, the pool
/// stops counting the thread and starts another for the closures that wait.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// let around: heddle_blocking::AroundThread = Arc::new(|run: &mut dyn FnMut()| {
///     // Set up thread-local state here.
///     run();
///     // And tear it down here.
/// });
/// # drop(around);
/// ```
pub type AroundThread = std::sync::Arc<dyn Fn(&mut dyn FnMut()) + Send + Sync + 'static>;

/// How a pool names its threads: `<prefix>-<n>` (from a `String` or `&str`), or whatever a
/// function returns ([`ThreadName::from_fn`], tokio's `thread_name_fn`).
///
/// # Examples
///
/// ```
/// use heddle_blocking::ThreadName;
///
/// let prefixed = ThreadName::from("files");
/// let computed = ThreadName::from_fn(|| "io-thread".to_owned());
/// # drop((prefixed, computed));
/// ```
#[derive(Clone)]
pub struct ThreadName(NameKind);

#[derive(Clone)]
enum NameKind {
    Prefix(String),
    Fn(std::sync::Arc<dyn Fn() -> String + Send + Sync + 'static>),
}

impl ThreadName {
    /// Names each thread with what `f` returns when the thread starts. NUL bytes in the name
    /// are left out, since a thread name cannot hold one.
    ///
    /// # Examples
    ///
    /// ```
    /// let name = heddle_blocking::ThreadName::from_fn(|| "worker".to_owned());
    /// # drop(name);
    /// ```
    pub fn from_fn(f: impl Fn() -> String + Send + Sync + 'static) -> ThreadName {
        ThreadName(NameKind::Fn(std::sync::Arc::new(f)))
    }

    /// The name of the thread numbered `id`.
    fn make(&self, id: usize) -> String {
        match &self.0 {
            NameKind::Prefix(prefix) => format!("{prefix}-{id}"),
            NameKind::Fn(f) => f().replace('\0', ""),
        }
    }
}

impl From<String> for ThreadName {
    fn from(prefix: String) -> ThreadName {
        ThreadName(NameKind::Prefix(prefix))
    }
}

impl From<&str> for ThreadName {
    fn from(prefix: &str) -> ThreadName {
        ThreadName::from(prefix.to_owned())
    }
}

impl fmt::Debug for ThreadName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            NameKind::Prefix(prefix) => f.debug_tuple("ThreadName").field(prefix).finish(),
            NameKind::Fn(_) => f.write_str("ThreadName(<fn>)"),
        }
    }
}

/// Queued closures per thread about to look at the queue before another is woken or started
/// (see the module docs).
const BACKLOG_PER_THREAD: usize = 4;

/// A pool of threads for blocking closures. Cloning gives another handle to the same pool.
///
/// # Examples
///
/// ```
/// use heddle_blocking::BlockingPool;
/// use std::time::Duration;
///
/// let pool = BlockingPool::new(4, Duration::from_secs(1));
/// let task = pool.spawn_blocking(|| std::fs::metadata(".").is_ok());
/// let ok = futures::executor::block_on(task).unwrap();
/// assert!(ok);
/// pool.shutdown(Some(Duration::from_secs(1)));
/// ```
#[derive(Clone)]
pub struct BlockingPool {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    condvar: Condvar,
    max_threads: usize,
    keep_alive: Duration,
    thread_name: ThreadName,
    stack_size: Option<usize>,
    around: Option<AroundThread>,
}

struct State {
    queue: VecDeque<Runnable>,
    threads: usize,
    idle: usize,
    /// Idle threads already told to wake and not yet running a closure.
    notified: usize,
    /// Threads started and not yet looking at the queue.
    starting: usize,
    shutdown: bool,
    handles: Vec<thread::JoinHandle<()>>,
    next_id: usize,
}

thread_local! {
    /// Set while a task that could not get a thread is run to deliver its failure.
    static START_FAILURE: RefCell<Option<io::Error>> = const { RefCell::new(None) };
}

impl fmt::Debug for BlockingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.state();
        f.debug_struct("BlockingPool")
            .field("threads", &state.threads)
            .field("idle", &state.idle)
            .field("queued", &state.queue.len())
            .finish()
    }
}

impl BlockingPool {
    /// A pool of at most `max_threads` threads that exit after `keep_alive` without work.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = heddle_blocking::BlockingPool::new(8, std::time::Duration::from_secs(10));
    /// # drop(pool);
    /// ```
    pub fn new(max_threads: usize, keep_alive: Duration) -> BlockingPool {
        BlockingPool::with_threads(
            max_threads,
            keep_alive,
            "heddle-blocking".to_owned(),
            None,
            None,
        )
    }

    /// A pool whose threads are named by `thread_name` (`<thread_name>-<n>` for a string), get `stack_size` bytes of stack,
    /// and run inside `around` (which runtimes use to make themselves current there).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    ///
    /// let pool = heddle_blocking::BlockingPool::with_threads(
    ///     4,
    ///     Duration::from_secs(1),
    ///     "files".to_owned(),
    ///     None,
    ///     Some(Arc::new(|run: &mut dyn FnMut()| run())),
    /// );
    /// let name = futures::executor::block_on(
    ///     pool.spawn_blocking(|| std::thread::current().name().map(str::to_owned)),
    /// );
    /// assert_eq!(name.unwrap().as_deref(), Some("files-0"));
    /// ```
    pub fn with_threads(
        max_threads: usize,
        keep_alive: Duration,
        thread_name: impl Into<ThreadName>,
        stack_size: Option<usize>,
        around: Option<AroundThread>,
    ) -> BlockingPool {
        BlockingPool {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    threads: 0,
                    idle: 0,
                    notified: 0,
                    starting: 0,
                    shutdown: false,
                    handles: Vec::new(),
                    next_id: 0,
                }),
                condvar: Condvar::new(),
                max_threads: max_threads.max(1),
                keep_alive,
                thread_name: thread_name.into(),
                stack_size,
                around,
            }),
        }
    }

    /// Runs `f` on a pool thread; the `JoinHandle` resolves to its return value (or to a
    /// `JoinError` if it panicked, if the pool shut down first, or if no thread could be
    /// started).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = heddle_blocking::BlockingPool::new(2, std::time::Duration::from_secs(1));
    /// let task = pool.spawn_blocking(|| 6 * 7);
    /// assert_eq!(futures::executor::block_on(task).unwrap(), 42);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.spawn_blocking_with(heddle_task::Builder::new(), f)
    }

    /// [`spawn_blocking`](BlockingPool::spawn_blocking) with the task's metadata (its name)
    /// from `builder`.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = heddle_blocking::BlockingPool::new(2, std::time::Duration::from_secs(1));
    /// let task = pool.spawn_blocking_with(heddle_task::Builder::new().name("hash"), || 7);
    /// assert_eq!(futures::executor::block_on(task).unwrap(), 7);
    /// ```
    #[track_caller]
    pub fn spawn_blocking_with<F, R>(
        &self,
        builder: heddle_task::Builder<'_>,
        f: F,
    ) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (runnable, handle) = builder.spawn(
            BlockingTask { func: Some(f) },
            PoolScheduler(self.inner.clone()),
        );
        if let Err((runnable, error)) = Inner::submit(&self.inner, runnable) {
            // No thread can take it: run it here only to deliver the failure (the closure
            // is not called; see `BlockingTask::poll`).
            START_FAILURE.with(|failure| *failure.borrow_mut() = Some(error));
            runnable.run();
            START_FAILURE.with(|failure| failure.borrow_mut().take());
        }
        handle
    }

    /// Stops the pool: queued closures are cancelled; running ones finish on their threads.
    /// Waits up to `timeout` for the threads to exit (forever with `None`).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = heddle_blocking::BlockingPool::new(2, std::time::Duration::from_secs(1));
    /// pool.shutdown(Some(std::time::Duration::from_millis(100)));
    /// ```
    pub fn shutdown(&self, timeout: Option<Duration>) {
        let (queued, handles) = {
            let mut state = self.inner.state();
            state.shutdown = true;
            (
                std::mem::take(&mut state.queue),
                std::mem::take(&mut state.handles),
            )
        };
        self.inner.condvar.notify_all();
        // Cancelled outside the lock.
        drop(queued);
        // A timeout too long to represent (`Duration::MAX`) waits without a deadline.
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let current = thread::current().id();
        for handle in handles {
            if handle.thread().id() == current {
                // Shut down from one of the pool's own closures: this thread exits once the
                // closure returns, and cannot wait for itself.
                continue;
            }
            match deadline {
                None => {
                    let _ = handle.join();
                }
                Some(deadline) => {
                    while !handle.is_finished() && Instant::now() < deadline {
                        thread::sleep(Duration::from_millis(1));
                    }
                    if handle.is_finished() {
                        let _ = handle.join();
                    }
                }
            }
        }
    }

    /// How many pool threads exist (a snapshot).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = heddle_blocking::BlockingPool::new(2, std::time::Duration::from_secs(1));
    /// assert_eq!(pool.threads(), 0); // started on demand
    /// ```
    pub fn threads(&self) -> usize {
        self.inner.state().threads
    }

    /// How many pool threads are idle, waiting for a closure (a snapshot).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = heddle_blocking::BlockingPool::new(2, std::time::Duration::from_secs(10));
    /// futures::executor::block_on(pool.spawn_blocking(|| ())).unwrap();
    /// // The thread that ran the closure goes idle once it is done (or has just exited).
    /// assert!(pool.idle_threads() <= pool.threads());
    /// ```
    pub fn idle_threads(&self) -> usize {
        let state = self.inner.state();
        // A notified thread is about to take a closure: it is not idle any more.
        state.idle.saturating_sub(state.notified)
    }

    /// How many closures wait for a thread (a snapshot).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = heddle_blocking::BlockingPool::new(2, std::time::Duration::from_secs(1));
    /// assert_eq!(pool.queue_depth(), 0);
    /// ```
    pub fn queue_depth(&self) -> usize {
        self.inner.state().queue.len()
    }
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock()
    }

    /// Queues `runnable` and makes sure a thread will take it. Gives it back with the error
    /// when no thread exists and none can be started.
    fn submit(this: &Arc<Inner>, runnable: Runnable) -> Result<(), (Runnable, io::Error)> {
        let mut state = this.state();
        if state.shutdown {
            drop(state);
            // Cancelled: the pool is gone.
            drop(runnable);
            return Ok(());
        }
        state.queue.push_back(runnable);
        match Inner::add_thread_if_needed(this, &mut state) {
            Ok(wake) => {
                drop(state);
                if wake {
                    this.condvar.notify_one();
                }
                Ok(())
            }
            Err(error) => {
                let runnable = state.queue.pop_back().expect("just pushed");
                Err((runnable, error))
            }
        }
    }

    /// Claims an idle thread (`Ok(true)`: the caller wakes it with `notify_one` once it has
    /// unlocked), or starts one, if the queue outgrew the threads about to look at it (see the
    /// module docs). Fails only if no thread exists and none can be started.
    fn add_thread_if_needed(this: &Arc<Inner>, state: &mut State) -> Result<bool, io::Error> {
        let looking = state.starting + state.notified;
        if state.queue.len() <= looking * BACKLOG_PER_THREAD {
            return Ok(false);
        }
        if state.idle > state.notified {
            state.notified += 1;
            return Ok(true);
        }
        if state.threads >= this.max_threads {
            // Every thread is busy; the closure waits its turn.
            return Ok(false);
        }
        let id = state.next_id;
        let mut builder = thread::Builder::new().name(this.thread_name.make(id));
        if let Some(bytes) = this.stack_size {
            builder = builder.stack_size(bytes);
        }
        let inner = this.clone();
        match builder.spawn(move || Inner::run_thread(inner)) {
            Ok(handle) => {
                state.next_id += 1;
                state.threads += 1;
                state.starting += 1;
                state.handles.retain(|h| !h.is_finished());
                state.handles.push(handle);
                Ok(false)
            }
            // Another thread will get to it.
            Err(_) if state.threads > 0 => Ok(false),
            Err(error) => Err(error),
        }
    }

    fn run_thread(this: Arc<Inner>) {
        let never_looped = NeverLooped {
            inner: &this,
            looped: std::cell::Cell::new(false),
        };
        let mut body = || {
            never_looped.looped.set(true);
            // A closure that calls `unblock` stays on this pool.
            let pool = BlockingPool {
                inner: this.clone(),
            };
            let _entered = pool.enter();
            Inner::thread_loop(&this);
        };
        match &this.around {
            Some(around) => around(&mut body),
            None => body(),
        }
    }

    fn thread_loop(this: &Arc<Inner>) {
        let mut state = this.state();
        state.starting -= 1;
        loop {
            if let Some(runnable) = state.queue.pop_front() {
                // This closure may block: make sure the others get a thread too. The error
                // case needs no thread: this one exists.
                let wake = !state.queue.is_empty()
                    && Inner::add_thread_if_needed(this, &mut state).unwrap_or(false);
                drop(state);
                if wake {
                    this.condvar.notify_one();
                }
                runnable.run();
                state = this.state();
                continue;
            }
            if state.shutdown {
                break;
            }
            state.idle += 1;
            let (guard, timeout) = this.condvar.wait_timeout(state, this.keep_alive);
            state = guard;
            state.idle -= 1;
            if state.notified > 0 {
                state.notified -= 1;
            } else if timeout.timed_out() && state.queue.is_empty() {
                break;
            }
        }
        state.threads -= 1;
    }
}

/// Settles the counts of a thread whose `around` wrapper returned or panicked without running
/// the loop: the thread was counted as starting, and nobody else would ever uncount it (the
/// pool would wait for it forever, or count it against `max_threads`).
struct NeverLooped<'a> {
    inner: &'a Arc<Inner>,
    looped: std::cell::Cell<bool>,
}

impl Drop for NeverLooped<'_> {
    fn drop(&mut self) {
        if self.looped.get() {
            return;
        }
        let mut state = self.inner.state();
        state.starting -= 1;
        state.threads -= 1;
        // The closures this thread was started for still need one.
        let wake = !state.queue.is_empty()
            && Inner::add_thread_if_needed(self.inner, &mut state).unwrap_or(false);
        drop(state);
        if wake {
            self.inner.condvar.notify_one();
        }
    }
}

/// Schedules a blocking task (only ever its first, and only, run).
struct PoolScheduler(Arc<Inner>);

impl Schedule for PoolScheduler {
    fn schedule(&self, runnable: Runnable, _info: ScheduleInfo) {
        // A blocking task is scheduled once, by `spawn_blocking`, and never woken: its
        // future completes on its first poll. A late wake (an abort) lands here.
        if let Err((runnable, _)) = Inner::submit(&self.0, runnable) {
            drop(runnable);
        }
    }
}

/// The future of a blocking task: calls the closure on its first poll.
struct BlockingTask<F> {
    func: Option<F>,
}

impl<F> Unpin for BlockingTask<F> {}

impl<F: FnOnce() -> R, R> Future for BlockingTask<F> {
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        if let Some(error) = START_FAILURE.with(|failure| failure.borrow_mut().take()) {
            // Caught by the task harness and delivered as the JoinError's payload; no panic
            // hook runs for `resume_unwind`.
            std::panic::resume_unwind(Box::new(error));
        }
        let func = self.func.take().expect("a blocking task is polled once");
        Poll::Ready(func())
    }
}
