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
//!   A [`WeakSender`] does not keep the channel open.
//!
//! Everything lives behind one lock (`State`): the retained values, the handle counts, and per
//! receiver its waker and the position it reads next (so [`Sender::len`] can tell how many
//! values some receiver has not seen yet).

use crate::loom::Mutex;
use crate::waiters::WakeList;
use crate::Notify;
use slab::Slab;
use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Poll, Waker};

pub mod error;

use error::{RecvError, SendError, TryRecvError};

struct State<T> {
    /// The retained values; `buf[i]` has position `head + i`.
    buf: VecDeque<T>,
    /// Position of `buf[0]`; positions count every value ever sent.
    head: u64,
    tx_count: usize,
    weak_count: usize,
    rx_count: usize,
    /// One slot per receiver.
    receivers: Slab<RxSlot>,
}

/// What the channel knows of one receiver.
struct RxSlot {
    /// The waker of its pending `recv`.
    waker: Option<Waker>,
    /// The position it reads next (a copy of `Receiver::next`, updated under the lock).
    next: u64,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    capacity: usize,
    /// Woken when the last receiver goes (`Sender::closed`).
    no_receivers: Notify,
}

impl<T> State<T> {
    /// The position the next sent value gets.
    fn tail(&self) -> u64 {
        self.head + self.buf.len() as u64
    }

    /// Takes every receiver's waker, for a send or the last sender leaving.
    fn take_wakers(&mut self, wakers: &mut WakeList) {
        for (_, slot) in self.receivers.iter_mut() {
            wakers.push(slot.waker.take());
        }
    }
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
    let tx = Sender::new(capacity);
    let rx = tx.subscribe();
    (tx, rx)
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

/// A sender that does not keep the channel open; [`upgrade`](WeakSender::upgrade) it to send.
///
/// # Examples
///
/// ```
/// let (tx, _rx) = heddle_sync::broadcast::channel::<u8>(1);
/// let weak = tx.downgrade();
/// assert!(weak.upgrade().is_some());
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakSender<T> {
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
    /// A channel retaining the last `capacity` values, with this sender and no receiver yet
    /// ([`subscribe`](Self::subscribe) makes them).
    ///
    /// # Panics
    ///
    /// If `capacity` is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let tx = heddle_sync::broadcast::Sender::new(4);
    /// assert_eq!(tx.receiver_count(), 0);
    /// let mut rx = tx.subscribe();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    #[track_caller]
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "broadcast channel capacity must be greater than 0"
        );
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                buf: VecDeque::new(),
                head: 0,
                tx_count: 1,
                weak_count: 0,
                rx_count: 0,
                receivers: Slab::new(),
            }),
            capacity,
            no_receivers: Notify::new(),
        });
        Sender { shared }
    }

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
            state.take_wakers(&mut wakers);
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

    /// How many retained values some receiver has not seen yet: a value counts from its send
    /// until every receiver alive then has received it (or lagged past it), or until it is
    /// overwritten.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut a) = heddle_sync::broadcast::channel(4);
    /// let mut b = tx.subscribe();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(tx.len(), 2);
    /// a.try_recv().unwrap();
    /// assert_eq!(tx.len(), 2);
    /// b.try_recv().unwrap();
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let state = self.shared.state.lock();
        let oldest_unseen = state.receivers.iter().map(|(_, slot)| slot.next).min();
        oldest_unseen.map_or(0, |next| (state.tail() - next.max(state.head)) as usize)
    }

    /// Whether every receiver has seen every retained value ([`len`](Self::len) is 0).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// assert!(!tx.is_empty());
    /// rx.try_recv().unwrap();
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether both senders feed the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// let (other, _other_rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Completes when no receiver is subscribed (at once if none is). A later
    /// [`subscribe`](Self::subscribe) opens the channel again.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// let rx2 = rx.resubscribe();
    /// drop((rx, rx2));
    /// tx.closed().await;
    /// # });
    /// ```
    pub async fn closed(&self) {
        loop {
            // Created before the check: a last receiver leaving after the check wakes it.
            let notified = self.shared.no_receivers.notified();
            if self.receiver_count() == 0 {
                return;
            }
            notified.await;
        }
    }

    /// A [`WeakSender`] for this channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().unwrap().same_channel(&tx));
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        self.shared.state.lock().weak_count += 1;
        WeakSender {
            shared: self.shared.clone(),
        }
    }

    /// How many [`Sender`]s of this channel are alive (weak senders not counted).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// assert_eq!(tx.clone().strong_count(), 2);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.state.lock().tx_count
    }

    /// How many [`WeakSender`]s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.state.lock().weak_count
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], if any sender is still alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        let mut state = self.shared.state.lock();
        if state.tx_count == 0 {
            return None;
        }
        state.tx_count += 1;
        Some(Sender {
            shared: self.shared.clone(),
        })
    }

    /// How many [`Sender`]s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// drop(tx);
    /// assert_eq!(weak.strong_count(), 0);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.state.lock().tx_count
    }

    /// How many [`WeakSender`]s of this channel are alive, this one included.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.state.lock().weak_count
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        self.shared.state.lock().weak_count += 1;
        WeakSender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.shared.state.lock().weak_count -= 1;
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
                state.take_wakers(&mut wakers);
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
            let next = state.tail();
            (next, state.receivers.insert(RxSlot { waker: None, next }))
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

    /// Whether both receivers belong to the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// let (_other_tx, other) = heddle_sync::broadcast::channel::<u8>(1);
    /// assert!(rx.same_channel(&tx.subscribe()));
    /// assert!(!rx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// How many [`Sender`]s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(rx.sender_strong_count(), 0);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.shared.state.lock().tx_count
    }

    /// How many [`WeakSender`]s of this channel are alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::broadcast::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.shared.state.lock().weak_count
    }

    /// Whether every [`Sender`] is gone (values not yet received can still be).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::broadcast::channel(1);
    /// tx.send(1).unwrap();
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn is_closed(&self) -> bool {
        self.sender_strong_count() == 0
    }
}

