//! The bounded channel: [`channel`], [`Sender`] and [`WeakSender`]; the [`Receiver`] is in
//! `receiver.rs`, the permits senders hand out in `permit.rs`.
//!
//! A sender first reserves a slot (a permit of the slot queue), then pushes; the receiver gives
//! the slot back when it pops. Back-pressure is therefore fair: senders waiting for room are
//! served in FIFO order.

use super::chan::{self, AcquireSlot, Tx, WeakTx};
use super::error::{SendError, SendTimeoutError, TrySendError};
use super::permit::{OwnedPermit, Permit, PermitIterator};
use super::receiver::Receiver;
use crate::waiters::Refused;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::{ready, Poll};
use std::time::Duration;

/// Creates a bounded channel holding at most `buffer` messages.
///
/// # Panics
///
/// If `buffer` is 0 (a rendezvous channel is not supported) or above
/// [`Semaphore::MAX_PERMITS`](crate::Semaphore::MAX_PERMITS).
///
/// # Examples
///
/// ```
/// use heddle_sync::mpsc;
///
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = mpsc::channel(8);
/// tx.send(1).await?;
/// drop(tx);
/// assert_eq!(rx.recv().await, Some(1));
/// assert_eq!(rx.recv().await, None);
/// # Ok::<(), mpsc::error::SendError<i32>>(())
/// # }).unwrap();
/// ```
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    assert!(
        buffer <= crate::Semaphore::MAX_PERMITS,
        "mpsc bounded channel buffer must be at most Semaphore::MAX_PERMITS"
    );
    let (tx, rx) = chan::channel(Some(buffer));
    (Sender { tx }, Receiver { rx })
}

/// The sending half of a bounded channel; clone it for more producers.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = heddle_sync::mpsc::channel(2);
/// let tx2 = tx.clone();
/// tx.send("a").await.unwrap();
/// tx2.send("b").await.unwrap();
/// assert_eq!(rx.recv().await, Some("a"));
/// # });
/// ```
pub struct Sender<T> {
    pub(super) tx: Tx<T>,
}

/// A sender that does not keep the channel open; [`upgrade`](WeakSender::upgrade) it to send.
///
/// # Examples
///
/// ```
/// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
/// let weak = tx.downgrade();
/// assert!(weak.upgrade().is_some());
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakSender<T> {
    weak: WeakTx<T>,
}

