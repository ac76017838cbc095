//! [`Blocking<T>`]: a blocking `std::io::Read` or `std::io::Write` (standard input and output,
//! a file) made into tokio's [`AsyncRead`] or [`AsyncWrite`] by running each call on a
//! blocking pool, as tokio's own `Blocking<T>` behind `tokio::io::stdout` and `tokio::fs::File`.
//!
//! # Semantics (tokio's)
//!
//! * One operation at a time: the value moves to a pool thread for each call, with a buffer,
//!   and comes back when the call returns.
//! * A write is accepted at once: `poll_write` copies up to [`MAX_BUF`] bytes into the buffer,
//!   starts `write_all` on the pool and returns `Ready(Ok(n))`. The next write (or flush)
//!   first waits for that one, so writes reach the value in order. An error of the write in
//!   flight is returned by the next `poll_write` or `poll_flush`.
//! * `poll_flush` waits for the write in flight, then runs `flush` on the pool.
//! * `poll_shutdown` does nothing more (as tokio's): call `flush` to be sure the bytes left.
//! * A read runs `read` on the pool into the buffer (at most the caller's space, at most
//!   [`MAX_BUF`]); what does not fit in the caller's buffer is kept for the next read.
//! * Dropping the adapter while a call runs lets the call finish on its thread (a write in
//!   flight is still performed); the value is then dropped there.
//!
//! If the pool cancels a call (it was shut down) or the call panics, the value is lost with it:
//! that call and every later one returns an error, never a panic or a hang.
//!
//! This module is not a file API (a file layer builds its `File` on it) and not a way to make a
//! blocking value non-blocking: each call still blocks one pool thread.

use std::cmp;
use std::fmt;
use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use heddle_task::JoinHandle;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::BlockingPool;

/// The most bytes one call moves through the buffer (tokio's value: 2 MiB).
pub const MAX_BUF: usize = 2 * 1024 * 1024;

/// A blocking reader or writer run on a blocking pool, as tokio's [`AsyncRead`] or
/// [`AsyncWrite`]. See the [module docs](self) for the exact semantics.
///
/// `T` is meant to be a reader or a writer, not both: reads and writes share one buffer.
///
/// # Examples
///
/// ```
/// use heddle_blocking::io::Blocking;
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// futures::executor::block_on(async {
///     let mut writer = Blocking::new(Vec::<u8>::new());
///     writer.write_all(b"written on the pool").await?;
///     writer.flush().await?;
///     assert_eq!(writer.get_ref().map(Vec::len), Some(19));
///
///     let mut reader = Blocking::new(std::io::Cursor::new(b"read on the pool".to_vec()));
///     let mut text = String::new();
///     reader.read_to_string(&mut text).await?;
///     assert_eq!(text, "read on the pool");
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Blocking<T> {
    /// The value, while no call holds it.
    inner: Option<T>,
    state: State<T>,
    /// A write went to the value since its last flush.
    need_flush: bool,
    /// Where the calls run; `None` for wherever `unblock` runs them.
    pool: Option<BlockingPool>,
}

enum State<T> {
    /// No call in flight. `None` once a call was lost (see the module docs).
    Idle(Option<Buf>),
    /// A call runs on the pool; it gives back its result, the buffer and the value.
    Busy(JoinHandle<(io::Result<usize>, Buf, T)>),
}

/// Bytes on their way: `buf[pos..]` are still to be handed out (reads) or written (writes).
struct Buf {
    buf: Vec<u8>,
    pos: usize,
}

impl<T> Blocking<T> {
    /// Wraps `inner`; its calls run where [`unblock`](crate::unblock) runs them: on the pool
    /// current on the polling thread (a runtime's own, inside a runtime), else the global one.
    ///
    /// # Examples
    ///
    /// ```
    /// let stderr = heddle_blocking::io::Blocking::new(std::io::stderr());
    /// # drop(stderr);
    /// ```
    pub fn new(inner: T) -> Blocking<T> {
        Blocking {
            inner: Some(inner),
            state: State::Idle(Some(Buf::new())),
            need_flush: false,
            pool: None,
        }
    }

    /// Wraps `inner`; its calls run on `pool` (a runtime passes its own pool here).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use heddle_blocking::{io::Blocking, BlockingPool};
    ///
    /// let pool = BlockingPool::new(1, Duration::from_secs(1));
    /// let stdout = Blocking::with_pool(std::io::stdout(), pool.clone());
    /// # drop(stdout);
    /// # pool.shutdown(None);
    /// ```
    pub fn with_pool(inner: T, pool: BlockingPool) -> Blocking<T> {
        Blocking {
            pool: Some(pool),
            ..Blocking::new(inner)
        }
    }

    /// The value, if no call is running on it (and none was lost).
    ///
    /// # Examples
    ///
    /// ```
    /// let blocking = heddle_blocking::io::Blocking::new(Vec::<u8>::new());
    /// assert_eq!(blocking.get_ref(), Some(&Vec::new()));
    /// ```
    pub fn get_ref(&self) -> Option<&T> {
        self.inner.as_ref()
    }

