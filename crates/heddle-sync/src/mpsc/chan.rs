//! The channel shared by both mpsc flavours, and the sending and receiving logic they share:
//! [`Tx`] (counted sender), [`WeakTx`], [`Rx`] (the one receiver) and [`AcquireSlot`].
//!
//! # Parts and who touches them
//!
//! - `list` ([`List`]): the messages, lock-free. Senders push; only the receiver pops.
//! - `slots` (bounded only): a [`WaitQueue`] of `capacity` permits. A sender takes one permit
//!   (lock-free while there is room) from `reserve` until its message is popped (then the
//!   receiver releases it) or until the permit is dropped unused. So `capacity - free slots`
//!   counts buffered messages plus outstanding permits. Senders that find no room queue FIFO
//!   in its slow path.
//! - `tx_count`: live [`Tx`]s; once zero it never grows again. `weak_count`: live [`WeakTx`]s,
//!   only reported (`Sender::weak_count`), never part of a decision.
//! - `rx_waker` ([`AtomicWaker`]): the receiver's waker.
//! - `rx_gone`: a permit-less [`WaitQueue`] closed when the receiver closes or drops;
//!   `Sender::closed` waits on it.
//!
//! A send with room takes no lock: a CAS on the slot count (bounded), a CAS claiming a list
//! position and a swap publishing the message. A receive of a buffered message takes no lock
//! either: a load, a read and, for bounded channels, a `fetch_add` giving the slot back (it
//! takes the slot queue's lock only when senders are queued, to grant them the slot in order).
//!
//! # Parking the receiver
//!
//! The receiver registers its waker, marks the head slot `RX_WAITING` (see [`List`]) and
//! re-checks whether the stream ended. A sender whose publishing swap finds the mark wakes it.
//! The other events the receiver may wait for wake it through `rx_waker` after changing what
//! the re-check reads: the last sender leaving (`tx_count` to 0), and a slot coming back to a
//! closed bounded channel (the last outstanding permit). [`AtomicWaker`] calls the registered
//! waker after each such `wake` began, so the receiver polls again after the change and its
//! re-check sees it: none is missed.
//!
//! # End of stream
//!
//! The receiver sees the end (`None`, `Disconnected`) only when every claimed position has
//! been read and no message can arrive any more ([`Chan::no_more_sends`]): every sender is
//! gone; or an unbounded channel's list is closed; or a bounded channel's slot queue is closed
//! and all its slots are free again, i.e. no permit granted before the close is still
//! outstanding. A permit granted before `close` may still send, and that message is received;
//! that is how a send racing a close either succeeds receivably or hands its value back.
//!
//! Closing differs by flavour: `Receiver::close` closes the slot queue of a bounded channel
//! (permits already granted stay valid) and the list of an unbounded one. Dropping the
//! receiver closes both, so any later push hands its value back.

use super::error::TryRecvError;
use super::list::List;
use crate::atomic_waker::AtomicWaker;
use crate::loom::{Arc, AtomicUsize, Backoff, Ordering};
use crate::waiters::{Acquire, Refused, WaitQueue, WakeList};
use std::future::{poll_fn, Future};
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pub(super) struct Chan<T> {
    list: List<T>,
    /// Free slots of a bounded channel; `None` for an unbounded one.
    slots: Option<WaitQueue>,
    /// The bound (`usize::MAX` for unbounded channels).
    capacity: usize,
    /// Live senders (not weak ones).
    tx_count: AtomicUsize,
    /// Live weak senders; informational only.
    weak_count: AtomicUsize,
    rx_waker: AtomicWaker,
    /// Closed when the receiver closes or is dropped.
    rx_gone: WaitQueue,
}

// A panic anywhere in the channel's code (a waker, a message's `Drop`) leaves its state whole:
// wakers run after every state change, and a message is moved out before it is dropped (see
// the module docs and `waiters.rs`). So the handles may cross `catch_unwind`, as tokio's do.
impl<T> RefUnwindSafe for Chan<T> {}
impl<T> UnwindSafe for Chan<T> {}

