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
//!
//! # Design
//!
//! One allocation holds one atomic state word, the value cell and a waker cell for each side;
//! no lock. It is reference-counted by hand, like an `Arc` made with both references at once,
//! so creating a channel costs no atomic operation. The state bits:
//!
//! | bit | set by | meaning |
//! |---|---|---|
//! | `RX_TASK_SET` | receiver (cleared by it to swap wakers, and on drop) | `rx_waker` holds the receiver's waker; the sender may wake it by reference |
//! | `TX_TASK_SET` | sender (cleared by it to swap wakers) | `tx_waker` holds the waker of `Sender::closed` |
//! | `VALUE_SENT` | `send`, with `TX_DONE`, unless `RX_CLOSED` | `value` holds the value and belongs to the receiver |
//! | `TX_DONE` | `send` or the sender's drop | no value comes after this |
//! | `RX_CLOSED` | `Receiver::close` or the receiver's drop | sends fail |
//!
//! ```text
//!   (1) send: write value, CAS      +--> TX_DONE|VALUE_SENT --(3) receiver takes the value
//!   [open] -------------------------+
//!      |                            +--> TX_DONE (RX_CLOSED was set: value handed back)
//!      | (2) sender dropped: fetch_or
//!      +------------------------------> TX_DONE --------------(3) receiver gets RecvError
//! ```
//!
//! 1. [`Sender::send`] writes `value` (its own until `TX_DONE`), then sets `TX_DONE` and,
//!    unless `RX_CLOSED` is set, `VALUE_SENT`, in one CAS; a refused value is taken back. If
//!    `RX_TASK_SET` was set, it wakes the receiver.
//! 2. Dropping an unused [`Sender`] sets `TX_DONE` and wakes the receiver the same way.
//! 3. The receiver, having seen `TX_DONE`, takes the value if `VALUE_SENT` and releases its
//!    handle on the channel.
//!
//! A waker cell is written only by its owner (the receiver for `rx_waker`, the sender for
//! `tx_waker`), and only while its `*_TASK_SET` bit is clear and the other side's "done" bit
//! (`TX_DONE` resp. `RX_CLOSED`) is not set; the other side reads it only if the same
//! read-modify-write that set its "done" bit saw the `*_TASK_SET` bit. Both are decided by
//! read-modify-writes of the one state word, so they never overlap. Wakers are called
//! by reference after the state is final, so a panicking waker leaves the channel consistent.
//! A waker's `clone` runs before the state word or the cell changes, so a panicking clone
//! leaves the registration as it was.

use crate::loom::{fence, AtomicUsize, Ordering, UnsafeCell};
use std::fmt;
use std::future::{poll_fn, Future};
use std::ops::Deref;
use std::pin::Pin;
use std::ptr::NonNull;
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

/// `rx_waker` holds the receiver's waker.
const RX_TASK_SET: usize = 0b0_0001;
/// `tx_waker` holds the sender's waker.
const TX_TASK_SET: usize = 0b0_0010;
/// `value` holds the sent value; it belongs to the receiver.
const VALUE_SENT: usize = 0b0_0100;
/// The sender sent or was dropped.
const TX_DONE: usize = 0b0_1000;
/// The receiver closed or was dropped.
const RX_CLOSED: usize = 0b1_0000;

/// The channel; see the module docs for who may touch each cell when.
struct Inner<T> {
    state: AtomicUsize,
    /// How many of the two halves still hold the allocation ([`Shared`]).
    refs: AtomicUsize,
    /// The sender's until `TX_DONE`; then the receiver's if `VALUE_SENT`.
    value: UnsafeCell<Option<T>>,
    rx_waker: UnsafeCell<Option<Waker>>,
    tx_waker: UnsafeCell<Option<Waker>>,
}

// The cells are handed between the two sides by the state word (module docs).
// SAFETY: `T` moves from the sender's thread to the receiver's, so `T: Send` suffices.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: no cell is accessed from both sides at once (module docs), and `T` is only moved.
unsafe impl<T: Send> Sync for Inner<T> {}

/// A half's hold on the channel's allocation: an `Arc` counted by hand, so that the two
/// holds are made together without an atomic operation.
struct Shared<T> {
    /// Points to a live `Inner<T>` from `Box::leak`; `refs` counts the `Shared`s.
    inner: NonNull<Inner<T>>,
}

// A `Shared` only gives `&Inner<T>`, which is `Send + Sync` for `T: Send`, and the last one
// frees it (after an `Acquire` fence), as `Arc` does.
// SAFETY: so moving one to another thread is as safe as moving an `Arc<Inner<T>>`.
unsafe impl<T: Send> Send for Shared<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Shared<T> {}

impl<T> Shared<T> {
    /// A new, empty channel and the two holds on it.
    fn pair() -> (Shared<T>, Shared<T>) {
        let inner = NonNull::from(Box::leak(Box::new(Inner {
            state: AtomicUsize::new(0),
            refs: AtomicUsize::new(2),
            value: UnsafeCell::new(None),
            rx_waker: UnsafeCell::new(None),
            tx_waker: UnsafeCell::new(None),
        })));
        (Shared { inner }, Shared { inner })
    }
}

