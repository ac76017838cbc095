//! [`UnixListener`]: a Unix-domain socket accepting stream connections.

use std::io;
use std::os::unix::net::{self, SocketAddr};
use std::path::Path;
use std::task::{ready, Context, Poll};

use super::UnixStream;
use crate::source::Direction;
use crate::Async;

/// A Unix-domain socket listening for stream connections.
///
/// Binding creates the socket file; dropping the listener does not remove it.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::net::{UnixListener, UnixStream};
///
/// let path = std::env::temp_dir().join(format!("heddle-doc-l-{}.sock", std::process::id()));
/// futures::executor::block_on(async {
///     let listener = UnixListener::bind(&path)?;
///     let _client = UnixStream::connect(&path).await?;
///     let (_server, _addr) = listener.accept().await?;
///     std::io::Result::Ok(())
/// })?;
/// std::fs::remove_file(&path)?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct UnixListener {
    pub(super) inner: Async<net::UnixListener>,
}

impl UnixListener {
    /// Creates the socket file at `path` and listens on it.
    ///
    /// # Errors
    ///
    /// `AddrInUse` if the file exists, or another `bind(2)` error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-b-{}.sock", std::process::id()));
    /// let _listener = heddle_reactor::net::UnixListener::bind(&path)?;
    /// assert!(heddle_reactor::net::UnixListener::bind(&path).is_err());
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        Ok(UnixListener {
            inner: Async::new(net::UnixListener::bind(path)?)?,
        })
    }

    /// Listens on the socket address `socket_addr`: a path, or (Linux) an abstract name.
    ///
    /// # Errors
    ///
    /// As for [`bind`](UnixListener::bind).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::os::unix::net::SocketAddr;
    ///
    /// let path = std::env::temp_dir().join(format!("heddle-doc-ba-{}.sock", std::process::id()));
    /// let listener = heddle_reactor::net::UnixListener::bind_addr(&SocketAddr::from_pathname(&path)?)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn bind_addr(socket_addr: &SocketAddr) -> io::Result<UnixListener> {
        Ok(UnixListener {
            inner: Async::new(net::UnixListener::bind_addr(socket_addr)?)?,
        })
    }

    /// Waits for a connection.
    ///
    /// # Errors
    ///
    /// Errors of `accept(2)` as they are (for example `EMFILE`); see
    /// [`TcpListener::accept`](crate::net::TcpListener::accept).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # futures::executor::block_on(async {
    /// let listener = heddle_reactor::net::UnixListener::bind("/tmp/heddle-example.sock")?;
    /// let (_stream, _addr) = listener.accept().await?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// ```
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (stream, addr) = self.inner.read_with(|l| l.accept()).await?;
        let inner = Async::with_handle(stream, self.inner.handle())?;
        Ok((UnixStream { inner }, addr))
    }

    /// The address this listener is bound to.
    ///
    /// # Errors
    ///
    /// From `getsockname(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-a-{}.sock", std::process::id()));
    /// let listener = heddle_reactor::net::UnixListener::bind(&path)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Registers a listener made with `std` (it is switched to non-blocking mode).
    ///
    /// # Errors
    ///
    /// If registration fails (see [`Async::new`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-lx-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = heddle_reactor::net::UnixListener::bind(&path)?;
    /// # drop(listener);
    /// std::fs::remove_file(&path)?;
    /// let std_listener = std::os::unix::net::UnixListener::bind(&path)?;
    /// let _listener = heddle_reactor::net::UnixListener::from_std(std_listener)?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_std(listener: net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener {
            inner: Async::new(listener)?,
        })
    }

    /// Deregisters the listener and returns it as a `std` listener, still in non-blocking
    /// mode.
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
    /// let path = std::env::temp_dir().join(format!("heddle-doc-lx-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = heddle_reactor::net::UnixListener::bind(&path)?;
    /// let std_listener: std::os::unix::net::UnixListener = listener.into_std()?;
    /// std_listener.set_nonblocking(false)?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UnixListener> {
        Ok(self.inner.into_inner())
    }

    /// Polls for a connection. Only the waker of the most recent call is kept.
    ///
    /// # Errors
    ///
    /// As for [`accept`](UnixListener::accept).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-lx-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = heddle_reactor::net::UnixListener::bind(&path)?;
    /// let _client = std::os::unix::net::UnixStream::connect(&path)?;
    /// let (_stream, _addr) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let (stream, addr) = ready!(self.inner.poll_io(Direction::Read, cx, |l| l.accept()))?;
        Poll::Ready(Ok((UnixStream::from_std(stream)?, addr)))
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
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-lx-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = heddle_reactor::net::UnixListener::bind(&path)?;
    /// assert!(listener.take_error()?.is_none());
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.get_ref().take_error()
    }
}

impl TryFrom<net::UnixListener> for UnixListener {
    type Error = io::Error;

    /// [`UnixListener::from_std`].
    fn try_from(listener: net::UnixListener) -> io::Result<UnixListener> {
        UnixListener::from_std(listener)
    }
}