/// A channel with one sender: bounded by `bound`, or unbounded.
pub(super) fn channel<T>(bound: Option<usize>) -> (Tx<T>, Rx<T>) {
    let chan = Arc::new(Chan {
        list: List::new(),
        slots: bound.map(|n| WaitQueue::new(n, n)),
        capacity: bound.unwrap_or(usize::MAX),
        tx_count: AtomicUsize::new(1),
        weak_count: AtomicUsize::new(0),
        rx_waker: AtomicWaker::new(),
        rx_gone: WaitQueue::new(0, 0),
    });
    (Tx { chan: chan.clone() }, Rx { chan })
}

impl<T> Chan<T> {
    /// The slot queue of a bounded channel.
    pub(super) fn slots(&self) -> &WaitQueue {
        self.slots.as_ref().expect("a bounded channel has slots")
    }

    pub(super) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Pushes a message and wakes the receiver if it was parked on it. For a bounded channel
    /// the caller holds a slot permit, which now belongs to the message. Hands the value back
    /// if the list is closed (an unbounded receiver closed, or any receiver dropped).
    pub(super) fn push(&self, value: T) -> Result<(), T> {
        if self.list.push(value)? {
            self.rx_waker.wake();
        }
        Ok(())
    }

    /// Gives back `n` slots whose permits were dropped unused; wakes a closed receiver that may
    /// be waiting for the last outstanding permit.
    pub(super) fn release_slots(&self, n: usize) {
        let slots = self.slots();
        slots.give_back(n);
        // Read after our release (same atomic), so if the close came first we see it here; if
        // it came later, the receiver's own check sees our release.
        if slots.is_closed() {
            self.rx_waker.wake();
        }
    }

    /// Whether no message can be claimed any more (see the module docs).
    fn no_more_sends(&self) -> bool {
        self.tx_count.load(Ordering::Acquire) == 0
            || self.list.is_closed()
            || self
                .slots
                .as_ref()
                .is_some_and(WaitQueue::is_closed_and_idle)
    }

    /// Live senders, not counting weak ones.
    pub(super) fn strong_count(&self) -> usize {
        self.tx_count.load(Ordering::Acquire)
    }

    /// Live weak senders.
    pub(super) fn weak_count(&self) -> usize {
        self.weak_count.load(Ordering::Relaxed)
    }

    pub(super) fn is_rx_closed(&self) -> bool {
        self.rx_gone.is_closed()
    }

    pub(super) async fn rx_closed(&self) {
        // No permits ever: this only ends when the receiver closes `rx_gone`.
        let _ = self.rx_gone.acquire(1).await;
    }
}

/// A counted sender: the channel stays open while one exists.
pub(super) struct Tx<T> {
    chan: Arc<Chan<T>>,
}

impl<T> Tx<T> {
    pub(super) fn chan(&self) -> &Chan<T> {
        &self.chan
    }

    pub(super) fn downgrade(&self) -> WeakTx<T> {
        WeakTx::new(self.chan.clone())
    }

    pub(super) fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// Waits for `n` slots of a bounded channel; see [`AcquireSlot`].
    pub(super) fn acquire_slots(&self, n: usize) -> AcquireSlot<'_, T> {
        AcquireSlot {
            chan: &self.chan,
            acquire: Some(self.chan.slots().acquire(n)),
        }
    }

    /// Takes `n` slots of a bounded channel now.
    pub(super) fn try_acquire_slots(&self, n: usize) -> Result<(), Refused> {
        self.chan.slots().try_acquire(n)
    }
}

