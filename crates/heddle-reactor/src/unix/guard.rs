//! The guards an [`AsyncFd`] hands out when it is ready: [`AsyncFdReadyGuard`] (shared
//! access) and [`AsyncFdReadyMutGuard`] (mutable access), and [`TryIoError`].
//!
//! A guard holds the readiness it was created for (the tick of each ready direction and the
//! [`Ready`] bits seen). Dropping it keeps that readiness; clearing it (directly, or through a
//! `WouldBlock` in [`try_io`](AsyncFdReadyGuard::try_io)) makes the next wait need a new event.

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, RawFd};

use crate::interest::{Interest, Ready};
use crate::source::Direction;
use crate::unix::AsyncFd;

/// The readiness one wait observed.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Event {
    /// Per direction, the tick of its readiness mark, if that direction was ready.
    pub(super) ticks: [Option<u64>; 2],
    /// The readiness bits seen.
    pub(super) ready: Ready,
}

impl Event {
    /// The readiness bits of this event: what the descriptor reports now for `interest`,
    /// or, if it reports nothing (spurious readiness), the directions that fired.
    pub(super) fn observed(&self, fd: RawFd, interest: Interest) -> Ready {
        let now = Ready::of_fd(fd, interest);
        if !now.is_empty() {
            return now;
        }
        let mut fired = Ready::EMPTY;
        for dir in [Direction::Read, Direction::Write] {
            if self.ticks[dir as usize].is_some() {
                fired |= Ready::of_direction(dir);
            }
        }
        fired
    }

    /// Clears the directions `ready` names (READABLE, READ_CLOSED or PRIORITY the read
    /// direction, WRITABLE or WRITE_CLOSED the write direction) in `fd`'s marks and in this
    /// event.
    pub(super) fn clear<T: AsRawFd>(&mut self, fd: &AsyncFd<T>, ready: Ready) {
        for dir in [Direction::Read, Direction::Write] {
            let bits = Ready::of_direction_all(dir);
            if (ready & bits).is_empty() {
                continue;
            }
            if let Some(tick) = self.ticks[dir as usize].take() {
                fd.clear(dir, tick);
            }
            self.ready = self.ready - bits;
        }
    }
}

/// Readiness of an [`AsyncFd`], to be cleared or kept.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// let a = heddle_reactor::unix::AsyncFd::new(a)?;
/// let mut guard = futures::executor::block_on(a.writable())?;
/// assert!(guard.ready().is_writable());
/// guard.retain_ready();
/// # std::io::Result::Ok(())
/// # }
/// ```
#[must_use = "the readiness stays set unless the guard clears it"]
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    async_fd: &'a AsyncFd<T>,
    event: Event,
}

/// Readiness of an [`AsyncFd`] borrowed mutably, to be cleared or kept.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use std::io::Write;
///
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
/// let mut guard = futures::executor::block_on(a.writable_mut())?;
/// guard.get_inner_mut().write_all(b"x")?;
/// guard.clear_ready();
/// # std::io::Result::Ok(())
/// # }
/// ```
#[must_use = "the readiness stays set unless the guard clears it"]
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    async_fd: &'a mut AsyncFd<T>,
    event: Event,
}

/// The error of a guard's `try_io` whose operation said `WouldBlock`: the readiness was
/// cleared, wait again.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use std::io::Read;
///
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// let a = heddle_reactor::unix::AsyncFd::new(a)?;
/// let mut guard = futures::executor::block_on(a.writable())?;
/// let mut buf = [0; 1];
/// let error = guard.try_io(|fd| fd.get_ref().read(&mut buf)).unwrap_err();
/// println!("{error:?}");
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct TryIoError(());

impl fmt::Debug for TryIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TryIoError(WouldBlock)")
    }
}

impl<'a, T: AsRawFd> AsyncFdReadyGuard<'a, T> {
    pub(super) fn new(async_fd: &'a AsyncFd<T>, event: Event) -> Self {
        AsyncFdReadyGuard { async_fd, event }
    }