impl<T> Sender<T> {
    /// Waits for room, then sends `value`.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the value if the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// If the future is dropped before it completes, `value` is dropped and not sent; the
    /// place in the queue of waiting senders is given up, and a slot granted but unused is
    /// passed to the next sender.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_sync::mpsc::channel(1);
    /// drop(rx);
    /// assert_eq!(tx.send(1).await.unwrap_err().0, 1);
    /// # });
    /// ```
    pub fn send(&self, value: T) -> impl Future<Output = Result<(), SendError<T>>> + '_ {
        let mut value = Some(value);
        // `Some` while queued for a slot. With room and nobody queued before us, the first poll
        // sends without it.
        let mut waiting: Option<AcquireSlot<'_, T>> = None;
        poll_fn(move |cx| {
            let acquired = match &mut waiting {
                Some(slot) => ready!(Pin::new(slot).poll(cx)),
                None => match self.tx.try_acquire_slots(1) {
                    Err(Refused::NoPermits) => {
                        ready!(Pin::new(waiting.insert(self.tx.acquire_slots(1))).poll(cx))
                    }
                    acquired => acquired,
                },
            };
            waiting = None;
            let value = value.take().expect("`send` polled after completion");
            Poll::Ready(match acquired {
                Ok(()) => Permit {
                    chan: self.tx.chan(),
                }
                .try_send(value)
                .map_err(SendError),
                Err(_) => Err(SendError(value)),
            })
        })
    }

    /// Sends `value`, waiting at most `timeout` for room (tokio's `send_timeout`). Room
    /// found on the first poll wins, even with a zero timeout.
    ///
    /// # Errors
    ///
    /// [`SendTimeoutError::Timeout`] if the channel stayed full for `timeout`, or
    /// [`SendTimeoutError::Closed`] if the receiver is closed or dropped; both hand the value
    /// back.
    ///
    /// # Panics
    ///
    /// If the channel is full and no timer is installed (see [`crate::timer`]; the `heddle`
    /// facade installs one when it builds a runtime).
    ///
    /// # Cancel safety
    ///
    /// As [`send`](Sender::send): dropping the future drops `value` and passes a slot granted
    /// to it to the next sender.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::mpsc::{self, error::SendTimeoutError};
    /// use std::time::Duration;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// // Room right away: no timer is needed.
    /// tx.send_timeout(1, Duration::ZERO).await.unwrap();
    /// assert_eq!(rx.recv().await, Some(1));
    /// drop(rx);
    /// assert_eq!(tx.send_timeout(2, Duration::ZERO).await, Err(SendTimeoutError::Closed(2)));
    /// # });
    /// ```
    pub async fn send_timeout(
        &self,
        value: T,
        timeout: Duration,
    ) -> Result<(), SendTimeoutError<T>> {
        let mut reserve = pin!(self.reserve());
        // Started only if the first poll finds no room.
        let mut sleep = None;
        let reserved = poll_fn(|cx| {
            if let Poll::Ready(reserved) = reserve.as_mut().poll(cx) {
                return Poll::Ready(Some(reserved));
            }
            let sleep = sleep.get_or_insert_with(|| crate::timer::sleep(timeout));
            sleep.as_mut().poll(cx).map(|()| None)
        })
        .await;
        match reserved {
            Some(Ok(permit)) => permit.try_send(value).map_err(SendTimeoutError::Closed),
            Some(Err(_)) => Err(SendTimeoutError::Closed(value)),
            None => Err(SendTimeoutError::Timeout(value)),
        }
    }

    /// Sends `value` if there is room right now.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] or [`TrySendError::Closed`], both with the value.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
    /// tx.try_send(1).unwrap();
    /// assert!(tx.try_send(2).is_err());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.try_reserve() {
            Ok(permit) => permit.try_send(value).map_err(TrySendError::Closed),
            Err(TrySendError::Full(())) => Err(TrySendError::Full(value)),
            Err(TrySendError::Closed(())) => Err(TrySendError::Closed(value)),
        }
    }

    /// Sends `value` from synchronous code, blocking the thread until there is room: the
    /// blocking twin of [`send`](Self::send), for threads outside any runtime.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the value if the receiver is closed or dropped.
    ///
    /// # Panics
    ///
    /// If called on a thread that drives a runtime (inside `block_on`, or a worker running
    /// tasks): blocking there would stall its tasks. Use `send(value).await` in async code;
    /// call `blocking_send` from `spawn_blocking` or a plain thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
    /// let producer = std::thread::spawn(move || {
    ///     for i in 0..3 {
    ///         tx.blocking_send(i).unwrap();
    ///     }
    /// });
    /// # futures::executor::block_on(async {
    /// for i in 0..3 {
    ///     assert_eq!(rx.recv().await, Some(i));
    /// }
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// producer.join().unwrap();
    /// ```
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        crate::wait::block_on(
            "mpsc::Sender::blocking_send",
            "send(value).await",
            self.send(value),
        )
    }

    /// Waits for a slot and reserves it.
    ///
    /// # Errors
    ///
    /// [`SendError`] if the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe and fair: dropping the future leaves the queue, and a slot granted to it but
    /// not yet observed passes to the next sender.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let permit = tx.reserve().await.unwrap();
    /// assert_eq!(tx.capacity(), 0);
    /// drop(permit);
    /// assert_eq!(tx.capacity(), 1);
    /// # });
    /// ```
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        match self.tx.acquire_slots(1).await {
            Ok(()) => Ok(Permit {
                chan: self.tx.chan(),
            }),
            Err(_) => Err(SendError(())),
        }
    }

    /// Reserves a slot if one is free right now.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] or [`TrySendError::Closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let _permit = tx.try_reserve().unwrap();
    /// assert!(tx.try_reserve().is_err());
    /// ```
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        match self.tx.try_acquire_slots(1) {
            Ok(()) => Ok(Permit {
                chan: self.tx.chan(),
            }),
            Err(Refused::NoPermits) => Err(TrySendError::Full(())),
            Err(Refused::Closed) => Err(TrySendError::Closed(())),
        }
    }

    /// Waits for `n` slots and reserves them all at once (in turn with other waiting senders);
    /// the iterator yields one [`Permit`] per slot.
    ///
    /// # Errors
    ///
    /// [`SendError`] if the receiver is closed or dropped, or if `n` exceeds
    /// [`max_capacity`](Self::max_capacity) (the slots could never all be free).
    ///
    /// # Cancel safety
    ///
    /// As for [`reserve`](Self::reserve): the slots are granted all together, so a dropped
    /// future never holds some of them.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(2);
    /// for (i, permit) in tx.reserve_many(2).await.unwrap().enumerate() {
    ///     permit.send(i);
    /// }
    /// assert_eq!(rx.recv().await, Some(0));
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert!(tx.reserve_many(3).await.is_err());
    /// # });
    /// ```
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        if n > self.max_capacity() {
            return Err(SendError(()));
        }
        match self.tx.acquire_slots(n).await {
            Ok(()) => Ok(PermitIterator {
                chan: self.tx.chan(),
                n,
            }),
            Err(_) => Err(SendError(())),
        }
    }

    /// Reserves `n` slots if that many are free right now (and no sender waits before us).
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] if fewer slots are free or `n` exceeds
    /// [`max_capacity`](Self::max_capacity); [`TrySendError::Closed`] if the receiver is
    /// closed or dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(3);
    /// let permits = tx.try_reserve_many(2).unwrap();
    /// assert!(tx.try_reserve_many(2).is_err());
    /// drop(permits);
    /// assert_eq!(tx.capacity(), 3);
    /// ```
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        if n > self.max_capacity() {
            return Err(TrySendError::Full(()));
        }
        match self.tx.try_acquire_slots(n) {
            Ok(()) => Ok(PermitIterator {
                chan: self.tx.chan(),
                n,
            }),
            Err(Refused::NoPermits) => Err(TrySendError::Full(())),
            Err(Refused::Closed) => Err(TrySendError::Closed(())),
        }
    }

    /// Waits for a slot and reserves it, moving the sender into the permit.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the sender if the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// As for [`reserve`](Self::reserve).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
    /// let permit = tx.reserve_owned().await.unwrap();
    /// permit.send(1);
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// ```
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<Self>> {
        let acquired = self.tx.acquire_slots(1).await;
        match acquired {
            Ok(()) => Ok(OwnedPermit { sender: Some(self) }),
            Err(_) => Err(SendError(self)),
        }
    }

    /// Reserves a slot now, moving the sender into the permit.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] or [`TrySendError::Closed`], with the sender.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let permit = tx.clone().try_reserve_owned().unwrap();
    /// assert!(tx.try_reserve_owned().is_err());
    /// # drop(permit);
    /// ```
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Self>> {
        match self.tx.try_acquire_slots(1) {
            Ok(()) => Ok(OwnedPermit { sender: Some(self) }),
            Err(Refused::NoPermits) => Err(TrySendError::Full(self)),
            Err(Refused::Closed) => Err(TrySendError::Closed(self)),
        }
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
    /// let (tx, rx) = heddle_sync::mpsc::channel::<u8>(1);
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
    /// let (tx, mut rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// rx.close();
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.tx.chan().is_rx_closed()
    }

    /// Free slots right now.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel(3);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(tx.capacity(), 2);
    /// ```
    pub fn capacity(&self) -> usize {
        self.tx.chan().slots().available_permits()
    }

    /// The bound given to [`channel`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(3);
    /// assert_eq!(tx.max_capacity(), 3);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.tx.chan().capacity()
    }

    /// A [`WeakSender`] for this channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().unwrap().same_channel(&tx));
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        WeakSender {
            weak: self.tx.downgrade(),
        }
    }

    /// Whether both senders feed the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        self.tx.same_channel(&other.tx)
    }

    /// How many [`Sender`]s of this channel are alive (weak senders not counted).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// drop(tx2);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.tx.chan().strong_count()
    }

    /// How many [`WeakSender`]s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// drop(weak);
    /// assert_eq!(tx.weak_count(), 0);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.tx.chan().weak_count()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            tx: self.tx.clone(),
        }
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], if any sender is still alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        self.weak.upgrade().map(|tx| Sender { tx })
    }

    /// How many [`Sender`]s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(weak.strong_count(), 0);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.weak.chan().strong_count()
    }

    /// How many [`WeakSender`]s of this channel are alive, this one included.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.clone().weak_count(), 2);
    /// assert_eq!(weak.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.weak.chan().weak_count()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        WeakSender {
            weak: self.weak.clone(),
        }
    }
}

macro_rules! opaque_debug {
    ($($ty:ident $(<$lt:lifetime>)?),*) => {$(
        impl<$($lt,)? T> fmt::Debug for $ty<$($lt,)? T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(concat!("mpsc::", stringify!($ty))).finish_non_exhaustive()
            }
        }
    )*};
}
pub(super) use opaque_debug;

opaque_debug!(Sender, WeakSender);
