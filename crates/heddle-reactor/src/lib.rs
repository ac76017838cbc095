//! Readiness-based I/O for heddle: the [`Reactor`] driver, [`Async<T>`], and socket types.
//!
//! **What it is.** A reactor over the [`polling`] crate (epoll on Linux, kqueue on the BSDs
//! and macOS). [`Reactor`] implements [`heddle_driver::Driver`]: an executor with no work
//! parks in it, the OS wait returns when a registered descriptor becomes ready (or when the
//! reactor is unparked), and the reactor wakes the tasks waiting on those descriptors.
//! [`Async<T>`] wraps any descriptor-backed object and gives it futures that wait for
//! readiness; the [`net`] types (TCP, UDP, Unix sockets) are built on it and implement the
//! `futures-io` traits re-exported, with their extension traits, from [`io`].
//!
//! **What it is not.** Not an executor: it never polls a task, it only wakes wakers. Not a
//! timer: time-outs come from `heddle-timer`, which wraps this driver. It is readiness based
//! (non-blocking syscalls retried on readiness), not completion based (no io_uring).
//!
//! **Where it sits.** Layer 1. Below it is `heddle-driver` (the `Driver`/`Unparker`
//! contract it implements). Above it, the `heddle` facade composes
//! `TimerDriver<Reactor>` and hands it to an executor, and enters the reactor's [`Handle`] on
//! each runtime thread ([`Handle::enter`]). Where no handle is entered (a foreign executor,
//! `futures::executor::block_on`), a global reactor started lazily on its own thread serves
//! the I/O, so nothing here panics for lack of a runtime.
//!
//! Design notes (interest re-arming, lost-readiness and stale-event guards) are in
//! `docs/reactor.md` at the repository root.
//!
//! The [`net`] streams, the halves of a [`TcpStream`](net::TcpStream) and [`Async<T>`]
//! always implement tokio's `AsyncRead` and `AsyncWrite` (heddle's primary I/O vocabulary,
//! from tokio's runtime-free `io-util`: no tokio runtime, no mio) next to the `futures-io`
//! traits, behaving the same (`poll_shutdown` is `poll_close`).
//!
//! # Features
//!
//! Off by default; it only adds an adapter.
//!
//! * `hyper`: `hyper::Io`, which adapts a `futures-io` stream to hyper 1.x's
//!   `rt::Read`/`rt::Write` (and back), so hyper servers and clients can use heddle's
//!   sockets. Pulls in hyper with no hyper feature.
//!
//! # Examples
//!
//! A TCP echo under a foreign executor, served by the global reactor:
//!
//! ```
//! # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
//! # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
//! use heddle_reactor::io::{AsyncReadExt, AsyncWriteExt};
//! use heddle_reactor::net::{TcpListener, TcpStream};
//!
//! futures::executor::block_on(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let mut client = TcpStream::connect(addr).await?;
//!     let (mut server, _) = listener.accept().await?;
//!     client.write_all(b"ping").await?;
//!     let mut buf = [0; 4];
//!     server.read_exact(&mut buf).await?;
//!     assert_eq!(&buf, b"ping");
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! # }
//! ```
#![cfg(unix)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

use heddle_loom as loom;

mod async_io;
mod delay;
#[cfg(feature = "hyper")]
pub mod hyper;
mod interest;
pub mod io;
pub mod net;
mod reactor;
mod registry;
mod source;
#[cfg(all(test, not(loom)))]
mod test_waker;
mod tokio_io;
pub mod unix;

pub use async_io::Async;
pub use interest::{Interest, Ready};
pub use reactor::{is_shutdown_error, EnterGuard, Handle, Reactor, ReactorUnparker};

#[cfg(all(test, loom))]
mod tests;
