//! [`UnixStream`]: a Unix-domain stream connection.

use std::io::{self, IoSlice};
use std::net::Shutdown;
use std::os::unix::net::{self, SocketAddr};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};
use socket2::{Domain, SockAddr, Socket, Type};

use super::ucred::{peer_cred, UCred};
use crate::net::readiness::{readiness_methods, stream_try_methods};
use crate::Async;

/// The doc-example setup of the readiness methods: `io` and its `peer`.
macro_rules! unix_setup {
    () => {
        "let (io, peer) = heddle_reactor::net::UnixStream::pair()?;\n# let _ = &peer;\n"
    };
}

readiness_methods!(UnixStream, unix_setup!(), "peer.try_write(b\"x\")?;\n");
stream_try_methods!(UnixStream, unix_setup!());

/// A Unix-domain stream connection.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::io::{AsyncReadExt, AsyncWriteExt};
///
/// futures::executor::block_on(async {
///     let (mut a, mut b) = heddle_reactor::net::UnixStream::pair()?;
///     a.write_all(b"hi").await?;
///     let mut buf = [0; 2];
///     b.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hi");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct UnixStream {
    pub(super) inner: Async<net::UnixStream>,
}

impl UnixStream {
    /// Connects to the socket at `path` without blocking.
    ///
    /// # Errors
    ///
    /// `NotFound` if there is no socket file, `ConnectionRefused` if nobody listens on it,
    /// `WouldBlock` if the listener's backlog is full.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let missing = std::env::temp_dir().join("heddle-doc-no-such.sock");
    /// assert!(heddle_reactor::net::UnixStream::connect(&missing).await.is_err());
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
        UnixStream::connect_socket(socket, path.as_ref()).await
    }

    /// Connects to the socket named by `socket_addr` without blocking: a path, or (Linux) an
    /// abstract name.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for an unnamed address; otherwise as for
    /// [`connect`](UnixStream::connect).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// use heddle_reactor::net::{UnixListener, UnixStream};
    ///
    /// let path = std::env::temp_dir().join(format!("heddle-doc-ca-{}.sock", std::process::id()));
    /// let listener = UnixListener::bind(&path)?;
    /// let _stream = UnixStream::connect_addr(&listener.local_addr()?).await?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn connect_addr(socket_addr: &SocketAddr) -> io::Result<UnixStream> {
        UnixStream::connect(address_path(socket_addr)?).await
    }

    /// Starts a non-blocking connect of `socket` to `path` and waits for its outcome.
    pub(super) async fn connect_socket(socket: Socket, path: &Path) -> io::Result<UnixStream> {
        socket.set_nonblocking(true)?;
        match socket.connect(&SockAddr::unix(path)?) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        let inner = Async::new(net::UnixStream::from(socket))?;
        crate::net::finish_connect(&inner).await?;
        Ok(UnixStream { inner })
    }

    /// Creates a connected pair of streams.
    ///
    /// # Errors
    ///
    /// From `socketpair(2)` or registration.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (_a, _b) = heddle_reactor::net::UnixStream::pair()?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = net::UnixStream::pair()?;
        Ok((
            UnixStream {
                inner: Async::new(a)?,
            },
            UnixStream {
                inner: Async::new(b)?,
            },
        ))
    }

    /// The local address.
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
    /// let (a, _b) = heddle_reactor::net::UnixStream::pair()?;
    /// assert!(a.local_addr()?.is_unnamed());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// The peer's address.
    ///
    /// # Errors
    ///
    /// From `getpeername(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = heddle_reactor::net::UnixStream::pair()?;
    /// assert!(a.peer_addr()?.is_unnamed());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }
}

impl UnixStream {
    /// The credentials of the peer process (`SO_PEERCRED`).
    ///
    /// # Errors
    ///
    /// From `getsockopt(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(not(all(not(miri), any(target_os = "linux", target_os = "android"))))] fn main() {}
    /// # #[cfg(all(not(miri), any(target_os = "linux", target_os = "android")))] fn main() -> std::io::Result<()> {
    /// # futures::executor::block_on(async {
    /// let (io, peer) = heddle_reactor::net::UnixStream::pair()?;
    /// let cred = io.peer_cred()?;
    /// assert_eq!(cred.pid(), Some(std::process::id() as i32));
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn peer_cred(&self) -> io::Result<UCred> {
        peer_cred(self.inner.get_ref())
    }

    /// Registers a stream made with `std` (it is switched to non-blocking mode).
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
    /// let (io, peer) = heddle_reactor::net::UnixStream::pair()?;
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let _a = heddle_reactor::net::UnixStream::from_std(a)?;
    /// # drop((io, peer));
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn from_std(stream: net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            inner: Async::new(stream)?,
        })
    }

    /// Deregisters the stream and returns it as a `std` stream, still in non-blocking mode.
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
    /// let (io, peer) = heddle_reactor::net::UnixStream::pair()?;
    /// let std_stream: std::os::unix::net::UnixStream = io.into_std()?;
    /// std_stream.set_nonblocking(false)?;
    /// # drop(peer);
    /// # std::io::Result::Ok(()) })?; std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UnixStream> {
        Ok(self.inner.into_inner())
    }
}

impl TryFrom<net::UnixStream> for UnixStream {
    type Error = io::Error;

    /// [`UnixStream::from_std`].
    fn try_from(stream: net::UnixStream) -> io::Result<UnixStream> {
        UnixStream::from_std(stream)
    }
}

impl AsyncRead for UnixStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        crate::net::poll_read(&self.inner, cx, buf)
    }
}

impl AsyncWrite for UnixStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        crate::net::poll_write(&self.inner, cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        crate::net::poll_write_vectored(&self.inner, cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(crate::net::shutdown(&self.inner, Shutdown::Write))
    }
}

/// The path that names `addr` for `connect`: its pathname, or (Linux) its abstract name
/// behind a NUL byte, which is how a path names an abstract address.
fn address_path(addr: &SocketAddr) -> io::Result<std::path::PathBuf> {
    if let Some(path) = addr.as_pathname() {
        return Ok(path.to_path_buf());
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        #[cfg(target_os = "android")]
        use std::os::android::net::SocketAddrExt;
        #[cfg(target_os = "linux")]
        use std::os::linux::net::SocketAddrExt;
        use std::os::unix::ffi::OsStrExt;

        if let Some(name) = addr.as_abstract_name() {
            let bytes: Vec<u8> = std::iter::once(0).chain(name.iter().copied()).collect();
            return Ok(std::ffi::OsStr::from_bytes(&bytes).into());
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "cannot connect to an unnamed Unix socket address",
    ))
}
