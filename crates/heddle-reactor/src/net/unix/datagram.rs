//! [`UnixDatagram`]: a Unix-domain datagram socket.

use std::io;
use std::net::Shutdown;
use std::os::unix::net::{self, SocketAddr};
use std::path::Path;
use std::task::{ready, Context, Poll};

use tokio::io::ReadBuf;

use crate::net::readiness::{
    datagram_ready_methods, readiness_methods, recv_from_into_buf, recv_into_buf,
};
use crate::source::Direction;
use crate::Async;

/// The doc-example setup of the readiness methods: `io` and its `peer`.
macro_rules! datagram_setup {
    () => {
        "let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;\n# let _ = &peer;\n"
    };
}

readiness_methods!(UnixDatagram, datagram_setup!(), "peer.try_send(b\"x\")?;\n");
datagram_ready_methods!(UnixDatagram, datagram_setup!(), "peer.try_send(b\"x\")?;\n");

/// A Unix-domain datagram socket.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// futures::executor::block_on(async {
///     let (a, b) = heddle_reactor::net::UnixDatagram::pair()?;
///     a.send(b"one").await?;
///     let mut buf = [0; 8];
///     assert_eq!(b.recv(&mut buf).await?, 3);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct UnixDatagram {
    pub(super) inner: Async<net::UnixDatagram>,
}

