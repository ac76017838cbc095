//! Error types: [`Elapsed`] (a [`Timeout`](crate::Timeout) ran out), [`Error`] (tokio's
//! timer error, for code that names it) and [`TryCurrentError`] (no timer handle is entered
//! on this thread).

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

impl std::error::Error for Elapsed {}

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

impl std::error::Error for TryCurrentError {}

/// tokio's `time::error::Error`: why a timer could not be used. heddle's timers do not fail
/// this way (a timer outside a runtime uses the global timer thread; the wheel grows); the
/// type exists so that code matching on it ports.
///
/// # Examples
///
/// ```
/// use heddle_timer::error::Error;
///
/// let err = Error::shutdown();
/// assert!(err.is_shutdown() && !err.is_at_capacity() && !err.is_invalid());
/// assert_eq!(err.to_string(), "the timer is shut down");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error(ErrorKind);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    Shutdown,
    AtCapacity,
    Invalid,
}

impl Error {
    /// The timer was shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_timer::error::Error::shutdown().is_shutdown());
    /// ```
    pub fn shutdown() -> Error {
        Error(ErrorKind::Shutdown)
    }

    /// Whether the timer was shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!heddle_timer::error::Error::invalid().is_shutdown());
    /// ```
    pub fn is_shutdown(&self) -> bool {
        self.0 == ErrorKind::Shutdown
    }

    /// The timer has no room for another entry.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_timer::error::Error::at_capacity().is_at_capacity());
    /// ```
    pub fn at_capacity() -> Error {
        Error(ErrorKind::AtCapacity)
    }

    /// Whether the timer had no room for another entry.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!heddle_timer::error::Error::shutdown().is_at_capacity());
    /// ```
    pub fn is_at_capacity(&self) -> bool {
        self.0 == ErrorKind::AtCapacity
    }

    /// The requested duration is beyond what the timer handles.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_timer::error::Error::invalid().is_invalid());
    /// ```
    pub fn invalid() -> Error {
        Error(ErrorKind::Invalid)
    }

    /// Whether the requested duration was beyond what the timer handles.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!heddle_timer::error::Error::at_capacity().is_invalid());
    /// ```
    pub fn is_invalid(&self) -> bool {
        self.0 == ErrorKind::Invalid
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            ErrorKind::Shutdown => "the timer is shut down",
            ErrorKind::AtCapacity => "the timer is at capacity and cannot create a new entry",
            ErrorKind::Invalid => "the timer duration exceeds the maximum duration",
        })
    }
}

impl std::error::Error for Error {}
