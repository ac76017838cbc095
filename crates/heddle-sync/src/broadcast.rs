//! A multi-producer, multi-consumer channel where every receiver sees every value.
//!
//! # What to pick
//!
//! Use it to fan events out to many listeners (configuration reloads, chat messages). The
//! channel keeps the last `capacity` values; a receiver that falls further behind is told how
//! many it missed with [`RecvError::Lagged`], never silently. If
//! listeners only need the latest state, [`watch`](crate::watch) is simpler.
//!
//! # Semantics
//!
//! - [`Sender::send`] never waits: when the buffer is full, the oldest value is overwritten.
//!   It fails (handing the value back) only if no receiver exists.
//! - A lagging receiver gets `Lagged(n)` with the exact number of values it missed, then
//!   continues from the oldest value still retained.
//! - When every sender is gone, receivers drain what they have not seen, then get `Closed`.

use crate::loom::Mutex;
use crate::waiters::WakeList;
use slab::Slab;
use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Poll, Waker};

pub mod error {
    //! Errors of the [`broadcast`](super) channel.

    use std::fmt;

    /// No receiver exists; the value is handed back.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::broadcast::channel(1);
    /// drop(rx);
    /// assert_eq!(tx.send(1).unwrap_err().0, 1);
    /// ```
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// The error from [`Receiver::recv`](super::Receiver::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::broadcast::{self, error::RecvError};
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = broadcast::channel(1);
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.recv().await, Err(RecvError::Lagged(1)));
    /// assert_eq!(rx.recv().await, Ok(2));
    /// # });
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum RecvError {
        /// Every sender is gone and everything was received.
        Closed,
        /// The receiver missed this many values; the next `recv` continues from the oldest one
        /// retained.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => f.write_str("channel closed"),
                RecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for RecvError {}

    /// The error from [`Receiver::try_recv`](super::Receiver::try_recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (_tx, mut rx) = broadcast::channel::<u8>(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum TryRecvError {
        /// Nothing new right now.
        Empty,
        /// Every sender is gone and everything was received.
        Closed,
        /// The receiver missed this many values.
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
                TryRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use error::{RecvError, SendError, TryRecvError};

struct State<T> {
    /// The retained values; `buf[i]` has position `head + i`.
    buf: VecDeque<T>,
    /// Position of `buf[0]`; positions count every value ever sent.
    head: u64,
    tx_count: usize,
    rx_count: usize,
    /// One slot per receiver, holding the waker of its pending `recv`.
    wakers: Slab<Option<Waker>>,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    capacity: usize,
}

/// Creates a broadcast channel retaining the last `capacity` values.
///
/// # Panics
///
/// If `capacity` is 0.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut a) = heddle_sync::broadcast::channel(4);
/// let mut b = tx.subscribe();
/// tx.send("hi").unwrap();
/// assert_eq!(a.recv().await, Ok("hi"));
/// assert_eq!(b.recv().await, Ok("hi"));
/// # });
/// ```
#[track_caller]
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(
        capacity > 0,
        "broadcast channel capacity must be greater than 0"
    );
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            buf: VecDeque::new(),
            head: 0,
            tx_count: 1,
            rx_count: 0,
            wakers: Slab::new(),
        }),
        capacity,
    });
    let rx = Receiver::new(shared.clone());
    (Sender { shared }, rx)
}

/// The sending half; clone it for more producers.
///
/// # Examples
///
/// ```
/// let (tx, mut rx) = heddle_sync::broadcast::channel(2);
/// assert_eq!(tx.send(1).unwrap(), 1); // one receiver saw it
/// assert_eq!(rx.try_recv(), Ok(1));
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A receiving half; each receiver sees every value sent after it subscribed.
///
/// # Examples
///
/// ```
/// let (tx, _rx) = heddle_sync::broadcast::channel(2);
/// let mut late = tx.subscribe();
/// tx.send(5).unwrap();
/// assert_eq!(late.try_recv(), Ok(5));
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// Position of the next value to receive.
    next: u64,
    /// This receiver's waker slot.
    key: usize,
}