impl UnixDatagram {
    /// Creates a datagram socket bound to `path` (creating the socket file).
    ///
    /// # Errors
    ///
    /// `AddrInUse` if the file exists, or another `bind(2)` error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-d-{}.sock", std::process::id()));
    /// let _socket = heddle_reactor::net::UnixDatagram::bind(&path)?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixDatagram> {
        UnixDatagram::register(net::UnixDatagram::bind(path)?)
    }

    /// Creates a datagram socket bound to no address.
    ///
    /// # Errors
    ///
    /// From `socket(2)` or registration.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::UnixDatagram::unbound()?;
    /// assert!(socket.local_addr()?.is_unnamed());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::register(net::UnixDatagram::unbound()?)
    }

    /// Creates a connected pair of datagram sockets.
    ///
    /// # Errors
    ///
    /// From `socketpair(2)` or registration.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (_a, _b) = heddle_reactor::net::UnixDatagram::pair()?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = net::UnixDatagram::pair()?;
        Ok((UnixDatagram::register(a)?, UnixDatagram::register(b)?))
    }

    fn register(socket: net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            inner: Async::new(socket)?,
        })
    }

    /// Sets the default peer for [`send`](UnixDatagram::send) and
    /// [`recv`](UnixDatagram::recv).
    ///
    /// # Errors
    ///
    /// From `connect(2)`, for example `NotFound` for a missing path.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::UnixDatagram::unbound()?;
    /// assert!(socket.connect("/nonexistent/heddle.sock").is_err());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn connect(&self, path: impl AsRef<Path>) -> io::Result<()> {
        self.inner.get_ref().connect(path)
    }

    /// Sends a datagram to the socket at `path`.
    ///
    /// # Errors
    ///
    /// From `sendto(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-s-{}.sock", std::process::id()));
    /// futures::executor::block_on(async {
    ///     let receiver = heddle_reactor::net::UnixDatagram::bind(&path)?;
    ///     let sender = heddle_reactor::net::UnixDatagram::unbound()?;
    ///     sender.send_to(b"x", &path).await?;
    ///     let mut buf = [0; 1];
    ///     let (n, _from) = receiver.recv_from(&mut buf).await?;
    ///     assert_eq!(n, 1);
    ///     std::io::Result::Ok(())
    /// })?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn send_to(&self, buf: &[u8], path: impl AsRef<Path>) -> io::Result<usize> {
        let path = path.as_ref();
        self.inner.write_with(|s| s.send_to(buf, path)).await
    }

    /// Receives a datagram and the sender's address.
    ///
    /// # Errors
    ///
    /// From `recvfrom(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (a, b) = heddle_reactor::net::UnixDatagram::pair()?;
    /// a.send(b"x").await?;
    /// let mut buf = [0; 1];
    /// let (_n, _from) = b.recv_from(&mut buf).await?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.read_with(|s| s.recv_from(buf)).await
    }

    /// Sends a datagram to the connected peer.
    ///
    /// # Errors
    ///
    /// `NotConnected` without a peer, or another `send(2)` error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (a, _b) = heddle_reactor::net::UnixDatagram::pair()?;
    /// assert_eq!(a.send(b"x").await?, 1);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write_with(|s| s.send(buf)).await
    }

    /// Receives a datagram from the connected peer.
    ///
    /// # Errors
    ///
    /// From `recv(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (a, b) = heddle_reactor::net::UnixDatagram::pair()?;
    /// a.send(b"x").await?;
    /// let mut buf = [0; 4];
    /// assert_eq!(b.recv(&mut buf).await?, 1);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read_with(|s| s.recv(buf)).await
    }

    /// The local address.
    ///
    /// # Errors
    ///
    /// From `getsockname(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::UnixDatagram::unbound()?;
    /// let _ = socket.local_addr()?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// The connected peer's address.
    ///
    /// # Errors
    ///
    /// `NotConnected` without a peer.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::UnixDatagram::unbound()?;
    /// assert!(socket.peer_addr().is_err());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// Registers a socket made with `std` (it is switched to non-blocking mode).
    ///
    /// # Errors
    ///
    /// If registration fails (see [`Async::new`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// let (a, _b) = std::os::unix::net::UnixDatagram::pair()?;
    /// let _a = heddle_reactor::net::UnixDatagram::from_std(a)?;
    /// # drop((io, peer));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_std(socket: net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            inner: Async::new(socket)?,
        })
    }

    /// Deregisters the socket and returns it as a `std` socket, still in non-blocking mode.
    ///
    /// # Errors
    ///
    /// None today; the `Result` is tokio's signature.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// let std_socket: std::os::unix::net::UnixDatagram = io.into_std()?;
    /// std_socket.set_nonblocking(false)?;
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UnixDatagram> {
        Ok(self.inner.into_inner())
    }

    /// Sends a datagram to the connected peer now, without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the operation would wait; otherwise from `send(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// assert_eq!(peer.try_send(b"hi")?, 2);
    /// # drop(io);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.get_ref().send(buf)
    }

    /// Receives a datagram from the connected peer now, without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the operation would wait; otherwise from `recv(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// peer.try_send(b"hi")?;
    /// let mut buf = [0; 8];
    /// let n = loop {
    ///     io.readable().await?;
    ///     match io.try_recv(&mut buf) {
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         n => break n?,
    ///     }
    /// };
    /// assert_eq!(&buf[..n], b"hi");
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.get_ref().recv(buf)
    }

    /// Receives a datagram now into the spare capacity of `buf` (a [`bytes::BufMut`]), without
    /// waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the operation would wait; otherwise from `recv(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// let mut buf = Vec::with_capacity(8);
    /// assert!(io.try_recv_buf(&mut buf).is_err());
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        recv_into_buf(self.inner.get_ref(), buf)
    }

    /// Receives a datagram into the spare capacity of `buf`, waiting until one arrives.
    ///
    /// # Errors
    ///
    /// From `recv(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// peer.send(b"hi").await?;
    /// let mut buf = Vec::with_capacity(8);
    /// io.recv_buf(&mut buf).await?;
    /// assert_eq!(buf, b"hi");
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.inner.read_with(|s| recv_into_buf(s, buf)).await
    }

    /// Receives a datagram and its sender now into the spare capacity of `buf` (a
    /// [`bytes::BufMut`]), without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the operation would wait; otherwise from `recvfrom(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// let mut buf = Vec::with_capacity(8);
    /// assert!(io.try_recv_buf_from(&mut buf).is_err());
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_recv_buf_from<B: bytes::BufMut>(
        &self,
        buf: &mut B,
    ) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = recv_from_into_buf(self.inner.get_ref(), buf)?;
        Ok((n, unix_addr(&from)?))
    }

    /// Receives a datagram and its sender into the spare capacity of `buf`, waiting until one
    /// arrives.
    ///
    /// # Errors
    ///
    /// From `recvfrom(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// peer.send(b"hi").await?;
    /// let mut buf = Vec::with_capacity(8);
    /// let (n, from) = io.recv_buf_from(&mut buf).await?;
    /// assert_eq!((n, &buf[..]), (2, &b"hi"[..]));
    /// assert!(from.is_unnamed());
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn recv_buf_from<B: bytes::BufMut>(
        &self,
        buf: &mut B,
    ) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = self.inner.read_with(|s| recv_from_into_buf(s, buf)).await?;
        Ok((n, unix_addr(&from)?))
    }

    /// Sends a datagram to the socket at `target` now, without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the operation would wait; otherwise from `sendto(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// let error = io.try_send_to(b"x", "/nonexistent/heddle.sock").unwrap_err();
    /// assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: impl AsRef<Path>) -> io::Result<usize> {
        self.inner.get_ref().send_to(buf, target)
    }

    /// Receives a datagram and its sender now, without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the operation would wait; otherwise from `recvfrom(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// let mut buf = [0; 8];
    /// assert!(io.try_recv_from(&mut buf).is_err());
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.get_ref().recv_from(buf)
    }

    /// Polls to send a datagram to the connected peer. Only the waker of the most recent
    /// `poll_send*` call is kept.
    ///
    /// # Errors
    ///
    /// From `send(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// let n = std::future::poll_fn(|cx| io.poll_send(cx, b"hi")).await?;
    /// assert_eq!(n, 2);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_io(Direction::Write, cx, |s| s.send(buf))
    }

    /// Polls to receive a datagram into `buf`. Only the waker of the most recent `poll_recv*`
    /// call is kept.
    ///
    /// # Errors
    ///
    /// From `recv(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// peer.send(b"hi").await?;
    /// let mut storage = [0; 8];
    /// let mut buf = tokio::io::ReadBuf::new(&mut storage);
    /// std::future::poll_fn(|cx| io.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let n = ready!(self
            .inner
            .poll_io(Direction::Read, cx, |s| s.recv(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    /// Polls to send a datagram to the socket at `target`; see
    /// [`poll_send`](UnixDatagram::poll_send).
    ///
    /// # Errors
    ///
    /// From `sendto(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// let result = std::future::poll_fn(|cx| io.poll_send_to(cx, b"x", "/nonexistent/heddle.sock")).await;
    /// assert!(result.is_err());
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: impl AsRef<Path>,
    ) -> Poll<io::Result<usize>> {
        let target = target.as_ref();
        self.inner
            .poll_io(Direction::Write, cx, |s| s.send_to(buf, target))
    }

    /// Polls to receive a datagram into `buf`, returning its sender; see
    /// [`poll_recv`](UnixDatagram::poll_recv).
    ///
    /// # Errors
    ///
    /// From `recvfrom(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// peer.send(b"hi").await?;
    /// let mut storage = [0; 8];
    /// let mut buf = tokio::io::ReadBuf::new(&mut storage);
    /// let from = std::future::poll_fn(|cx| io.poll_recv_from(cx, &mut buf)).await?;
    /// assert!(from.is_unnamed());
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, from) = ready!(self.inner.poll_io(Direction::Read, cx, |s| s
            .recv_from(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(from))
    }

    /// Shuts down the read direction, the write direction, or both.
    ///
    /// # Errors
    ///
    /// From `shutdown(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixDatagram::pair()?;
    /// io.shutdown(std::net::Shutdown::Write)?;
    /// assert!(io.try_send(b"x").is_err());
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.inner.get_ref().shutdown(how)
    }
}

/// The sender address `recvfrom(2)` reported, as std's type: a path, an abstract name
/// (Linux), or unnamed.
fn unix_addr(addr: &socket2::SockAddr) -> io::Result<SocketAddr> {
    if let Some(path) = addr.as_pathname() {
        return SocketAddr::from_pathname(path);
    }
    #[cfg(target_os = "linux")]
    if let Some(name) = addr.as_abstract_namespace() {
        return <SocketAddr as std::os::linux::net::SocketAddrExt>::from_abstract_name(name);
    }
    #[cfg(target_os = "android")]
    if let Some(name) = addr.as_abstract_namespace() {
        return <SocketAddr as std::os::android::net::SocketAddrExt>::from_abstract_name(name);
    }
    // An empty path is std's unnamed address (its length covers no path byte).
    SocketAddr::from_pathname("")
}

impl TryFrom<net::UnixDatagram> for UnixDatagram {
    type Error = io::Error;

    /// [`UnixDatagram::from_std`].
    fn try_from(socket: net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(socket)
    }
}
