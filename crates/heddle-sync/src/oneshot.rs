//! A channel for sending exactly one value from one task to another.
//!
//! # What to pick
//!
//! Use it for a reply: a request carries a [`Sender`], the requester awaits the [`Receiver`].
//! For a stream of values use [`mpsc`](crate::mpsc); for "the latest value" use
//! [`watch`](crate::watch).
//!
//! # Semantics
//!
//! - [`Sender::send`] returns `Err(value)` if and only if the receiver was dropped or closed.
//! - The [`Receiver`] is a future resolving to `Ok(value)`, or to [`error::RecvError`] if and
//!   only if the sender was dropped without sending.
//! - After [`Receiver::close`], a value sent before the close can still be taken with
//!   [`Receiver::try_recv`] (or by awaiting the receiver).

use crate::loom::Mutex;
use crate::waiters::WakeList;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

pub mod error {
    //! Errors of the [`oneshot`](super) channel.

    use std::fmt;

    /// The sender was dropped without sending a value.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<u32>();
    /// drop(tx);
    /// assert_eq!(futures::executor::block_on(rx), Err(oneshot::error::RecvError(())));
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct RecvError(pub ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}

    /// The error from [`Receiver::try_recv`](super::Receiver::try_recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel::<u32>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum TryRecvError {
        /// No value yet; the sender is still alive.
        Empty,
        /// The sender was dropped without sending, or the value was already taken.
        Closed,
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use error::{RecvError, TryRecvError};

struct State<T> {
    value: Option<T>,
    /// The sender sent or was dropped: no value will come after this.
    tx_done: bool,
    /// The receiver closed or was dropped: sends fail.
    rx_closed: bool,
    /// The receiver took the value (so later polls report `Closed`).
    taken: bool,
    rx_waker: Option<Waker>,
    tx_waker: Option<Waker>,
}

struct Inner<T> {
    state: Mutex<State<T>>,
}

/// Creates a oneshot channel.
///
/// # Examples
///
/// ```
/// use heddle_sync::oneshot;
///
/// # futures::executor::block_on(async {
/// let (tx, rx) = oneshot::channel();
/// std::thread::spawn(move || tx.send(7).unwrap());
/// assert_eq!(rx.await, Ok(7));
/// # });
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner {
        state: Mutex::new(State {
            value: None,
            tx_done: false,
            rx_closed: false,
            taken: false,
            rx_waker: None,
            tx_waker: None,
        }),
    });
    (
        Sender {
            inner: Some(inner.clone()),
        },
        Receiver { inner },
    )
}

/// Sends the one value; see [`channel`].
///
/// # Examples
///
/// ```
/// let (tx, mut rx) = heddle_sync::oneshot::channel();
/// tx.send("hi").unwrap();
/// assert_eq!(rx.try_recv(), Ok("hi"));
/// ```
pub struct Sender<T> {
    /// `None` once `send` consumed it.
    inner: Option<Arc<Inner<T>>>,
}

/// Receives the one value; a future resolving to `Result<T, RecvError>`.
///
/// # Cancel safety
///
/// Awaiting `&mut Receiver` is cancel safe: a pending poll never consumes the value, which stays
/// in the channel for the next poll or [`try_recv`](Receiver::try_recv).
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, rx) = heddle_sync::oneshot::channel();
/// tx.send(1).unwrap();
/// assert_eq!(rx.await, Ok(1));
/// # });
/// ```
pub struct Receiver<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Sender<T> {
    fn inner(&self) -> &Inner<T> {
        self.inner
            .as_ref()
            .expect("a Sender holds its channel until it sends")
    }

