//! Multi-producer, single-consumer channels: a stream of values from many tasks to one.
//!
//! # What to pick
//!
//! - [`channel`] (bounded) for almost everything: a full channel makes senders wait, which is
//!   the back-pressure that keeps a fast producer from exhausting memory.
//! - [`unbounded_channel`] when the producer cannot wait (for example, it is not async) and its
//!   rate is bounded by other means.
//! - One value, once: [`oneshot`](crate::oneshot). Every consumer sees every value:
//!   [`broadcast`](crate::broadcast). Only the latest value matters: [`watch`](crate::watch).
//!
//! # Guarantees
//!
//! 1. Every message whose send returned `Ok` is received exactly once, or, if the receiver is
//!    dropped, dropped exactly once. Nothing is duplicated or leaked.
//! 2. After every sender is gone, the receiver still gets all buffered messages, in FIFO order
//!    per sender, and only then `None`.
//! 3. After [`Receiver::close`], new sends fail and hand their value back, while buffered
//!    messages can still be received.
//! 4. A send racing a close either succeeds (and the message is received) or hands its value
//!    back. A [`Permit`] granted before the close may still send; the receiver waits for it.
//! 5. Dropping a pending `recv` never consumes a message; dropping a pending `send` drops its
//!    value and passes any slot it was granted to the next waiting sender.
//!
//! # How it works, and what it costs
//!
//! Messages go through a lock-free linked list of blocks of 31 slots, allocated as needed and
//! freed by the receiver as it moves past them; there is no lock on either side of a message
//! that finds room:
//!
//! - **send** (bounded) takes a slot with one CAS on an atomic counter, claims a list position
//!   with a second CAS, writes the message and publishes it with a swap on the slot. The swap
//!   also tells the sender whether the receiver is parked on that slot; only then does it wake
//!   the receiver. An unbounded send skips the counter.
//! - **recv** reads the slot and, for a bounded channel, gives the slot back with one CAS.
//! - **waiting**: a bounded sender that finds no room queues in FIFO order under a lock, and
//!   the receiver then hands each freed slot to the oldest waiter (a new sender never barges
//!   ahead of a queued one). A receiver that finds nothing registers its waker and marks the
//!   slot it waits for.
//!
//! The price: memory is one block per 31 buffered messages (blocks are not pooled), and a
//! `try_recv` that finds the next message half-written by another thread waits the few
//! instructions it takes to finish rather than report `Empty` while later messages may be
//! there.

mod bounded;
mod chan;
pub mod error;
mod list;
mod permit;
mod receiver;
mod unbounded;

pub use bounded::{channel, Sender, WeakSender};
pub use permit::{OwnedPermit, Permit, PermitIterator};
pub use receiver::Receiver;
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender, WeakUnboundedSender};