impl<T: Clone> Receiver<T> {
    /// The next value for this receiver, advancing it; `None` means wait.
    fn take(&mut self, state: &mut State<T>) -> Option<Result<T, TryRecvError>> {
        let next = &mut self.next;
        if *next < state.head {
            let missed = state.head - *next;
            *next = state.head;
            state.receivers[self.key].next = *next;
            return Some(Err(TryRecvError::Lagged(missed)));
        }
        let index = (*next - state.head) as usize;
        if let Some(value) = state.buf.get(index) {
            *next += 1;
            state.receivers[self.key].next = *next;
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
            crate::budget::budgeted(cx, |cx| {
                let shared = self.shared.clone();
                let mut state = shared.state.lock();
                match self.take(&mut state) {
                    Some(Ok(value)) => Poll::Ready(Ok(value)),
                    Some(Err(TryRecvError::Lagged(n))) => Poll::Ready(Err(RecvError::Lagged(n))),
                    Some(Err(_)) => Poll::Ready(Err(RecvError::Closed)),
                    None => {
                        let slot = &mut state.receivers[self.key].waker;
                        match slot {
                            Some(w) if w.will_wake(cx.waker()) => {}
                            _ => *slot = Some(cx.waker().clone()),
                        }
                        Poll::Pending
                    }
                }
            })
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
        let shared = self.shared.clone();
        let mut state = shared.state.lock();
        self.take(&mut state).unwrap_or(Err(TryRecvError::Empty))
    }

    /// Receives the next value from synchronous code, blocking the thread until one is sent.
    /// The blocking twin of [`recv`](Self::recv).
    ///
    /// # Errors
    ///
    /// As for [`recv`](Self::recv).
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
    /// let (tx, mut rx) = heddle_sync::broadcast::channel(2);
    /// let listener = std::thread::spawn(move || rx.blocking_recv());
    /// tx.send(7).unwrap();
    /// assert_eq!(listener.join().unwrap(), Ok(7));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Result<T, RecvError> {
        crate::wait::block_on(
            "broadcast::Receiver::blocking_recv",
            "recv().await",
            self.recv(),
        )
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let (slot, last) = {
            let mut state = self.shared.state.lock();
            state.rx_count -= 1;
            (state.receivers.remove(self.key), state.rx_count == 0)
        };
        drop(slot);
        if last {
            self.shared.no_receivers.notify_waiters();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::WeakSender")
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Receiver")
            .field("next", &self.next)
            .finish()
    }
}
