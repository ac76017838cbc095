//! [`TcpStream`]: a TCP connection.

use std::fmt;
use std::io::{self, IoSlice};
use std::net::{self, Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_io::{AsyncRead, AsyncWrite};
use socket2::{Domain, Protocol, SockRef, Socket, Type};

use crate::net::addr::{each_addr, ToSocketAddrs};
use crate::net::readiness::{readiness_methods, stream_try_methods};
use crate::source::Direction;
use crate::Async;

/// The doc-example setup of the readiness methods: `io` and its `peer`.
macro_rules! tcp_setup {
    () => {
        "let listener = heddle_reactor::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
         let io = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;\n\
         let (peer, _) = listener.accept().await?;\n\
         # let _ = &peer;\n"
    };
}

readiness_methods!(TcpStream, tcp_setup!(), "peer.try_write(b\"x\")?;\n");
stream_try_methods!(TcpStream, tcp_setup!());

/// A TCP connection.
///
/// Reading and writing go through [`AsyncRead`] and [`AsyncWrite`] (use
/// [`AsyncReadExt`](crate::io::AsyncReadExt) and [`AsyncWriteExt`](crate::io::AsyncWriteExt));
/// [`close`](crate::io::AsyncWriteExt::close) shuts the write half down.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::io::{AsyncReadExt, AsyncWriteExt};
/// use heddle_reactor::net::{TcpListener, TcpStream};
///
/// futures::executor::block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let mut client = TcpStream::connect(listener.local_addr()?).await?;
///     let (mut server, _) = listener.accept().await?;
///     client.write_all(b"hello").await?;
///     client.close().await?; // the server reads end-of-file after the data
///     let mut got = Vec::new();
///     server.read_to_end(&mut got).await?;
///     assert_eq!(got, b"hello");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct TcpStream {
    pub(crate) inner: Async<net::TcpStream>,
}

