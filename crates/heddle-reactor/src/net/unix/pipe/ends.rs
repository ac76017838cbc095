//! The methods and trait implementations of the pipe ends, [`Sender`] and [`Receiver`].

use std::fs::File;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::BufMut;
use socket2::SockRef;

use super::{check_fifo, Receiver, Sender};
use crate::{Async, Interest, Ready};

impl Sender {
    /// Registers the write end of a pipe or FIFO, checking that `file` is a FIFO opened for
    /// writing, and makes it non-blocking.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if `file` is not a FIFO or not open for writing; registration errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let (w, r) = (tx.into_nonblocking_fd()?, rx.into_nonblocking_fd()?);
    /// let tx = heddle_reactor::net::unix::pipe::Sender::from_file(std::fs::File::from(w))?;
    /// # drop((r, tx));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_file(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd(OwnedFd::from(file))
    }

    /// Like [`from_file`](Sender::from_file), for an owned descriptor.
    ///
    /// # Errors
    ///
    /// As for [`from_file`](Sender::from_file).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let (w, r) = (tx.into_nonblocking_fd()?, rx.into_nonblocking_fd()?);
    /// let _tx = heddle_reactor::net::unix::pipe::Sender::from_owned_fd(w.into())?;
    /// # drop(r);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_owned_fd(fd: OwnedFd) -> io::Result<Sender> {
        check_fifo(&fd, libc::O_WRONLY)?;
        Sender::from_owned_fd_unchecked(fd)
    }

    /// Like [`from_file`](Sender::from_file), without the checks.
    ///
    /// # Errors
    ///
    /// Registration errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let (w, r) = (tx.into_nonblocking_fd()?, rx.into_nonblocking_fd()?);
    /// let _tx = heddle_reactor::net::unix::pipe::Sender::from_file_unchecked(std::fs::File::from(w))?;
    /// # drop(r);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_file_unchecked(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd_unchecked(OwnedFd::from(file))
    }

    /// Like [`from_owned_fd`](Sender::from_owned_fd), without the checks.
    ///
    /// # Errors
    ///
    /// Registration errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let (w, r) = (tx.into_nonblocking_fd()?, rx.into_nonblocking_fd()?);
    /// let _tx = heddle_reactor::net::unix::pipe::Sender::from_owned_fd_unchecked(w.into())?;
    /// # drop(r);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_owned_fd_unchecked(fd: OwnedFd) -> io::Result<Sender> {
        Ok(Sender {
            inner: Async::new(File::from(fd))?,
        })
    }

    /// Waits for readiness of `interest` (only writability makes sense on a write end).
    ///
    /// # Errors
    ///
    /// An error arming the poller; `InvalidInput` for `Interest::ERROR` alone.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let ready = tx.ready(heddle_reactor::Interest::WRITABLE).await?;
    /// assert!(ready.is_writable());
    /// # drop(rx);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready_for(interest).await
    }

    /// Waits until the pipe is writable.
    ///
    /// # Errors
    ///
    /// An error arming the poller.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// tx.writable().await?;
    /// # drop(rx);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.inner.writable().await
    }

    /// Polls for writability. Only the waker of the most recent call is kept.
    ///
    /// # Errors
    ///
    /// An error arming the poller.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// std::future::poll_fn(|cx| tx.poll_write_ready(cx)).await?;
    /// # drop(rx);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.poll_writable(cx)
    }

    /// Writes what fits now, without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the pipe is full; otherwise from `write(2)`. `BrokenPipe` once the read end is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// assert_eq!(tx.try_write(b"hi")?, 2);
    /// # drop(rx);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.get_ref().write(buf)
    }

    /// Writes what fits now from `bufs`, in order, without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the pipe is full; otherwise from `writev(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let bufs = [std::io::IoSlice::new(b"h"), std::io::IoSlice::new(b"i")];
    /// assert_eq!(tx.try_write_vectored(&bufs)?, 2);
    /// # drop(rx);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.inner.get_ref().write_vectored(bufs)
    }

    /// Runs `f`, a non-blocking operation on this pipe end done by hand, once, if the end is
    /// writable now; otherwise returns `WouldBlock` without running it, as tokio does.
    ///
    /// # Errors
    ///
    /// `WouldBlock` as above, or whatever `f` returns.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// assert_eq!(tx.try_io(|| Ok("run"))?, "run");
    /// # drop(rx);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.inner.try_io_for(Interest::WRITABLE, f)
    }

    /// Deregisters the write end and returns its descriptor in blocking mode.
    ///
    /// # Errors
    ///
    /// From `fcntl(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let fd = tx.into_blocking_fd()?;
    /// let mut file = std::fs::File::from(fd);
    /// std::io::Write::write_all(&mut file, b"x")?;
    /// # drop(rx);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        let fd = self.into_nonblocking_fd()?;
        SockRef::from(&fd).set_nonblocking(false)?;
        Ok(fd)
    }

    /// Deregisters the write end and returns its descriptor, still non-blocking.
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
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let _fd = tx.into_nonblocking_fd()?;
    /// # drop(rx);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        Ok(OwnedFd::from(self.inner.into_inner()))
    }
}