impl<T> Sender<T> {
    /// Sends `value` to every receiver, overwriting the oldest retained value if the buffer is
    /// full. Returns how many receivers exist.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the value if there is no receiver.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::broadcast::channel(1);
    /// assert_eq!(tx.send(1).unwrap(), 1);
    /// drop(rx);
    /// assert!(tx.send(2).is_err());
    /// ```
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut wakers = WakeList::new();
        let (overwritten, receivers) = {
            let mut state = self.shared.state.lock();
            if state.rx_count == 0 {
                return Err(SendError(value));
            }
            state.buf.push_back(value);
            let overwritten = if state.buf.len() > self.shared.capacity {
                state.head += 1;
                state.buf.pop_front()
            } else {
                None
            };
            for (_, waker) in state.wakers.iter_mut() {
                wakers.push(waker.take());
            }
            (overwritten, state.rx_count)
        };
        drop(overwritten);
        wakers.wake_all();
        Ok(receivers)
    }

    /// A new receiver that sees values sent from now on.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// let _rx2 = tx.subscribe();
    /// assert_eq!(tx.receiver_count(), 2);
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        Receiver::new(self.shared.clone())
    }

    /// How many receivers exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// drop(rx);
    /// assert_eq!(tx.receiver_count(), 0);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.state.lock().rx_count
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.state.lock().tx_count += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut wakers = WakeList::new();
        {
            let mut state = self.shared.state.lock();
            state.tx_count -= 1;
            if state.tx_count == 0 {
                for (_, waker) in state.wakers.iter_mut() {
                    wakers.push(waker.take());
                }
            }
        }
        wakers.wake_all();
    }
}

impl<T> Receiver<T> {
    fn new(shared: Arc<Shared<T>>) -> Self {
        let (next, key) = {
            let mut state = shared.state.lock();
            state.rx_count += 1;
            let next = state.head + state.buf.len() as u64;
            (next, state.wakers.insert(None))
        };
        Receiver { shared, next, key }
    }

    /// A new receiver on the same channel that starts at the newest position (it does not see
    /// values already sent).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// let mut rx2 = rx.resubscribe();
    /// assert!(rx2.try_recv().is_err());
    /// ```
    pub fn resubscribe(&self) -> Self {
        Receiver::new(self.shared.clone())
    }

    /// How many values this receiver has not yet seen (including any it lagged over).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let state = self.shared.state.lock();
        (state.head + state.buf.len() as u64 - self.next) as usize
    }

    /// Whether this receiver has seen every value sent so far.
    ///
    /// # Examples
    ///
    /// ```
    /// let (_tx, rx) = heddle_sync::broadcast::channel::<u8>(2);
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: Clone> Receiver<T> {
    /// The next value for a receiver at position `next`, advancing it; `None` means wait.
    fn take(next: &mut u64, state: &State<T>) -> Option<Result<T, TryRecvError>> {
        if *next < state.head {
            let missed = state.head - *next;
            *next = state.head;
            return Some(Err(TryRecvError::Lagged(missed)));
        }
        let index = (*next - state.head) as usize;
        if let Some(value) = state.buf.get(index) {
            *next += 1;
            return Some(Ok(value.clone()));
        }
        if state.tx_count == 0 {
            return Some(Err(TryRecvError::Closed));
        }
        None
    }

    /// Receives the next value.
    ///
    /// # Errors
    ///
    /// [`RecvError::Lagged`] with the exact number of missed values (the next call continues
    /// from the oldest retained one), or [`RecvError::Closed`] once every sender is gone and
    /// everything was received.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a pending `recv` does not advance the receiver; the next call gets the
    /// value.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.recv().await, Ok(1));
    /// assert!(rx.recv().await.is_err());
    /// # });
    /// ```
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        poll_fn(|cx| {
            let Receiver { shared, next, key } = &mut *self;
            let mut state = shared.state.lock();
            match Self::take(next, &state) {
                Some(Ok(value)) => Poll::Ready(Ok(value)),
                Some(Err(TryRecvError::Lagged(n))) => Poll::Ready(Err(RecvError::Lagged(n))),
                Some(Err(_)) => Poll::Ready(Err(RecvError::Closed)),
                None => {
                    let slot = &mut state.wakers[*key];
                    match slot {
                        Some(w) if w.will_wake(cx.waker()) => {}
                        _ => *slot = Some(cx.waker().clone()),
                    }
                    Poll::Pending
                }
            }
        })
        .await
    }

    /// Receives the next value without waiting.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`], [`TryRecvError::Lagged`] or [`TryRecvError::Closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::broadcast::channel(1);
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let state = self.shared.state.lock();
        Self::take(&mut self.next, &state).unwrap_or(Err(TryRecvError::Empty))
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let waker = {
            let mut state = self.shared.state.lock();
            state.rx_count -= 1;
            state.wakers.remove(self.key)
        };
        drop(waker);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Receiver")
            .field("next", &self.next)
            .finish()
    }
}
