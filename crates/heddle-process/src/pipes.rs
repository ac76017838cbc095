//! The pipes to a child, [`ChildStdin`], [`ChildStdout`] and [`ChildStderr`]: non-blocking
//! descriptors on the reactor, with tokio's `AsyncRead`/`AsyncWrite` and the `futures-io`
//! traits.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use heddle_reactor::Async;
use tokio::io::ReadBuf;

/// One end of a pipe, on the reactor. `File` is only the descriptor's owner here: `&File`
/// reads and writes with plain `read(2)`/`write(2)`, which is what a pipe needs.
#[derive(Debug)]
struct Pipe(Async<File>);

impl Pipe {
    fn new(fd: impl Into<OwnedFd>) -> io::Result<Pipe> {
        Async::new(File::from(fd.into())).map(Pipe)
    }

    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let unfilled = buf.initialize_unfilled();
        let n = ready!(futures_io::AsyncRead::poll_read(
            Pin::new(&mut self.0),
            cx,
            unfilled
        ))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    fn into_owned_fd(self) -> OwnedFd {
        OwnedFd::from(self.0.into_inner())
    }
}

/// Defines a pipe type wrapping [`Pipe`] with its conversions and descriptor traits.
macro_rules! pipe_type {
    ($(#[$doc:meta])* $name:ident, $std:ty) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name(Pipe);

        impl $name {
            /// Wraps the std pipe end, registering it with the current reactor.
            ///
            /// # Errors
            ///
            /// If the descriptor cannot be made non-blocking or registered.
            ///
            /// # Examples
            ///
            /// ```
            /// let mut child = std::process::Command::new("true")
            ///     .stdin(std::process::Stdio::piped())
            ///     .stdout(std::process::Stdio::piped())
            ///     .stderr(std::process::Stdio::piped())
            ///     .spawn()?;
            /// let stdin = heddle_process::ChildStdin::from_std(child.stdin.take().unwrap())?;
            /// let stdout = heddle_process::ChildStdout::from_std(child.stdout.take().unwrap())?;
            /// let stderr = heddle_process::ChildStderr::from_std(child.stderr.take().unwrap())?;
            /// # drop((stdin, stdout, stderr));
            /// child.wait()?;
            /// # Ok::<(), std::io::Error>(())
            /// ```
            pub fn from_std(pipe: $std) -> io::Result<$name> {
                Pipe::new(pipe).map($name)
            }

            /// The descriptor, off the reactor (and left non-blocking).
            ///
            /// # Errors
            ///
            /// None today; the `Result` is tokio's signature.
            ///
            /// # Examples
            ///
            /// ```
            /// # let mut child = std::process::Command::new("true")
            /// #     .stdout(std::process::Stdio::piped()).spawn()?;
            /// # let stdout = heddle_process::ChildStdout::from_std(child.stdout.take().unwrap())?;
            /// let fd: std::os::fd::OwnedFd = stdout.into_owned_fd()?;
            /// # drop(fd);
            /// # child.wait()?;
            /// # Ok::<(), std::io::Error>(())
            /// ```
            pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
                Ok(self.0.into_owned_fd())
            }
        }

        impl AsRawFd for $name {
            fn as_raw_fd(&self) -> RawFd {
                self.0 .0.as_fd().as_raw_fd()
            }
        }

        impl AsFd for $name {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.0 .0.as_fd()
            }
        }

        impl TryFrom<$name> for std::process::Stdio {
            type Error = io::Error;

            /// The pipe as another child's stdio (a pipeline), back in blocking mode as
            /// programs expect.
            fn try_from(pipe: $name) -> io::Result<std::process::Stdio> {
                let fd = pipe.into_owned_fd()?;
                // `ioctl(FIONBIO)`, which `set_nonblocking` issues, works on any descriptor.
                let as_socket = std::os::unix::net::UnixStream::from(fd);
                as_socket.set_nonblocking(false)?;
                Ok(std::process::Stdio::from(OwnedFd::from(as_socket)))
            }
        }

        impl TryFrom<$name> for OwnedFd {
            type Error = io::Error;

            fn try_from(pipe: $name) -> io::Result<OwnedFd> {
                pipe.into_owned_fd()
            }
        }
    };
}

pipe_type!(
    /// The write end of a child's stdin; `tokio::process::ChildStdin`. Drop it (or `shutdown`)
    /// to close the child's stdin.
    ///
    /// # Examples
    ///
    /// ```
    /// use tokio::io::AsyncWriteExt;
    ///
    /// futures::executor::block_on(async {
    ///     let mut child = heddle_process::Command::new("cat")
    ///         .stdin(std::process::Stdio::piped())
    ///         .stdout(std::process::Stdio::null())
    ///         .spawn()?;
    ///     let mut stdin = child.stdin.take().unwrap();
    ///     stdin.write_all(b"ignored").await?;
    ///     drop(stdin);
    ///     assert!(child.wait().await?.success());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ChildStdin,
    std::process::ChildStdin
);

pipe_type!(
    /// The read end of a child's stdout; `tokio::process::ChildStdout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use tokio::io::AsyncReadExt;
    ///
    /// futures::executor::block_on(async {
    ///     let mut child = heddle_process::Command::new("echo")
    ///         .arg("out")
    ///         .stdout(std::process::Stdio::piped())
    ///         .spawn()?;
    ///     let mut text = String::new();
    ///     child.stdout.take().unwrap().read_to_string(&mut text).await?;
    ///     assert_eq!(text, "out\n");
    ///     child.wait().await?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ChildStdout,
    std::process::ChildStdout
);

pipe_type!(
    /// The read end of a child's stderr; `tokio::process::ChildStderr`.
    ///
    /// # Examples
    ///
    /// ```
    /// use tokio::io::AsyncReadExt;
    ///
    /// futures::executor::block_on(async {
    ///     let mut child = heddle_process::Command::new("sh")
    ///         .args(["-c", "echo err >&2"])
    ///         .stderr(std::process::Stdio::piped())
    ///         .spawn()?;
    ///     let mut text = String::new();
    ///     child.stderr.take().unwrap().read_to_string(&mut text).await?;
    ///     assert_eq!(text, "err\n");
    ///     child.wait().await?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ChildStderr,
    std::process::ChildStderr
);

impl tokio::io::AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        futures_io::AsyncWrite::poll_write(Pin::new(&mut self.get_mut().0 .0), cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        futures_io::AsyncWrite::poll_write_vectored(Pin::new(&mut self.get_mut().0 .0), cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl futures_io::AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        tokio::io::AsyncWrite::poll_write(self, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// tokio's and futures-io's `AsyncRead` for a read end.
macro_rules! read_end {
    ($name:ident) => {
        impl tokio::io::AsyncRead for $name {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                self.get_mut().0.poll_read(cx, buf)
            }
        }

        impl futures_io::AsyncRead for $name {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                futures_io::AsyncRead::poll_read(Pin::new(&mut self.get_mut().0 .0), cx, buf)
            }
        }
    };
}

read_end!(ChildStdout);
read_end!(ChildStderr);