impl<T> Clone for Tx<T> {
    fn clone(&self) -> Self {
        // Relaxed: the new sender is derived from a live one, so the count is not zero.
        self.chan.tx_count.fetch_add(1, Ordering::Relaxed);
        Tx {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Tx<T> {
    fn drop(&mut self) {
        // AcqRel: the receiver's `Acquire` load of 0 then sees every push of every sender.
        if self.chan.tx_count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.chan.rx_waker.wake();
        }
    }
}

/// An uncounted sender.
pub(super) struct WeakTx<T> {
    chan: Arc<Chan<T>>,
}

impl<T> WeakTx<T> {
    fn new(chan: Arc<Chan<T>>) -> Self {
        chan.weak_count.fetch_add(1, Ordering::Relaxed);
        WeakTx { chan }
    }

    pub(super) fn chan(&self) -> &Chan<T> {
        &self.chan
    }

    /// A counted sender, if one is still alive.
    pub(super) fn upgrade(&self) -> Option<Tx<T>> {
        let mut count = self.chan.tx_count.load(Ordering::Relaxed);
        loop {
            if count == 0 {
                return None;
            }
            match self.chan.tx_count.compare_exchange_weak(
                count,
                count + 1,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Some(Tx {
                        chan: self.chan.clone(),
                    })
                }
                Err(actual) => count = actual,
            }
        }
    }
}

impl<T> Clone for WeakTx<T> {
    fn clone(&self) -> Self {
        WeakTx::new(self.chan.clone())
    }
}

impl<T> Drop for WeakTx<T> {
    fn drop(&mut self) {
        self.chan.weak_count.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The future of a bounded `reserve`: a FIFO wait for one slot (or `n`, for `reserve_many`).
///
/// Dropped before it completes, it gives up its place, and a slot granted to it (before any
/// close) goes back to the queue. If the channel is closed by then, the receiver may be
/// waiting for exactly that slot to come back (end of stream), so it is woken.
pub(super) struct AcquireSlot<'a, T> {
    chan: &'a Chan<T>,
    /// `None` once completed.
    acquire: Option<Acquire<'a>>,
}

impl<T> Future for AcquireSlot<'_, T> {
    type Output = Result<(), Refused>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let acquire = this.acquire.as_mut().expect("polled after completion");
        let result = ready!(Pin::new(acquire).poll(cx));
        this.acquire = None;
        Poll::Ready(result)
    }
}

impl<T> Drop for AcquireSlot<'_, T> {
    fn drop(&mut self) {
        if let Some(acquire) = self.acquire.take() {
            drop(acquire);
            if self.chan.slots().is_closed() {
                self.chan.rx_waker.wake();
            }
        }
    }
}

/// The one receiver. Being unique (`&mut self` to receive), it is what may call the list's
/// receiver-side methods.
pub(super) struct Rx<T> {
    chan: Arc<Chan<T>>,
}

impl<T> Rx<T> {
    pub(super) fn chan(&self) -> &Chan<T> {
        &self.chan
    }

    /// Pops one message and gives its slot back.
    fn pop(&mut self) -> Option<T> {
        // SAFETY: `&mut self` on the only `Rx`: no other receiver-side call runs.
        let value = unsafe { self.chan.list.pop() }?;
        if let Some(slots) = &self.chan.slots {
            slots.give_back(1);
        }
        Some(value)
    }

    /// Pops up to `limit` messages into `out` and gives their slots back in one go.
    fn pop_many(&mut self, out: &mut Vec<T>, limit: usize) -> usize {
        let mut n = 0;
        while n < limit {
            // SAFETY: `&mut self` on the only `Rx`: no other receiver-side call runs.
            let Some(value) = (unsafe { self.chan.list.pop() }) else {
                break;
            };
            out.push(value);
            n += 1;
        }
        if n > 0 {
            if let Some(slots) = &self.chan.slots {
                slots.give_back(n);
            }
        }
        n
    }

    /// Whether every claimed message was read.
    fn is_drained(&self) -> bool {
        // SAFETY: we are the only `Rx`; `&self` excludes our own receiver-side writes.
        unsafe { self.chan.list.is_drained() }
    }

    /// The shared receive loop: `take` pops (one or many); parks when it finds nothing.
    /// `Ready(None)` is the end of the stream.
    fn poll_take<R>(
        &mut self,
        cx: &mut Context<'_>,
        mut take: impl FnMut(&mut Self) -> Option<R>,
    ) -> Poll<Option<R>> {
        if let Some(taken) = take(self) {
            return Poll::Ready(Some(taken));
        }
        // Park: register, mark the head slot, then re-check (see the module docs).
        // SAFETY: `&mut self` on the only `Rx`: no other registration runs.
        unsafe { self.chan.rx_waker.register(cx.waker()) };
        // SAFETY: `&mut self` on the only `Rx`: no other receiver-side call runs.
        let written = unsafe { !self.chan.list.mark_rx_waiting() };
        let ending = self.chan.no_more_sends();
        if written || ending {
            // A send finished after the first try (perhaps right before the last sender
            // left): take it first.
            if let Some(taken) = take(self) {
                return Poll::Ready(Some(taken));
            }
            if ending && self.is_drained() {
                return Poll::Ready(None);
            }
        }
        Poll::Pending
    }

