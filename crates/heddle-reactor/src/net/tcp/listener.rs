//! [`TcpListener`] and its [`Incoming`] stream.

use std::fmt;
use std::io;
use std::net::{self, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;

use super::{TcpSocket, TcpStream};
use crate::async_io::WaiterGuard;
use crate::delay::Delay;
use crate::net::addr::{each_addr, ToSocketAddrs};
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
    /// Binds to `addr` (the first of its addresses that can be bound) and listens, with
    /// `SO_REUSEADDR` set and a backlog of 1024, as tokio does.
    ///
    /// A host name is resolved on the blocking pool (see
    /// [`lookup_host`](crate::net::lookup_host)).
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
        each_addr(addr, |addr| async move {
            let socket = TcpSocket::for_addr(addr)?;
            socket.set_reuseaddr(true)?;
            socket.bind(addr)?;
            socket.listen(1024)
        })
        .await
    }

    /// Deregisters the listener and returns it as a `std` listener, still in non-blocking
    /// mode.
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
    /// let std_listener: std::net::TcpListener = listener.into_std()?;
    /// std_listener.set_nonblocking(false)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::TcpListener> {
        Ok(self.inner.into_inner())
    }

    /// The `IP_TTL` of packets sent from accepted connections.
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
    /// listener.set_ttl(100)?;
    /// assert_eq!(listener.ttl()?, 100);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.inner.get_ref().ttl()
    }

    /// Sets `IP_TTL`; see [`ttl`](TcpListener::ttl).
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
    /// listener.set_ttl(100)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.inner.get_ref().set_ttl(ttl)
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

impl TryFrom<net::TcpListener> for TcpListener {
    type Error = io::Error;

    /// [`TcpListener::from_std`].
    fn try_from(listener: net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::from_std(listener)
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
