//! Thread-checked `!Send` tasks: [`Builder::spawn_local_checked`](crate::Builder::spawn_local_checked)
//! hands out [`LocalRunnable`]s, which run and drop their task only on the thread that
//! spawned it, so that an executor of `!Send` tasks can be written without `unsafe`.
//!
//! A plain [`Runnable`] is `Send`: a wake-up on another thread passes the runnable to the
//! scheduler there, and running or dropping it there would poll or drop a `!Send` future on
//! the wrong thread. A `LocalRunnable` is `Send` too, but it checks the thread itself before
//! it runs or drops the task (see its docs). Every runnable of a checked task (the first one,
//! and every one a wake-up or the last dropped handle creates) reaches code outside this
//! crate only inside a `LocalRunnable`; that is what makes the spawn safe.
//!
//! The home thread is recognised by a process-unique index kept in a thread-local (one read
//! per check), not by `std::thread::current()`.

use std::fmt;
use std::mem::ManuallyDrop;
use std::num::NonZeroU64;
use std::task::Waker;

use crate::{thread_index, Id, Runnable, Schedule, ScheduleInfo, TaskInfo};

/// The hook through which a task spawned with
/// [`Builder::spawn_local_checked`](crate::Builder::spawn_local_checked) asks to be run: the
/// [`Schedule`] of thread-checked `!Send` tasks.
///
/// It may be called on any thread (a task woken by a timer or another thread is scheduled
/// there), and should push the runnable onto a queue that the home thread drains. Closures
/// `Fn(LocalRunnable) + Send + Sync + 'static` implement it.
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, LocalRunnable, LocalSchedule, ScheduleInfo};
/// use std::sync::{Arc, Mutex};
///
/// #[derive(Clone)]
/// struct Queue(Arc<Mutex<Vec<LocalRunnable>>>);
///
/// impl LocalSchedule for Queue {
///     fn schedule(&self, runnable: LocalRunnable, _info: ScheduleInfo) {
///         self.0.lock().unwrap().push(runnable);
///     }
/// }
///
/// let queue = Queue(Arc::new(Mutex::new(Vec::new())));
/// let rc = std::rc::Rc::new(1);
/// let (runnable, handle) = Builder::new().spawn_local_checked(
///     async move {
///         heddle_task::yield_now().await;
///         *rc
///     },
///     queue.clone(),
/// );
/// runnable.run(); // yields: the task schedules itself
/// let again = queue.0.lock().unwrap().pop().unwrap();
/// again.run();
/// assert!(handle.is_finished());
/// ```
pub trait LocalSchedule: Send + Sync + 'static {
    /// Queues `runnable` to be run later on its home thread.
    fn schedule(&self, runnable: LocalRunnable, info: ScheduleInfo);
}

impl<F> LocalSchedule for F
where
    F: Fn(LocalRunnable) + Send + Sync + 'static,
{
    fn schedule(&self, runnable: LocalRunnable, _info: ScheduleInfo) {
        self(runnable);
    }
}

/// A runnable of a `!Send` task that runs and drops the task only on its home thread, the
/// thread that spawned it; made by
/// [`Builder::spawn_local_checked`](crate::Builder::spawn_local_checked).
///
/// It is `Send`, so it may travel through any queue, but it checks the thread itself:
///
/// * [`run`](LocalRunnable::run) on another thread panics, without polling the task;
/// * dropping it on the home thread cancels the task (the future is dropped there, and the
///   `JoinHandle` resolves to a cancelled [`JoinError`](crate::JoinError)); dropping it on
///   another thread leaks the task instead: the future is never polled or dropped again, and
///   the `JoinHandle` never resolves.
///
/// The leak is the last resort of a sound API, not something an executor should rely on: a
/// correct executor keeps accepting its tasks' runnables until it has dropped every task it
/// owns on its thread.
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, LocalRunnable};
/// use std::rc::Rc;
///
/// let value = Rc::new(5);
/// let (runnable, handle) =
///     Builder::new().spawn_local_checked(async move { *value }, |_: LocalRunnable| {});
/// assert!(runnable.is_home_thread());
/// runnable.run();
/// assert!(handle.is_finished());
/// ```
///
/// On another thread it refuses to run, and dropping it there leaks the task:
///
/// ```
/// use heddle_task::{Builder, LocalRunnable};
///
/// let (runnable, handle) =
///     Builder::new().spawn_local_checked(async { 1 }, |_: LocalRunnable| {});
/// let result = std::thread::spawn(move || {
///     assert!(!runnable.is_home_thread());
///     runnable.run();
/// })
/// .join();
/// assert!(result.is_err());
/// assert!(!handle.is_finished());
/// ```
pub struct LocalRunnable {
    /// `Some` until `run` takes it or `Drop` disposes of it.
    runnable: Option<Runnable>,
    /// The index of the thread that spawned the task, or [`NOWHERE`] if it had none (the task
    /// can then run nowhere and is leaked when dropped). Not an `Option`: the unused value 0
    /// lets an executor's queue entry (`Runnable` or `LocalRunnable`) fit in two words.
    home: NonZeroU64,
}