impl Receiver {
    /// Registers the read end of a pipe or FIFO, checking that `file` is a FIFO opened for
    /// reading, and makes it non-blocking.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if `file` is not a FIFO or not open for reading; registration errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let (w, r) = (tx.into_nonblocking_fd()?, rx.into_nonblocking_fd()?);
    /// let rx = heddle_reactor::net::unix::pipe::Receiver::from_file(std::fs::File::from(r))?;
    /// # drop((w, rx));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_file(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd(OwnedFd::from(file))
    }

    /// Like [`from_file`](Receiver::from_file), for an owned descriptor.
    ///
    /// # Errors
    ///
    /// As for [`from_file`](Receiver::from_file).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let (w, r) = (tx.into_nonblocking_fd()?, rx.into_nonblocking_fd()?);
    /// let _rx = heddle_reactor::net::unix::pipe::Receiver::from_owned_fd(r.into())?;
    /// # drop(w);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_owned_fd(fd: OwnedFd) -> io::Result<Receiver> {
        check_fifo(&fd, libc::O_RDONLY)?;
        Receiver::from_owned_fd_unchecked(fd)
    }

    /// Like [`from_file`](Receiver::from_file), without the checks.
    ///
    /// # Errors
    ///
    /// Registration errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let (w, r) = (tx.into_nonblocking_fd()?, rx.into_nonblocking_fd()?);
    /// let _rx = heddle_reactor::net::unix::pipe::Receiver::from_file_unchecked(std::fs::File::from(r))?;
    /// # drop(w);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_file_unchecked(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd_unchecked(OwnedFd::from(file))
    }

    /// Like [`from_owned_fd`](Receiver::from_owned_fd), without the checks.
    ///
    /// # Errors
    ///
    /// Registration errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let (w, r) = (tx.into_nonblocking_fd()?, rx.into_nonblocking_fd()?);
    /// let _rx = heddle_reactor::net::unix::pipe::Receiver::from_owned_fd_unchecked(r.into())?;
    /// # drop(w);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_owned_fd_unchecked(fd: OwnedFd) -> io::Result<Receiver> {
        Ok(Receiver {
            inner: Async::new(File::from(fd))?,
        })
    }

    /// Waits for readiness of `interest` (only readability makes sense on a read end).
    ///
    /// # Errors
    ///
    /// An error arming the poller; `InvalidInput` for `Interest::ERROR` alone.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// tx.try_write(b"x")?;
    /// let ready = rx.ready(heddle_reactor::Interest::READABLE).await?;
    /// assert!(ready.is_readable());
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready_for(interest).await
    }

    /// Waits until the pipe is readable (data, or the write end closed).
    ///
    /// # Errors
    ///
    /// An error arming the poller.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// drop(tx);
    /// rx.readable().await?;
    /// let mut buf = [0; 1];
    /// assert_eq!(rx.try_read(&mut buf)?, 0, "end-of-file");
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.inner.readable().await
    }

    /// Polls for readability. Only the waker of the most recent call is kept.
    ///
    /// # Errors
    ///
    /// An error arming the poller.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// tx.try_write(b"x")?;
    /// std::future::poll_fn(|cx| rx.poll_read_ready(cx)).await?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.poll_readable(cx)
    }

    /// Reads what is available now, without waiting: `Ok(0)` once every write end is closed.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the pipe is empty; otherwise from `read(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let mut buf = [0; 4];
    /// assert!(rx.try_read(&mut buf).is_err(), "WouldBlock");
    /// tx.try_write(b"hi")?;
    /// assert_eq!(rx.try_read(&mut buf)?, 2);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.get_ref().read(buf)
    }

    /// Reads what is available now into `bufs`, in order, without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the pipe is empty; otherwise from `readv(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// tx.try_write(b"hi")?;
    /// let (mut a, mut b) = ([0; 1], [0; 1]);
    /// let mut bufs = [std::io::IoSliceMut::new(&mut a), std::io::IoSliceMut::new(&mut b)];
    /// assert_eq!(rx.try_read_vectored(&mut bufs)?, 2);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.inner.get_ref().read_vectored(bufs)
    }

    /// Reads what is available now into the spare capacity of `buf` (a [`bytes::BufMut`]),
    /// without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the pipe is empty; otherwise from `read(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// tx.try_write(b"hi")?;
    /// let mut buf = Vec::with_capacity(4);
    /// assert_eq!(rx.try_read_buf(&mut buf)?, 2);
    /// assert_eq!(buf, b"hi");
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_read_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        let fd = self.inner.raw_fd();
        let chunk = buf.chunk_mut();
        let (ptr, len) = (chunk.as_mut_ptr(), chunk.len());
        // `ptr` and `len` describe the spare capacity `chunk` borrows from `buf`, which
        // `read(2)` only writes (never reads).
        // SAFETY: and `fd` is the registered descriptor, open while `self` owns it.
        let n = unsafe { libc::read(fd, ptr.cast(), len) };
        let n = usize::try_from(n).map_err(|_| io::Error::last_os_error())?;
        // SAFETY: `read` initialised the first `n` bytes (at most `len`) of the spare capacity.
        unsafe { buf.advance_mut(n) };
        Ok(n)
    }

    /// Runs `f`, a non-blocking operation on this pipe end done by hand, once, if the end is
    /// readable now; otherwise returns `WouldBlock` without running it, as tokio does.
    ///
    /// # Errors
    ///
    /// `WouldBlock` as above, or whatever `f` returns.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let error = rx.try_io(|| Ok("not run")).unwrap_err();
    /// assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock);
    /// # drop(tx);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.inner.try_io_for(Interest::READABLE, f)
    }

    /// Deregisters the read end and returns its descriptor in blocking mode.
    ///
    /// # Errors
    ///
    /// From `fcntl(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// tx.try_write(b"x")?;
    /// let fd = rx.into_blocking_fd()?;
    /// let mut buf = [0; 1];
    /// std::io::Read::read_exact(&mut std::fs::File::from(fd), &mut buf)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        let fd = self.into_nonblocking_fd()?;
        SockRef::from(&fd).set_nonblocking(false)?;
        Ok(fd)
    }

    /// Deregisters the read end and returns its descriptor, still non-blocking.
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
    /// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
    /// let _fd = rx.into_nonblocking_fd()?;
    /// # drop(tx);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        Ok(OwnedFd::from(self.inner.into_inner()))
    }
}

impl futures_io::AsyncWrite for Sender {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &self.inner).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing is buffered in user space.
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // A pipe has no half-close: the reader sees end-of-file when the sender is dropped.
        Poll::Ready(Ok(()))
    }
}

impl futures_io::AsyncRead for Receiver {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &self.inner).poll_read(cx, buf)
    }
}

macro_rules! fd_impls {
    ($($ty:ty),*) => {$(
        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.inner.get_ref().as_fd()
            }
        }

        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                self.inner.get_ref().as_raw_fd()
            }
        }
    )*};
}

fd_impls!(Sender, Receiver);
