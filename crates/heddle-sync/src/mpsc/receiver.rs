//! The receiving half of a bounded channel, [`Receiver`]: receiving, closing and the queries
//! about the channel a receiver may make. The receive loop itself is `chan.rs`'s, shared
//! with the unbounded channel; the sending side is `bounded.rs`.

use super::bounded::opaque_debug;
use super::chan::Rx;
use super::error::TryRecvError;
use std::fmt;
use std::future::Future;
use std::task::{Context, Poll};

/// The receiving half of a bounded channel.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
/// tx.send(1).await.unwrap();
/// assert_eq!(rx.recv().await, Some(1));
/// # });
/// ```
pub struct Receiver<T> {
    pub(super) rx: Rx<T>,
}

impl<T> Receiver<T> {
    /// Receives the next message; `None` once the channel is finished (see the
    /// [module docs](super)).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a pending `recv` never consumes a message; if it is dropped, the next call
    /// gets the message.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
    /// tx.send(1).await.unwrap();
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// ```
    pub fn recv(&mut self) -> impl Future<Output = Option<T>> + '_ {
        self.rx.recv()
    }

    /// Receives up to `limit` messages into `buffer`, waiting for at least one; returns how many
    /// were added. `0` means the channel is finished (or `limit` is 0).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`recv`](Self::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(4);
    /// for i in 0..3 { tx.send(i).await.unwrap(); }
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buf, 2).await, 2);
    /// assert_eq!(buf, [0, 1]);
    /// # });
    /// ```
    pub fn recv_many<'a>(
        &'a mut self,
        buffer: &'a mut Vec<T>,
        limit: usize,
    ) -> impl Future<Output = usize> + 'a {
        self.rx.recv_many(buffer, limit)
    }

    /// Polls for the next message (the poll form of [`recv`](Self::recv)).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
    /// tx.send(1).await.unwrap();
    /// assert_eq!(std::future::poll_fn(|cx| rx.poll_recv(cx)).await, Some(1));
    /// # });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.rx.poll_recv(cx)
    }

    /// Receives the next message from synchronous code, blocking the thread until one comes;
    /// `None` once the channel is finished. The blocking twin of [`recv`](Self::recv).
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
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(4);
    /// let consumer = std::thread::spawn(move || {
    ///     let mut sum = 0;
    ///     while let Some(n) = rx.blocking_recv() {
    ///         sum += n;
    ///     }
    ///     sum
    /// });
    /// # futures::executor::block_on(async {
    /// for n in 1..=4 {
    ///     tx.send(n).await.unwrap();
    /// }
    /// # });
    /// drop(tx);
    /// assert_eq!(consumer.join().unwrap(), 10);
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        crate::wait::block_on("mpsc::Receiver::blocking_recv", "recv().await", self.recv())
    }

    /// Receives up to `limit` messages into `buffer` from synchronous code, blocking the
    /// thread until at least one comes; returns how many were added (`0`: the channel is
    /// finished, or `limit` is 0). The blocking twin of [`recv_many`](Self::recv_many).
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
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(4);
    /// tx.try_send(1).unwrap();
    /// tx.try_send(2).unwrap();
    /// drop(tx);
    /// let mut buffer = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buffer, 8), 2);
    /// assert_eq!(buffer, [1, 2]);
    /// assert_eq!(rx.blocking_recv_many(&mut buffer, 8), 0);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        crate::wait::block_on(
            "mpsc::Receiver::blocking_recv_many",
            "recv_many(buffer, limit).await",
            self.recv_many(buffer, limit),
        )
    }

    /// Takes a buffered message without waiting.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if nothing is buffered but more may come,
    /// [`TryRecvError::Disconnected`] if the channel is finished.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.rx.try_recv()
    }

    /// Closes the channel: sends that have not reserved a slot fail and hand their value back,
    /// pending senders are released with an error, and buffered messages (plus those from
    /// permits granted before the close) can still be received.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(2);
    /// tx.send(1).await.unwrap();
    /// rx.close();
    /// assert!(tx.send(2).await.is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    pub fn close(&mut self) {
        self.rx.close();
    }

    /// Whether the channel is closed: [`close`](Self::close) was called or every [`Sender`](super::Sender)
    /// is gone. Buffered messages can still be received; `recv` returns `None` once they are
    /// drained.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// assert!(!rx.is_closed());
    /// tx.try_send(1).unwrap();
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
    /// let (_tx, rx) = heddle_sync::mpsc::channel::<u8>(1);
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
    /// let (tx, rx) = heddle_sync::mpsc::channel(2);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.rx.len()
    }

    /// Free slots right now (the same as [`Sender::capacity`](super::Sender::capacity)).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::mpsc::channel(3);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.capacity(), 2);
    /// ```
    pub fn capacity(&self) -> usize {
        self.rx.chan().slots().available_permits()
    }

    /// The bound given to [`channel`](super::channel).
    ///
    /// # Examples
    ///
    /// ```
    /// let (_tx, rx) = heddle_sync::mpsc::channel::<u8>(3);
    /// assert_eq!(rx.max_capacity(), 3);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.rx.chan().capacity()
    }

    /// Polls for up to `limit` messages, moving them into `buffer` (the poll form of
    /// [`recv_many`](Self::recv_many)). `Ready(0)` means the channel is finished, or `limit` is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(4);
    /// tx.send(1).await.unwrap();
    /// tx.send(2).await.unwrap();
    /// let mut buffer = Vec::new();
    /// let n = std::future::poll_fn(|cx| rx.poll_recv_many(cx, &mut buffer, 8)).await;
    /// assert_eq!((n, buffer), (2, vec![1, 2]));
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

    /// How many [`Sender`](super::Sender)(super::Sender)s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(rx.sender_strong_count(), 0);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.rx.chan().strong_count()
    }

    /// How many [`WeakSender`](super::WeakSender)s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.rx.chan().weak_count()
    }
}

opaque_debug!(Receiver);
