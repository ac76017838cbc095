//! [`UnixSocket`]: a Unix-domain socket not yet bound, listening or connected, as tokio's
//! `UnixSocket` (over socket2).

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::net;
use std::path::Path;

use socket2::{Domain, SockAddr, Socket, Type};

use super::{UnixDatagram, UnixListener, UnixStream};

/// A Unix-domain socket that is not bound, listening or connected yet: create it as a stream
/// or datagram socket, [`bind`](UnixSocket::bind) it, then [`listen`](UnixSocket::listen),
/// [`connect`](UnixSocket::connect) or turn it into a [`datagram`](UnixSocket::datagram).
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::net::UnixSocket;
///
/// let path = std::env::temp_dir().join(format!("heddle-doc-us-{}.sock", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// futures::executor::block_on(async {
///     let server = UnixSocket::new_stream()?;
///     server.bind(&path)?;
///     let listener = server.listen(16)?;
///     let _client = UnixSocket::new_stream()?.connect(&path).await?;
///     let (_stream, _addr) = listener.accept().await?;
///     std::io::Result::Ok(())
/// })?;
/// std::fs::remove_file(&path)?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct UnixSocket {
    inner: Socket,
    kind: Type,
}

impl UnixSocket {
    /// Creates a Unix-domain stream socket, to [`listen`](UnixSocket::listen) or
    /// [`connect`](UnixSocket::connect) with.
    ///
    /// # Errors
    ///
    /// From `socket(2)`, for example `EMFILE`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-us-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let socket = heddle_reactor::net::UnixSocket::new_stream()?;
    /// socket.bind(&path)?;
    /// let _listener = socket.listen(16)?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(Type::STREAM)
    }

    /// Creates a Unix-domain datagram socket, to turn into a [`UnixDatagram`] with
    /// [`datagram`](UnixSocket::datagram).
    ///
    /// # Errors
    ///
    /// From `socket(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-us-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let socket = heddle_reactor::net::UnixSocket::new_stream()?;
    /// # drop(socket);
    /// let datagram = heddle_reactor::net::UnixSocket::new_datagram()?;
    /// datagram.bind(&path)?;
    /// let _datagram = datagram.datagram()?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(Type::DGRAM)
    }

    /// Binds the socket to `path`, creating the socket file.
    ///
    /// # Errors
    ///
    /// From `bind(2)`, for example `AddrInUse` if the file exists.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-us-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let socket = heddle_reactor::net::UnixSocket::new_stream()?;
    /// socket.bind(&path)?;
    /// assert!(path.exists());
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn bind(&self, path: impl AsRef<Path>) -> io::Result<()> {
        self.inner.bind(&SockAddr::unix(path)?)
    }

    /// Listens with room for `backlog` pending connections (a stream socket only).
    ///
    /// # Errors
    ///
    /// `InvalidInput` on a datagram socket; from `listen(2)` or registration.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-us-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let socket = heddle_reactor::net::UnixSocket::new_stream()?;
    /// socket.bind(&path)?;
    /// let listener = socket.listen(16)?;
    /// let _client = heddle_reactor::net::UnixStream::connect(&path).await?;
    /// let _accepted = listener.accept().await?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        self.expect_type(Type::STREAM, "listen")?;
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        UnixListener::from_std(net::UnixListener::from(OwnedFd::from(self.inner)))
    }

    /// Connects to the socket at `path` without blocking the thread (a stream socket only).
    ///
    /// # Errors
    ///
    /// `InvalidInput` on a datagram socket; `NotFound` or `ConnectionRefused` from `connect(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-us-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let socket = heddle_reactor::net::UnixSocket::new_stream()?;
    /// let listener = heddle_reactor::net::UnixListener::bind(&path)?;
    /// let stream = socket.connect(&path).await?;
    /// let _accepted = listener.accept().await?;
    /// assert!(stream.peer_addr()?.as_pathname().is_some());
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn connect(self, path: impl AsRef<Path>) -> io::Result<UnixStream> {
        self.expect_type(Type::STREAM, "connect")?;
        UnixStream::connect_socket(self.inner, path.as_ref()).await
    }

    /// Turns a datagram socket into a [`UnixDatagram`] (a datagram socket only).
    ///
    /// # Errors
    ///
    /// `InvalidInput` on a stream socket; registration errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-doc-us-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let socket = heddle_reactor::net::UnixSocket::new_stream()?;
    /// let error = socket.datagram().unwrap_err();
    /// assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        self.expect_type(Type::DGRAM, "datagram")?;
        UnixDatagram::from_std(net::UnixDatagram::from(OwnedFd::from(self.inner)))
    }

    fn new(kind: Type) -> io::Result<UnixSocket> {
        let inner = Socket::new(Domain::UNIX, kind, None)?;
        inner.set_nonblocking(true)?;
        Ok(UnixSocket { inner, kind })
    }

    /// `InvalidInput` unless this is a socket of `kind`, naming the operation `what`.
    fn expect_type(&self, kind: Type, what: &str) -> io::Result<()> {
        if self.kind == kind {
            return Ok(());
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "UnixSocket::{what} needs a {kind:?} socket, not a {:?} one",
                self.kind
            ),
        ))
    }
}

impl fmt::Debug for UnixSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl AsFd for UnixSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl AsRawFd for UnixSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl IntoRawFd for UnixSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

impl FromRawFd for UnixSocket {
    /// Takes ownership of `fd`, a Unix-domain socket; its type is read with `SO_TYPE`
    /// (a stream socket is assumed if that fails).
    ///
    /// # Safety
    ///
    /// `fd` must be an open socket descriptor that nothing else owns.
    unsafe fn from_raw_fd(fd: RawFd) -> UnixSocket {
        // SAFETY: the caller passes an open socket descriptor that nothing else owns.
        let inner = Socket::from(unsafe { OwnedFd::from_raw_fd(fd) });
        let kind = inner.r#type().unwrap_or(Type::STREAM);
        UnixSocket { inner, kind }
    }
}
