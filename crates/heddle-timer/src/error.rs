//! Error types: [`Elapsed`] (a [`Timeout`](crate::Timeout) ran out) and [`TryCurrentError`]
//! (no timer handle is entered on this thread).

use std::error::Error;
use std::fmt;
use std::io;

/// The error of a [`Timeout`](crate::Timeout) whose deadline passed before its future finished.
///
/// Converts into an [`io::Error`] of kind [`io::ErrorKind::TimedOut`].
///
/// # Examples
///
/// ```
/// use heddle_timer::{timeout, Duration};
///
/// let result = futures::executor::block_on(timeout(Duration::ZERO, std::future::pending::<()>()));
/// let err: heddle_timer::error::Elapsed = result.unwrap_err();
/// assert_eq!(err.to_string(), "deadline has elapsed");
/// let io: std::io::Error = err.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl Elapsed {
    pub(crate) fn new() -> Elapsed {
        Elapsed(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl Error for Elapsed {}

impl From<Elapsed> for io::Error {
    fn from(elapsed: Elapsed) -> io::Error {
        io::Error::new(io::ErrorKind::TimedOut, elapsed)
    }
}

/// The error of [`Handle::try_current`](crate::Handle::try_current): no timer handle is entered
/// on this thread.
///
/// # Examples
///
/// ```
/// let err = heddle_timer::Handle::try_current().unwrap_err();
/// assert!(err.is_missing_context());
/// assert!(err.to_string().contains("no heddle timer"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryCurrentError {
    _private: (),
}

impl TryCurrentError {
    pub(crate) fn new() -> TryCurrentError {
        TryCurrentError { _private: () }
    }

    /// Whether the error is "no handle entered on this thread" (the only kind so far).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_timer::Handle::try_current().unwrap_err().is_missing_context());
    /// ```
    pub fn is_missing_context(&self) -> bool {
        true
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "no heddle timer is entered on this thread: call this from within a heddle runtime, \
             or enter a timer driver's handle with `Handle::enter`",
        )
    }
}

impl Error for TryCurrentError {}
