//! The halves of a [`TcpStream`]: borrowed ([`ReadHalf`], [`WriteHalf`]) and owned
//! ([`OwnedReadHalf`], [`OwnedWriteHalf`]).
//!
//! Both halves of one stream can be used at the same time from different tasks: reading
//! waits in the source's read slot and writing in its write slot. As with tokio, dropping an
//! [`OwnedWriteHalf`] shuts the write direction down (unless it was
//! [`forget`](OwnedWriteHalf::forget)-ed), and owned halves of one stream can be
//! [`reunite`](OwnedReadHalf::reunite)d.

use std::error::Error;
use std::fmt;
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

/// The owned write half of a [`TcpStream`], from [`TcpStream::into_split`]. Closing or
/// dropping it shuts the connection's write direction down (see
/// [`forget`](OwnedWriteHalf::forget)).
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
    /// Cleared by `forget` (and `reunite`): then dropping does not shut down.
    shutdown_on_drop: bool,
}

/// The error of [`OwnedReadHalf::reunite`] and [`OwnedWriteHalf::reunite`]: the halves came
/// from different streams. Both are handed back.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// # futures::executor::block_on(async {
/// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
/// let a = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
/// let b = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (a_read, _a_write) = a.into_split();
/// let (_b_read, b_write) = b.into_split();
/// let error = a_read.reunite(b_write).unwrap_err();
/// let heddle_reactor::net::tcp::ReuniteError(_read, _write) = error;
/// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
/// # }
/// ```
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Debug for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReuniteError").finish_non_exhaustive()
    }
}

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl Error for ReuniteError {}

/// Puts the owned halves of one stream back together.
fn reunite(read: OwnedReadHalf, mut write: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
    if !Arc::ptr_eq(&read.stream, &write.stream) {
        return Err(ReuniteError(read, write));
    }
    write.shutdown_on_drop = false;
    drop(write);
    match Arc::try_unwrap(read.stream) {
        Ok(stream) => Ok(stream),
        // The two halves held the only references, and the write half is gone.
        Err(_) => unreachable!("a stream's owned halves are its only owners"),
    }
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

impl OwnedReadHalf {
    /// Puts this half and `other` back together into the stream, if they came from the same
    /// one.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`], holding both halves, if they came from different streams.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = client.into_split();
    /// let _client = read.reunite(write).unwrap();
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
        reunite(self, other)
    }
}

impl OwnedWriteHalf {
    pub(super) fn new(stream: Arc<TcpStream>) -> OwnedWriteHalf {
        OwnedWriteHalf {
            stream,
            shutdown_on_drop: true,
        }
    }

    /// Puts this half and `other` back together; see [`OwnedReadHalf::reunite`].
    ///
    /// # Errors
    ///
    /// [`ReuniteError`], holding both halves, if they came from different streams.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = client.into_split();
    /// let _client = write.reunite(read).unwrap();
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn reunite(self, other: OwnedReadHalf) -> Result<TcpStream, ReuniteError> {
        reunite(other, self)
    }

    /// Drops this half without shutting the write direction down.
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
    /// write.forget(); // the peer does not read end-of-file
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
    }

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
                Poll::Ready(crate::net::shutdown(&self.stream.inner, Shutdown::Write))
            }
        }
    };
}

read_impl!(ReadHalf<'_>);
read_impl!(OwnedReadHalf);
write_impl!(WriteHalf<'_>);
write_impl!(OwnedWriteHalf);

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // A failure (the peer is gone) leaves nothing to shut down.
            let _ = crate::net::shutdown(&self.stream.inner, Shutdown::Write);
        }
    }
}

