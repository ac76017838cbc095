//! [`Io`]: an adapter between the `futures-io` traits and hyper 1.x's own I/O traits
//! (`hyper::rt::Read` and `hyper::rt::Write`), in both directions.
//!
//! hyper does not use `futures-io` (nor tokio's traits) for its connections; it has its own
//! `rt::Read`/`rt::Write`. Wrap a stream that implements the `futures-io` traits (any of
//! the [`net`](crate::net) streams) in an [`Io`] to hand it to hyper, for a server or a
//! client. The wrapper also works the other way round: an `Io` around a hyper I/O type (for
//! example hyper's `upgrade::Upgraded`) implements the `futures-io` traits, so the rest of
//! heddle's I/O helpers can use it.
//!
//! Only the I/O adapter lives here; hyper's executor and timer for heddle are in the `heddle`
//! facade (`heddle::hyper::{Executor, Timer}`), which re-exports this type next to them. This
//! module turns on no hyper feature: enable hyper's `server`, `client`, `http1` and `http2`
//! features in your own manifest as you need them.
//!
//! # Examples
//!
//! ```
//! # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
//! # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
//! use heddle_reactor::hyper::Io;
//! use heddle_reactor::net::{TcpListener, TcpStream};
//!
//! futures::executor::block_on(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let stream = TcpStream::connect(listener.local_addr()?).await?;
//!     // `io` implements `hyper::rt::Read + hyper::rt::Write`: pass it to
//!     // `hyper::client::conn::http1::handshake` or to a server's `serve_connection`.
//!     let io = Io::new(stream);
//!     assert!(io.inner().peer_addr()?.ip().is_loopback());
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! # }
//! ```

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use ::hyper::rt::{self, ReadBuf, ReadBufCursor};
use futures_io::{AsyncRead, AsyncWrite};

/// A stream adapted between the `futures-io` traits and hyper's `rt::Read`/`rt::Write`.
///
/// * `Io<T>` implements `hyper::rt::Read` when `T: futures_io::AsyncRead + Unpin`, and
///   `hyper::rt::Write` when `T: futures_io::AsyncWrite + Unpin`: wrap a heddle stream and
///   give it to hyper.
/// * `Io<T>` implements `futures_io::AsyncRead` when `T: hyper::rt::Read + Unpin`, and
///   `futures_io::AsyncWrite` when `T: hyper::rt::Write + Unpin`: wrap a hyper stream (such as
///   an upgraded connection) and use it with heddle's I/O helpers.
///
/// Reads go straight into hyper's buffer, without an intermediate copy. Its unfilled part is
/// zeroed before the inner reader sees it (a `futures-io` reader takes a `&mut [u8]`, so the
/// bytes must be initialised), except for bytes hyper already knows to be initialised.
///
/// `poll_shutdown` is the inner stream's `poll_close` (and `poll_close` the inner
/// `poll_shutdown`): on a heddle TCP or Unix stream it shuts the write half down, so the peer
/// reads end-of-file.
///
/// Towards hyper, `is_write_vectored` is `true`: heddle's streams write several buffers with
/// one `sendmsg`, and hyper then queues its buffers instead of copying them into one. For an
/// inner writer whose `poll_write_vectored` only writes the first buffer (the trait's default)
/// that is still correct, only slower; turn the connection builder's `writev(false)` on for it.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::hyper::Io;
/// use heddle_reactor::net::UnixStream;
///
/// let (a, _b) = UnixStream::pair()?;
/// let mut io = Io::new(a);
/// io.inner_mut().shutdown(std::net::Shutdown::Write)?;
/// let _stream: UnixStream = io.into_inner();
/// # std::io::Result::Ok(())
/// # }
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct Io<T> {
    inner: T,
}

impl<T> Io<T> {
    /// Wraps `inner`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::hyper::Io;
    ///
    /// // Any type works; the trait impls need `futures-io` or hyper I/O traits on it.
    /// let io = Io::new(futures::io::Cursor::new(b"GET / HTTP/1.1\r\n\r\n".to_vec()));
    /// assert_eq!(io.inner().position(), 0);
    /// ```
    pub fn new(inner: T) -> Io<T> {
        Io { inner }
    }

    /// The wrapped stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::hyper::Io;
    ///
    /// let io = Io::new(futures::io::Cursor::new(vec![1, 2, 3]));
    /// assert_eq!(io.inner().get_ref(), &[1, 2, 3]);
    /// ```
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The wrapped stream, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::hyper::Io;
    ///
    /// let mut io = Io::new(futures::io::Cursor::new(vec![1, 2, 3]));
    /// io.inner_mut().set_position(2);
    /// assert_eq!(io.inner().position(), 2);
    /// ```
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::hyper::Io;
    ///
    /// let io = Io::new(futures::io::Cursor::new(vec![1, 2, 3]));
    /// assert_eq!(io.into_inner().into_inner(), vec![1, 2, 3]);
    /// ```
    pub fn into_inner(self) -> T {
        self.inner
    }
}

/// A reader reported more bytes than the buffer it was given can hold.
fn overlong_read(n: usize, len: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the reader reported {n} bytes read into a buffer of {len}"),
    )
}

impl<T: AsyncRead + Unpin> rt::Read for Io<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let unfilled = buf.initialize_unfilled();
        let len = unfilled.len();
        let n = ready!(Pin::new(&mut self.get_mut().inner).poll_read(cx, unfilled))?;
        if n > len {
            // A misbehaving reader: trusting it would mark bytes beyond the buffer as filled.
            return Poll::Ready(Err(overlong_read(n, len)));
        }
        // `advance` requires the next `n` bytes of the unfilled part to be initialised:
        // 1. `initialize_unfilled` initialised the whole unfilled part, `len` bytes, and the
        //    reader only had them as `&mut [u8]`, through which it cannot de-initialise them.
        // 2. `n <= len` was checked just above.
        // SAFETY: by 1 and 2, the first `n` unfilled bytes are initialised.
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> rt::Write for Io<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }
}

