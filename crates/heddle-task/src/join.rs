//! `JoinHandle` and `AbortHandle`: the owner's view of a spawned task.
//!
//! A `JoinHandle` is async-task's `FallibleTask` plus a clone of the task's own waker. The
//! waker is what lets `abort` (and an `AbortHandle` on another thread) reschedule an idle task
//! so that its harness sees the abort flag and drops the future; it also keeps the task
//! allocation, and so the metadata an `AbortHandle` points at, alive.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

use crate::harness::Output;
use crate::meta::TaskMeta;
use crate::{Id, JoinError};

/// An owned permission to await a task's output, `Future<Output = Result<T, JoinError>>`.
///
/// Dropping a `JoinHandle` *detaches* the task: it keeps running and its output is dropped
/// when it completes. To stop the task, call [`abort`](JoinHandle::abort).
///
/// # Cancel safety
///
/// Awaiting a `JoinHandle` is cancel safe: dropping the `.await` before it completes leaves
/// the task running and its output uncollected.
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, Runnable};
///
/// let (runnable, handle) = Builder::new().spawn(async { 6 * 7 }, |_: Runnable| {});
/// assert!(!handle.is_finished());
/// runnable.run();
/// assert!(handle.is_finished());
/// # let mut handle = std::pin::pin!(handle);
/// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// # let std::task::Poll::Ready(result) = std::future::Future::poll(handle.as_mut(), &mut cx) else { panic!() };
/// assert_eq!(result.unwrap(), 42);
/// ```
pub struct JoinHandle<T> {
    /// `Some` until dropped; taken in `Drop` to detach instead of cancelling.
    task: Option<async_task::FallibleTask<Output<T>, TaskMeta>>,
    /// The task's metadata and own waker: what `abort` needs.
    abort: AbortHandle,
}

// SAFETY: both fields are `Sync` for every `T` (async-task's task handle never hands out
// `&T`; `AbortHandle` is `Sync`), so this impl only narrows the automatic one to `T: Send`,
// as tokio's `JoinHandle` is: the output may be moved to whichever thread awaits it.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    pub(crate) fn new(task: async_task::Task<Output<T>, TaskMeta>, waker: Waker) -> JoinHandle<T> {
        let abort = AbortHandle {
            meta: NonNull::from(task.metadata()),
            waker,
        };
        JoinHandle {
            task: Some(task.fallible()),
            abort,
        }
    }

    /// Requests that the task stop. Its future is dropped the next time the executor would
    /// poll it (at once if it is idle), and the `JoinHandle` then resolves to a
    /// [`JoinError`] with [`is_cancelled`](JoinError::is_cancelled) (unless the task had
    /// already completed, in which case its output is kept). Aborting a finished task does
    /// nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_task::{Builder, Runnable};
    /// use std::sync::{Arc, Mutex};
    ///
    /// let queue = Arc::new(Mutex::new(Vec::new()));
    /// let q = queue.clone();
    /// let (runnable, handle) = Builder::new().spawn(
    ///     std::future::pending::<()>(),
    ///     move |r: Runnable| q.lock().unwrap().push(r),
    /// );
    /// runnable.run(); // pending
    /// handle.abort(); // reschedules the task
    /// let runnable = queue.lock().unwrap().pop().unwrap();
    /// runnable.run(); // drops the future instead of polling it
    /// # let mut handle = std::pin::pin!(handle);
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// # let std::task::Poll::Ready(result) = std::future::Future::poll(handle.as_mut(), &mut cx) else { panic!() };
    /// assert!(result.unwrap_err().is_cancelled());
    /// ```
    pub fn abort(&self) {
        self.abort.abort();
    }

    /// Whether the task has finished: completed, panicked or been cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// assert!(!handle.is_finished());
    /// runnable.run();
    /// assert!(handle.is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        self.task
            .as_ref()
            .is_none_or(async_task::FallibleTask::is_finished)
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// assert_eq!(handle.id(), runnable.id());
    /// ```
    pub fn id(&self) -> Id {
        self.abort.id()
    }

    /// A handle that can abort the task from anywhere, without the right to its output.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(std::future::pending::<()>(), |_: Runnable| {});
    /// let abort = handle.abort_handle();
    /// std::thread::spawn(move || abort.abort()).join().unwrap();
    /// runnable.run();
    /// assert!(handle.is_finished());
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        self.abort.clone()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let progress = std::task::ready!(crate::coop::poll_proceed(cx));
        let id = self.id();
        let task = self.task.as_mut().expect("the task is only taken by Drop");
        let output = Pin::new(task).poll(cx);
        if output.is_ready() {
            progress.made_progress();
        }
        match output {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(mut output)) => Poll::Ready(output.take()),
            // The task was closed without producing an output: its Runnable was dropped by
            // an executor shutting down (or the output was already taken by an earlier poll).
            Poll::Ready(None) => Poll::Ready(Err(JoinError::cancelled(id))),
        }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            // Detach, not cancel: a dropped JoinHandle leaves its task running. An output that
            // is already there is dropped here, through `Output`'s panic-safe Drop.
            task.detach();
        }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// Aborts a task without owning its output; cloneable and usable from any thread.
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, Runnable};
///
/// let (runnable, handle) = Builder::new().spawn(std::future::pending::<()>(), |_: Runnable| {});
/// let abort = handle.abort_handle();
/// assert_eq!(abort.id(), handle.id());
/// drop(handle); // detached, but still abortable
/// abort.abort();
/// runnable.run();
/// assert!(abort.is_finished());
/// ```
#[derive(Clone)]
pub struct AbortHandle {
    /// Points into the task allocation's header.
    ///
    /// # Invariant
    /// Valid for as long as `waker` lives: a waker holds a reference count on the task
    /// allocation, and async-task drops the header (with the metadata) only in `destroy`,
    /// once the last reference is gone.
    meta: NonNull<TaskMeta>,
    waker: Waker,
}

// `AbortHandle` only reads `TaskMeta` through a shared reference, and `TaskMeta` is `Sync`
// (atomics plus data that is immutable after spawn).
// SAFETY: the pointer is valid on any thread while the waker keeps the allocation alive.
unsafe impl Send for AbortHandle {}
// SAFETY: as above; all methods take `&self` and only touch atomics or immutable data.
unsafe impl Sync for AbortHandle {}

impl AbortHandle {
    fn meta(&self) -> &TaskMeta {
        // `TaskMeta` is only ever accessed through shared references.
        // SAFETY: `self.waker` keeps the allocation, so the metadata, alive (field invariant).
        unsafe { self.meta.as_ref() }
    }

    /// Requests that the task stop; see [`JoinHandle::abort`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(std::future::pending::<()>(), |_: Runnable| {});
    /// handle.abort_handle().abort();
    /// runnable.run();
    /// assert!(handle.is_finished());
    /// ```
    pub fn abort(&self) {
        self.meta().request_abort();
        self.waker.wake_by_ref();
    }

    /// Whether the task's future has been dropped (it completed, panicked or was cancelled).
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// let abort = handle.abort_handle();
    /// runnable.run();
    /// assert!(abort.is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        self.meta().is_finished()
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (_runnable, handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// assert_eq!(handle.abort_handle().id(), handle.id());
    /// ```
    pub fn id(&self) -> Id {
        self.meta().id()
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.id())
            .finish()
    }
}
