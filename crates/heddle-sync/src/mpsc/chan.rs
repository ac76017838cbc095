//! The state shared by both mpsc flavours: the buffer, the receiver's waker, the sender count
//! and, for bounded channels, the slot semaphore.
//!
//! # Who touches what
//!
//! - `state` (one mutex): `buf`, `rx_waker`, `tx_count`, `rx_closed`, `rx_dropped`. Senders push
//!   and count themselves; the one receiver pops, registers its waker and closes.
//! - `slots` (bounded only): a [`WaitQueue`] of `capacity` permits. A sender holds one permit
//!   from `reserve` until its message is popped by the receiver (then the receiver releases
//!   it) or until the permit is dropped unused. So `capacity - free slots` counts buffered
//!   messages plus outstanding permits.
//! - `rx_gone`: a permit-less [`WaitQueue`] closed when the receiver closes or drops;
//!   `Sender::closed` waits on it.
//!
//! Lock order: `state`, then the `slots` lock (only to read the free count). Nothing takes
//! them the other way round, and no waker runs under either.
//!
//! # End of stream
//!
//! The receiver sees the end (`None`, `Disconnected`) only when the buffer is empty and no
//! message can arrive any more: every sender is gone, or the receiver closed and (bounded) all
//! slots are free again, i.e. no permit granted before the close is still outstanding. A permit
//! granted before `close` may still send, and that message is received; that is how a send
//! racing a close either succeeds receivably or hands its value back.

use super::error::TryRecvError;
use crate::loom::Mutex;
use crate::waiters::{WaitQueue, WakeList};
use std::collections::VecDeque;
use std::task::{Context, Poll, Waker};

pub(super) struct Chan<T> {
    state: Mutex<State<T>>,
    /// Free slots of a bounded channel; `None` for an unbounded one.
    pub(super) slots: Option<WaitQueue>,
    /// The bound (`usize::MAX` for unbounded channels).
    pub(super) capacity: usize,
    /// Closed when the receiver closes or is dropped.
    rx_gone: WaitQueue,
}

struct State<T> {
    buf: VecDeque<T>,
    rx_waker: Option<Waker>,
    /// Live `Sender`s (not weak ones). Once zero it never grows again.
    tx_count: usize,
    /// `Receiver::close` was called or the receiver was dropped.
    rx_closed: bool,
    /// The receiver was dropped: nothing will ever be received.
    rx_dropped: bool,
}

impl<T> Chan<T> {
    pub(super) fn new(bound: Option<usize>) -> Self {
        Chan {
            state: Mutex::new(State {
                buf: VecDeque::new(),
                rx_waker: None,
                tx_count: 1,
                rx_closed: false,
                rx_dropped: false,
            }),
            slots: bound.map(|n| WaitQueue::new(n, n)),
            capacity: bound.unwrap_or(usize::MAX),
            rx_gone: WaitQueue::new(0, 0),
        }
    }

    /// Pushes a message. `reserved` says the sender holds a slot permit granted before any
    /// close, so only a dropped receiver refuses it. Hands the value back on refusal.
    pub(super) fn push(&self, value: T, reserved: bool) -> Result<(), T> {
        let waker = {
            let mut state = self.state.lock();
            let refused = if reserved {
                state.rx_dropped
            } else {
                state.rx_closed
            };
            if refused {
                return Err(value);
            }
            state.buf.push_back(value);
            state.rx_waker.take()
        };
        wake(waker);
        Ok(())
    }

    /// Gives back a slot whose permit was dropped unused; wakes a closed receiver that may be
    /// waiting for the last outstanding permit.
    pub(super) fn release_slot(&self) {
        if let Some(slots) = &self.slots {
            slots.release(1);
        }
        let waker = {
            let mut state = self.state.lock();
            if state.rx_closed {
                state.rx_waker.take()
            } else {
                None
            }
        };
        wake(waker);
    }

    fn finished(&self, state: &State<T>) -> bool {
        state.buf.is_empty()
            && (state.tx_count == 0
                || (state.rx_closed
                    && self
                        .slots
                        .as_ref()
                        .is_none_or(|s| s.available_permits() == self.capacity)))
    }

    pub(super) fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // One budget unit per receive (see `heddle_task::coop`); refunded if nothing came.
        let progress = std::task::ready!(heddle_task::coop::poll_proceed(cx));
        let result = self.poll_recv_one(cx);
        if result.is_ready() {
            progress.made_progress();
        }
        result
    }

    fn poll_recv_one(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut buf = Vec::new();
        match self.poll_recv_many(cx, &mut buf, 1) {
            Poll::Ready(0) => Poll::Ready(None),
            Poll::Ready(_) => Poll::Ready(buf.pop()),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Moves up to `limit` messages into `out`; `Ready(0)` means the end (or `limit == 0`).
    pub(super) fn poll_recv_many(
        &self,
        cx: &mut Context<'_>,
        out: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        let mut state = self.state.lock();
        let n = limit.min(state.buf.len());
        if n > 0 {
            out.extend(state.buf.drain(..n));
            drop(state);
            if let Some(slots) = &self.slots {
                slots.release(n);
            }
            return Poll::Ready(n);
        }
        if self.finished(&state) {
            return Poll::Ready(0);
        }
        match &mut state.rx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    pub(super) fn try_recv(&self) -> Result<T, TryRecvError> {
        let mut state = self.state.lock();
        if let Some(value) = state.buf.pop_front() {
            drop(state);
            if let Some(slots) = &self.slots {
                slots.release(1);
            }
            Ok(value)
        } else if self.finished(&state) {
            Err(TryRecvError::Disconnected)
        } else {
            Err(TryRecvError::Empty)
        }
    }

    pub(super) fn len(&self) -> usize {
        self.state.lock().buf.len()
    }

    /// `Receiver::close`: refuse new sends, keep what is buffered.
    pub(super) fn close_rx(&self) {
        self.state.lock().rx_closed = true;
        if let Some(slots) = &self.slots {
            slots.close();
        }
        self.rx_gone.close();
    }

    /// The receiver is dropped: refuse everything and drop what is buffered, outside the lock.
    pub(super) fn drop_rx(&self) {
        let buffered = {
            let mut state = self.state.lock();
            state.rx_closed = true;
            state.rx_dropped = true;
            state.rx_waker = None;
            std::mem::take(&mut state.buf)
        };
        if let Some(slots) = &self.slots {
            slots.close();
        }
        self.rx_gone.close();
        drop(buffered);
    }

    pub(super) fn is_rx_closed(&self) -> bool {
        self.rx_gone.is_closed()
    }

    pub(super) async fn rx_closed(&self) {
        // No permits ever: this only ends when the receiver closes `rx_gone`.
        let _ = self.rx_gone.acquire(1).await;
    }

    pub(super) fn is_finished(&self) -> bool {
        let state = self.state.lock();
        self.finished(&state)
    }

    pub(super) fn add_sender(&self) {
        self.state.lock().tx_count += 1;
    }

    /// For `WeakSender::upgrade`: counts a new sender only if one is still alive.
    pub(super) fn try_add_sender(&self) -> bool {
        let mut state = self.state.lock();
        if state.tx_count == 0 {
            false
        } else {
            state.tx_count += 1;
            true
        }
    }

    pub(super) fn drop_sender(&self) {
        let waker = {
            let mut state = self.state.lock();
            state.tx_count -= 1;
            if state.tx_count == 0 {
                state.rx_waker.take()
            } else {
                None
            }
        };
        wake(waker);
    }
}

fn wake(waker: Option<Waker>) {
    let mut wakers = WakeList::new();
    wakers.push(waker);
    wakers.wake_all();
}
