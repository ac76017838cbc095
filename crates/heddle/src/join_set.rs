//! `JoinSet`: a set of tasks whose outputs are collected in the order they finish.
//!
//! Each task's future carries a guard whose `Drop` (which the task harness runs exactly once,
//! whether the task completed, panicked or was aborted) queues the task's key and wakes the
//! set, so [`JoinSet::join_next`] looks only at finished tasks instead of polling them all.

use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;

use heddle_loom::Mutex;
use std::task::{Context, Poll, Waker};

use slab::Slab;

use crate::runtime::Handle;
use crate::task::{AbortHandle, Id, JoinError, JoinHandle, LocalSet};

/// A collection of spawned tasks, awaited in the order they finish.
///
/// Dropping a `JoinSet` aborts every task still in it.
///
/// # Examples
///
/// ```
/// use heddle::task::JoinSet;
///
/// let runtime = heddle::Runtime::new()?;
/// let total = runtime.block_on(async {
///     let mut set = JoinSet::new();
///     for i in 1..=10u64 {
///         set.spawn(async move { i * i });
///     }
///     let mut total = 0;
///     while let Some(result) = set.join_next().await {
///         total += result.unwrap();
///     }
///     total
/// });
/// assert_eq!(total, 385);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct JoinSet<T> {
    tasks: Slab<JoinHandle<T>>,
    /// Finished (or about to finish) tasks whose output has not been taken yet.
    notified: VecDeque<usize>,
    ready: Arc<Ready>,
}

/// Keys of tasks that finished, and the waker of the `join_next` waiting for them.
#[derive(Default)]
struct Ready {
    state: Mutex<ReadyState>,
}

#[derive(Default)]
struct ReadyState {
    keys: VecDeque<usize>,
    waker: Option<Waker>,
}

impl Ready {
    fn notify(&self, key: usize) {
        let waker = {
            let mut state = self.state.lock();
            state.keys.push_back(key);
            state.waker.take()
        };
        // Woken outside the lock.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

pin_project_lite::pin_project! {
    /// A task's future plus the guard that reports its end to the set.
    struct Notifying<F> {
        #[pin]
        future: F,
        guard: NotifyOnDrop,
    }
}

struct NotifyOnDrop {
    key: usize,
    ready: Arc<Ready>,
}

impl Drop for NotifyOnDrop {
    fn drop(&mut self) {
        self.ready.notify(self.key);
    }
}

impl<F: Future> Future for Notifying<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().future.poll(cx)
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

impl<T> JoinSet<T> {
    /// An empty set.
    ///
    /// # Examples
    ///
    /// ```
    /// let set = heddle::task::JoinSet::<u32>::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn new() -> JoinSet<T> {
        JoinSet {
            tasks: Slab::new(),
            notified: VecDeque::new(),
            ready: Arc::default(),
        }
    }

    /// How many tasks are in the set (running, or finished and not yet joined).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     set.spawn(async {});
    ///     assert_eq!(set.len(), 1);
    ///     set.join_next().await;
    ///     assert_eq!(set.len(), 0);
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether the set holds no task.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle::task::JoinSet::<()>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    fn insert<F>(
        &mut self,
        future: F,
        spawn: impl FnOnce(Notifying<F>) -> JoinHandle<T>,
    ) -> AbortHandle {
        let entry = self.tasks.vacant_entry();
        let guard = NotifyOnDrop {
            key: entry.key(),
            ready: self.ready.clone(),
        };
        let handle = spawn(Notifying { future, guard });
        let abort = handle.abort_handle();
        entry.insert(handle);
        abort
    }

    /// Spawns `future` onto the current runtime and adds it to the set.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, like [`heddle::spawn`](crate::spawn).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     let abort = set.spawn(std::future::pending::<()>());
    ///     abort.abort();
    ///     assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.insert(future, crate::spawn)
    }