/// The home of a task spawned where no thread index could be had (what [`thread_index`]
/// answers when the access is refused): no thread has this index (indices count up from 1).
const NOWHERE: NonZeroU64 = NonZeroU64::MAX;

impl LocalRunnable {
    fn new(runnable: Runnable, home: NonZeroU64) -> LocalRunnable {
        LocalRunnable {
            runnable: Some(runnable),
            home,
        }
    }

    fn runnable(&self) -> &Runnable {
        self.runnable
            .as_ref()
            .expect("a LocalRunnable holds its runnable until it is run or dropped")
    }

    /// Whether this thread is the task's home thread, where it may run and be dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, LocalRunnable};
    /// let (runnable, _handle) = Builder::new().spawn_local_checked(async {}, |_: LocalRunnable| {});
    /// assert!(runnable.is_home_thread());
    /// ```
    #[inline]
    pub fn is_home_thread(&self) -> bool {
        self.home != NOWHERE && thread_index() == self.home.get()
    }

    /// Polls the task once, as [`Runnable::run`] does. Returns `true` if the task woke itself
    /// while being polled.
    ///
    /// # Panics
    ///
    /// Panics on any thread other than the task's home thread, without polling the task (the
    /// runnable is then dropped there, which leaks the task). A panic in the task's future is
    /// caught and delivered to its `JoinHandle`, as with `Runnable::run`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, LocalRunnable};
    /// let (runnable, handle) = Builder::new().spawn_local_checked(async {}, |_: LocalRunnable| {});
    /// runnable.run();
    /// assert!(handle.is_finished());
    /// ```
    #[track_caller]
    #[inline]
    pub fn run(self) -> bool {
        assert!(
            self.is_home_thread(),
            "a `!Send` task was run on a thread other than the one that spawned it"
        );
        // On the home thread nothing is left for `Drop` to check once the runnable is out.
        let runnable = ManuallyDrop::new(self)
            .runnable
            .take()
            .expect("a LocalRunnable holds its runnable until it is run or dropped");
        runnable.run()
    }

    /// A waker that schedules this task.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, LocalRunnable};
    /// let (runnable, _handle) = Builder::new().spawn_local_checked(async {}, |_: LocalRunnable| {});
    /// let waker = runnable.waker();
    /// runnable.run();
    /// waker.wake(); // the task is finished: nothing happens
    /// ```
    pub fn waker(&self) -> Waker {
        self.runnable().waker()
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, LocalRunnable};
    /// let (runnable, handle) = Builder::new().spawn_local_checked(async {}, |_: LocalRunnable| {});
    /// assert_eq!(runnable.id(), handle.id());
    /// ```
    pub fn id(&self) -> Id {
        self.runnable().id()
    }

    /// The task's id, name and spawn location.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, LocalRunnable};
    /// let (runnable, _) =
    ///     Builder::new().name("ui").spawn_local_checked(async {}, |_: LocalRunnable| {});
    /// assert_eq!(runnable.info().name(), Some("ui"));
    /// ```
    pub fn info(&self) -> TaskInfo {
        self.runnable().info()
    }
}

impl Drop for LocalRunnable {
    fn drop(&mut self) {
        let Some(runnable) = self.runnable.take() else {
            return;
        };
        if self.is_home_thread() {
            // Cancels the task: async-task closes it and drops the future here, on its home
            // thread (the harness catches a panic from the future's `Drop`).
            drop(runnable);
        } else {
            // Dropping it here would drop a `!Send` future on a foreign thread: leak the task.
            std::mem::forget(runnable);
        }
    }
}

impl fmt::Debug for LocalRunnable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("LocalRunnable");
        if let Some(runnable) = &self.runnable {
            debug
                .field("id", &runnable.id())
                .field("name", &runnable.name());
        }
        debug.field("home_thread", &self.is_home_thread()).finish()
    }
}

/// The [`Schedule`] hook of a checked local task: wraps each runnable async-task hands out in
/// a [`LocalRunnable`] before the user's hook sees it.
pub(crate) struct Checked<S> {
    pub(crate) schedule: S,
    pub(crate) home: NonZeroU64,
}

impl<S: LocalSchedule> Schedule for Checked<S> {
    fn schedule(&self, runnable: Runnable, info: ScheduleInfo) {
        self.schedule
            .schedule(LocalRunnable::new(runnable, self.home), info);
    }
}

