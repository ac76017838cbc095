//! tokio's I/O traits, `tokio::io::AsyncRead` and `tokio::io::AsyncWrite`, for every stream
//! that implements the `futures-io` ones: [`TcpStream`], [`UnixStream`], the halves of
//! both, and [`Async<T>`] (also behind a shared reference).
//!
//! Each method forwards to the `futures-io` implementation, so the two sets of traits behave
//! the same: `poll_shutdown` is `poll_close` (on a TCP or Unix stream it shuts the write half
//! down, so the peer reads end-of-file), and vectored writes are forwarded where the stream
//! has them. `poll_read` reads into the unfilled part of tokio's `ReadBuf`, zeroing only the
//! bytes that `ReadBuf` does not already know to be initialised, and advances it.
//!
//! Always built: tokio's traits are heddle's primary I/O vocabulary. Only tokio's
//! runtime-free `io-util` part is used; no tokio runtime starts, the streams stay on
//! heddle's reactor.
//!
//! # Examples
//!
//! ```
//! # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
//! # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
//! use std::future::poll_fn;
//! use std::pin::Pin;
//!
//! use heddle_reactor::io::AsyncWriteExt;
//! use heddle_reactor::net::UnixStream;
//!
//! futures::executor::block_on(async {
//!     let (mut a, mut b) = UnixStream::pair()?;
//!     b.write_all(b"hi").await?;
//!     let mut storage = [0; 2];
//!     let mut buf = tokio::io::ReadBuf::new(&mut storage);
//!     poll_fn(|cx| tokio::io::AsyncRead::poll_read(Pin::new(&mut a), cx, &mut buf)).await?;
//!     assert_eq!(buf.filled(), b"hi");
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! # }
//! ```

use std::io::{self, IoSlice, Read, Write};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::ReadBuf;

use crate::net::{tcp, unix};
use crate::net::{TcpStream, UnixStream};
use crate::Async;

/// `tokio::io::AsyncRead::poll_read` in terms of `futures_io::AsyncRead::poll_read`.
fn poll_read_buf<R: futures_io::AsyncRead + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut ReadBuf<'_>,
) -> Poll<io::Result<()>> {
    let n = ready!(reader.poll_read(cx, buf.initialize_unfilled()))?;
    // `advance` panics if `n` exceeds what was initialised, which only a reader that
    // reports more bytes than its buffer holds could cause; heddle's readers never do.
    buf.advance(n);
    Poll::Ready(Ok(()))
}

/// `tokio::io::AsyncRead` for types with `futures_io::AsyncRead`:
/// `impl[generics] Type where [bounds];` per type.
macro_rules! tokio_read {
    ($(impl[$($gen:tt)*] $ty:ty $(where [$($bound:tt)*])?;)*) => {$(
        impl<$($gen)*> tokio::io::AsyncRead for $ty $(where $($bound)*)? {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                poll_read_buf(self, cx, buf)
            }
        }
    )*};
}

/// `tokio::io::AsyncWrite` for types with `futures_io::AsyncWrite`, in the same form as
/// `tokio_read!`. With `vectored`, the type's vectored writes are real (one
/// `sendmsg`/`writev`) and are forwarded; without, tokio's default applies (it writes the
/// first non-empty buffer).
macro_rules! tokio_write {
    (@vectored) => {
        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            futures_io::AsyncWrite::poll_write_vectored(self, cx, bufs)
        }

        fn is_write_vectored(&self) -> bool {
            true
        }
    };
    (@vectored plain) => {};
    ($(impl[$($gen:tt)*] $ty:ty $(where [$($bound:tt)*])? $(, $plain:ident)?;)*) => {$(
        impl<$($gen)*> tokio::io::AsyncWrite for $ty $(where $($bound)*)? {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                futures_io::AsyncWrite::poll_write(self, cx, buf)
            }

            tokio_write!(@vectored $($plain)?);

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                futures_io::AsyncWrite::poll_flush(self, cx)
            }

            fn poll_shutdown(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<io::Result<()>> {
                futures_io::AsyncWrite::poll_close(self, cx)
            }
        }
    )*};
}

tokio_read! {
    impl[] TcpStream;
    impl[] UnixStream;
    impl['a] tcp::ReadHalf<'a>;
    impl[] tcp::OwnedReadHalf;
    impl['a] unix::ReadHalf<'a>;
    impl[] unix::OwnedReadHalf;
    impl[] unix::pipe::Receiver;
    impl[T] Async<T> where [for<'a> &'a T: Read];
    impl[T] &Async<T> where [for<'a> &'a T: Read];
}

// Through a shared reference `Async<T>` has no vectored write of its own (as with
// `futures-io`): `plain`.
tokio_write! {
    impl[] TcpStream;
    impl[] UnixStream;
    impl['a] tcp::WriteHalf<'a>;
    impl[] tcp::OwnedWriteHalf;
    impl['a] unix::WriteHalf<'a>;
    impl[] unix::OwnedWriteHalf;
    impl[] unix::pipe::Sender;
    impl[T] Async<T> where [for<'a> &'a T: Write];
    impl[T] &Async<T> where [for<'a> &'a T: Write], plain;
}
