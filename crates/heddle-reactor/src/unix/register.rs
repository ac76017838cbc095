//! The constructors of [`AsyncFd`]: registering an object with the reactor for the
//! directions asked for. Not the readiness methods, which live in `async_fd.rs`.

use std::io;
use std::os::fd::AsRawFd;

use crate::interest::Interest;
use crate::loom::Mutex;
use crate::source;
use crate::unix::async_fd::{Mark, Registered};
use crate::unix::{AsyncFd, AsyncFdRegisterError};
use crate::{Async, Handle};

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner` with the current reactor for reading and writing, as tokio's
    /// `AsyncFd::register` does.
    ///
    /// # Safety
    ///
    /// The descriptor `inner.as_raw_fd()` returns must be open and must stay the same (and
    /// refer to the same open file description) until the `AsyncFd` is dropped or
    /// [`into_inner`](AsyncFd::into_inner) returns: tokio's contract for this function.
    ///
    /// # Errors
    ///
    /// As for [`new`](AsyncFd::new), with `inner` handed back.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// // SAFETY: `a` owns its descriptor and keeps it while the `AsyncFd` owns `a`.
    /// let _a = unsafe { heddle_reactor::unix::AsyncFd::register(a) }.map_err(std::io::Error::from)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub unsafe fn register(inner: T) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        AsyncFd::try_new(inner)
    }

    /// Like [`register`](AsyncFd::register), for the directions of `interest` only; see
    /// [`with_interest`](AsyncFd::with_interest).
    ///
    /// # Safety
    ///
    /// As for [`register`](AsyncFd::register).
    ///
    /// # Errors
    ///
    /// As for [`with_interest`](AsyncFd::with_interest), with `inner` handed back.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use heddle_reactor::{unix::AsyncFd, Interest};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// // SAFETY: `a` owns its descriptor and keeps it while the `AsyncFd` owns `a`.
    /// let a = unsafe { AsyncFd::register_with_interest(a, Interest::WRITABLE) };
    /// assert!(a.is_ok());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub unsafe fn register_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        AsyncFd::try_with_interest(inner, interest)
    }

    /// Registers `inner` with the current reactor for reading and writing.
    ///
    /// # Errors
    ///
    /// If the descriptor cannot be registered (closed, or a regular file).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let _a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn new(inner: T) -> io::Result<AsyncFd<T>> {
        AsyncFd::with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `inner` with the current reactor for `interest`.
    ///
    /// Only the directions of `interest` are registered with the OS poller (priority data
    /// comes with the read direction); waiting for another direction is an `InvalidInput`
    /// error, never a wait that cannot end.
    ///
    /// # Errors
    ///
    /// As for [`new`](AsyncFd::new), and `InvalidInput` for an interest of
    /// [`ERROR`](Interest::ERROR) alone.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use heddle_reactor::{unix::AsyncFd, Interest};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let _a = AsyncFd::with_interest(a, Interest::READABLE)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
        AsyncFd::try_with_interest(inner, interest).map_err(io::Error::from)
    }

    /// Like [`new`](AsyncFd::new), but hands `inner` back with the error.
    ///
    /// # Errors
    ///
    /// As for [`new`](AsyncFd::new).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let file = std::fs::File::open("Cargo.toml")?;
    /// let error = heddle_reactor::unix::AsyncFd::try_new(file).unwrap_err();
    /// let (_file, _error) = error.into_parts();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_new(inner: T) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        AsyncFd::try_with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// Like [`with_interest`](AsyncFd::with_interest), but hands `inner` back with the error.
    ///
    /// # Errors
    ///
    /// As for [`with_interest`](AsyncFd::with_interest).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use heddle_reactor::{unix::AsyncFd, Interest};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let error = AsyncFd::try_with_interest(a, Interest::ERROR).unwrap_err();
    /// let (_a, error) = error.into_parts();
    /// assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        let registered = interest.directions().and_then(|(read, write)| {
            let directions = source::Interest { read, write };
            let fd = Registered(inner.as_raw_fd());
            Async::register(fd, &Handle::current()?, directions)
        });
        match registered {
            Ok(registration) => Ok(AsyncFd {
                registration,
                marks: Mutex::new([Mark::Unknown; 2]),
                inner,
            }),
            Err(error) => Err(AsyncFdRegisterError::new(inner, error)),
        }
    }
}