    /// Runs `f` on the pool.
    fn spawn<R, F>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        match &self.pool {
            Some(pool) => pool.spawn_blocking(f),
            None => crate::unblock(f),
        }
    }
}

impl<T: Send + 'static> Blocking<T> {
    /// Runs `call` on the pool with the value and `buf`; the state becomes `Busy`.
    fn start<F>(&mut self, mut buf: Buf, call: F)
    where
        F: FnOnce(&mut T, &mut Buf) -> io::Result<usize> + Send + 'static,
    {
        let mut inner = self
            .inner
            .take()
            .expect("the value is at hand while no call runs");
        let handle = self.spawn(move || {
            let result = call(&mut inner, &mut buf);
            (result, buf, inner)
        });
        self.state = State::Busy(handle);
    }

    /// Waits for the call in flight, if any, and returns its result; the state is `Idle`
    /// afterwards.
    fn poll_finish(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let State::Busy(handle) = &mut self.state else {
            return Poll::Ready(Ok(0));
        };
        match ready!(Pin::new(handle).poll(cx)) {
            Ok((result, buf, inner)) => {
                self.inner = Some(inner);
                self.state = State::Idle(Some(buf));
                Poll::Ready(result)
            }
            Err(error) => {
                self.state = State::Idle(None);
                Poll::Ready(Err(io::Error::from(error)))
            }
        }
    }

    /// Takes the idle buffer, waiting for the call in flight first; an error if the value
    /// was lost, or the error of the write in flight.
    fn poll_idle_buf(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Buf>> {
        ready!(self.poll_finish(cx))?;
        match &mut self.state {
            State::Idle(buf) => Poll::Ready(buf.take().ok_or_else(lost)),
            State::Busy(_) => unreachable!("`poll_finish` leaves the state idle"),
        }
    }
}

impl<T: Read + Send + 'static> AsyncRead for Blocking<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let State::Busy(_) = this.state {
            ready!(this.poll_finish(cx))?;
            // The read finished: hand out what it got (nothing at end of file).
            if let State::Idle(Some(buf)) = &mut this.state {
                buf.copy_to(dst);
            }
            return Poll::Ready(Ok(()));
        }
        let mut buf = ready!(this.poll_idle_buf(cx))?;
        if !buf.is_empty() || dst.remaining() == 0 {
            buf.copy_to(dst);
            this.state = State::Idle(Some(buf));
            return Poll::Ready(Ok(()));
        }
        let max = cmp::min(dst.remaining(), MAX_BUF);
        this.start(buf, move |inner, buf| buf.read_from(inner, max));
        // Polled once now, so the waker is registered (or the read is already done).
        Pin::new(this).poll_read(cx, dst)
    }
}

impl<T: Write + Send + 'static> AsyncWrite for Blocking<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let mut buf = ready!(this.poll_idle_buf(cx))?;
        let n = buf.copy_from(src);
        this.start(buf, |inner, buf| buf.write_to(inner));
        this.need_flush = true;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            let buf = ready!(this.poll_idle_buf(cx))?;
            if !this.need_flush {
                this.state = State::Idle(Some(buf));
                return Poll::Ready(Ok(()));
            }
            this.need_flush = false;
            this.start(buf, |inner, _| inner.flush().map(|()| 0));
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

// The value is never pinned: it moves to a pool thread and back for every call.
impl<T> Unpin for Blocking<T> {}

/// The error of every call once the value was lost.
fn lost() -> io::Error {
    io::Error::other("the blocking I/O value was lost: an earlier call was cancelled or panicked")
}

impl Buf {
    fn new() -> Buf {
        Buf {
            buf: Vec::new(),
            pos: 0,
        }
    }

    fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }

    /// Hands out as many buffered bytes as `dst` takes.
    fn copy_to(&mut self, dst: &mut ReadBuf<'_>) {
        let n = cmp::min(self.buf.len() - self.pos, dst.remaining());
        dst.put_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        if self.is_empty() {
            self.clear();
        }
    }

    /// Takes up to [`MAX_BUF`] bytes of `src` to write; returns how many.
    fn copy_from(&mut self, src: &[u8]) -> usize {
        let n = cmp::min(src.len(), MAX_BUF);
        self.clear();
        self.buf.extend_from_slice(&src[..n]);
        n
    }

    /// One `read` of at most `max` bytes into the empty buffer (retried if interrupted).
    fn read_from(&mut self, reader: &mut impl Read, max: usize) -> io::Result<usize> {
        self.clear();
        self.buf.resize(max, 0);
        let result = loop {
            match reader.read(&mut self.buf) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                result => break result,
            }
        };
        self.buf.truncate(*result.as_ref().unwrap_or(&0));
        result
    }

    /// Writes all the buffered bytes; the buffer is empty afterwards, whatever the result.
    fn write_to(&mut self, writer: &mut impl Write) -> io::Result<usize> {
        let result = writer
            .write_all(&self.buf[self.pos..])
            .map(|()| self.buf.len() - self.pos);
        self.clear();
        result
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.pos = 0;
    }
}