    /// Clears every readiness this guard holds: the next wait needs a new event.
    ///
    /// Call it only after an operation said `WouldBlock`; readiness cleared while the
    /// descriptor is still ready may not be reported again.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let mut guard = futures::executor::block_on(a.writable())?;
    /// guard.clear_ready();
    /// assert!(guard.ready().is_empty());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn clear_ready(&mut self) {
        self.event.clear(self.async_fd, Ready::ALL);
    }

    /// Clears the readiness of the directions `ready` names (readable or read-closed, the
    /// read direction; writable or write-closed, the write direction).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use heddle_reactor::{unix::AsyncFd, Interest, Ready};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// let mut guard = futures::executor::block_on(a.ready(Interest::WRITABLE))?;
    /// guard.clear_ready_matching(Ready::WRITABLE);
    /// assert!(!guard.ready().is_writable());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        self.event.clear(self.async_fd, ready);
    }

    /// Keeps the readiness set (what dropping the guard does), saying so explicitly.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// futures::executor::block_on(a.writable())?.retain_ready();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard holds.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// assert!(futures::executor::block_on(a.writable())?.ready().is_writable());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn ready(&self) -> Ready {
        self.event.ready
    }

    /// Runs `f`; if it says `WouldBlock`, clears the readiness and returns [`TryIoError`].
    ///
    /// # Errors
    ///
    /// [`TryIoError`] if `f` said `WouldBlock`; otherwise `f`'s result is in `Ok`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let mut guard = futures::executor::block_on(a.writable())?;
    /// let n = guard.try_io(|fd| fd.get_ref().write(b"x")).ok().transpose()?;
    /// assert_eq!(n, Some(1));
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The [`AsyncFd`] this guard is for.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let guard = futures::executor::block_on(a.writable())?;
    /// assert!(std::ptr::eq(guard.get_ref(), &a));
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.async_fd
    }

    /// The inner object of the [`AsyncFd`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let guard = futures::executor::block_on(a.writable())?;
    /// assert!(guard.get_inner().peer_addr().is_ok());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn get_inner(&self) -> &'a T {
        self.async_fd.get_ref()
    }
}

impl<'a, T: AsRawFd> AsyncFdReadyMutGuard<'a, T> {
    pub(super) fn new(async_fd: &'a mut AsyncFd<T>, event: Event) -> Self {
        AsyncFdReadyMutGuard { async_fd, event }
    }

    /// Clears every readiness this guard holds; see [`AsyncFdReadyGuard::clear_ready`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let mut guard = futures::executor::block_on(a.writable_mut())?;
    /// guard.clear_ready();
    /// assert!(guard.ready().is_empty());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn clear_ready(&mut self) {
        self.event.clear(self.async_fd, Ready::ALL);
    }

    /// Clears the readiness of the directions `ready` names; see
    /// [`AsyncFdReadyGuard::clear_ready_matching`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use heddle_reactor::Ready;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let mut guard = futures::executor::block_on(a.writable_mut())?;
    /// guard.clear_ready_matching(Ready::WRITABLE);
    /// assert!(guard.ready().is_empty());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        self.event.clear(self.async_fd, ready);
    }

    /// Keeps the readiness set (what dropping the guard does), saying so explicitly.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// futures::executor::block_on(a.writable_mut())?.retain_ready();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard holds.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// assert!(futures::executor::block_on(a.writable_mut())?.ready().is_writable());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn ready(&self) -> Ready {
        self.event.ready
    }

    /// Runs `f`; if it says `WouldBlock`, clears the readiness and returns [`TryIoError`].
    ///
    /// # Errors
    ///
    /// [`TryIoError`] if `f` said `WouldBlock`; otherwise `f`'s result is in `Ok`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let mut guard = futures::executor::block_on(a.writable_mut())?;
    /// let n = guard.try_io(|fd| fd.get_mut().write(b"x")).ok().transpose()?;
    /// assert_eq!(n, Some(1));
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The [`AsyncFd`] this guard is for.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let guard = futures::executor::block_on(a.writable_mut())?;
    /// assert!(guard.get_ref().get_ref().peer_addr().is_ok());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &AsyncFd<T> {
        self.async_fd
    }

    /// The [`AsyncFd`] this guard is for, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let mut guard = futures::executor::block_on(a.writable_mut())?;
    /// assert!(guard.get_mut().get_ref().peer_addr().is_ok());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.async_fd
    }

    /// The inner object of the [`AsyncFd`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let guard = futures::executor::block_on(a.writable_mut())?;
    /// assert!(guard.get_inner().peer_addr().is_ok());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn get_inner(&self) -> &T {
        self.async_fd.get_ref()
    }

    /// The inner object of the [`AsyncFd`], mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let mut guard = futures::executor::block_on(a.writable_mut())?;
    /// guard.get_inner_mut().write_all(b"x")?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn get_inner_mut(&mut self) -> &mut T {
        self.async_fd.get_mut()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyGuard")
            .field("async_fd", self.async_fd)
            .field("ready", &self.event.ready)
            .finish()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyMutGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyMutGuard")
            .field("async_fd", &self.async_fd)
            .field("ready", &self.event.ready)
            .finish()
    }
}
