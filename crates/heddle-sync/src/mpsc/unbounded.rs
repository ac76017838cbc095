//! The unbounded channel: [`UnboundedSender`], [`UnboundedReceiver`], [`WeakUnboundedSender`].
//!
//! Sending never waits; memory is the only bound, so prefer a bounded channel unless the
//! producer is naturally limited (for example, one message per incoming request that is
//! itself bounded elsewhere).

use super::bounded::opaque_debug;
use super::chan::{self, Rx, Tx, WeakTx};
use super::error::{SendError, TryRecvError};
use std::fmt;
use std::future::Future;
use std::task::{Context, Poll};

/// Creates an unbounded channel.
///
/// # Examples
///
/// ```
/// use heddle_sync::mpsc;
///
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = mpsc::unbounded_channel();
/// tx.send(1).unwrap();
/// drop(tx);
/// assert_eq!(rx.recv().await, Some(1));
/// assert_eq!(rx.recv().await, None);
/// # });
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let (tx, rx) = chan::channel(None);
    (UnboundedSender { tx }, UnboundedReceiver { rx })
}

/// The sending half of an unbounded channel.
///
/// # Examples
///
/// ```
/// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel();
/// tx.clone().send(1).unwrap();
/// assert_eq!(rx.try_recv(), Ok(1));
/// ```
pub struct UnboundedSender<T> {
    tx: Tx<T>,
}

/// An unbounded sender that does not keep the channel open.
///
/// # Examples
///
/// ```
/// let (tx, _rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
/// let weak = tx.downgrade();
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakUnboundedSender<T> {
    weak: WeakTx<T>,
}

/// The receiving half of an unbounded channel.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel();
/// tx.send("x").unwrap();
/// assert_eq!(rx.recv().await, Some("x"));
/// # });
/// ```
pub struct UnboundedReceiver<T> {
    rx: Rx<T>,
}

impl<T> UnboundedSender<T> {
    /// Sends `value` without waiting.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the value if the receiver is closed or dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// rx.close();
    /// assert_eq!(tx.send(2).unwrap_err().0, 2);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.tx.chan().push(value).map_err(SendError)
    }

    /// Completes when the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// drop(rx);
    /// tx.closed().await;
    /// # });
    /// ```
    pub async fn closed(&self) {
        self.tx.chan().rx_closed().await
    }

    /// Whether the receiver is closed or dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.tx.chan().is_rx_closed()
    }

    /// A [`WeakUnboundedSender`] for this channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// assert!(tx.downgrade().upgrade().is_some());
    /// ```
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        WeakUnboundedSender {
            weak: self.tx.downgrade(),
        }
    }

    /// Whether both senders feed the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        self.tx.same_channel(&other.tx)
    }

    /// How many [`UnboundedSender`]s of this channel are alive (weak senders not counted).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(tx.clone().strong_count(), 2);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.tx.chan().strong_count()
    }

    /// How many [`WeakUnboundedSender`]s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.tx.chan().weak_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        UnboundedSender {
            tx: self.tx.clone(),
        }
    }
}

impl<T> WeakUnboundedSender<T> {
    /// An [`UnboundedSender`], if any sender is still alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// ```
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        self.weak.upgrade().map(|tx| UnboundedSender { tx })
    }

    /// How many [`UnboundedSender`]s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// let weak = tx.downgrade();
    /// drop(tx);
    /// assert_eq!(weak.strong_count(), 0);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.weak.chan().strong_count()
    }

    /// How many [`WeakUnboundedSender`]s of this channel are alive, this one included.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.weak.chan().weak_count()
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> Self {
        WeakUnboundedSender {
            weak: self.weak.clone(),
        }
    }
}