impl<T> fmt::Debug for Blocking<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blocking")
            .field("busy", &matches!(self.state, State::Busy(_)))
            .field("need_flush", &self.need_flush)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::loom::{Arc, Mutex};
    use std::io::{self, Cursor, Read, Write};
    use std::time::Duration;

    use futures::executor::block_on;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::{Blocking, MAX_BUF};
    use crate::BlockingPool;

    /// A writer that records every call, and fails the writes after the first `ok` ones.
    #[derive(Clone, Default)]
    struct Recorder {
        log: Arc<Mutex<Vec<String>>>,
        ok: Option<usize>,
    }

    impl Write for Recorder {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let mut log = self.log.lock();
            if self.ok.is_some_and(|ok| log.len() >= ok) {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            log.push(String::from_utf8(buf.to_vec()).unwrap());
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            self.log.lock().push("<flush>".to_owned());
            Ok(())
        }
    }

    #[test]
    // The global pool's threads outlive the test, which miri reports as a leak.
    #[cfg_attr(miri, ignore)]
    fn writes_are_performed_in_order_and_flush_waits_for_them() {
        let recorder = Recorder::default();
        let mut writer = Blocking::new(recorder.clone());
        block_on(async {
            for i in 0..100 {
                writer.write_all(format!("{i};").as_bytes()).await.unwrap();
            }
            writer.flush().await.unwrap();
        });
        let log = recorder.log.lock();
        let expected: Vec<String> = (0..100)
            .map(|i| format!("{i};"))
            .chain(["<flush>".to_owned()])
            .collect();
        assert_eq!(*log, expected);
    }

    #[test]
    // The global pool's threads outlive the test, which miri reports as a leak.
    #[cfg_attr(miri, ignore)]
    fn a_failed_write_is_reported_by_the_next_call() {
        let recorder = Recorder {
            ok: Some(1),
            ..Recorder::default()
        };
        let mut writer = Blocking::new(recorder);
        block_on(async {
            writer.write_all(b"first").await.unwrap();
            // Accepted into the buffer: the failure is not known yet.
            writer.write_all(b"second").await.unwrap();
            let error = writer.flush().await.unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
            // The value came back: later calls run again (and fail again here).
            let error = writer.write_all(b"third").await;
            let error = match error {
                Ok(()) => writer.flush().await.unwrap_err(),
                Err(error) => error,
            };
            assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
        });
    }

    #[test]
    // The global pool's threads outlive the test, which miri reports as a leak.
    #[cfg_attr(miri, ignore)]
    fn a_write_is_cut_at_the_buffer_size() {
        let mut writer = Blocking::new(Vec::new());
        let big = vec![7; MAX_BUF + 10];
        block_on(async {
            assert_eq!(writer.write(&big).await.unwrap(), MAX_BUF);
            writer.write_all(&big[MAX_BUF..]).await.unwrap();
            writer.flush().await.unwrap();
        });
        assert_eq!(writer.get_ref().unwrap().len(), MAX_BUF + 10);
    }

    #[test]
    // The global pool's threads outlive the test, which miri reports as a leak.
    #[cfg_attr(miri, ignore)]
    fn a_read_keeps_what_does_not_fit_for_the_next_one() {
        /// Hands out its bytes in one `read` call, then end of file; counts the calls.
        struct OneShot(Option<Vec<u8>>, Arc<Mutex<usize>>);
        impl Read for OneShot {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                *self.1.lock() += 1;
                let Some(data) = self.0.take() else {
                    return Ok(0);
                };
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                Ok(n)
            }
        }
        let calls = Arc::new(Mutex::new(0));
        let mut reader = Blocking::new(OneShot(Some(b"abcdef".to_vec()), calls.clone()));
        block_on(async {
            let mut all = vec![0; 6];
            reader.read_exact(&mut all).await.unwrap();
            assert_eq!(all, b"abcdef");
            let mut two = [0; 2];
            assert_eq!(reader.read(&mut two).await.unwrap(), 0, "end of file");
        });
        assert_eq!(*calls.lock(), 2);

        let mut reader = Blocking::new(Cursor::new(b"abcdef".to_vec()));
        block_on(async {
            let mut two = [0; 2];
            reader.read_exact(&mut two).await.unwrap();
            assert_eq!(&two, b"ab");
            let mut rest = String::new();
            reader.read_to_string(&mut rest).await.unwrap();
            assert_eq!(rest, "cdef");
        });
    }

    #[test]
    fn a_shut_down_pool_is_an_error_not_a_hang() {
        let pool = BlockingPool::new(1, Duration::from_secs(1));
        pool.shutdown(Some(Duration::from_secs(5)));
        let mut writer = Blocking::with_pool(Vec::new(), pool);
        block_on(async {
            // The write is accepted into the buffer; the pool drops the call.
            writer.write_all(b"lost").await.unwrap();
            assert!(writer.flush().await.is_err());
            assert!(writer.write_all(b"again").await.is_err());
            assert!(writer.get_ref().is_none());
        });
    }
}
