//! [`AsyncFdTryNewError`]: the error of registering an object with [`AsyncFd`], which
//! hands the object back.

use std::fmt;
use std::io;

#[cfg(doc)]
use crate::unix::AsyncFd;

/// The error of [`AsyncFd::try_new`] and [`AsyncFd::try_with_interest`]: the object that
/// could not be registered, and why.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// let file = std::fs::File::open("Cargo.toml")?;
/// let error = heddle_reactor::unix::AsyncFd::try_new(file).unwrap_err();
/// let error: std::io::Error = error.into();
/// assert_eq!(error.kind(), std::io::ErrorKind::PermissionDenied);
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct AsyncFdTryNewError<T> {
    inner: T,
    error: io::Error,
}

impl<T> AsyncFdTryNewError<T> {
    pub(super) fn new(inner: T, error: io::Error) -> Self {
        AsyncFdTryNewError { inner, error }
    }

    /// The object passed to `try_new` or `try_with_interest`, and the error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let file = std::fs::File::open("Cargo.toml")?;
    /// let (file, _error) = heddle_reactor::unix::AsyncFd::try_new(file).unwrap_err().into_parts();
    /// assert!(file.metadata().is_ok());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.error)
    }
}

impl<T> fmt::Debug for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}

impl<T> fmt::Display for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<T> std::error::Error for AsyncFdTryNewError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl<T> From<AsyncFdTryNewError<T>> for io::Error {
    fn from(error: AsyncFdTryNewError<T>) -> io::Error {
        error.error
    }
}
