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

mod bounded;
mod chan;
pub mod error;
mod unbounded;

pub use bounded::{channel, OwnedPermit, Permit, Receiver, Sender, WeakSender};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender, WeakUnboundedSender};