impl<T> Deref for Shared<T> {
    type Target = Inner<T>;

    fn deref(&self) -> &Inner<T> {
        // SAFETY: the allocation lives while a `Shared` does (`refs` counts this one).
        unsafe { self.inner.as_ref() }
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        // Release: our accesses come before the free; the last one's fence acquires them all.
        if self.refs.fetch_sub(1, Ordering::Release) != 1 {
            return;
        }
        fence(Ordering::Acquire);
        // We were the last hold, so nothing else can reach the allocation, which came from
        // `Box::leak` in `pair`.
        // SAFETY: so it is ours to free, once.
        drop(unsafe { Box::from_raw(self.inner.as_ptr()) });
    }
}

/// Registers `waker` in `cell`, guarded by `task_bit`, unless `done` is (or becomes) set.
/// `Ready(state)` means `done` was seen; `Pending` means the other side will wake `waker`.
fn register_waker(
    state: &AtomicUsize,
    cell: &UnsafeCell<Option<Waker>>,
    task_bit: usize,
    done: usize,
    waker: &Waker,
) -> Poll<usize> {
    let mut current = state.load(Ordering::Acquire);
    if current & done != 0 {
        return Poll::Ready(current);
    }
    if current & task_bit != 0 {
        // While the bit is set the other side only reads the cell.
        // SAFETY: shared read of a cell nobody writes now.
        let same = cell.with(|w| unsafe { (*w).as_ref() }.is_some_and(|w| w.will_wake(waker)));
        if same {
            return Poll::Pending;
        }
    }
    // Cloned before anything changes: a `clone` that panics leaves the registration as it was.
    let new = waker.clone();
    if current & task_bit != 0 {
        current = state.fetch_and(!task_bit, Ordering::AcqRel);
        if current & done != 0 {
            // The other side finished and may be reading the cell: leave it alone.
            return Poll::Ready(current);
        }
    }
    // The bit is clear and `done` unset: the other side reads the cell only after seeing the
    // bit in the read-modify-write that sets `done`, so it is ours until we set the bit.
    // SAFETY: exclusive access, as just argued.
    let old = cell.with_mut(|w| unsafe { (*w).replace(new) });
    current = state.fetch_or(task_bit, Ordering::AcqRel);
    drop(old);
    if current & done != 0 {
        return Poll::Ready(current);
    }
    Poll::Pending
}

