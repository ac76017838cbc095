//! TCP: [`TcpListener`], its [`Incoming`] stream, and [`TcpStream`].

use std::fmt;
use std::io::{self, IoSlice};
use std::net::{self, Shutdown, SocketAddr, ToSocketAddrs};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_io::{AsyncRead, AsyncWrite};
use socket2::{Domain, Protocol, Socket, Type};

use super::split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::async_io::WaiterGuard;
use crate::delay::Delay;
use crate::source::Direction;
use crate::Async;

/// A TCP socket listening for connections.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::net::{TcpListener, TcpStream};
///
/// futures::executor::block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let client = TcpStream::connect(listener.local_addr()?).await?;
///     let (server, peer) = listener.accept().await?;
///     assert_eq!(peer, client.local_addr()?);
///     assert_eq!(server.peer_addr()?, client.local_addr()?);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct TcpListener {
    inner: Async<net::TcpListener>,
}

impl TcpListener {
    /// Binds to `addr` (the first of its addresses that can be bound) and listens.
    ///
    /// Resolving a host name uses the system resolver and blocks; pass an IP address to
    /// avoid that.
    ///
    /// # Errors
    ///
    /// If no address can be bound (`AddrInUse`, `AddrNotAvailable`, ...).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert_ne!(listener.local_addr()?.port(), 0);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        TcpListener::from_std(net::TcpListener::bind(addr)?)
    }

    /// Registers a listener made with `std` (it is switched to non-blocking mode).
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
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let _listener = heddle_reactor::net::TcpListener::from_std(std_listener)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_std(listener: net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            inner: Async::new(listener)?,
        })
    }

    /// Waits for a connection and returns it with the peer's address.
    ///
    /// The accepted stream is registered with the same reactor as the listener.
    ///
    /// # Errors
    ///
    /// Errors of `accept(2)` are returned as they are, for example `EMFILE` when the process
    /// is out of descriptors. This does not retry them: a caller looping on `accept` should
    /// pause after such an error (the pending connection keeps the listener readable, so an
    /// immediate retry fails the same way), and accepting succeeds again once descriptors are
    /// free. [`incoming`](TcpListener::incoming) pauses by itself.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:8080").await?;
    /// let (_stream, _peer) = listener.accept().await?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let mut waiter = self.inner.waiter(Direction::Read);
        std::future::poll_fn(|cx| self.poll_accept_as(&mut waiter, cx)).await
    }

    /// Polls for one connection; see [`accept`](TcpListener::accept).
    ///
    /// Only the waker of the most recent call is kept (as with tokio): tasks that accept on
    /// one listener side by side use [`accept`](TcpListener::accept), where each waits on its
    /// own.
    ///
    /// # Errors
    ///
    /// As for [`accept`](TcpListener::accept).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let _client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_stream, _peer) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let accepted = self.inner.poll_io(Direction::Read, cx, |l| l.accept());
        self.register(accepted)
    }

    /// Polls for one connection as `waiter` (a future's or a stream's own waiter).
    fn poll_accept_as(
        &self,
        waiter: &mut WaiterGuard<'_>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let accepted = self.inner.poll_io_as(waiter, cx, |l| l.accept());
        self.register(accepted)
    }

    /// Registers an accepted stream with the listener's reactor.
    fn register(
        &self,
        accepted: Poll<io::Result<(net::TcpStream, SocketAddr)>>,
    ) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let (stream, peer) = std::task::ready!(accepted)?;
        let stream = Async::with_handle(stream, self.inner.handle())?;
        Poll::Ready(Ok((TcpStream { inner: stream }, peer)))
    }

    /// A stream of incoming connections (never ends; yields `accept`'s errors as items).
    ///
    /// After an error that says the process or the system is out of descriptors or memory
    /// (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`), the stream waits 20 ms before it accepts
    /// again, so an accept loop neither spins nor floods its log while the limit lasts, and
    /// resumes within that pause once descriptors are free. Each stream waits on the listener
    /// on its own: several tasks may each poll their own stream of one listener.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use futures::StreamExt;
    ///
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let _client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let mut incoming = listener.incoming();
    /// let _stream = incoming.next().await.unwrap()?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming {
            listener: self,
            waiter: self.inner.waiter(Direction::Read),
            backoff: Delay::new(self.inner.handle()),
        }
    }

    /// The address this listener is bound to.
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
    /// assert!(listener.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.get_ref().fmt(f)
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.get_ref().as_fd()
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.get_ref().as_raw_fd()
    }
}