impl<T> UnboundedReceiver<T> {
    /// Receives the next message; `None` once every sender is gone (or the receiver closed)
    /// and the buffer is drained.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a pending `recv` never consumes a message.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// ```
    pub fn recv(&mut self) -> impl Future<Output = Option<T>> + '_ {
        self.rx.recv()
    }

    /// Receives up to `limit` messages into `buffer`, waiting for at least one; returns how many
    /// were added (`0`: finished, or `limit` is 0).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`recv`](Self::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buf, 10).await, 2);
    /// # });
    /// ```
    pub fn recv_many<'a>(
        &'a mut self,
        buffer: &'a mut Vec<T>,
        limit: usize,
    ) -> impl Future<Output = usize> + 'a {
        self.rx.recv_many(buffer, limit)
    }

    /// Polls for the next message.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(std::future::poll_fn(|cx| rx.poll_recv(cx)).await, Some(1));
    /// # });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.rx.poll_recv(cx)
    }

    /// Receives the next message from synchronous code, blocking the thread until one comes;
    /// `None` once every sender is gone (or the receiver closed) and the buffer is drained.
    /// The blocking twin of [`recv`](Self::recv).
    ///
    /// # Panics
    ///
    /// If called on a thread that drives a runtime (inside `block_on`, or a worker running
    /// tasks): blocking there would stall its tasks. Use `recv().await` in async code; call
    /// `blocking_recv` from `spawn_blocking` or a plain thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel();
    /// let producer = std::thread::spawn(move || {
    ///     tx.send("hello").unwrap();
    /// });
    /// assert_eq!(rx.blocking_recv(), Some("hello"));
    /// producer.join().unwrap();
    /// assert_eq!(rx.blocking_recv(), None);
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        crate::wait::block_on(
            "mpsc::UnboundedReceiver::blocking_recv",
            "recv().await",
            self.recv(),
        )
    }

    /// Receives up to `limit` messages into `buffer` from synchronous code, blocking the
    /// thread until at least one comes; returns how many were added (`0`: finished, or
    /// `limit` is 0). The blocking twin of [`recv_many`](Self::recv_many).
    ///
    /// # Panics
    ///
    /// If called on a thread that drives a runtime (inside `block_on`, or a worker running
    /// tasks): blocking there would stall its tasks. Use `recv_many(buffer, limit).await` in
    /// async code; call `blocking_recv_many` from `spawn_blocking` or a plain thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel();
    /// for i in 0..3 {
    ///     tx.send(i).unwrap();
    /// }
    /// let mut buffer = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buffer, 2), 2);
    /// assert_eq!(buffer, [0, 1]);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        crate::wait::block_on(
            "mpsc::UnboundedReceiver::blocking_recv_many",
            "recv_many(buffer, limit).await",
            self.recv_many(buffer, limit),
        )
    }

    /// Takes a buffered message without waiting.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] or [`TryRecvError::Disconnected`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// drop(tx);
    /// assert!(rx.try_recv().is_err());
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.rx.try_recv()
    }

    /// Closes the channel: later sends fail and hand their value back; buffered messages can
    /// still be received.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// rx.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn close(&mut self) {
        self.rx.close();
    }

    /// Whether the channel is closed: [`close`](Self::close) was called or every
    /// [`UnboundedSender`] is gone. Buffered messages can still be received.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// tx.send(1).unwrap();
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn is_closed(&self) -> bool {
        self.rx.is_closed()
    }

    /// Whether nothing is buffered.
    ///
    /// # Examples
    ///
    /// ```
    /// let (_tx, rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rx.len() == 0
    }

    /// How many messages are buffered.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::mpsc::unbounded_channel();
    /// tx.send(()).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.rx.len()
    }

    /// Polls for up to `limit` messages, moving them into `buffer` (the poll form of
    /// [`recv_many`](Self::recv_many)). `Ready(0)` means the channel is finished, or `limit` is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// let mut buffer = Vec::new();
    /// let n = std::future::poll_fn(|cx| rx.poll_recv_many(cx, &mut buffer, 8)).await;
    /// assert_eq!((n, buffer), (1, vec![1]));
    /// # });
    /// ```
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        self.rx.poll_recv_many(cx, buffer, limit)
    }

    /// How many [`UnboundedSender`]s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(rx.sender_strong_count(), 0);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.rx.chan().strong_count()
    }

    /// How many [`WeakUnboundedSender`]s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::mpsc::unbounded_channel::<u8>();
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.rx.chan().weak_count()
    }
}

opaque_debug!(UnboundedSender, WeakUnboundedSender, UnboundedReceiver);
