//! Sockets on the reactor: TCP and UDP over IP, and Unix-domain streams and datagrams.
//!
//! Every type wraps its `std` counterpart in an [`Async`]: the descriptor is
//! non-blocking, and each operation retries on readiness. Streams implement
//! [`AsyncRead`](crate::io::AsyncRead) and [`AsyncWrite`](crate::io::AsyncWrite);
//! `poll_close` shuts the write half down, so the peer reads end-of-file.
//!
//! Writes on stream sockets pass `MSG_NOSIGNAL`, so writing to a peer that has gone away
//! returns `BrokenPipe` (or `ConnectionReset`) instead of raising `SIGPIPE`, whether or not
//! the program ignores that signal.
//!
//! # Examples
//!
//! ```
//! # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
//! # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
//! use heddle_reactor::net::UdpSocket;
//!
//! futures::executor::block_on(async {
//!     let a = UdpSocket::bind("127.0.0.1:0").await?;
//!     let b = UdpSocket::bind("127.0.0.1:0").await?;
//!     a.send_to(b"hi", b.local_addr()?).await?;
//!     let mut buf = [0; 2];
//!     let (n, from) = b.recv_from(&mut buf).await?;
//!     assert_eq!((n, from), (2, a.local_addr()?));
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! # }
//! ```

use std::io::{self, IoSlice, Read};
use std::net::Shutdown;
use std::os::fd::AsFd;
use std::task::{Context, Poll};

use socket2::SockRef;

use crate::source::Direction;
use crate::Async;

mod addr;
mod readiness;
mod split;
pub mod tcp;
mod udp;
pub mod unix;

pub use addr::{lookup_host, ToSocketAddrs};
pub use tcp::{Incoming, TcpListener, TcpSocket, TcpStream};
// Where earlier versions had them; tokio's path is `net::tcp`.
#[doc(hidden)]
pub use tcp::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
pub use udp::UdpSocket;
pub use unix::{UnixDatagram, UnixListener, UnixSocket, UnixStream};

/// Flags for `send` on stream sockets: no `SIGPIPE` where the OS has a per-call flag for it.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly"
))]
pub(crate) const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly"
)))]
pub(crate) const SEND_FLAGS: libc::c_int = 0;

/// `connect(2)` on a non-blocking socket reports "started" with `EINPROGRESS`.
fn is_in_progress(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::EINPROGRESS) || e.kind() == io::ErrorKind::WouldBlock
}

/// Reads from a stream socket.
fn poll_read<S>(io: &Async<S>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>
where
    for<'a> &'a S: Read,
{
    io.poll_io(Direction::Read, cx, |mut s| s.read(buf))
}

/// Writes to a stream socket with [`SEND_FLAGS`].
fn poll_write<S: AsFd>(io: &Async<S>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
    io.poll_io(Direction::Write, cx, |s| {
        SockRef::from(s).send_with_flags(buf, SEND_FLAGS)
    })
}

/// Writes several buffers to a stream socket with one `sendmsg` and [`SEND_FLAGS`].
fn poll_write_vectored<S: AsFd>(
    io: &Async<S>,
    cx: &mut Context<'_>,
    bufs: &[IoSlice<'_>],
) -> Poll<io::Result<usize>> {
    io.poll_io(Direction::Write, cx, |s| {
        SockRef::from(s).send_vectored_with_flags(bufs, SEND_FLAGS)
    })
}

/// Shuts a stream socket down in `how`. A socket the peer already disconnected is shut
/// down as far as it can be: `NotConnected` is not an error here.
fn shutdown<S: AsFd>(io: &Async<S>, how: Shutdown) -> io::Result<()> {
    match SockRef::from(io.get_ref()).shutdown(how) {
        Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
        result => result,
    }
}

/// Waits for a non-blocking `connect` to finish and returns its outcome (`SO_ERROR`).
async fn finish_connect<S: AsFd>(io: &Async<S>) -> io::Result<()> {
    io.writable().await?;
    match SockRef::from(io.get_ref()).take_error()? {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
