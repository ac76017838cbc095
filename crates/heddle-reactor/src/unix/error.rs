//! [`AsyncFdRegisterError`]: the error of registering an object with [`AsyncFd`], which
//! hands the object back.

use std::fmt;
use std::io;

#[cfg(doc)]
use crate::unix::AsyncFd;

/// The error of [`AsyncFd::register`], [`AsyncFd::try_new`] and their kin: the object that
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
pub struct AsyncFdRegisterError<T> {
    inner: T,
    error: io::Error,
}

/// The former name of [`AsyncFdRegisterError`], kept as tokio keeps it.
///
/// # Examples
///
/// ```
/// use heddle_reactor::unix::{AsyncFdRegisterError, AsyncFdTryNewError};
///
/// fn same<T>(error: AsyncFdTryNewError<T>) -> AsyncFdRegisterError<T> {
///     error
/// }
/// # let _ = same::<()>;
/// ```
pub type AsyncFdTryNewError<T> = AsyncFdRegisterError<T>;

impl<T> AsyncFdRegisterError<T> {
    pub(super) fn new(inner: T, error: io::Error) -> Self {
        AsyncFdRegisterError { inner, error }
    }

    /// The object that could not be registered, and the error.
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

impl<T> fmt::Debug for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}

impl<T> fmt::Display for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<T> std::error::Error for AsyncFdRegisterError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl<T> From<AsyncFdRegisterError<T>> for io::Error {
    fn from(error: AsyncFdRegisterError<T>) -> io::Error {
        error.error
    }
}