    /// Spawns a `!Send` future, as [`heddle::spawn_local`](crate::spawn_local) does (onto the
    /// current [`LocalSet`](crate::task::LocalSet), else the current-thread runtime), and adds
    /// it.
    ///
    /// # Panics
    ///
    /// As [`heddle::spawn_local`](crate::spawn_local).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     let rc = std::rc::Rc::new(3);
    ///     set.spawn_local(async move { *rc });
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 3);
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(future, crate::spawn_local)
    }

    /// Spawns a `!Send` future onto `local_set` and adds it. It runs when the set is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// let local = heddle::task::LocalSet::new();
    /// let mut set = heddle::task::JoinSet::new();
    /// let rc = std::rc::Rc::new(8);
    /// set.spawn_local_on(async move { *rc }, &local);
    /// let runtime = heddle::Runtime::new()?;
    /// let eight = local.block_on(&runtime, async { set.join_next().await.unwrap().unwrap() });
    /// assert_eq!(eight, 8);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, future: F, local_set: &LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(future, |future| local_set.spawn_local(future))
    }

    /// Spawns `future` onto the runtime behind `handle` and adds it to the set.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// let handle = runtime.handle().clone();
    /// let mut set = heddle::task::JoinSet::new();
    /// set.spawn_on(async { 4 }, &handle);
    /// let four = runtime.block_on(async { set.join_next().await.unwrap().unwrap() });
    /// assert_eq!(four, 4);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(&mut self, future: F, handle: &Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.insert(future, |future| handle.spawn(future))
    }

    /// Runs `f` on the current runtime's blocking pool and adds it to the set. Aborting it
    /// only works before it starts, as for [`heddle::spawn_blocking`](crate::spawn_blocking).
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, like [`heddle::spawn_blocking`](crate::spawn_blocking).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     set.spawn_blocking(|| 6 * 7);
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 42);
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert_blocking(f, None)
    }

    /// Runs `f` on the blocking pool of `handle`'s runtime and adds it to the set. Aborting
    /// it only works before it starts, as for [`JoinSet::spawn_blocking`].
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let mut set = heddle::task::JoinSet::new();
    /// set.spawn_blocking_on(|| 6 * 7, runtime.handle());
    /// let answer = runtime.block_on(async { set.join_next().await.unwrap().unwrap() });
    /// assert_eq!(answer, 42);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert_blocking(f, Some(handle))
    }

    /// Spawns `f` onto the blocking pool of `handle`'s runtime (the current one with
    /// `None`) and adds it to the set.
    #[track_caller]
    fn insert_blocking<F>(&mut self, f: F, handle: Option<&Handle>) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let entry = self.tasks.vacant_entry();
        let guard = NotifyOnDrop {
            key: entry.key(),
            ready: self.ready.clone(),
        };
        // The guard goes with the closure: it reports the end whether `f` ran, panicked or
        // was dropped unrun (runtime shut down).
        let blocking = move || {
            let _guard = guard;
            f()
        };
        let handle = match handle {
            Some(handle) => handle.spawn_blocking(blocking),
            None => crate::spawn_blocking(blocking),
        };
        let abort = handle.abort_handle();
        entry.insert(handle);
        abort
    }

    /// Waits for the next task to finish and returns its result; `None` when the set is
    /// empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no task's output is lost;
    /// the next call returns it.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::<u8>::new();
    ///     assert!(set.join_next().await.is_none());
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// The poll behind [`join_next`](JoinSet::join_next).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     set.spawn(async { 1 });
    ///     let first = std::future::poll_fn(|cx| set.poll_join_next(cx)).await;
    ///     assert_eq!(first.unwrap().unwrap(), 1);
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_join_next_with_id(cx)
            .map(|next| next.map(|result| result.map(|(_, output)| output)))
    }

    /// Like [`join_next`](JoinSet::join_next), with the finished task's id.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as `join_next`.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     let abort = set.spawn(async { "done" });
    ///     let (id, output) = set.join_next_with_id().await.unwrap().unwrap();
    ///     assert_eq!((id, output), (abort.id(), "done"));
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// The poll behind [`join_next_with_id`](JoinSet::join_next_with_id).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     set.spawn(async { 1 });
    ///     let first = std::future::poll_fn(|cx| set.poll_join_next_with_id(cx)).await;
    ///     assert_eq!(first.unwrap().unwrap().1, 1);
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
        if self.tasks.is_empty() {
            return Poll::Ready(None);
        }
        {
            let mut state = self.ready.state.lock();
            self.notified.extend(state.keys.drain(..));
            state.waker = Some(cx.waker().clone());
        }
        // A notified task's guard ran when its future was dropped; its output lands a moment
        // later, and polling its handle registers this waker for that moment.
        for _ in 0..self.notified.len() {
            let Some(key) = self.notified.pop_front() else {
                break;
            };
            let Some(handle) = self.tasks.get_mut(key) else {
                continue;
            };
            let id = handle.id();
            match Pin::new(handle).poll(cx) {
                Poll::Ready(result) => {
                    self.tasks.remove(key);
                    return Poll::Ready(Some(result.map(|output| (id, output))));
                }
                Poll::Pending => self.notified.push_back(key),
            }
        }
        Poll::Pending
    }

    /// The result of a task that has finished, if one has; never waits. `None` when no task
    /// has finished yet (or the set is empty).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     set.spawn(async { 5 });
    ///     assert!(set.try_join_next().is_none()); // not run yet
    ///     heddle::task::yield_now().await;
    ///     assert_eq!(set.try_join_next().unwrap().unwrap(), 5);
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_join_next_with_id()
            .map(|result| result.map(|(_, output)| output))
    }

    /// Like [`try_join_next`](JoinSet::try_join_next), with the finished task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     let abort = set.spawn(async {});
    ///     heddle::task::yield_now().await;
    ///     assert_eq!(set.try_join_next_with_id().unwrap().unwrap().0, abort.id());
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        let mut cx = Context::from_waker(Waker::noop());
        match self.poll_join_next_with_id(&mut cx) {
            Poll::Ready(next) => next,
            Poll::Pending => None,
        }
    }

    /// Waits for every task and returns their outputs in the order they finished.
    ///
    /// # Panics
    ///
    /// If a task panicked, its panic resumes here (the other tasks are aborted when the set
    /// drops); if a task was aborted, this panics with its error.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// let mut outputs = runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     for i in 0..4 {
    ///         set.spawn(async move { i });
    ///     }
    ///     set.join_all().await
    /// });
    /// outputs.sort();
    /// assert_eq!(outputs, [0, 1, 2, 3]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn join_all(mut self) -> Vec<T> {
        let mut outputs = Vec::with_capacity(self.len());
        while let Some(result) = self.join_next().await {
            match result {
                Ok(output) => outputs.push(output),
                Err(error) => match error.try_into_panic() {
                    Ok(payload) => std::panic::resume_unwind(payload),
                    Err(error) => panic!("a task of `join_all` did not finish: {error}"),
                },
            }
        }
        outputs
    }

    /// Removes every task from the set without aborting them: they run on, detached.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     let (tx, rx) = heddle::sync::oneshot::channel();
    ///     let mut set = heddle::task::JoinSet::new();
    ///     set.spawn(async move { tx.send(1).unwrap() });
    ///     set.detach_all();
    ///     assert!(set.is_empty());
    ///     assert_eq!(rx.await.unwrap(), 1);
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn detach_all(&mut self) {
        self.tasks.clear();
        self.notified.clear();
        self.ready.state.lock().keys.clear();
    }

    /// Aborts every task in the set (they stay in it until joined).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     for _ in 0..3 {
    ///         set.spawn(std::future::pending::<()>());
    ///     }
    ///     set.abort_all();
    ///     while let Some(result) = set.join_next().await {
    ///         assert!(result.unwrap_err().is_cancelled());
    ///     }
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn abort_all(&self) {
        for (_, handle) in &self.tasks {
            handle.abort();
        }
    }

    /// Aborts every task and waits until all of them have stopped.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Runtime::new()?;
    /// runtime.block_on(async {
    ///     let mut set = heddle::task::JoinSet::new();
    ///     set.spawn(std::future::pending::<()>());
    ///     set.shutdown().await;
    ///     assert!(set.is_empty());
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }
}

/// Spawns every future of the iterator onto the current runtime.
///
/// # Examples
///
/// ```
/// use heddle::task::JoinSet;
///
/// let runtime = heddle::Runtime::new()?;
/// let total: u32 = runtime.block_on(async {
///     let set: JoinSet<u32> = (1..=3).map(|i| async move { i }).collect();
///     set.join_all().await.into_iter().sum()
/// });
/// assert_eq!(total, 6);
/// # Ok::<(), std::io::Error>(())
/// ```
impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> Self {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

/// Spawns every future of the iterator onto the current runtime.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Runtime::new()?;
/// runtime.block_on(async {
///     let mut set = heddle::task::JoinSet::new();
///     set.extend((1..=2).map(|i| async move { i }));
///     assert_eq!(set.len(), 2);
/// });
/// # Ok::<(), std::io::Error>(())
/// ```
impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for future in iter {
            self.spawn(future);
        }
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len()).finish()
    }
}