    pub(super) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        crate::budget::budgeted(cx, |cx| self.poll_take(cx, Self::pop))
    }

    /// Moves up to `limit` messages into `out`; `Ready(0)` means the end (or `limit == 0`).
    pub(super) fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        out: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        self.poll_take(cx, |rx| match rx.pop_many(out, limit) {
            0 => None,
            n => Some(n),
        })
        .map(Option::unwrap_or_default)
    }

    /// The future of `recv`: a plain poll of [`poll_recv`](Self::poll_recv), with no state
    /// machine of its own.
    pub(super) fn recv(&mut self) -> impl Future<Output = Option<T>> + '_ {
        poll_fn(|cx| self.poll_recv(cx))
    }

    pub(super) fn recv_many<'a>(
        &'a mut self,
        out: &'a mut Vec<T>,
        limit: usize,
    ) -> impl Future<Output = usize> + 'a {
        poll_fn(move |cx| self.poll_recv_many(cx, out, limit))
    }

    pub(super) fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut backoff = Backoff::default();
        loop {
            if let Some(value) = self.pop() {
                return Ok(value);
            }
            if self.is_drained() {
                if !self.chan.no_more_sends() {
                    return Err(TryRecvError::Empty);
                }
                // The last send may have finished after the first try, before the last
                // sender left.
                if let Some(value) = self.pop() {
                    return Ok(value);
                }
                if self.is_drained() {
                    return Err(TryRecvError::Disconnected);
                }
            }
            // A sender claimed the head slot and is writing it (a few instructions away):
            // wait for it rather than report `Empty` while later messages may be there.
            backoff.snooze();
        }
    }

    /// `Receiver::close`: refuse new sends, keep what is buffered.
    pub(super) fn close(&mut self) {
        // Both queues are closed before any of their waiters' wakers runs: one that panics
        // then cannot leave `rx_gone` open (and `Sender::closed` waiting for ever).
        let mut wakers = WakeList::new();
        match &self.chan.slots {
            Some(slots) => {
                slots.close_into(&mut wakers);
            }
            None => {
                self.chan.list.close();
            }
        }
        self.chan.rx_gone.close_into(&mut wakers);
        wakers.wake_all();
    }

    /// Whether the channel is closed: the receiver closed it, or every sender is gone. Buffered
    /// messages may still be waiting to be received.
    pub(super) fn is_closed(&self) -> bool {
        self.chan.is_rx_closed() || self.chan.strong_count() == 0
    }

    pub(super) fn len(&self) -> usize {
        // SAFETY: we are the only `Rx`; `&self` excludes our own receiver-side writes.
        unsafe { self.chan.list.len() }
    }
}

impl<T> Drop for Rx<T> {
    /// Refuses everything and drops what is buffered. A message whose position was claimed
    /// before the close but is written after this runs is dropped with the channel.
    ///
    /// Everything is closed and dropped before the wakers of waiting senders run, so one that
    /// panics leaves nothing undone; the wakers run even if dropping a message panics.
    fn drop(&mut self) {
        let mut wakers = WakeList::new();
        if let Some(slots) = &self.chan.slots {
            slots.close_into(&mut wakers);
        }
        self.chan.list.close();
        self.chan.rx_gone.close_into(&mut wakers);
        // SAFETY: `&mut self` on the only `Rx`: no registration runs.
        unsafe { self.chan.rx_waker.clear() };
        wakers.wake_all_after(|| {
            // SAFETY: we are the only `Rx`, in `Drop`.
            while let Some(value) = unsafe { self.chan.list.pop() } {
                drop(value);
            }
        });
    }
}
