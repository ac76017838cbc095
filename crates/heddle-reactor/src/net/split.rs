//! The halves of a [`TcpStream`]: borrowed ([`ReadHalf`], [`WriteHalf`]) and owned
//! ([`OwnedReadHalf`], [`OwnedWriteHalf`]).
//!
//! Both halves of one stream can be used at the same time from different tasks: reading
//! waits in the source's read slot and writing in its write slot.

use std::io::{self, IoSlice};
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

use super::TcpStream;

/// The read half of a borrowed [`TcpStream`], from [`TcpStream::split`].
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::io::{AsyncReadExt, AsyncWriteExt};
/// # futures::executor::block_on(async {
/// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
/// let mut client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
/// let (mut read, mut write) = server.split();
/// client.write_all(b"x").await?;
/// let mut buf = [0; 1];
/// read.read_exact(&mut buf).await?;
/// write.write_all(&buf).await?;
/// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a> {
    pub(super) stream: &'a TcpStream,
}

/// The write half of a borrowed [`TcpStream`], from [`TcpStream::split`]. Closing it shuts
/// the connection's write direction down.
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
/// let (_read, mut write) = client.split();
/// write.write_all(b"x").await?;
/// write.close().await?;
/// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct WriteHalf<'a> {
    pub(super) stream: &'a TcpStream,
}

/// The owned read half of a [`TcpStream`], from [`TcpStream::into_split`].
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// # futures::executor::block_on(async {
/// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
/// let client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (read, _write) = client.into_split();
/// assert_eq!(read.peer_addr()?, listener.local_addr()?);
/// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OwnedReadHalf {
    pub(super) stream: Arc<TcpStream>,
}

/// The owned write half of a [`TcpStream`], from [`TcpStream::into_split`]. Closing it
/// shuts the connection's write direction down; dropping it does not.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::io::AsyncWriteExt;
/// # futures::executor::block_on(async {
/// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
/// let client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (_read, mut write) = client.into_split();
/// write.write_all(b"x").await?;
/// write.close().await?;
/// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OwnedWriteHalf {
    pub(super) stream: Arc<TcpStream>,
}

impl OwnedReadHalf {
    /// The peer's address.
    ///
    /// # Errors
    ///
    /// As for [`TcpStream::peer_addr`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _write) = client.into_split();
    /// let _ = read.peer_addr()?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// Receives data without consuming it; see [`TcpStream::peek`].
    ///
    /// # Errors
    ///
    /// As for [`TcpStream::peek`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # futures::executor::block_on(async {
    /// # let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _write) = client.into_split();
    /// let mut buf = [0; 8];
    /// let _n = read.peek(&mut buf).await?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.peek(buf).await
    }
}

impl OwnedWriteHalf {
    /// The local address of the connection.
    ///
    /// # Errors
    ///
    /// As for [`TcpStream::local_addr`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = client.into_split();
    /// assert!(write.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }
}

macro_rules! read_impl {
    ($ty:ty) => {
        impl AsyncRead for $ty {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                self.stream.poll_read_priv(cx, buf)
            }
        }
    };
}

macro_rules! write_impl {
    ($ty:ty) => {
        impl AsyncWrite for $ty {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                self.stream.poll_write_priv(cx, buf)
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                self.stream.poll_write_vectored_priv(cx, bufs)
            }

            fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }

            fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(self.stream.shutdown(Shutdown::Write))
            }
        }
    };
}

read_impl!(ReadHalf<'_>);
read_impl!(OwnedReadHalf);
write_impl!(WriteHalf<'_>);
write_impl!(OwnedWriteHalf);
