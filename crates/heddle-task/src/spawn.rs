//! Creating tasks: [`Builder`], the [`Schedule`] hook an executor implements, and the
//! [`Runnable`] it receives.

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::ptr::NonNull;
use std::task::Waker;

use crate::harness::Harness;
use crate::local::{self, LocalRunnable, LocalSchedule};
use crate::meta::TaskMeta;
use crate::{Id, JoinHandle, TaskInfo};

/// The hook through which a task asks its executor to run it.
///
/// When a task is woken, its [`Runnable`] is passed to `schedule`, which should push it onto a
/// run queue (and wake the executor if it sleeps). `schedule` must not run the runnable
/// inline. It may be called from any thread, including from inside another task's poll.
/// Dropping the runnable instead of queueing it cancels the task (its future is dropped on the
/// calling thread), which is what an executor that has shut down does.
///
/// Closures `Fn(Runnable) + Send + Sync + 'static` implement it.
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, Runnable, Schedule, ScheduleInfo};
/// use std::sync::{Arc, Mutex};
///
/// struct Queue(Mutex<Vec<Runnable>>);
///
/// #[derive(Clone)]
/// struct Scheduler(Arc<Queue>);
///
/// impl Schedule for Scheduler {
///     fn schedule(&self, runnable: Runnable, info: ScheduleInfo) {
///         // A task that woke itself while running (it yielded) goes to the back.
///         let _ = info.woken_while_running;
///         self.0 .0.lock().unwrap().push(runnable);
///     }
/// }
///
/// let queue = Arc::new(Queue(Mutex::new(Vec::new())));
/// let (runnable, _handle) = Builder::new().spawn(async {}, Scheduler(queue.clone()));
/// runnable.schedule();
/// assert_eq!(queue.0.lock().unwrap().len(), 1);
/// ```
pub trait Schedule: Send + Sync + 'static {
    /// Queues `runnable` to be run later.
    fn schedule(&self, runnable: Runnable, info: ScheduleInfo);
}

impl<F> Schedule for F
where
    F: Fn(Runnable) + Send + Sync + 'static,
{
    fn schedule(&self, runnable: Runnable, _info: ScheduleInfo) {
        self(runnable);
    }
}

/// What the scheduler is told about a wake-up.
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, Runnable, Schedule, ScheduleInfo};
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::sync::Arc;
///
/// struct Recorder(Arc<AtomicBool>);
/// impl Schedule for Recorder {
///     fn schedule(&self, runnable: Runnable, info: ScheduleInfo) {
///         self.0.store(info.woken_while_running, Ordering::SeqCst);
///         drop(runnable);
///     }
/// }
///
/// let yielded = Arc::new(AtomicBool::new(false));
/// let (runnable, _handle) = Builder::new().spawn(heddle_task::yield_now(), Recorder(yielded.clone()));
/// runnable.run(); // yield_now wakes the task while it runs
/// assert!(yielded.load(Ordering::SeqCst));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScheduleInfo {
    /// The task woke itself (or was woken) while it was being polled, typically because it
    /// yielded. Fair executors put such tasks at the back of their queue.
    pub woken_while_running: bool,
}

/// A task that is ready to be polled, handed to [`Schedule::schedule`].
///
/// [`run`](Runnable::run) polls the task once. Dropping a `Runnable` without running it
/// cancels the task: its future is dropped there and then, and its `JoinHandle` resolves to a
/// cancelled [`JoinError`](crate::JoinError).
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, Runnable};
///
/// let (runnable, handle) = Builder::new().name("worker").spawn(async { 1 }, |_: Runnable| {});
/// assert_eq!(runnable.name(), Some("worker"));
/// assert_eq!(runnable.id(), handle.id());
/// runnable.run();
/// assert!(handle.is_finished());
/// ```
pub struct Runnable(async_task::Runnable<TaskMeta>);

impl Runnable {
    /// Polls the task once. Returns `true` if the task woke itself while being polled (it
    /// was rescheduled through [`Schedule`] already).
    ///
    /// A panic in the task's future is caught and delivered to its `JoinHandle`; `run`
    /// itself does not unwind because of it.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async { panic!("caught") }, |_: Runnable| {});
    /// runnable.run(); // does not unwind
    /// assert!(handle.is_finished());
    /// ```
    pub fn run(self) -> bool {
        self.0.run()
    }

    /// Schedules the task through its [`Schedule`] hook, as a wake-up would.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// # use std::sync::{Arc, Mutex};
    /// let queue = Arc::new(Mutex::new(Vec::new()));
    /// let q = queue.clone();
    /// let (runnable, _handle) = Builder::new().spawn(async {}, move |r: Runnable| q.lock().unwrap().push(r));
    /// runnable.schedule();
    /// assert_eq!(queue.lock().unwrap().len(), 1);
    /// ```
    pub fn schedule(self) {
        self.0.schedule();
    }