/// How long [`Incoming`] pauses after `accept` failed for lack of descriptors or memory:
/// short enough that a freed descriptor is used within a tenth of a second, long enough that
/// an accept loop at the limit makes a handful of syscalls (and log lines) a tenth of a
/// second instead of spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(20);

/// True for the errors of `accept(2)` that say the process or the system is out of
/// descriptors or memory: retrying at once fails the same way while the connection that
/// caused them stays pending.
fn is_out_of_resources(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

/// The stream returned by [`TcpListener::incoming`].
///
/// Besides [`Stream`], it has [`accept`](Incoming::accept) for callers without a stream
/// extension trait at hand. Both pause after `accept` ran out of descriptors; see
/// [`TcpListener::incoming`].
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// # futures::executor::block_on(async {
/// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
/// let _incoming: heddle_reactor::net::Incoming<'_> = listener.incoming();
/// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
    /// This stream's own waiter, so that several streams (and `accept` futures) can wait on
    /// one listener at once.
    waiter: WaiterGuard<'a>,
    /// Running after an out-of-resources error: the next accept waits for it.
    backoff: Delay<'a>,
}

impl Incoming<'_> {
    /// Waits for the next connection and returns it with the peer's address, pausing first
    /// if the previous attempt ran out of descriptors (see [`TcpListener::incoming`]).
    ///
    /// # Errors
    ///
    /// As for [`TcpListener::accept`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let mut incoming = listener.incoming();
    /// let (_stream, peer) = incoming.accept().await?;
    /// assert_eq!(peer, client.local_addr()?);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn accept(&mut self) -> io::Result<(TcpStream, SocketAddr)> {
        std::future::poll_fn(|cx| self.poll_accept(cx)).await
    }

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        std::task::ready!(self.backoff.poll_elapsed(cx));
        let accepted = self.listener.poll_accept_as(&mut self.waiter, cx);
        if let Poll::Ready(Err(e)) = &accepted {
            if is_out_of_resources(e) {
                self.backoff.start(ACCEPT_BACKOFF);
            }
        }
        accepted
    }
}

impl Stream for Incoming<'_> {
    type Item = io::Result<TcpStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut()
            .poll_accept(cx)
            .map(|result| Some(result.map(|(stream, _)| stream)))
    }
}

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
    pub(super) inner: Async<net::TcpStream>,
}

impl TcpStream {
    /// Connects to `addr`, trying each of its addresses in turn.
    ///
    /// The connect is non-blocking: the socket is created non-blocking, `connect(2)` starts,
    /// and the future waits for writability and then reads `SO_ERROR`. Resolving a host name
    /// uses the system resolver and blocks; pass an IP address to avoid that.
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
        let mut last = None;
        for addr in addr.to_socket_addrs()? {
            match TcpStream::connect_addr(addr).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "no addresses to connect to")
        }))
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        socket.set_nonblocking(true)?;
        match socket.connect(&addr.into()) {
            Ok(()) => {}
            Err(e) if super::is_in_progress(&e) => {}
            Err(e) => return Err(e),
        }
        let inner = Async::new(net::TcpStream::from(socket))?;
        super::finish_connect(&inner).await?;
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

    /// Shuts down the read half, the write half, or both. Shutting down `Write` makes the
    /// peer read end-of-file while data still flows the other way.
    ///
    /// # Errors
    ///
    /// From `shutdown(2)`; a connection the peer already closed is not an error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.shutdown(std::net::Shutdown::Write)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        super::shutdown(&self.inner, how)
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

    /// Borrows the stream as a read half and a write half, usable from two tasks at once
    /// (each direction has its own waiter slot).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, _write) = stream.split();
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        (ReadHalf { stream: self }, WriteHalf { stream: self })
    }

    /// Splits the stream into owned halves that can move to different tasks. Dropping the
    /// write half does not shut the connection down; closing it (`poll_close`) does.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = stream.into_split();
    /// std::thread::spawn(move || drop(write)).join().unwrap();
    /// drop(read);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        let stream = Arc::new(self);
        (
            OwnedReadHalf {
                stream: stream.clone(),
            },
            OwnedWriteHalf { stream },
        )
    }

    pub(super) fn poll_read_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        super::poll_read(&self.inner, cx, buf)
    }

    pub(super) fn poll_write_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        super::poll_write(&self.inner, cx, buf)
    }

    pub(super) fn poll_write_vectored_priv(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        super::poll_write_vectored(&self.inner, cx, bufs)
    }

    pub(super) fn poll_close_priv(&self) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown(Shutdown::Write))
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
