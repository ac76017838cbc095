//! Unix pipes and FIFOs on the reactor, as tokio's `net::unix::pipe`: [`pipe`] makes an
//! anonymous pipe, [`OpenOptions`] opens a FIFO by path, and [`Sender`] and [`Receiver`] are
//! its write and read ends with tokio's readiness API and I/O traits.
//!
//! Not for regular files (always "ready", they cannot be registered): heddle's `fs` layer
//! serves those on the blocking pool.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use crate::Async;

mod ends;

/// Creates an anonymous pipe, both ends registered and non-blocking.
///
/// # Errors
///
/// From `pipe2(2)` (`EMFILE`, ...) or registration.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// futures::executor::block_on(async {
///     let (mut tx, mut rx) = heddle_reactor::net::unix::pipe::pipe()?;
///     tx.write_all(b"through").await?;
///     drop(tx);
///     let mut got = String::new();
///     rx.read_to_string(&mut got).await?;
///     assert_eq!(got, "through");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub fn pipe() -> io::Result<(Sender, Receiver)> {
    let (read, write) = cloexec_pipe()?;
    Ok((
        Sender::from_owned_fd_unchecked(write)?,
        Receiver::from_owned_fd_unchecked(read)?,
    ))
}

/// A pipe whose ends are close-on-exec: atomically with `pipe2` where the OS has it, so a
/// child forked by another thread meanwhile cannot inherit an end (and keep the reader from
/// seeing end-of-file).
fn cloexec_pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    ))]
    // SAFETY: `fds` has room for the two descriptors `pipe2` writes.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    )))]
    // SAFETY: `fds` has room for the two descriptors `pipe` writes.
    let rc = unsafe { libc::pipe(fds.as_mut_ptr()) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the call succeeded: both descriptors are open and owned by nobody else.
    let ends = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    for fd in [&ends.0, &ends.1] {
        // Already set by `pipe2`; sets it where only `pipe` exists.
        // SAFETY: `F_SETFD` sets a flag on a descriptor this function owns.
        if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(ends)
}

/// How to open a FIFO: tokio's `pipe::OpenOptions`.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::net::unix::pipe::OpenOptions;
///
/// let path = std::env::temp_dir().join(format!("heddle-doc-fifo-{}", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
/// // SAFETY: `c_path` is a NUL-terminated path.
/// assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
/// let _rx = OpenOptions::new().open_receiver(&path)?;
/// let _tx = OpenOptions::new().open_sender(&path)?;
/// std::fs::remove_file(&path)?;
/// # std::io::Result::Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    read_write: bool,
    unchecked: bool,
}

impl OpenOptions {
    /// Options that open a FIFO for reading or for writing only, checking the file type.
    ///
    /// # Examples
    ///
    /// ```
    /// let _options = heddle_reactor::net::unix::pipe::OpenOptions::new();
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions::default()
    }

    /// Opens the FIFO for reading and writing (Linux): a sender then opens without a reader,
    /// and a receiver never sees end-of-file, since it is a writer itself.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = heddle_reactor::net::unix::pipe::OpenOptions::new();
    /// options.read_write(true);
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn read_write(&mut self, value: bool) -> &mut OpenOptions {
        self.read_write = value;
        self
    }

    /// Skips the check that the path is a FIFO (a character device, say).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = heddle_reactor::net::unix::pipe::OpenOptions::new();
    /// options.unchecked(true);
    /// ```
    pub fn unchecked(&mut self, value: bool) -> &mut OpenOptions {
        self.unchecked = value;
        self
    }

    /// Opens the FIFO at `path` as a [`Receiver`].
    ///
    /// # Errors
    ///
    /// From `open(2)`; `InvalidInput` if `path` is not a FIFO (unless unchecked).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::net::unix::pipe::OpenOptions;
    ///
    /// let error = OpenOptions::new().open_receiver("Cargo.toml").unwrap_err();
    /// assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn open_receiver(&self, path: impl AsRef<Path>) -> io::Result<Receiver> {
        let file = self.open(path.as_ref(), libc::O_RDONLY)?;
        Receiver::from_owned_fd_unchecked(file.into())
    }

    /// Opens the FIFO at `path` as a [`Sender`]. Without [`read_write`](Self::read_write), a
    /// FIFO nobody reads fails with `ENXIO`, as with tokio.
    ///
    /// # Errors
    ///
    /// From `open(2)` (`ENXIO` without a reader); `InvalidInput` if `path` is not a FIFO
    /// (unless unchecked).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::net::unix::pipe::OpenOptions;
    ///
    /// let error = OpenOptions::new().open_sender("Cargo.toml").unwrap_err();
    /// assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn open_sender(&self, path: impl AsRef<Path>) -> io::Result<Sender> {
        let file = self.open(path.as_ref(), libc::O_WRONLY)?;
        Sender::from_owned_fd_unchecked(file.into())
    }

    fn open(&self, path: &Path, access: libc::c_int) -> io::Result<File> {
        if !self.unchecked && !std::fs::metadata(path)?.file_type().is_fifo() {
            return Err(not_a_fifo());
        }
        let mut options = std::fs::OpenOptions::new();
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let access = if self.read_write {
            libc::O_RDWR
        } else {
            access
        };
        options
            .read(access != libc::O_WRONLY)
            .write(access != libc::O_RDONLY)
            .custom_flags(libc::O_NONBLOCK);
        options.open(path)
    }
}

pub(super) fn not_a_fifo() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a FIFO (named pipe)")
}

/// `InvalidInput` unless `fd` is a FIFO open for `access` (or for reading and writing).
pub(super) fn check_fifo(fd: &OwnedFd, access: libc::c_int) -> io::Result<()> {
    let file = File::from(fd.try_clone()?);
    if !file.metadata()?.file_type().is_fifo() {
        return Err(not_a_fifo());
    }
    // SAFETY: `F_GETFL` reads the flags of `fd`, which `fd` keeps open.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    let mode = flags & libc::O_ACCMODE;
    if mode != access && mode != libc::O_RDWR {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the pipe is not open in the direction asked for",
        ));
    }
    Ok(())
}

/// The write end of a pipe or FIFO.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// let (tx, _rx) = heddle_reactor::net::unix::pipe::pipe()?;
/// assert_eq!(tx.try_write(b"x")?, 1);
/// # std::io::Result::Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Sender {
    pub(super) inner: Async<File>,
}

/// The read end of a pipe or FIFO.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// let (tx, rx) = heddle_reactor::net::unix::pipe::pipe()?;
/// tx.try_write(b"x")?;
/// let mut buf = [0; 1];
/// assert_eq!(rx.try_read(&mut buf)?, 1);
/// # std::io::Result::Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Receiver {
    pub(super) inner: Async<File>,
}