    /// Turns the runnable into a raw pointer, for lock-free slots that hold one runnable in an
    /// atomic pointer. Turn it back with [`from_raw`](Runnable::from_raw), exactly once;
    /// until then the task is not cancelled, as if the runnable were still alive.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async { 7 }, |_: Runnable| {});
    /// let raw = runnable.into_raw();
    /// // SAFETY: `raw` came from `into_raw` and is converted back once.
    /// let runnable = unsafe { Runnable::from_raw(raw) };
    /// runnable.run();
    /// assert!(handle.is_finished());
    /// ```
    pub fn into_raw(self) -> NonNull<()> {
        self.0.into_raw()
    }

    /// Turns a pointer from [`into_raw`](Runnable::into_raw) back into the runnable.
    ///
    /// # Safety
    ///
    /// `ptr` must come from `Runnable::into_raw` and must not have been turned back already:
    /// each pointer is turned back exactly once, or the task's reference count breaks.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, _handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// let raw = runnable.into_raw();
    /// // SAFETY: `raw` came from `into_raw` and is converted back once.
    /// drop(unsafe { Runnable::from_raw(raw) });
    /// ```
    pub unsafe fn from_raw(ptr: NonNull<()>) -> Runnable {
        // The caller's contract is async-task's: `ptr` came from `into_raw` of a runnable of
        // the same metadata type (every heddle `Runnable` carries `TaskMeta`).
        // SAFETY: and the caller turns it back only once.
        Runnable(unsafe { async_task::Runnable::from_raw(ptr) })
    }

    /// A waker that schedules this task.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, _handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// let waker = runnable.waker();
    /// runnable.run();
    /// waker.wake(); // the task is finished: nothing happens
    /// ```
    pub fn waker(&self) -> Waker {
        self.0.waker()
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// assert_eq!(runnable.id(), handle.id());
    /// ```
    pub fn id(&self) -> Id {
        self.0.metadata().id()
    }

    /// The task's name, if it was given one with [`Builder::name`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, _) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// assert_eq!(runnable.name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.0.metadata().name.as_deref().map(|name| &**name)
    }

    /// Where the task was spawned (captured with `#[track_caller]` through the spawn calls).
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, _) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// assert_eq!(runnable.location().file(), file!());
    /// ```
    pub fn location(&self) -> &'static Location<'static> {
        self.0.metadata().location
    }

    /// The task's id, name and spawn location, copied out of the task.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().name("job").spawn(async {}, |_: Runnable| {});
    /// let info = runnable.info();
    /// assert_eq!((info.id(), info.name()), (handle.id(), Some("job")));
    /// ```
    pub fn info(&self) -> TaskInfo {
        TaskInfo::from_meta(self.0.metadata())
    }
}

impl fmt::Debug for Runnable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runnable")
            .field("id", &self.id())
            .field("name", &self.name())
            .field("location", &self.location())
            .finish()
    }
}

/// Configures and creates a task: its name, and (implicitly) its spawn location.
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, Runnable};
///
/// let (runnable, handle) = Builder::new()
///     .name("resolver")
///     .spawn(async { "done" }, |_: Runnable| {});
/// assert_eq!(runnable.name(), Some("resolver"));
/// runnable.run();
/// # let mut handle = std::pin::pin!(handle);
/// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// # let std::task::Poll::Ready(result) = std::future::Future::poll(handle.as_mut(), &mut cx) else { panic!() };
/// assert_eq!(result.unwrap(), "done");
/// ```
#[derive(Debug, Default, Clone)]
#[must_use = "a Builder does nothing until `spawn` is called"]
pub struct Builder<'a> {
    name: Option<&'a str>,
    location: Option<&'static Location<'static>>,
}