impl TcpStream {
    /// Connects to `addr`, trying each of its addresses in turn.
    ///
    /// The connect is non-blocking: the socket is created non-blocking, `connect(2)` starts,
    /// and the future waits for writability and then reads `SO_ERROR`. Resolving a host name
    /// is resolved on the blocking pool (see [`lookup_host`](crate::net::lookup_host)).
    ///
    /// # Errors
    ///
    /// The last address's error, for example `ConnectionRefused` for a closed port.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        each_addr(addr, TcpStream::connect_addr).await
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        TcpStream::connect_socket(socket, addr).await
    }

    /// Starts a non-blocking connect of `socket` to `addr` and waits for its outcome.
    pub(super) async fn connect_socket(socket: Socket, addr: SocketAddr) -> io::Result<TcpStream> {
        socket.set_nonblocking(true)?;
        match socket.connect(&addr.into()) {
            Ok(()) => {}
            Err(e) if crate::net::is_in_progress(&e) => {}
            Err(e) => return Err(e),
        }
        let inner = Async::new(net::TcpStream::from(socket))?;
        crate::net::finish_connect(&inner).await?;
        Ok(TcpStream { inner })
    }

    /// Registers a stream made with `std` (it is switched to non-blocking mode).
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
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let _stream = heddle_reactor::net::TcpStream::from_std(std_stream)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_std(stream: net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            inner: Async::new(stream)?,
        })
    }

    /// The address of the peer.
    ///
    /// # Errors
    ///
    /// `NotConnected` if the connection is gone, or another `getpeername(2)` error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// The local address of this end.
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
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(stream.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Sets `TCP_NODELAY` (disables Nagle's algorithm when `true`).
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_nodelay(true)?;
    /// assert!(stream.nodelay()?);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.get_ref().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let _ = stream.nodelay()?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.get_ref().nodelay()
    }

    /// Deregisters the stream and returns it as a `std` stream, still in non-blocking mode.
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
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let std_stream: std::net::TcpStream = stream.into_std()?;
    /// std_stream.set_nonblocking(false)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::TcpStream> {
        Ok(self.inner.into_inner())
    }

    /// The `SO_LINGER` setting: `None` if closing returns at once and unsent data is sent in
    /// the background.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.linger()?, None);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        SockRef::from(self.inner.get_ref()).linger()
    }

    /// Sets `SO_LINGER`. With `Some(d)`, closing waits up to `d` for unsent data to be
    /// sent; with `Some(Duration::ZERO)` it resets the connection instead.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_linger(Some(std::time::Duration::from_secs(1)))?;
    /// assert_eq!(stream.linger()?, Some(std::time::Duration::from_secs(1)));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        SockRef::from(self.inner.get_ref()).set_linger(linger)
    }

    /// Sets `SO_LINGER` to zero: closing the stream resets the connection (the peer reads
    /// `ConnectionReset`) instead of a graceful close.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_zero_linger()?;
    /// assert_eq!(stream.linger()?, Some(std::time::Duration::ZERO));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.set_linger(Some(Duration::ZERO))
    }

    /// The `IP_TTL` of packets sent from this socket.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(42)?;
    /// assert_eq!(stream.ttl()?, 42);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.inner.get_ref().ttl()
    }

    /// Sets `IP_TTL` for packets sent from this socket.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(42)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.inner.get_ref().set_ttl(ttl)
    }

    /// Whether `TCP_QUICKACK` is set (Linux).
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(any(miri, not(target_os = "linux")))] fn main() {}
    /// # #[cfg(all(not(miri), target_os = "linux"))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_quickack(true)?;
    /// let _quick = stream.quickack()?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn quickack(&self) -> io::Result<bool> {
        SockRef::from(self.inner.get_ref()).quickack()
    }

    /// Sets `TCP_QUICKACK` (Linux): acknowledge at once rather than delayed. The kernel may
    /// clear it again on its own.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(any(miri, not(target_os = "linux")))] fn main() {}
    /// # #[cfg(all(not(miri), target_os = "linux"))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_quickack(true)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        SockRef::from(self.inner.get_ref()).set_quickack(quickack)
    }

    /// Polls for data to peek at, without removing it from the queue: fills `buf` and
    /// returns how many bytes were peeked. Only the waker of the most recent call is kept.
    ///
    /// # Errors
    ///
    /// From `recv(2)` with `MSG_PEEK`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (peer, _) = listener.accept().await?;
    /// peer.try_write(b"hi")?;
    /// let mut storage = [0; 2];
    /// let mut buf = tokio::io::ReadBuf::new(&mut storage);
    /// let n = std::future::poll_fn(|cx| stream.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(&buf.filled()[..n], &b"hi"[..n]);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        let n = std::task::ready!(self.inner.poll_io(Direction::Read, cx, |s| {
            s.peek(buf.initialize_unfilled())
        }))?;
        buf.advance(n);
        Poll::Ready(Ok(n))
    }

    /// Receives data without removing it from the queue, waiting until some is available.
    ///
    /// # Errors
    ///
    /// From `recv(2)` with `MSG_PEEK`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use heddle_reactor::io::AsyncWriteExt;
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.write_all(b"abc").await?;
    /// let mut buf = [0; 3];
    /// let n = server.peek(&mut buf).await?;
    /// assert_eq!(&buf[..n], &b"abc"[..n]);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read_with(|s| s.peek(buf)).await
    }

    pub(super) fn poll_read_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        crate::net::poll_read(&self.inner, cx, buf)
    }

    pub(super) fn poll_write_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        crate::net::poll_write(&self.inner, cx, buf)
    }

    pub(super) fn poll_write_vectored_priv(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        crate::net::poll_write_vectored(&self.inner, cx, bufs)
    }

    pub(super) fn poll_close_priv(&self) -> Poll<io::Result<()>> {
        Poll::Ready(crate::net::shutdown(&self.inner, Shutdown::Write))
    }
}

impl TryFrom<net::TcpStream> for TcpStream {
    type Error = io::Error;

    /// [`TcpStream::from_std`].
    fn try_from(stream: net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.get_ref().fmt(f)
    }
}

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.get_ref().as_fd()
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.get_ref().as_raw_fd()
    }
}

impl AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored_priv(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing is buffered in user space.
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_close_priv()
    }
}