impl<T: rt::Read + Unpin> AsyncRead for Io<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut read_buf = ReadBuf::new(buf);
        ready!(Pin::new(&mut self.get_mut().inner).poll_read(cx, read_buf.unfilled()))?;
        Poll::Ready(Ok(read_buf.filled().len()))
    }
}

impl<T: rt::Write + Unpin> AsyncWrite for Io<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::io::{self, IoSlice};
    use std::mem::MaybeUninit;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    use ::hyper::rt::{self, ReadBuf};
    use futures::io::Cursor;
    use futures_io::{AsyncRead, AsyncWrite};

    use super::Io;

    fn cx() -> Context<'static> {
        Context::from_waker(Waker::noop())
    }

    /// One `hyper::rt::Read::poll_read` of `io` into `buf`; returns the bytes filled by it.
    fn hyper_read<R: rt::Read + Unpin>(io: &mut R, buf: &mut ReadBuf<'_>) -> io::Result<usize> {
        let before = buf.filled().len();
        match Pin::new(io).poll_read(&mut cx(), buf.unfilled()) {
            Poll::Ready(result) => result.map(|()| buf.filled().len() - before),
            Poll::Pending => panic!("an in-memory reader is never pending"),
        }
    }

    #[test]
    fn reads_into_an_uninitialised_buffer() {
        let mut io = Io::new(Cursor::new(b"hello, hyper".to_vec()));
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        assert_eq!(hyper_read(&mut io, &mut buf).unwrap(), 8);
        assert_eq!(buf.filled(), b"hello, h");
        // A full buffer reads nothing more, which is not end-of-file to the cursor.
        assert_eq!(hyper_read(&mut io, &mut buf).unwrap(), 0);
        assert_eq!(io.inner().position(), 8);
    }

    #[test]
    fn reads_after_a_partly_filled_prefix_and_to_end_of_file() {
        let mut io = Io::new(Cursor::new(b"abc".to_vec()));
        let mut storage = [MaybeUninit::<u8>::uninit(); 16];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.unfilled().put_slice(b"xy");
        assert_eq!(hyper_read(&mut io, &mut buf).unwrap(), 3);
        assert_eq!(buf.filled(), b"xyabc");
        assert_eq!(hyper_read(&mut io, &mut buf).unwrap(), 0);
        assert_eq!(buf.filled(), b"xyabc");
    }

    #[test]
    fn reads_into_an_initialised_buffer() {
        let mut io = Io::new(Cursor::new(vec![7; 5]));
        let mut storage = [1u8; 4];
        let mut buf = ReadBuf::new(&mut storage);
        assert_eq!(hyper_read(&mut io, &mut buf).unwrap(), 4);
        assert_eq!(buf.filled(), &[7; 4]);
    }

    /// A reader that claims to have read more than it was given room for.
    struct Liar;

    impl AsyncRead for Liar {
        fn poll_read(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            Poll::Ready(Ok(buf.len() + 1))
        }
    }

    #[test]
    fn an_overlong_read_is_an_error_not_a_fill() {
        let mut io = Io::new(Liar);
        let mut storage = [MaybeUninit::<u8>::uninit(); 4];
        let mut buf = ReadBuf::uninit(&mut storage);
        let error = hyper_read(&mut io, &mut buf).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(buf.filled().is_empty());
    }

    #[test]
    fn writes_flushes_and_shuts_down_through_hyper() {
        let mut io = Io::new(Cursor::new(Vec::new()));
        let mut pinned = Pin::new(&mut io);
        assert!(rt::Write::is_write_vectored(&*pinned));
        let n = rt::Write::poll_write(pinned.as_mut(), &mut cx(), b"ab");
        assert!(matches!(n, Poll::Ready(Ok(2))));
        let bufs = [IoSlice::new(b"cd"), IoSlice::new(b"ef")];
        let n = rt::Write::poll_write_vectored(pinned.as_mut(), &mut cx(), &bufs);
        assert!(matches!(n, Poll::Ready(Ok(4))));
        assert!(rt::Write::poll_flush(pinned.as_mut(), &mut cx()).is_ready());
        assert!(rt::Write::poll_shutdown(pinned.as_mut(), &mut cx()).is_ready());
        assert_eq!(io.into_inner().into_inner(), b"abcdef");
    }

    #[test]
    fn the_other_direction_reads_and_writes_a_hyper_stream() {
        // `Io<Io<T>>` turns the hyper traits of `Io<T>` back into futures-io ones.
        let mut io = Io::new(Io::new(Cursor::new(b"round trip".to_vec())));
        let mut buf = [0; 5];
        let n = Pin::new(&mut io).poll_read(&mut cx(), &mut buf);
        assert!(matches!(n, Poll::Ready(Ok(5))));
        assert_eq!(&buf, b"round");

        let mut io = Io::new(Io::new(Cursor::new(Vec::new())));
        let mut pinned = Pin::new(&mut io);
        let n = pinned.as_mut().poll_write(&mut cx(), b"xy");
        assert!(matches!(n, Poll::Ready(Ok(2))));
        let bufs = [IoSlice::new(b"z")];
        let n = pinned.as_mut().poll_write_vectored(&mut cx(), &bufs);
        assert!(matches!(n, Poll::Ready(Ok(1))));
        assert!(pinned.as_mut().poll_flush(&mut cx()).is_ready());
        assert!(pinned.as_mut().poll_close(&mut cx()).is_ready());
        assert_eq!(io.into_inner().into_inner().into_inner(), b"xyz");
    }
}
