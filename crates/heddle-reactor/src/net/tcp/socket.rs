//! [`TcpSocket`]: a TCP socket not yet connected or listening, for setting options first
//! (tokio's `TcpSocket`, over socket2).

use std::fmt;
use std::io;
use std::net::{self, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use super::{TcpListener, TcpStream};

/// A TCP socket that is not connected or listening yet: set options, [`bind`](TcpSocket::bind),
/// then [`connect`](TcpSocket::connect) or [`listen`](TcpSocket::listen).
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::net::TcpSocket;
///
/// futures::executor::block_on(async {
///     let socket = TcpSocket::new_v4()?;
///     socket.set_reuseaddr(true)?;
///     socket.bind("127.0.0.1:0".parse().unwrap())?;
///     let listener = socket.listen(128)?;
///     let client = TcpSocket::new_v4()?;
///     let stream = client.connect(listener.local_addr()?).await?;
///     assert_eq!(stream.peer_addr()?, listener.local_addr()?);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct TcpSocket {
    inner: Socket,
}

impl TcpSocket {
    /// Creates an IPv4 TCP socket.
    ///
    /// # Errors
    ///
    /// From `socket(2)`, for example `EMFILE`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// let _ = socket;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV4)
    }

    /// Creates an IPv6 TCP socket.
    ///
    /// # Errors
    ///
    /// From `socket(2)`; `EAFNOSUPPORT` where IPv6 is disabled.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// let _ = socket;
    /// let _v6 = heddle_reactor::net::TcpSocket::new_v6();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV6)
    }

    /// Sets `SO_KEEPALIVE`.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.set_keepalive(true)?;
    /// assert!(socket.keepalive()?);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.inner.set_keepalive(keepalive)
    }

    /// Whether `SO_KEEPALIVE` is set.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert!(!socket.keepalive()?);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn keepalive(&self) -> io::Result<bool> {
        self.inner.keepalive()
    }

    /// Sets `SO_REUSEADDR`: bind to an address still in `TIME_WAIT`.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.set_reuseaddr(true)?;
    /// assert!(socket.reuseaddr()?);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        self.inner.set_reuse_address(reuseaddr)
    }

    /// Whether `SO_REUSEADDR` is set.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert!(!socket.reuseaddr()?);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.inner.reuse_address()
    }

    /// Sets `SO_REUSEPORT`: several sockets may bind the same address and port.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.set_reuseport(true)?;
    /// assert!(socket.reuseport()?);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        self.inner.set_reuse_port(reuseport)
    }

    /// Whether `SO_REUSEPORT` is set.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert!(!socket.reuseport()?);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn reuseport(&self) -> io::Result<bool> {
        self.inner.reuse_port()
    }

    /// Sets `SO_SNDBUF`; the kernel may round (Linux doubles) the value.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.set_send_buffer_size(65536)?;
    /// assert!(socket.send_buffer_size()? >= 65536);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_send_buffer_size(size as usize)
    }

    /// The `SO_SNDBUF` size.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert!(socket.send_buffer_size()? > 0);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.inner.send_buffer_size().map(saturate)
    }

    /// Sets `SO_RCVBUF`; the kernel may round (Linux doubles) the value.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.set_recv_buffer_size(65536)?;
    /// assert!(socket.recv_buffer_size()? >= 65536);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_recv_buffer_size(size as usize)
    }

    /// The `SO_RCVBUF` size.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert!(socket.recv_buffer_size()? > 0);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.inner.recv_buffer_size().map(saturate)
    }

    /// Sets `SO_LINGER`; see [`TcpStream::set_linger`].
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.set_linger(Some(std::time::Duration::from_secs(2)))?;
    /// assert_eq!(socket.linger()?, Some(std::time::Duration::from_secs(2)));
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        self.inner.set_linger(linger)
    }

    /// Sets `SO_LINGER` to zero; see [`TcpStream::set_zero_linger`].
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.set_zero_linger()?;
    /// assert_eq!(socket.linger()?, Some(std::time::Duration::ZERO));
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.inner.set_linger(Some(Duration::ZERO))
    }

    /// The `SO_LINGER` setting.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.linger()?, None);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.inner.linger()
    }

    /// Sets `TCP_NODELAY`.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.set_nodelay(true)?;
    /// assert!(socket.nodelay()?);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_nodelay(nodelay)
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
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert!(!socket.nodelay()?);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.nodelay()
    }

    /// Sets `IP_TOS` (IPv4 sockets).
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.set_tos(0x10)?;
    /// assert_eq!(socket.tos()?, 0x10);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.inner.set_tos(tos)
    }

    /// The `IP_TOS` value (IPv4 sockets).
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.tos()?, 0);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn tos(&self) -> io::Result<u32> {
        self.inner.tos()
    }

    /// Sets `IP_TOS` (IPv4 sockets): tokio's current name for [`set_tos`](TcpSocket::set_tos).
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.set_tos_v4(0x10)?;
    /// assert_eq!(socket.tos_v4()?, 0x10);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.inner.set_tos(tos)
    }

    /// The `IP_TOS` value (IPv4 sockets): tokio's current name for [`tos`](TcpSocket::tos).
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.tos_v4()?, 0);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.inner.tos()
    }

    /// Sets `IPV6_TCLASS`, the traffic class of the packets sent (IPv6 sockets).
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`, for one on an IPv4 socket.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v6()?;
    /// socket.set_tclass_v6(0x10)?;
    /// assert_eq!(socket.tclass_v6()?, 0x10);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    #[cfg(any(
        target_os = "android",
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "fuchsia",
        target_os = "linux",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd"
    ))]
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.inner.set_tclass_v6(tclass)
    }

    /// The `IPV6_TCLASS` value (IPv6 sockets).
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`, for one on an IPv4 socket.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v6()?;
    /// assert_eq!(socket.tclass_v6()?, 0);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    #[cfg(any(
        target_os = "android",
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "fuchsia",
        target_os = "linux",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd"
    ))]
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.inner.tclass_v6()
    }

    /// Binds the socket to a network interface (`SO_BINDTODEVICE`, Linux); `None` unbinds.
    /// Usually needs `CAP_NET_RAW`.
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`. `EPERM` without the capability.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(not(all(not(miri), any(target_os = "linux", target_os = "android"))))] fn main() {}
    /// # #[cfg(all(not(miri), any(target_os = "linux", target_os = "android")))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.bind_device(None)?;
    /// assert_eq!(socket.device()?, None);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.inner.bind_device(interface)
    }

    /// The interface the socket is bound to (`SO_BINDTODEVICE`, Linux).
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(not(all(not(miri), any(target_os = "linux", target_os = "android"))))] fn main() {}
    /// # #[cfg(all(not(miri), any(target_os = "linux", target_os = "android")))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.device()?, None);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.inner.device()
    }

    /// The local address the socket is bound to.
    ///
    /// # Errors
    ///
    /// From `getsockname(2)`; `InvalidInput` if the socket is not bound to an IP address.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert!(socket.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        socket_addr(self.inner.local_addr()?)
    }

    /// The pending error of the socket (`SO_ERROR`), which reading it clears.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// assert!(socket.take_error()?.is_none());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    /// Binds the socket to `addr`.
    ///
    /// # Errors
    ///
    /// From `bind(2)`, for example `AddrInUse`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.bind(&addr.into())
    }

    /// Connects to `addr` without blocking the thread and returns the stream.
    ///
    /// # Errors
    ///
    /// The connect's error, for example `ConnectionRefused`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = socket.connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        TcpStream::connect_socket(self.inner, addr).await
    }

    /// Listens with room for `backlog` pending connections and returns the listener.
    ///
    /// # Errors
    ///
    /// From `listen(2)`, or registering with the reactor.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// let listener = socket.listen(16)?;
    /// assert_ne!(listener.local_addr()?.port(), 0);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        TcpListener::from_std(net::TcpListener::from(self.inner))
    }

    /// Turns a `std` stream into a socket (tokio's `from_std_stream`), to read or set its
    /// options.
    ///
    /// # Errors
    ///
    /// None: it cannot fail.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // no sockets under miri's isolation
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let socket = heddle_reactor::net::TcpSocket::from_std_stream(stream);
    /// assert!(socket.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_std_stream(stream: net::TcpStream) -> TcpSocket {
        TcpSocket {
            inner: Socket::from(stream),
        }
    }

    /// The socket for `addr`'s family.
    pub(crate) fn for_addr(addr: SocketAddr) -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::for_address(addr))
    }

    fn new(domain: Domain) -> io::Result<TcpSocket> {
        let inner = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
        inner.set_nonblocking(true)?;
        Ok(TcpSocket { inner })
    }
}

/// A kernel buffer size as tokio reports it.
fn saturate(size: usize) -> u32 {
    u32::try_from(size).unwrap_or(u32::MAX)
}

/// The IP address of a socket2 address, or `InvalidInput`.
fn socket_addr(addr: socket2::SockAddr) -> io::Result<SocketAddr> {
    addr.as_socket().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the socket is not bound to an IP address",
        )
    })
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl AsFd for TcpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

impl FromRawFd for TcpSocket {
    /// Takes ownership of `fd`, a TCP socket.
    ///
    /// # Safety
    ///
    /// `fd` must be an open socket descriptor that nothing else owns.
    unsafe fn from_raw_fd(fd: RawFd) -> TcpSocket {
        // SAFETY: the caller passes an open socket descriptor that nothing else owns.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        TcpSocket {
            inner: Socket::from(owned),
        }
    }
}
