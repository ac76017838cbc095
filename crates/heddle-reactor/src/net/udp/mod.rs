//! UDP: [`UdpSocket`]. This file holds the socket, its address-taking operations and its
//! readiness; `io.rs` the non-blocking and `poll_*` operations, `options.rs` the socket
//! options.

use std::fmt;
use std::io;
use std::net::{self, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use crate::net::addr::{each_addr, resolve, ToSocketAddrs};
use crate::net::readiness::{datagram_ready_methods, readiness_methods};
use crate::Async;

mod io_ops;
mod options;

/// The doc-example setup of the readiness methods: `io` and a `peer` connected to it.
macro_rules! udp_setup {
    () => {
        "let io = heddle_reactor::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n\
         let peer = heddle_reactor::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n\
         io.connect(peer.local_addr()?).await?;\n\
         peer.connect(io.local_addr()?).await?;\n\
         # let _ = &peer;\n"
    };
}
readiness_methods!(UdpSocket, udp_setup!(), "peer.try_send(b\"x\")?;\n");
datagram_ready_methods!(UdpSocket, udp_setup!(), "peer.try_send(b\"x\")?;\n");

/// A UDP socket.
///
/// One task may wait to receive while another waits to send. Sending never raises
/// `SIGPIPE` (datagram sockets do not).
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::net::UdpSocket;
///
/// futures::executor::block_on(async {
///     let a = UdpSocket::bind("127.0.0.1:0").await?;
///     let b = UdpSocket::bind("127.0.0.1:0").await?;
///     a.connect(b.local_addr()?).await?;
///     a.send(b"ping").await?;
///     let mut buf = [0; 4];
///     let (n, from) = b.recv_from(&mut buf).await?;
///     assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct UdpSocket {
    inner: Async<net::UdpSocket>,
}

impl UdpSocket {
    /// Binds a socket to `addr` (the first of its addresses that can be bound). A host name
    /// is resolved on the blocking pool (see [`lookup_host`](crate::net::lookup_host)).
    ///
    /// # Errors
    ///
    /// If no address can be bound.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let _socket = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        each_addr(addr, |addr| async move {
            UdpSocket::from_std(net::UdpSocket::bind(addr)?)
        })
        .await
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
    /// let std_socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let _socket = heddle_reactor::net::UdpSocket::from_std(std_socket)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_std(socket: net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            inner: Async::new(socket)?,
        })
    }

    /// Sets the default peer for [`send`](UdpSocket::send) and the only source
    /// [`recv`](UdpSocket::recv) accepts. Never waits (UDP `connect` sends nothing).
    ///
    /// # Errors
    ///
    /// From `connect(2)`, for example an address of the wrong family.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let socket = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.connect("127.0.0.1:9").await?;
    /// assert_eq!(socket.peer_addr()?.port(), 9);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let socket = self.inner.get_ref();
        each_addr(addr, |addr| async move { socket.connect(addr) }).await
    }

    /// Sends a datagram to the connected peer.
    ///
    /// # Errors
    ///
    /// `NotConnected` without a peer; `ConnectionRefused` if an earlier datagram drew an
    /// ICMP "port unreachable"; other `send(2)` errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let socket = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.connect(socket.local_addr()?).await?;
    /// assert_eq!(socket.send(b"self").await?, 4);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write_with(|s| s.send(buf)).await
    }

    /// Receives a datagram from the connected peer. A datagram longer than `buf` is truncated.
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
    /// let socket = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.connect(socket.local_addr()?).await?;
    /// socket.send(b"self").await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(socket.recv(&mut buf).await?, 4);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read_with(|s| s.recv(buf)).await
    }

    /// Sends a datagram to `target` (its first address).
    ///
    /// # Errors
    ///
    /// `InvalidInput` if `target` resolves to nothing; other `sendto(2)` errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let socket = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.send_to(b"x", socket.local_addr()?).await?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let Some(target) = resolve(&target).await?.next() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no address to send to",
            ));
        };
        self.inner.write_with(|s| s.send_to(buf, target)).await
    }

    /// Receives a datagram and the address it came from.
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
    /// let socket = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.send_to(b"x", socket.local_addr()?).await?;
    /// let mut buf = [0; 1];
    /// let (n, from) = socket.recv_from(&mut buf).await?;
    /// assert_eq!((n, from), (1, socket.local_addr()?));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.read_with(|s| s.recv_from(buf)).await
    }

    /// Like [`recv_from`](UdpSocket::recv_from), but leaves the datagram in the queue.
    ///
    /// # Errors
    ///
    /// From `recvfrom(2)` with `MSG_PEEK`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let socket = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.send_to(b"x", socket.local_addr()?).await?;
    /// let mut buf = [0; 1];
    /// socket.peek_from(&mut buf).await?;
    /// let (n, _) = socket.recv_from(&mut buf).await?; // still there
    /// assert_eq!(n, 1);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.read_with(|s| s.peek_from(buf)).await
    }

    /// The address this socket is bound to.
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
    /// let socket = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// The connected peer's address.
    ///
    /// # Errors
    ///
    /// `NotConnected` if [`connect`](UdpSocket::connect) was not called.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let socket = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.peer_addr().is_err());
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }
}

impl TryFrom<net::UdpSocket> for UdpSocket {
    type Error = io::Error;

    /// [`UdpSocket::from_std`].
    fn try_from(socket: net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::from_std(socket)
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.get_ref().fmt(f)
    }
}

impl AsFd for UdpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.get_ref().as_fd()
    }
}

impl AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.get_ref().as_raw_fd()
    }
}