/// This thread's index: the home thread of a checked local task spawned here.
pub(crate) fn home_thread() -> NonZeroU64 {
    NonZeroU64::new(thread_index()).unwrap_or(NOWHERE)
}

/// Wraps a runnable of a checked local task whose home thread is `home`.
pub(crate) fn wrap(runnable: Runnable, home: NonZeroU64) -> LocalRunnable {
    LocalRunnable::new(runnable, home)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Builder;
    use std::cell::Cell;
    use std::future::Future;
    use std::pin::pin;
    use std::rc::Rc;
    use std::sync::{mpsc, Arc};

    use crate::loom::unmodelled::Mutex;
    use std::task::{Context, Poll};
    use std::thread::{self, ThreadId};

    type Queue = Arc<Mutex<Vec<LocalRunnable>>>;

    fn queue() -> (Queue, impl Fn(LocalRunnable) + Send + Sync + 'static) {
        let queue: Queue = Arc::default();
        let q = queue.clone();
        (queue, move |runnable| q.lock().push(runnable))
    }

    /// Records the thread it is dropped on.
    struct OnDrop(Arc<Mutex<Vec<ThreadId>>>);

    impl Drop for OnDrop {
        fn drop(&mut self) {
            self.0.lock().push(thread::current().id());
        }
    }

    fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
        std::pin::Pin::new(future).poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn a_wake_on_another_thread_queues_the_runnable_for_the_home_thread() {
        let (queue, schedule) = queue();
        let drops = Arc::new(Mutex::new(Vec::new()));
        let polls = Rc::new(Cell::new(0));
        let (waker_tx, waker_rx) = mpsc::channel();
        let future = {
            let (token, polls) = (OnDrop(drops.clone()), polls.clone());
            async move {
                let _token = token;
                std::future::poll_fn(|cx| {
                    polls.set(polls.get() + 1);
                    if polls.get() == 1 {
                        waker_tx.send(cx.waker().clone()).unwrap();
                        Poll::Pending
                    } else {
                        Poll::Ready(7)
                    }
                })
                .await
            }
        };
        let (runnable, mut handle) = Builder::new().spawn_local_checked(future, schedule);
        assert!(!runnable.run());
        let waker: Waker = waker_rx.recv().unwrap();
        thread::spawn(move || waker.wake()).join().unwrap();
        let runnable = queue.lock().pop().unwrap();
        // The runnable may travel: on another thread it is not at home.
        let (back_tx, back_rx) = mpsc::channel();
        thread::spawn(move || {
            assert!(!runnable.is_home_thread());
            back_tx.send(runnable).unwrap();
        })
        .join()
        .unwrap();
        let runnable = back_rx.recv().unwrap();
        assert!(runnable.is_home_thread());
        runnable.run();
        assert_eq!(polls.get(), 2);
        assert!(matches!(poll_once(&mut handle), Poll::Ready(Ok(7))));
        assert_eq!(*drops.lock(), [thread::current().id()]);
    }

    #[test]
    fn dropping_at_home_cancels_the_task_once() {
        let (queue, schedule) = queue();
        let drops = Arc::new(Mutex::new(Vec::new()));
        let token = OnDrop(drops.clone());
        let (runnable, mut handle) = Builder::new().spawn_local_checked(
            async move {
                let _token = token;
                std::future::pending::<()>().await;
            },
            schedule,
        );
        runnable.run();
        handle.abort_handle().abort();
        let runnable = queue.lock().pop().unwrap();
        assert!(format!("{runnable:?}").contains("home_thread: true"));
        drop(runnable);
        assert_eq!(*drops.lock(), [thread::current().id()]);
        assert!(matches!(poll_once(&mut handle), Poll::Ready(Err(e)) if e.is_cancelled()));
        // A closed task is never scheduled again.
        handle.abort_handle().abort();
        assert!(queue.lock().is_empty());
    }

    #[test]
    fn a_never_run_runnable_dropped_at_home_drops_the_future() {
        let (_queue, schedule) = queue();
        let drops = Arc::new(Mutex::new(Vec::new()));
        let token = OnDrop(drops.clone());
        let rc = Rc::new(1);
        let (runnable, handle) = Builder::new().name("never").spawn_local_checked(
            async move {
                let _token = token;
                *rc
            },
            schedule,
        );
        assert_eq!(runnable.info().name(), Some("never"));
        assert_eq!(runnable.id(), handle.id());
        drop(runnable);
        assert_eq!(drops.lock().len(), 1);
        let mut handle = pin!(handle);
        let result = handle
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        assert!(matches!(result, Poll::Ready(Err(e)) if e.is_cancelled()));
    }
}
