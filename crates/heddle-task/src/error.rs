//! `JoinError`: why a task did not produce its output.

use std::any::Any;
use std::fmt;
use std::io;

use crate::loom::unmodelled::Mutex;

use crate::Id;

/// The error a [`JoinHandle`](crate::JoinHandle) resolves to when its task did not complete:
/// it was cancelled (aborted, or dropped by its executor's shutdown), or its future panicked.
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
///     async { panic!("boom") },
///     move |r: Runnable| q.lock().unwrap().push(r),
/// );
/// runnable.run(); // the panic is caught and stored for the JoinHandle
///
/// let err = futures_lite_block_on(handle).unwrap_err();
/// assert!(err.is_panic());
/// let payload = err.into_panic();
/// assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
/// # fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// ```
pub struct JoinError {
    id: Id,
    repr: Repr,
}

enum Repr {
    Cancelled,
    /// The payload behind a `Mutex` only to make `JoinError: Sync`; it is never locked while
    /// shared, only taken by value.
    Panic(Mutex<Box<dyn Any + Send + 'static>>),
}

impl JoinError {
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError {
            id,
            repr: Repr::Cancelled,
        }
    }

    pub(crate) fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError {
            id,
            repr: Repr::Panic(Mutex::new(payload)),
        }
    }

    /// Whether the task was cancelled (aborted, or dropped by its executor) before completing.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_task::{Builder, Runnable};
    ///
    /// let (runnable, handle) = Builder::new().spawn(async { 1 }, |_: Runnable| {});
    /// drop(runnable); // an executor shutting down drops the task without running it
    /// # let mut handle = std::pin::pin!(handle);
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// # let std::task::Poll::Ready(result) = std::future::Future::poll(handle.as_mut(), &mut cx) else { panic!() };
    /// assert!(result.unwrap_err().is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// Whether the task's future panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async { panic!() }, |_: Runnable| {});
    /// runnable.run();
    /// # let mut handle = std::pin::pin!(handle);
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// # let std::task::Poll::Ready(result) = std::future::Future::poll(handle.as_mut(), &mut cx) else { panic!() };
    /// assert!(result.unwrap_err().is_panic());
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The panic payload, to inspect or to re-raise with [`std::panic::resume_unwind`].
    ///
    /// # Panics
    ///
    /// Panics if the error is not a panic ([`is_panic`](Self::is_panic) is false); use
    /// [`try_into_panic`](Self::try_into_panic) to get the error back instead.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async { panic!("oh no") }, |_: Runnable| {});
    /// runnable.run();
    /// # let mut handle = std::pin::pin!(handle);
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// # let std::task::Poll::Ready(result) = std::future::Future::poll(handle.as_mut(), &mut cx) else { panic!() };
    /// let payload = result.unwrap_err().into_panic();
    /// assert_eq!(*payload.downcast::<&str>().unwrap(), "oh no");
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("`JoinError::into_panic` called on an error that is not a panic")
    }

    /// The panic payload, or the error itself if the task was cancelled.
    ///
    /// # Errors
    ///
    /// Returns `Err(self)` when the task was cancelled rather than panicking.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// drop(runnable);
    /// # let mut handle = std::pin::pin!(handle);
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// # let std::task::Poll::Ready(result) = std::future::Future::poll(handle.as_mut(), &mut cx) else { panic!() };
    /// let err = result.unwrap_err().try_into_panic().unwrap_err();
    /// assert!(err.is_cancelled());
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(payload) => Ok(payload.into_inner()),
            Repr::Cancelled => Err(self),
        }
    }

    /// The id of the task that failed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// let id = handle.id();
    /// drop(runnable);
    /// # let mut handle = std::pin::pin!(handle);
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// # let std::task::Poll::Ready(result) = std::future::Future::poll(handle.as_mut(), &mut cx) else { panic!() };
    /// assert_eq!(result.unwrap_err().id(), id);
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    /// The panic message, when the payload is a string (as with `panic!("...")`).
    fn panic_message(&self) -> Option<String> {
        let Repr::Panic(payload) = &self.repr else {
            return None;
        };
        let payload = payload.lock();
        if let Some(s) = payload.downcast_ref::<&'static str>() {
            Some((*s).to_owned())
        } else {
            payload.downcast_ref::<String>().cloned()
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "task {} was cancelled", self.id),
            (Repr::Panic(_), Some(message)) => {
                write!(f, "task {} panicked with message {message:?}", self.id)
            }
            (Repr::Panic(_), None) => write!(f, "task {} panicked", self.id),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "JoinError::Cancelled({:?})", self.id),
            (Repr::Panic(_), Some(message)) => {
                write!(f, "JoinError::Panic({:?}, {message:?}, ...)", self.id)
            }
            (Repr::Panic(_), None) => write!(f, "JoinError::Panic({:?}, ...)", self.id),
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for io::Error {
    fn from(error: JoinError) -> io::Error {
        io::Error::other(error.to_string())
    }
}
