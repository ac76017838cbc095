//! Errors shared by the locks and the semaphore: [`AcquireError`], [`TryAcquireError`],
//! [`TryLockError`].
//!
//! Each is an opaque struct around a private kind with `is_*` predicates, so kinds can be added
//! later without breaking matches.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AcquireKind {
    Closed,
    TooLarge,
}

/// The error from [`Semaphore::acquire`](crate::Semaphore::acquire) and friends.
///
/// Either the semaphore was closed ([`is_closed`](Self::is_closed)), or the request asked for
/// more than [`Semaphore::MAX_PERMITS`](crate::Semaphore::MAX_PERMITS), which could never be
/// granted ([`is_too_large`](Self::is_too_large)).
///
/// # Examples
///
/// ```
/// use heddle_sync::Semaphore;
///
/// let semaphore = Semaphore::new(1);
/// semaphore.close();
/// let err = futures::executor::block_on(semaphore.acquire()).unwrap_err();
/// assert!(err.is_closed());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcquireError(AcquireKind);

impl AcquireError {
    pub(crate) const fn closed() -> Self {
        AcquireError(AcquireKind::Closed)
    }

    pub(crate) const fn too_large() -> Self {
        AcquireError(AcquireKind::TooLarge)
    }

    /// Whether the semaphore was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(0);
    /// semaphore.close();
    /// assert!(futures::executor::block_on(semaphore.acquire()).unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.0 == AcquireKind::Closed
    }

    /// Whether more permits were requested than a semaphore can ever hold
    /// ([`Semaphore::MAX_PERMITS`](crate::Semaphore::MAX_PERMITS)); only possible where `usize`
    /// is narrower than 35 bits, as requests are `u32`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(1);
    /// semaphore.close();
    /// let err = futures::executor::block_on(semaphore.acquire_many(2)).unwrap_err();
    /// assert!(err.is_closed() && !err.is_too_large());
    /// ```
    pub fn is_too_large(&self) -> bool {
        self.0 == AcquireKind::TooLarge
    }
}

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            AcquireKind::Closed => f.write_str("semaphore closed"),
            AcquireKind::TooLarge => {
                f.write_str("requested more permits than Semaphore::MAX_PERMITS")
            }
        }
    }
}

impl std::error::Error for AcquireError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TryAcquireKind {
    Closed,
    NoPermits,
    TooLarge,
}

/// The error from [`Semaphore::try_acquire`](crate::Semaphore::try_acquire) and friends.
///
/// # Examples
///
/// ```
/// use heddle_sync::Semaphore;
///
/// let semaphore = Semaphore::new(1);
/// let _permit = semaphore.try_acquire()?;
/// assert!(semaphore.try_acquire().unwrap_err().is_no_permits());
/// # Ok::<(), heddle_sync::TryAcquireError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TryAcquireError(TryAcquireKind);

/// tokio's `TryAcquireError` is an enum with these two variants; the constants let code
/// written for it build unchanged: `Err(TryAcquireError::NoPermits) => …` matches.
#[allow(non_upper_case_globals)]
impl TryAcquireError {
    /// The semaphore was closed (the error [`is_closed`](Self::is_closed) reports).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{Semaphore, TryAcquireError};
    ///
    /// let semaphore = Semaphore::new(1);
    /// semaphore.close();
    /// assert!(matches!(semaphore.try_acquire(), Err(TryAcquireError::Closed)));
    /// ```
    pub const Closed: Self = Self::closed();

    /// Not enough free permits (the error [`is_no_permits`](Self::is_no_permits) reports).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{Semaphore, TryAcquireError};
    ///
    /// let semaphore = Semaphore::new(0);
    /// assert!(matches!(semaphore.try_acquire(), Err(TryAcquireError::NoPermits)));
    /// ```
    pub const NoPermits: Self = Self::no_permits();
}

impl TryAcquireError {
    pub(crate) const fn closed() -> Self {
        TryAcquireError(TryAcquireKind::Closed)
    }

    pub(crate) const fn no_permits() -> Self {
        TryAcquireError(TryAcquireKind::NoPermits)
    }

    pub(crate) const fn too_large() -> Self {
        TryAcquireError(TryAcquireKind::TooLarge)
    }

    /// Whether the semaphore was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(1);
    /// semaphore.close();
    /// assert!(semaphore.try_acquire().unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.0 == TryAcquireKind::Closed
    }

    /// Whether there were not enough free permits (or other tasks were queued first).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(0);
    /// assert!(semaphore.try_acquire().unwrap_err().is_no_permits());
    /// ```
    pub fn is_no_permits(&self) -> bool {
        self.0 == TryAcquireKind::NoPermits
    }

    /// Whether more permits were requested than a semaphore can ever hold
    /// ([`Semaphore::MAX_PERMITS`](crate::Semaphore::MAX_PERMITS)); only possible where `usize`
    /// is narrower than 35 bits, as requests are `u32`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::Semaphore;
    ///
    /// let semaphore = Semaphore::new(1);
    /// let err = semaphore.try_acquire_many(2).unwrap_err();
    /// assert!(err.is_no_permits() && !err.is_too_large());
    /// ```
    pub fn is_too_large(&self) -> bool {
        self.0 == TryAcquireKind::TooLarge
    }
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            TryAcquireKind::Closed => f.write_str("semaphore closed"),
            TryAcquireKind::NoPermits => f.write_str("no permits available"),
            TryAcquireKind::TooLarge => {
                f.write_str("requested more permits than Semaphore::MAX_PERMITS")
            }
        }
    }
}

impl std::error::Error for TryAcquireError {}

/// The error from [`Mutex::try_lock`](crate::Mutex::try_lock),
/// [`RwLock::try_read`](crate::RwLock::try_read) and [`RwLock::try_write`](crate::RwLock::try_write):
/// the lock is held (or other tasks are queued for it first).
///
/// # Examples
///
/// ```
/// use heddle_sync::Mutex;
///
/// let mutex = Mutex::new(1);
/// let _guard = mutex.try_lock()?;
/// assert!(mutex.try_lock().is_err());
/// # Ok::<(), heddle_sync::TryLockError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TryLockError(pub(crate) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl std::error::Error for TryLockError {}