/// Wakes the waker in `cell` by reference.
///
/// # Safety
///
/// The caller saw the cell's `*_TASK_SET` bit in the read-modify-write that set its own
/// "done" bit, so the owner no longer writes the cell.
unsafe fn wake_cell(cell: &UnsafeCell<Option<Waker>>) {
    // SAFETY: the owner no longer writes the cell (the caller's contract).
    if let Some(waker) = cell.with(|w| unsafe { (*w).as_ref() }) {
        // Swallows the waker's panic if a half is dropped while its thread unwinds.
        crate::waiters::wake_by_ref(waker);
    }
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
    let (tx, rx) = Shared::pair();
    (Sender { inner: Some(tx) }, Receiver { inner: Some(rx) })
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
    inner: Option<Shared<T>>,
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
    /// `None` once the outcome (value or error) was taken.
    inner: Option<Shared<T>>,
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
        // SAFETY: before `TX_DONE` the value cell is the sender's alone.
        inner.value.with_mut(|v| unsafe { *v = Some(value) });
        let mut state = inner.state.load(Ordering::Relaxed);
        loop {
            let done = if state & RX_CLOSED != 0 {
                state | TX_DONE
            } else {
                state | TX_DONE | VALUE_SENT
            };
            // AcqRel: `Release` publishes the value; `Acquire` sees the receiver's waker.
            match inner.state.compare_exchange_weak(
                state,
                done,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => state = actual,
            }
        }
        let result = if state & RX_CLOSED != 0 {
            // Refused: `VALUE_SENT` stays clear, so the value is still ours.
            // SAFETY: the receiver reads the value cell only after `VALUE_SENT`.
            Err(inner.value.with_mut(|v| unsafe { (*v).take() }))
        } else {
            Ok(())
        };
        if state & RX_TASK_SET != 0 {
            // SAFETY: our CAS set `TX_DONE` and saw `RX_TASK_SET`.
            unsafe { wake_cell(&inner.rx_waker) };
        }
        result.map_err(|value| value.expect("the sender wrote the value"))
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
        self.inner().state.load(Ordering::Acquire) & RX_CLOSED != 0
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
        let inner = self.inner();
        register_waker(
            &inner.state,
            &inner.tx_waker,
            TX_TASK_SET,
            RX_CLOSED,
            cx.waker(),
        )
        .map(|_| ())
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
        // AcqRel: `Acquire` sees the receiver's waker if `RX_TASK_SET` is set.
        if inner.state.fetch_or(TX_DONE, Ordering::AcqRel) & RX_TASK_SET != 0 {
            // SAFETY: our read-modify-write set `TX_DONE` and saw `RX_TASK_SET`.
            unsafe { wake_cell(&inner.rx_waker) };
        }
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
        let Some(inner) = &self.inner else {
            return Err(TryRecvError::Closed);
        };
        let state = inner.state.load(Ordering::Acquire);
        if state & TX_DONE == 0 {
            return Err(TryRecvError::Empty);
        }
        self.take_outcome(state).map_err(|_| TryRecvError::Closed)
    }

    /// Takes the value (if `state`, which has `TX_DONE`, says it was sent) and lets go of the
    /// channel.
    fn take_outcome(&mut self, state: usize) -> Result<T, RecvError> {
        let inner = self.inner.take().expect("taken only once");
        if state & VALUE_SENT == 0 {
            return Err(RecvError(()));
        }
        // SAFETY: `VALUE_SENT` gave the value cell to the receiver, and we take it once.
        let value = inner.value.with_mut(|v| unsafe { (*v).take() });
        Ok(value.expect("VALUE_SENT means the cell is full"))
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
        if let Some(inner) = &self.inner {
            inner.close_rx(false);
        }
    }

    /// Whether this receiver already produced its outcome (the value, or an error from
    /// awaiting it or from `try_recv`); it must not be polled again then.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::oneshot::channel();
    /// tx.send(1).unwrap();
    /// assert!(!rx.is_terminated());
    /// assert_eq!((&mut rx).await, Ok(1));
    /// assert!(rx.is_terminated());
    /// # });
    /// ```
    pub fn is_terminated(&self) -> bool {
        self.inner.is_none()
    }

    /// Whether no value is waiting to be taken: nothing was sent yet, the sender is gone
    /// without sending, or the value was already taken. An empty receiver may still be
    /// terminated; [`is_terminated`](Self::is_terminated) tells whether it may be polled.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::oneshot::channel();
    /// assert!(rx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!rx.is_empty());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.inner.as_ref().is_none_or(|inner| {
            let state = inner.state.load(Ordering::Acquire);
            state & TX_DONE == 0 || state & VALUE_SENT == 0
        })
    }

    /// Waits for the value from synchronous code, blocking the thread until it is sent or the
    /// sender is dropped. The blocking twin of awaiting the receiver.
    ///
    /// # Errors
    ///
    /// [`RecvError`] if the sender was dropped without sending, or the value was already
    /// taken.
    ///
    /// # Panics
    ///
    /// If called on a thread that drives a runtime (inside `block_on`, or a worker running
    /// tasks): blocking there would stall its tasks. Use `receiver.await` in async code; call
    /// `blocking_recv` from `spawn_blocking` or a plain thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::oneshot::channel();
    /// let worker = std::thread::spawn(move || rx.blocking_recv());
    /// tx.send("done").unwrap();
    /// assert_eq!(worker.join().unwrap(), Ok("done"));
    ///
    /// let (tx, rx) = heddle_sync::oneshot::channel::<u8>();
    /// drop(tx);
    /// assert!(rx.blocking_recv().is_err());
    /// ```
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        crate::wait::block_on("oneshot::Receiver::blocking_recv", "receiver.await", self)
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        crate::budget::budgeted(cx, |cx| self.poll_value(cx))
    }
}

impl<T> Receiver<T> {
    fn poll_value(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>> {
        let this = self.get_mut();
        let Some(inner) = &this.inner else {
            return Poll::Ready(Err(RecvError(())));
        };
        let state = std::task::ready!(register_waker(
            &inner.state,
            &inner.rx_waker,
            RX_TASK_SET,
            TX_DONE,
            cx.waker(),
        ));
        Poll::Ready(this.take_outcome(state))
    }
}

impl<T> Inner<T> {
    /// Sets `RX_CLOSED` (on drop also withdrawing the receiver's waker) and wakes a waiting
    /// `Sender::closed`. Returns the previous state.
    fn close_rx(&self, dropping: bool) -> usize {
        let withdraw = if dropping { RX_TASK_SET } else { 0 };
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            match self.state.compare_exchange_weak(
                state,
                (state | RX_CLOSED) & !withdraw,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => state = actual,
            }
        }
        if state & TX_TASK_SET != 0 && state & (TX_DONE | RX_CLOSED) == 0 {
            // SAFETY: our CAS set `RX_CLOSED` and saw `TX_TASK_SET`.
            unsafe { wake_cell(&self.tx_waker) };
        }
        state
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        if inner.close_rx(true) & VALUE_SENT != 0 {
            // Drop the unreceived value now rather than with the last handle.
            // SAFETY: `VALUE_SENT` gave the value cell to the receiver.
            drop(inner.value.with_mut(|v| unsafe { (*v).take() }));
        }
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
