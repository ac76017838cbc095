//! [`stdin`], [`stdout`] and [`stderr`]: the process's standard streams as tokio's
//! [`AsyncRead`] and [`AsyncWrite`], with tokio's semantics.
//!
//! Each call runs on a blocking pool through heddle-blocking's `io::Blocking`: the current
//! runtime's pool when the stream is created inside a runtime, the global pool anywhere
//! else (so they also work under another executor). A write is accepted into a buffer and
//! performed on the pool; writes reach the stream in order; `flush` waits for them; the
//! error of a write is returned by the next call. Reads run on the pool too.
//!
//! What this is not: a lock on the stream. Several [`Stdout`] values (or `println!` on
//! another thread) may interleave their bytes, as with tokio; keep one value per stream, or
//! send whole lines in one `write_all`.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use heddle_blocking::io::Blocking;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Wraps `inner` to run on the current runtime's blocking pool, or on the global one.
fn blocking<T>(inner: T) -> Blocking<T> {
    match crate::runtime::with_current(|handle| handle.blocking_pool().clone()) {
        Some(pool) => Blocking::with_pool(inner, pool),
        None => Blocking::new(inner),
    }
}

/// The standard input of the process, read on the blocking pool. Created by [`stdin`].
///
/// A read waits for a line (or whatever the terminal or pipe delivers) on a pool thread;
/// dropping a `Stdin` while a read waits leaves that thread blocked until input arrives, as
/// with tokio. Wrap it in a [`BufReader`](crate::io::BufReader) for lines.
///
/// # Examples
///
/// ```no_run
/// use heddle::io::{AsyncBufReadExt, BufReader};
///
/// # fn main() -> std::io::Result<()> {
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let mut lines = BufReader::new(heddle::io::stdin()).lines();
///     while let Some(line) = lines.next_line().await? {
///         println!("read: {line}");
///     }
///     std::io::Result::Ok(())
/// })
/// # }
/// ```
pub struct Stdin {
    inner: Blocking<io::Stdin>,
    /// A second handle to the same stream, which lends its descriptor (`AsFd`) while `inner`
    /// may be away on the pool.
    handle: io::Stdin,
}

/// The standard output of the process, written on the blocking pool. Created by [`stdout`].
///
/// A write is accepted into a buffer and performed on a pool thread; the next write waits
/// for it, so writes stay in order. Call [`flush`](crate::io::AsyncWriteExt::flush) before
/// the program ends or the value is dropped: dropping it lets the last write finish on its
/// own, but nothing then waits for it. An error of a write is returned by the next call.
///
/// # Examples
///
/// ```
/// use heddle::io::AsyncWriteExt;
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let mut stdout = heddle::io::stdout();
///     stdout.write_all(b"hello from the blocking pool\n").await?;
///     stdout.flush().await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Stdout {
    inner: Blocking<io::Stdout>,
    /// A second handle to the same stream, which lends its descriptor (`AsFd`) while `inner`
    /// may be away on the pool.
    handle: io::Stdout,
}

/// The standard error of the process, written on the blocking pool. Created by [`stderr`];
/// behaves as [`Stdout`].
///
/// # Examples
///
/// ```
/// use heddle::io::AsyncWriteExt;
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let mut stderr = heddle::io::stderr();
///     stderr.write_all(b"a warning\n").await?;
///     stderr.flush().await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Stderr {
    inner: Blocking<io::Stderr>,
    /// A second handle to the same stream, which lends its descriptor (`AsFd`) while `inner`
    /// may be away on the pool.
    handle: io::Stderr,
}

/// A handle to the standard input of the process; see [`Stdin`].
///
/// # Examples
///
/// ```no_run
/// use heddle::io::AsyncReadExt;
///
/// # fn main() -> std::io::Result<()> {
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let input = runtime.block_on(async {
///     let mut input = String::new();
///     heddle::io::stdin().read_to_string(&mut input).await?;
///     std::io::Result::Ok(input)
/// })?;
/// println!("{} bytes", input.len());
/// # Ok(())
/// # }
/// ```
pub fn stdin() -> Stdin {
    Stdin {
        inner: blocking(io::stdin()),
        handle: io::stdin(),
    }
}

/// A handle to the standard output of the process; see [`Stdout`].
///
/// # Examples
///
/// ```
/// use heddle::io::AsyncWriteExt;
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let mut out = heddle::io::stdout();
///     for i in 0..3 {
///         out.write_all(format!("line {i}\n").as_bytes()).await?;
///     }
///     out.flush().await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn stdout() -> Stdout {
    Stdout {
        inner: blocking(io::stdout()),
        handle: io::stdout(),
    }
}

/// A handle to the standard error of the process; see [`Stderr`].
///
/// # Examples
///
/// ```
/// use heddle::io::AsyncWriteExt;
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let mut err = heddle::io::stderr();
///     err.write_all(b"to standard error\n").await?;
///     err.flush().await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn stderr() -> Stderr {
    Stderr {
        inner: blocking(io::stderr()),
        handle: io::stderr(),
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

/// `AsyncWrite` by forwarding to the `Blocking` inside.
macro_rules! forward_write {
    ($($ty:ty),*) => {$(
        impl AsyncWrite for $ty {
            fn poll_write(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.inner).poll_write(cx, buf)
            }

            fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut self.inner).poll_flush(cx)
            }

            fn poll_shutdown(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<io::Result<()>> {
                Pin::new(&mut self.inner).poll_shutdown(cx)
            }
        }
    )*};
}

forward_write!(Stdout, Stderr);

/// `Debug`, and on Unix the stream's descriptor, for each type.
macro_rules! common {
    ($($ty:ident),*) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty)).finish_non_exhaustive()
            }
        }

        #[cfg(unix)]
        impl std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                self.handle.as_raw_fd()
            }
        }

        #[cfg(unix)]
        impl std::os::fd::AsFd for $ty {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                self.handle.as_fd()
            }
        }
    )*};
}

common!(Stdin, Stdout, Stderr);