impl<'a> Builder<'a> {
    /// A builder for an unnamed task.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_task::Builder::new();
    /// # drop(builder);
    /// ```
    pub fn new() -> Builder<'a> {
        Builder {
            name: None,
            location: None,
        }
    }

    /// Names the task; the name shows in `Debug` output, dumps and metrics.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_task::Builder::new().name("accept-loop");
    /// # drop(builder);
    /// ```
    pub fn name(self, name: &'a str) -> Builder<'a> {
        Builder {
            name: Some(name),
            ..self
        }
    }

    /// Records `location` as the task's spawn location instead of the caller of `spawn`:
    /// for wrappers that spawn on behalf of their own `#[track_caller]` caller.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_task::{Builder, Runnable};
    /// use std::panic::Location;
    ///
    /// #[track_caller]
    /// fn spawn_here() -> Runnable {
    ///     let location = Location::caller();
    ///     let (runnable, _handle) = Builder::new().location(location).spawn(async {}, |_: Runnable| {});
    ///     runnable
    /// }
    ///
    /// let line = line!() + 1;
    /// let runnable = spawn_here();
    /// assert_eq!(runnable.location().line(), line);
    /// ```
    pub fn location(self, location: &'static Location<'static>) -> Builder<'a> {
        Builder {
            location: Some(location),
            ..self
        }
    }

    /// Creates a task from a `Send` future. Nothing runs until the returned [`Runnable`] is
    /// run or scheduled.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_task::{Builder, Runnable};
    ///
    /// let (runnable, handle) = Builder::new().spawn(async { 2 + 2 }, |_: Runnable| {});
    /// runnable.run();
    /// assert!(handle.is_finished());
    /// ```
    #[track_caller]
    pub fn spawn<F, S>(self, future: F, schedule: S) -> (Runnable, JoinHandle<F::Output>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
        S: Schedule,
    {
        let meta = self.meta();
        // `F` and its output are `Send + 'static` and `S` is `Send + Sync + 'static`, so the
        // runnable, its wakers and the task may be used and dropped on any thread at any time.
        // SAFETY: so the duties of `spawn_unchecked` hold trivially.
        unsafe { spawn_unchecked(meta, future, schedule) }
    }

    /// Creates a task from a `!Send` future, safely: the task's runnables come as
    /// [`LocalRunnable`]s, which run and drop the task only on this thread (see
    /// [`LocalRunnable`] for what happens elsewhere). `schedule` may be called on any thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_task::{Builder, LocalRunnable};
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use std::sync::{Arc, Mutex};
    ///
    /// let queue = Arc::new(Mutex::new(Vec::new()));
    /// let q = queue.clone();
    /// let counter = Rc::new(Cell::new(0));
    /// let c = counter.clone();
    /// let (runnable, handle) = Builder::new().spawn_local_checked(
    ///     async move { c.set(c.get() + 1) },
    ///     move |r: LocalRunnable| q.lock().unwrap().push(r),
    /// );
    /// runnable.run();
    /// assert!(handle.is_finished());
    /// assert_eq!(counter.get(), 1);
    /// ```
    #[track_caller]
    pub fn spawn_local_checked<F, S>(
        self,
        future: F,
        schedule: S,
    ) -> (LocalRunnable, JoinHandle<F::Output>)
    where
        F: Future + 'static,
        F::Output: 'static,
        S: LocalSchedule,
    {
        let home = local::home_thread();
        let meta = self.meta();
        let checked = local::Checked { schedule, home };
        // 1. The first runnable is returned wrapped in a `LocalRunnable` for this thread.
        // 2. Every later runnable async-task creates (a wake-up, or the final schedule that
        //    lets the executor drop a task whose handles are all gone) goes through `checked`,
        //    which wraps it the same way before any code outside this crate sees it.
        // 3. A `LocalRunnable` runs its runnable only on `home`, this thread (`run` asserts
        //    it), and drops it only there (its `Drop` leaks it anywhere else).
        // So the runnable is run and dropped only on this thread, the duty of
        // `spawn_unchecked` for a `!Send` future.
        // SAFETY: by 1–3 above.
        let (runnable, handle) = unsafe { spawn_unchecked(meta, future, checked) };
        (local::wrap(runnable, home), handle)
    }

    #[track_caller]
    fn meta(self) -> TaskMeta {
        let location = match self.location {
            Some(location) => location,
            None => Location::caller(),
        };
        TaskMeta::new(self.name.map(|name| Box::new(Box::from(name))), location)
    }
}

/// Allocates the task: one allocation holding the header (with `meta`), the scheduler and
/// the harness-wrapped future.
///
/// # Safety
///
/// If `F` is not `Send`, the runnable must be run and dropped on the calling thread (the
/// `spawn_unchecked` contract of async-task, restricted to the `'static` case).
unsafe fn spawn_unchecked<F, S>(
    meta: TaskMeta,
    future: F,
    scheduler: S,
) -> (Runnable, JoinHandle<F::Output>)
where
    F: Future + 'static,
    F::Output: 'static,
    S: Schedule,
{
    let schedule = async_task::WithInfo(move |runnable, info: async_task::ScheduleInfo| {
        scheduler.schedule(
            Runnable(runnable),
            ScheduleInfo {
                woken_while_running: info.woken_while_running,
            },
        );
    });
    // The future is `'static` and borrows nothing but its own metadata, which async-task
    // keeps pinned in the header for as long as the future lives; the schedule closure is
    // `Send + Sync + 'static`.
    // SAFETY: and a `!Send` future is confined to this thread by the caller's contract.
    let (runnable, task) = unsafe {
        async_task::Builder::new()
            .metadata(meta)
            .spawn_unchecked(move |meta: &TaskMeta| Harness::new(meta, future), schedule)
    };
    let waker = runnable.waker();
    (Runnable(runnable), JoinHandle::new(task, waker))
}
