//! The socket options of [`UdpSocket`]: broadcast, multicast, TTL, TOS and the bound device,
//! as tokio names them.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

use socket2::SockRef;

use super::UdpSocket;

impl UdpSocket {
    /// Whether `SO_BROADCAST` is set: sending to a broadcast address is allowed.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.set_broadcast(true)?;
    /// assert!(io.broadcast()?);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn broadcast(&self) -> io::Result<bool> {
        self.inner.get_ref().broadcast()
    }

    /// Sets the option read by [`broadcast`](UdpSocket::broadcast).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.set_broadcast(true)?;
    /// assert!(io.broadcast()?);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.inner.get_ref().set_broadcast(on)
    }

    /// Whether IPv4 multicast sent from this socket loops back to it (`IP_MULTICAST_LOOP`).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.set_multicast_loop_v4(false)?;
    /// assert!(!io.multicast_loop_v4()?);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.inner.get_ref().multicast_loop_v4()
    }

    /// Sets the option read by [`multicast_loop_v4`](UdpSocket::multicast_loop_v4).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.set_multicast_loop_v4(false)?;
    /// assert!(!io.multicast_loop_v4()?);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.inner.get_ref().set_multicast_loop_v4(on)
    }

    /// The TTL of IPv4 multicast sent from this socket (`IP_MULTICAST_TTL`).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.set_multicast_ttl_v4(4)?;
    /// assert_eq!(io.multicast_ttl_v4()?, 4);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.inner.get_ref().multicast_ttl_v4()
    }

    /// Sets the option read by [`multicast_ttl_v4`](UdpSocket::multicast_ttl_v4).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.set_multicast_ttl_v4(4)?;
    /// assert_eq!(io.multicast_ttl_v4()?, 4);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_multicast_ttl_v4(&self, on: u32) -> io::Result<()> {
        self.inner.get_ref().set_multicast_ttl_v4(on)
    }

    /// The `IP_TTL` of datagrams sent from this socket.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.set_ttl(33)?;
    /// assert_eq!(io.ttl()?, 33);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.inner.get_ref().ttl()
    }

    /// Sets the option read by [`ttl`](UdpSocket::ttl).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.set_ttl(33)?;
    /// assert_eq!(io.ttl()?, 33);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_ttl(&self, on: u32) -> io::Result<()> {
        self.inner.get_ref().set_ttl(on)
    }

    /// The `IP_TOS` of datagrams sent from this socket.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.set_tos(0x10)?;
    /// assert_eq!(io.tos()?, 0x10);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn tos(&self) -> io::Result<u32> {
        SockRef::from(self.inner.get_ref()).tos()
    }

    /// Sets the option read by [`tos`](UdpSocket::tos).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.set_tos(0x10)?;
    /// assert_eq!(io.tos()?, 0x10);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_tos(&self, on: u32) -> io::Result<()> {
        SockRef::from(self.inner.get_ref()).set_tos(on)
    }

    /// Sets `IP_TOS` (IPv4 sockets): tokio's current name for [`set_tos`](UdpSocket::set_tos).
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
    /// let socket = heddle_reactor::net::UdpSocket::from_std(std::net::UdpSocket::bind("127.0.0.1:0")?)?;
    /// socket.set_tos_v4(0x10)?;
    /// assert_eq!(socket.tos_v4()?, 0x10);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        SockRef::from(self.inner.get_ref()).set_tos(tos)
    }

    /// The `IP_TOS` value (IPv4 sockets): tokio's current name for [`tos`](UdpSocket::tos).
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
    /// let socket = heddle_reactor::net::UdpSocket::from_std(std::net::UdpSocket::bind("127.0.0.1:0")?)?;
    /// assert_eq!(socket.tos_v4()?, 0);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn tos_v4(&self) -> io::Result<u32> {
        SockRef::from(self.inner.get_ref()).tos()
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
    /// let socket = heddle_reactor::net::UdpSocket::from_std(std::net::UdpSocket::bind("[::1]:0")?)?;
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
        SockRef::from(self.inner.get_ref()).set_tclass_v6(tclass)
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
    /// let socket = heddle_reactor::net::UdpSocket::from_std(std::net::UdpSocket::bind("[::1]:0")?)?;
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
        SockRef::from(self.inner.get_ref()).tclass_v6()
    }

    /// Whether IPv6 multicast sent from this socket loops back to it (`IPV6_MULTICAST_LOOP`).
    /// Only for IPv6 sockets.
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`. An error on an IPv4 socket.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// let v6 = heddle_reactor::net::UdpSocket::bind("[::1]:0").await;
    /// if let Ok(v6) = v6 {
    ///     v6.set_multicast_loop_v6(false)?;
    ///     assert!(!v6.multicast_loop_v6()?);
    /// }
    /// # drop((io, peer));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.inner.get_ref().multicast_loop_v6()
    }

    /// Sets the option read by [`multicast_loop_v6`](UdpSocket::multicast_loop_v6).
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`. An error on an IPv4 socket.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// let v6 = heddle_reactor::net::UdpSocket::bind("[::1]:0").await;
    /// if let Ok(v6) = v6 {
    ///     v6.set_multicast_loop_v6(true)?;
    /// }
    /// # drop((io, peer));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.inner.get_ref().set_multicast_loop_v6(on)
    }

    /// Joins the IPv4 multicast group `multiaddr` on the interface with address `interface`
    /// (`UNSPECIFIED`: the system's choice).
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`. `ENODEV` on a host without a multicast route.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// use std::net::Ipv4Addr;
    /// let any = heddle_reactor::net::UdpSocket::bind("0.0.0.0:0").await?;
    /// let group = Ipv4Addr::new(239, 255, 0, 1);
    /// if any.join_multicast_v4(group, Ipv4Addr::UNSPECIFIED).is_ok() {
    ///     any.leave_multicast_v4(group, Ipv4Addr::UNSPECIFIED)?;
    /// }
    /// # drop((io, peer));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.inner
            .get_ref()
            .join_multicast_v4(&multiaddr, &interface)
    }

    /// Leaves an IPv4 multicast group joined with
    /// [`join_multicast_v4`](UdpSocket::join_multicast_v4).
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`. An error for a group not joined.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// use std::net::Ipv4Addr;
    /// let error = io.leave_multicast_v4(Ipv4Addr::new(239, 255, 0, 2), Ipv4Addr::UNSPECIFIED);
    /// assert!(error.is_err(), "never joined");
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.inner
            .get_ref()
            .leave_multicast_v4(&multiaddr, &interface)
    }

    /// Joins the IPv6 multicast group `multiaddr` on the interface with index `interface` (0:
    /// the system's choice).
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`. An error on an IPv4 socket.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// let v6 = heddle_reactor::net::UdpSocket::bind("[::]:0").await;
    /// if let Ok(v6) = v6 {
    ///     let group = "ff02::1:3".parse().unwrap();
    ///     if v6.join_multicast_v6(&group, 0).is_ok() {
    ///         v6.leave_multicast_v6(&group, 0)?;
    ///     }
    /// }
    /// # drop((io, peer));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.inner.get_ref().join_multicast_v6(multiaddr, interface)
    }

    /// Leaves an IPv6 multicast group joined with
    /// [`join_multicast_v6`](UdpSocket::join_multicast_v6).
    ///
    /// # Errors
    ///
    /// From `setsockopt(2)`. An error for a group not joined.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// let group = "ff02::1:3".parse().unwrap();
    /// assert!(io.leave_multicast_v6(&group, 0).is_err(), "an IPv4 socket");
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.inner
            .get_ref()
            .leave_multicast_v6(multiaddr, interface)
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
    /// # futures::executor::block_on(async {
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// assert_eq!(io.device()?, None);
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        SockRef::from(self.inner.get_ref()).device()
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
    /// # futures::executor::block_on(async {
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// io.bind_device(None)?;
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        SockRef::from(self.inner.get_ref()).bind_device(interface)
    }
}
