//! [`UCred`]: the credentials of the process at the other end of a Unix-domain stream, as
//! tokio's `net::unix::UCred`, read with `SO_PEERCRED` (Linux, Android) or `getpeereid`
//! (the BSDs and macOS, which give no process id).

use std::io;
use std::os::fd::{AsRawFd, RawFd};

/// A user id (`libc::uid_t`).
#[allow(non_camel_case_types)]
pub type uid_t = libc::uid_t;
/// A group id (`libc::gid_t`).
#[allow(non_camel_case_types)]
pub type gid_t = libc::gid_t;
/// A process id (`libc::pid_t`).
#[allow(non_camel_case_types)]
pub type pid_t = libc::pid_t;

/// The credentials of a Unix-domain stream's peer, taken when the connection was made.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// let (a, _b) = heddle_reactor::net::UnixStream::pair()?;
/// let cred = a.peer_cred()?;
/// // SAFETY: `getuid` has no preconditions.
/// assert_eq!(cred.uid(), unsafe { libc::getuid() });
/// # std::io::Result::Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UCred {
    pid: Option<pid_t>,
    uid: uid_t,
    gid: gid_t,
}

impl UCred {
    /// The peer's effective user id.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = heddle_reactor::net::UnixStream::pair()?;
    /// let _uid = a.peer_cred()?.uid();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// The peer's effective group id.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = heddle_reactor::net::UnixStream::pair()?;
    /// let _gid = a.peer_cred()?.gid();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// The peer's process id, where the OS reports it (Linux and Android do).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = heddle_reactor::net::UnixStream::pair()?;
    /// if let Some(pid) = a.peer_cred()?.pid() {
    ///     assert_eq!(pid as u32, std::process::id());
    /// }
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}

/// The peer credentials of the Unix-domain stream `socket`.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(super) fn peer_cred(socket: &impl AsRawFd) -> io::Result<UCred> {
    let fd: RawFd = socket.as_raw_fd();
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // `cred` is a writable `ucred` and `len` holds its size, as `SO_PEERCRED` expects.
    // SAFETY: and `fd` is the open descriptor `socket` owns while it is borrowed here.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(UCred {
        pid: Some(cred.pid),
        uid: cred.uid,
        gid: cred.gid,
    })
}

/// The peer credentials of the Unix-domain stream `socket`.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(super) fn peer_cred(socket: &impl AsRawFd) -> io::Result<UCred> {
    let fd: RawFd = socket.as_raw_fd();
    let (mut uid, mut gid) = (0, 0);
    // SAFETY: `uid` and `gid` are writable; `fd` is the open descriptor `socket` owns.
    let rc = unsafe { libc::getpeereid(fd, &mut uid, &mut gid) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(UCred {
        pid: None,
        uid,
        gid,
    })
}
