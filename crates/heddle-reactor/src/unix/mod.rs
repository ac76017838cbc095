//! Unix-specific readiness I/O, as tokio's `tokio::io::unix` spells it: [`AsyncFd`], which
//! registers any descriptor-backed object with the reactor and reports readiness through
//! guards that the caller clears.
//!
//! This is the low-level tool for descriptors heddle has no type for (an `eventfd`, a pipe,
//! a device); the [`net`](crate::net) types and [`Async`](crate::Async) cover sockets.

mod async_fd;
mod error;
mod guard;
mod register;

pub use async_fd::AsyncFd;
pub use error::{AsyncFdRegisterError, AsyncFdTryNewError};
pub use guard::{AsyncFdReadyGuard, AsyncFdReadyMutGuard, TryIoError};
