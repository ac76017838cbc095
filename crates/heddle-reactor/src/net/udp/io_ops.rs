//! The non-blocking (`try_*`), `poll_*` and `BufMut` operations of [`UdpSocket`], as tokio
//! names them. The waiting operations that take addresses live in `mod.rs`.

use std::io;
use std::net::{self, SocketAddr};
use std::task::{ready, Context, Poll};

use socket2::{SockAddr, SockRef};
use tokio::io::ReadBuf;

use super::UdpSocket;
use crate::net::readiness::{recv_from_into_buf, recv_into_buf};
use crate::source::Direction;

impl UdpSocket {
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// let std_socket: std::net::UdpSocket = io.into_std()?;
    /// std_socket.set_nonblocking(false)?;
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UdpSocket> {
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// peer.writable().await?;
    /// assert_eq!(peer.try_send(b"hi")?, 2);
    /// # drop(io);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.get_ref().send(buf)
    }

    /// Receives a datagram from the connected peer now, without waiting. A datagram longer
    /// than `buf` is truncated.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
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

    /// Receives a datagram from the connected peer now into the spare capacity of `buf` (a
    /// [`bytes::BufMut`]), without waiting.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// let mut buf = Vec::with_capacity(8);
    /// assert!(io.try_recv_buf(&mut buf).is_err());
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        recv_into_buf(self.inner.get_ref(), buf)
    }

    /// Receives a datagram from the connected peer into the spare capacity of `buf`, waiting
    /// until one arrives.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
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

    /// Sends a datagram to `target` now, without waiting.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// peer.try_send_to(b"x", io.local_addr()?)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// assert!(io.try_recv_from(&mut buf).is_err());
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.get_ref().recv_from(buf)
    }

    /// Receives a datagram and its sender now into the spare capacity of `buf`, without
    /// waiting.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
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
        Ok((n, ip_addr(&from)?))
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// peer.send(b"hi").await?;
    /// let mut buf = Vec::with_capacity(8);
    /// let (_, from) = io.recv_buf_from(&mut buf).await?;
    /// assert_eq!((&buf[..], from), (&b"hi"[..], peer.local_addr()?));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn recv_buf_from<B: bytes::BufMut>(
        &self,
        buf: &mut B,
    ) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = self.inner.read_with(|s| recv_from_into_buf(s, buf)).await?;
        Ok((n, ip_addr(&from)?))
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// let n = std::future::poll_fn(|cx| io.poll_send(cx, b"hi")).await?;
    /// assert_eq!(n, 2);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_io(Direction::Write, cx, |s| s.send(buf))
    }

    /// Polls to receive a datagram from the connected peer into `buf`. Only the waker of the
    /// most recent `poll_recv*` or `poll_peek*` call is kept.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
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

    /// Polls to send a datagram to `target`; see [`poll_send`](UdpSocket::poll_send).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// let to = peer.local_addr()?;
    /// std::future::poll_fn(|cx| io.poll_send_to(cx, b"hi", to)).await?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.inner
            .poll_io(Direction::Write, cx, |s| s.send_to(buf, target))
    }

    /// Polls to receive a datagram into `buf`, returning its sender; see
    /// [`poll_recv`](UdpSocket::poll_recv).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// peer.send(b"hi").await?;
    /// let mut storage = [0; 8];
    /// let mut buf = tokio::io::ReadBuf::new(&mut storage);
    /// let from = std::future::poll_fn(|cx| io.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!(from, peer.local_addr()?);
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

    /// Polls to peek at the next datagram, leaving it queued, and returns its sender; see
    /// [`poll_recv`](UdpSocket::poll_recv).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// peer.send(b"hi").await?;
    /// let mut storage = [0; 8];
    /// let mut buf = tokio::io::ReadBuf::new(&mut storage);
    /// std::future::poll_fn(|cx| io.poll_peek_from(cx, &mut buf)).await?;
    /// assert_eq!(io.recv(&mut storage).await?, 2); // still queued
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, from) = ready!(self.inner.poll_io(Direction::Read, cx, |s| s
            .peek_from(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(from))
    }

    /// Peeks at the next datagram from the connected peer, which stays queued, waiting until
    /// one arrives. Returns its length (truncated to `buf`).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// peer.send(b"hi").await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(io.peek(&mut buf).await?, 2);
    /// assert_eq!(io.recv(&mut buf).await?, 2); // still queued
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read_with(|s| s.peek(buf)).await
    }

    /// Polls to peek at the next datagram from the connected peer into `buf`, which stays
    /// queued. Only the waker of the most recent `poll_recv*`/`poll_peek*` call is kept.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// peer.send(b"hi").await?;
    /// let mut storage = [0; 8];
    /// let mut buf = tokio::io::ReadBuf::new(&mut storage);
    /// std::future::poll_fn(|cx| io.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let n = ready!(self
            .inner
            .poll_io(Direction::Read, cx, |s| s.peek(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    /// Peeks at the next datagram from the connected peer now, without waiting.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 8];
    /// let error = io.try_peek(&mut buf).unwrap_err();
    /// assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.get_ref().peek(buf)
    }

    /// Peeks at the next datagram and its sender now, without waiting.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// assert!(io.try_peek_from(&mut buf).is_err());
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.get_ref().peek_from(buf)
    }

    /// The sender of the next datagram, which stays queued, waiting until one arrives.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// peer.send(b"hi").await?;
    /// assert_eq!(io.peek_sender().await?, peer.local_addr()?);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        let from = self
            .inner
            .read_with(|s| SockRef::from(s).peek_sender())
            .await?;
        ip_addr(&from)
    }

    /// Polls for the sender of the next datagram; see [`peek_sender`](UdpSocket::peek_sender).
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// peer.send(b"hi").await?;
    /// let from = std::future::poll_fn(|cx| io.poll_peek_sender(cx)).await?;
    /// assert_eq!(from, peer.local_addr()?);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        let from = ready!(self
            .inner
            .poll_io(Direction::Read, cx, |s| SockRef::from(s).peek_sender()))?;
        Poll::Ready(ip_addr(&from))
    }

    /// The sender of the next datagram now, without waiting.
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
    /// let io = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = heddle_reactor::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// io.connect(peer.local_addr()?).await?;
    /// peer.connect(io.local_addr()?).await?;
    /// assert!(io.try_peek_sender().is_err());
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        ip_addr(&SockRef::from(self.inner.get_ref()).peek_sender()?)
    }
}

/// The IP address of a received datagram's sender.
fn ip_addr(from: &SockAddr) -> io::Result<SocketAddr> {
    from.as_socket()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "the sender has no IP address"))
}