    /// Sends `value`, consuming the sender.
    ///
    /// # Errors
    ///
    /// `Err(value)` if and only if the receiver was dropped or closed; the value is handed back.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(3), Err(3));
    /// ```
    pub fn send(mut self, value: T) -> Result<(), T> {
        let inner = self
            .inner
            .take()
            .expect("a Sender holds its channel until it sends");
        let (result, waker) = {
            let mut state = inner.state.lock();
            // Sent or not, no value will come after this call.
            state.tx_done = true;
            let result = if state.rx_closed {
                Err(value)
            } else {
                state.value = Some(value);
                Ok(())
            };
            (result, state.rx_waker.take())
        };
        let mut wakers = WakeList::new();
        wakers.push(waker);
        wakers.wake_all();
        result
    }

    /// Whether the receiver was dropped or closed (a send would fail).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::oneshot::channel::<u8>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner().state.lock().rx_closed
    }

    /// Polls for the receiver to be dropped or closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// # futures::executor::block_on(async {
    /// let (mut tx, rx) = heddle_sync::oneshot::channel::<u8>();
    /// drop(rx);
    /// poll_fn(|cx| tx.poll_closed(cx)).await;
    /// # });
    /// ```
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.inner().state.lock();
        if state.rx_closed {
            return Poll::Ready(());
        }
        match &mut state.tx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Completes when the receiver is dropped or closed; use it to stop computing a reply
    /// nobody will read.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (mut tx, mut rx) = heddle_sync::oneshot::channel::<u8>();
    /// rx.close();
    /// tx.closed().await;
    /// # });
    /// ```
    pub async fn closed(&mut self) {
        poll_fn(|cx| self.poll_closed(cx)).await
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let waker = {
            let mut state = inner.state.lock();
            state.tx_done = true;
            state.rx_waker.take()
        };
        let mut wakers = WakeList::new();
        wakers.push(waker);
        wakers.wake_all();
    }
}

impl<T> Receiver<T> {
    /// Takes the value if it has been sent.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if nothing was sent yet, [`TryRecvError::Closed`] if the sender
    /// was dropped without sending or the value was already taken.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::oneshot::channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut state = self.inner.state.lock();
        if let Some(value) = state.value.take() {
            state.taken = true;
            Ok(value)
        } else if state.tx_done || state.taken {
            Err(TryRecvError::Closed)
        } else {
            Err(TryRecvError::Empty)
        }
    }

    /// Closes the channel: later sends fail and hand their value back. A value sent before the
    /// close can still be received.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::oneshot::channel();
    /// rx.close();
    /// assert_eq!(tx.send(1), Err(1));
    /// ```
    pub fn close(&mut self) {
        let waker = {
            let mut state = self.inner.state.lock();
            state.rx_closed = true;
            state.tx_waker.take()
        };
        let mut wakers = WakeList::new();
        wakers.push(waker);
        wakers.wake_all();
    }

    /// Whether the channel is finished: the value was taken, or the sender is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::oneshot::channel::<u8>();
    /// assert!(!rx.is_terminated());
    /// drop(tx);
    /// assert!(rx.is_terminated());
    /// ```
    pub fn is_terminated(&self) -> bool {
        let state = self.inner.state.lock();
        state.taken || (state.tx_done && state.value.is_none())
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // One budget unit per receive (see `heddle_task::coop`); refunded if not ready.
        let progress = std::task::ready!(heddle_task::coop::poll_proceed(cx));
        let result = self.poll_value(cx);
        if result.is_ready() {
            progress.made_progress();
        }
        result
    }
}

impl<T> Receiver<T> {
    fn poll_value(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>> {
        let mut state = self.inner.state.lock();
        if let Some(value) = state.value.take() {
            state.taken = true;
            return Poll::Ready(Ok(value));
        }
        if state.tx_done || state.taken {
            return Poll::Ready(Err(RecvError(())));
        }
        match &mut state.rx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let (value, waker) = {
            let mut state = self.inner.state.lock();
            state.rx_closed = true;
            (state.value.take(), state.tx_waker.take())
        };
        // The unreceived value is dropped here, outside the lock.
        drop(value);
        let mut wakers = WakeList::new();
        wakers.push(waker);
        wakers.wake_all();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Receiver").finish_non_exhaustive()
    }
}