/// The readiness and `try_*` methods of the read halves, forwarded to the stream.
macro_rules! read_half_methods {
    ($ty:ty, $split:expr) => {
        impl $ty {
            /// Waits for readiness of `interest`; see [`TcpStream::ready`].
            ///
            /// # Errors
            ///
            /// As for [`TcpStream::ready`].
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "peer.try_write(b\"x\")?;\n",
                "let ready = read.ready(heddle_reactor::Interest::READABLE).await?;\n",
                "assert!(ready.is_readable());\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn ready(&self, interest: crate::Interest) -> io::Result<crate::Ready> {
                self.stream.ready(interest).await
            }

            /// Waits until the stream is readable; see [`TcpStream::readable`].
            ///
            /// # Errors
            ///
            /// As for [`TcpStream::readable`].
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "peer.try_write(b\"x\")?;\n",
                "read.readable().await?;\n",
                "let mut buf = [0; 1];\n",
                "let _n = read.try_read(&mut buf);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn readable(&self) -> io::Result<()> {
                self.stream.readable().await
            }

            /// Reads what is available now; see [`TcpStream::try_read`].
            ///
            /// # Errors
            ///
            /// As for [`TcpStream::try_read`].
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "let mut buf = [0; 1];\n",
                "let error = read.try_read(&mut buf).unwrap_err();\n",
                "assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock);\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
                self.stream.try_read(buf)
            }

            /// Reads what is available now into `bufs`; see [`TcpStream::try_read_vectored`].
            ///
            /// # Errors
            ///
            /// As for [`TcpStream::try_read`].
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "let mut buf = [0; 1];\n",
                "let mut bufs = [std::io::IoSliceMut::new(&mut buf)];\n",
                "assert!(read.try_read_vectored(&mut bufs).is_err());\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
                self.stream.try_read_vectored(bufs)
            }

            /// Reads what is available now into a [`bytes::BufMut`]; see
            /// [`TcpStream::try_read_buf`].
            ///
            /// # Errors
            ///
            /// As for [`TcpStream::try_read`].
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "let mut buf = Vec::with_capacity(4);\n",
                "assert!(read.try_read_buf(&mut buf).is_err());\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
                self.stream.try_read_buf(buf)
            }

            /// Polls for data to peek at; see [`TcpStream::poll_peek`].
            ///
            /// # Errors
            ///
            /// As for [`TcpStream::poll_peek`].
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "peer.try_write(b\"x\")?;\n",
                "let mut read = read;\n",
                "let mut storage = [0; 1];\n",
                "let mut buf = tokio::io::ReadBuf::new(&mut storage);\n",
                "std::future::poll_fn(|cx| read.poll_peek(cx, &mut buf)).await?;\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn poll_peek(
                &mut self,
                cx: &mut Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> Poll<io::Result<usize>> {
                self.stream.poll_peek(cx, buf)
            }
        }
    };
}

/// The readiness and `try_*` methods of the write halves, forwarded to the stream.
macro_rules! write_half_methods {
    ($ty:ty, $split:expr) => {
        impl $ty {
            /// Waits for readiness of `interest`; see [`TcpStream::ready`].
            ///
            /// # Errors
            ///
            /// As for [`TcpStream::ready`].
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "let ready = write.ready(heddle_reactor::Interest::WRITABLE).await?;\n",
                "assert!(ready.is_writable());\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn ready(&self, interest: crate::Interest) -> io::Result<crate::Ready> {
                self.stream.ready(interest).await
            }

            /// Waits until the stream is writable; see [`TcpStream::writable`].
            ///
            /// # Errors
            ///
            /// As for [`TcpStream::writable`].
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "write.writable().await?;\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn writable(&self) -> io::Result<()> {
                self.stream.writable().await
            }

            /// Writes what fits now; see [`TcpStream::try_write`].
            ///
            /// # Errors
            ///
            /// As for [`TcpStream::try_write`].
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "assert_eq!(write.try_write(b\"x\")?, 1);\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
                self.stream.try_write(buf)
            }

            /// Writes what fits now from `bufs`; see [`TcpStream::try_write_vectored`].
            ///
            /// # Errors
            ///
            /// As for [`TcpStream::try_write`].
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "assert_eq!(write.try_write_vectored(&[std::io::IoSlice::new(b\"x\")])?, 1);\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                self.stream.try_write_vectored(bufs)
            }
        }
    };
}

/// The doc-example setup of the borrowed halves.
macro_rules! borrowed_split {
    () => {
        "let listener = heddle_reactor::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
         let mut io = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;\n\
         let (peer, _) = listener.accept().await?;\n\
         let (read, write) = io.split();\n\
         # let _ = (&read, &write);\n"
    };
}

/// The doc-example setup of the owned halves.
macro_rules! owned_split {
    () => {
        "let listener = heddle_reactor::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
         let io = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;\n\
         let (peer, _) = listener.accept().await?;\n\
         let (read, write) = io.into_split();\n\
         # let _ = (&read, &write);\n"
    };
}

read_half_methods!(ReadHalf<'_>, borrowed_split!());
read_half_methods!(OwnedReadHalf, owned_split!());
write_half_methods!(WriteHalf<'_>, borrowed_split!());
write_half_methods!(OwnedWriteHalf, owned_split!());
