//! [`Semaphore`]: a fair counting semaphore, with borrowed and owned permits.
//!
//! Use it to bound concurrency (at most N requests in flight, at most N open files). Waiters are
//! served strictly in FIFO order: a large request at the head of the queue is not overtaken by
//! later small ones, so nobody starves.

use crate::error::{AcquireError, TryAcquireError};
use crate::waiters::{Refused, WaitQueue};
use std::fmt;
// Public signatures use std's `Arc` (`self: Arc<Self>` needs it); the shared state inside is
// modelled through the `WaitQueue`, which uses `crate::loom`.
use std::sync::Arc;

/// A counting semaphore with a FIFO queue of waiters.
///
/// # Examples
///
/// ```
/// use heddle_sync::Semaphore;
///
/// # futures::executor::block_on(async {
/// let semaphore = Semaphore::new(2);
/// let a = semaphore.acquire().await?;
/// let b = semaphore.acquire().await?;
/// assert_eq!(semaphore.available_permits(), 0);
/// drop(a);
/// assert_eq!(semaphore.available_permits(), 1);
/// # drop(b);
/// # Ok::<(), heddle_sync::AcquireError>(())
/// # }).unwrap();
/// ```
pub struct Semaphore {
    queue: WaitQueue,
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl Semaphore {
    /// The most permits a semaphore can hold, and the largest request it accepts.
    pub const MAX_PERMITS: usize = usize::MAX >> 3;

    /// Creates a semaphore with `permits` free permits.
    ///
    /// # Panics
    ///
    /// If `permits` is above [`MAX_PERMITS`](Self::MAX_PERMITS).
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(3);
    /// assert_eq!(semaphore.available_permits(), 3);
    /// ```
    #[track_caller]
    pub fn new(permits: usize) -> Self {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore holds at most Semaphore::MAX_PERMITS ({}) permits, got {permits}",
            Self::MAX_PERMITS
        );
        Self::with_permits(permits)
    }

    /// Creates a semaphore with `permits` free permits, in a `const` context: for `static`s.
    /// (Not under the `loom` cfg, whose types have no `const` constructors.)
    ///
    /// # Panics
    ///
    /// If `permits` is above [`MAX_PERMITS`](Self::MAX_PERMITS) (at compile time, in a
    /// `static`).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::Semaphore;
    ///
    /// static CONNECTIONS: Semaphore = Semaphore::const_new(2);
    /// let permit = CONNECTIONS.try_acquire()?;
    /// assert_eq!(CONNECTIONS.available_permits(), 1);
    /// # drop(permit);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    #[cfg(not(loom))]
    #[track_caller]
    pub const fn const_new(permits: usize) -> Self {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore holds at most Semaphore::MAX_PERMITS permits"
        );
        Self::with_permits(permits)
    }

    const_unless_loom! {
        /// The semaphore; the caller checked `permits <= MAX_PERMITS`.
        fn with_permits(permits: usize) -> Self {
            Semaphore {
                queue: WaitQueue::new(permits, Self::MAX_PERMITS),
            }
        }
    }

    /// The number of free permits.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(3);
    /// let _permit = semaphore.try_acquire_many(2)?;
    /// assert_eq!(semaphore.available_permits(), 1);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn available_permits(&self) -> usize {
        self.queue.available_permits()
    }

    /// Adds `n` permits, waking queued waiters in FIFO order.
    ///
    /// # Panics
    ///
    /// If the total would exceed [`MAX_PERMITS`](Self::MAX_PERMITS).
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(0);
    /// semaphore.add_permits(2);
    /// assert_eq!(semaphore.available_permits(), 2);
    /// ```
    #[track_caller]
    pub fn add_permits(&self, n: usize) {
        let free = self.available_permits();
        assert!(
            n <= Self::MAX_PERMITS && free <= Self::MAX_PERMITS - n,
            "adding {n} permits to {free} would exceed Semaphore::MAX_PERMITS"
        );
        self.queue.release(n);
    }

    /// Removes up to `n` free permits and returns how many were removed.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(3);
    /// assert_eq!(semaphore.forget_permits(5), 3);
    /// assert_eq!(semaphore.available_permits(), 0);
    /// ```
    pub fn forget_permits(&self, n: usize) -> usize {
        self.queue.forget_permits(n)
    }

    /// Closes the semaphore: queued and future acquires fail with [`AcquireError`]. Permits
    /// already handed out stay valid.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(1);
    /// semaphore.close();
    /// assert!(semaphore.is_closed());
    /// assert!(semaphore.try_acquire().is_err());
    /// ```
    pub fn close(&self) {
        self.queue.close();
    }

    /// Whether [`close`](Self::close) was called.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(1);
    /// assert!(!semaphore.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.queue.is_closed()
    }

    /// Waits for one permit.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed before a permit is granted.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, and fair: dropping the future gives up its place in the queue, and a permit
    /// granted to it but not yet observed passes to the next waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let semaphore = heddle_sync::Semaphore::new(1);
    /// let permit = semaphore.acquire().await?;
    /// assert_eq!(permit.num_permits(), 1);
    /// # Ok::<(), heddle_sync::AcquireError>(())
    /// # }).unwrap();
    /// ```
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.acquire_many(1).await
    }

    /// Waits for `n` permits at once.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed first, or at once if `n` is above
    /// [`MAX_PERMITS`](Self::MAX_PERMITS) (such a request could never be granted).
    ///
    /// # Cancel safety
    ///
    /// As for [`acquire`](Self::acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let semaphore = heddle_sync::Semaphore::new(5);
    /// let permit = semaphore.acquire_many(3).await?;
    /// assert_eq!(semaphore.available_permits(), 2);
    /// # drop(permit);
    /// # Ok::<(), heddle_sync::AcquireError>(())
    /// # }).unwrap();
    /// ```
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        let n = n as usize;
        if n > Self::MAX_PERMITS {
            return Err(AcquireError::too_large());
        }
        match self.queue.acquire(n).await {
            Ok(()) => Ok(SemaphorePermit {
                semaphore: self,
                permits: n,
            }),
            Err(_) => Err(AcquireError::closed()),
        }
    }

    /// Takes one permit if one is free and nobody is queued.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError`]: closed, or no permits.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(1);
    /// let permit = semaphore.try_acquire()?;
    /// assert!(semaphore.try_acquire().is_err());
    /// # drop(permit);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are free and nobody is queued.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError`]: closed, no permits, or `n` above [`MAX_PERMITS`](Self::MAX_PERMITS).
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(2);
    /// assert!(semaphore.try_acquire_many(3).is_err());
    /// assert!(semaphore.try_acquire_many(2).is_ok());
    /// ```
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        let n = n as usize;
        try_acquire_raw(&self.queue, n)?;
        Ok(SemaphorePermit {
            semaphore: self,
            permits: n,
        })
    }

    /// Waits for one permit, holding the semaphore through an [`Arc`].
    ///
    /// # Errors
    ///
    /// As for [`acquire`](Self::acquire).
    ///
    /// # Cancel safety
    ///
    /// As for [`acquire`](Self::acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(1));
    /// let permit = semaphore.clone().acquire_owned().await?;
    /// std::thread::spawn(move || drop(permit)).join().unwrap();
    /// assert_eq!(semaphore.available_permits(), 1);
    /// # Ok::<(), heddle_sync::AcquireError>(())
    /// # }).unwrap();
    /// ```
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_many_owned(1).await
    }

    /// Waits for `n` permits, holding the semaphore through an [`Arc`].
    ///
    /// # Errors
    ///
    /// As for [`acquire_many`](Self::acquire_many).
    ///
    /// # Cancel safety
    ///
    /// As for [`acquire`](Self::acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(4));
    /// let permit = semaphore.clone().acquire_many_owned(4).await?;
    /// assert_eq!(permit.num_permits(), 4);
    /// # Ok::<(), heddle_sync::AcquireError>(())
    /// # }).unwrap();
    /// ```
    pub async fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        let permit = self.acquire_many(n).await?;
        let permits = permit.num_permits();
        permit.forget();
        Ok(OwnedSemaphorePermit {
            semaphore: self,
            permits,
        })
    }

    /// Waits for one permit from synchronous code: the blocking twin of
    /// [`acquire`](Self::acquire).
    ///
    /// # Errors
    ///
    /// As for [`acquire`](Self::acquire).
    ///
    /// # Panics
    ///
    /// If called on a thread that is running an async runtime: use `acquire().await` in
    /// async code; call this from `spawn_blocking` or a plain thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(1);
    /// let permit = semaphore.blocking_acquire()?;
    /// assert_eq!(semaphore.available_permits(), 0);
    /// # drop(permit);
    /// # Ok::<(), heddle_sync::AcquireError>(())
    /// ```
    #[track_caller]
    pub fn blocking_acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        crate::wait::block_on(
            "Semaphore::blocking_acquire",
            "acquire().await",
            self.acquire(),
        )
    }

    /// Waits for `n` permits from synchronous code: the blocking twin of
    /// [`acquire_many`](Self::acquire_many).
    ///
    /// # Errors
    ///
    /// As for [`acquire_many`](Self::acquire_many).
    ///
    /// # Panics
    ///
    /// As for [`blocking_acquire`](Self::blocking_acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(3);
    /// assert_eq!(semaphore.blocking_acquire_many(3)?.num_permits(), 3);
    /// # Ok::<(), heddle_sync::AcquireError>(())
    /// ```
    #[track_caller]
    pub fn blocking_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        crate::wait::block_on(
            "Semaphore::blocking_acquire_many",
            "acquire_many(n).await",
            self.acquire_many(n),
        )
    }

    /// Waits for one permit from synchronous code, holding the semaphore through an
    /// [`Arc`]: the blocking twin of [`acquire_owned`](Self::acquire_owned).
    ///
    /// # Errors
    ///
    /// As for [`acquire`](Self::acquire).
    ///
    /// # Panics
    ///
    /// As for [`blocking_acquire`](Self::blocking_acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(1));
    /// let permit = std::thread::spawn({
    ///     let semaphore = semaphore.clone();
    ///     move || semaphore.blocking_acquire_owned()
    /// })
    /// .join()
    /// .unwrap()?;
    /// assert_eq!(semaphore.available_permits(), 0);
    /// # drop(permit);
    /// # Ok::<(), heddle_sync::AcquireError>(())
    /// ```
    #[track_caller]
    pub fn blocking_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        crate::wait::block_on(
            "Semaphore::blocking_acquire_owned",
            "acquire_owned().await",
            self.acquire_owned(),
        )
    }

    /// Waits for `n` permits from synchronous code, holding the semaphore through an
    /// [`Arc`]: the blocking twin of [`acquire_many_owned`](Self::acquire_many_owned).
    ///
    /// # Errors
    ///
    /// As for [`acquire_many`](Self::acquire_many).
    ///
    /// # Panics
    ///
    /// As for [`blocking_acquire`](Self::blocking_acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(2));
    /// let permit = semaphore.clone().blocking_acquire_many_owned(2)?;
    /// assert_eq!(permit.num_permits(), 2);
    /// # Ok::<(), heddle_sync::AcquireError>(())
    /// ```
    #[track_caller]
    pub fn blocking_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        crate::wait::block_on(
            "Semaphore::blocking_acquire_many_owned",
            "acquire_many_owned(n).await",
            self.acquire_many_owned(n),
        )
    }

    /// Takes one permit now, holding the semaphore through an [`Arc`].
    ///
    /// # Errors
    ///
    /// As for [`try_acquire`](Self::try_acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(1));
    /// let permit = semaphore.clone().try_acquire_owned()?;
    /// assert_eq!(semaphore.available_permits(), 0);
    /// # drop(permit);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// Takes `n` permits now, holding the semaphore through an [`Arc`].
    ///
    /// # Errors
    ///
    /// As for [`try_acquire_many`](Self::try_acquire_many).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(2));
    /// let permit = semaphore.clone().try_acquire_many_owned(2)?;
    /// assert_eq!(permit.num_permits(), 2);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn try_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        let n = n as usize;
        try_acquire_raw(&self.queue, n)?;
        Ok(OwnedSemaphorePermit {
            semaphore: self,
            permits: n,
        })
    }
}

fn try_acquire_raw(queue: &WaitQueue, n: usize) -> Result<(), TryAcquireError> {
    if n > Semaphore::MAX_PERMITS {
        return Err(TryAcquireError::too_large());
    }
    queue.try_acquire(n).map_err(|refused| match refused {
        Refused::Closed => TryAcquireError::closed(),
        Refused::NoPermits => TryAcquireError::no_permits(),
    })
}

/// Permits borrowed from a [`Semaphore`]; dropping it gives them back.
///
/// # Examples
///
/// ```
/// let semaphore = heddle_sync::Semaphore::new(1);
/// let permit = semaphore.try_acquire()?;
/// drop(permit);
/// assert_eq!(semaphore.available_permits(), 1);
/// # Ok::<(), heddle_sync::TryAcquireError>(())
/// ```
#[must_use = "the permits are released when this is dropped"]
#[derive(Debug)]
pub struct SemaphorePermit<'a> {
    semaphore: &'a Semaphore,
    permits: usize,
}

impl<'a> SemaphorePermit<'a> {
    /// The semaphore this permit came from.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(2);
    /// let permit = semaphore.try_acquire()?;
    /// assert!(std::ptr::eq(permit.semaphore(), &semaphore));
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn semaphore(&self) -> &'a Semaphore {
        self.semaphore
    }

    /// How many permits this holds.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(2);
    /// assert_eq!(semaphore.try_acquire_many(2)?.num_permits(), 2);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// Consumes the permit without giving it back: the semaphore shrinks by its count.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(1);
    /// semaphore.try_acquire()?.forget();
    /// assert_eq!(semaphore.available_permits(), 0);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Moves the permits of `other` into this one; they are all released together when this
    /// one drops.
    ///
    /// # Panics
    ///
    /// If `other` comes from another semaphore.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(3);
    /// let mut permit = semaphore.try_acquire()?;
    /// permit.merge(semaphore.try_acquire_many(2)?);
    /// assert_eq!(permit.num_permits(), 3);
    /// drop(permit);
    /// assert_eq!(semaphore.available_permits(), 3);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: Self) {
        assert!(
            std::ptr::eq(self.semaphore, other.semaphore),
            "merging permits from different semaphore instances"
        );
        self.permits += std::mem::take(&mut other.permits);
    }

    /// Splits `n` of this permit's permits off into a new permit; `None` (and nothing
    /// changes) if it holds fewer than `n`.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = heddle_sync::Semaphore::new(3);
    /// let mut permit = semaphore.try_acquire_many(3)?;
    /// let two = permit.split(2).unwrap();
    /// assert!(permit.split(2).is_none());
    /// drop(two);
    /// assert_eq!((semaphore.available_permits(), permit.num_permits()), (2, 1));
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn split(&mut self, n: usize) -> Option<Self> {
        self.permits = self.permits.checked_sub(n)?;
        Some(SemaphorePermit {
            semaphore: self.semaphore,
            permits: n,
        })
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        if self.permits > 0 {
            self.semaphore.queue.release(self.permits);
        }
    }
}

/// Permits held through an `Arc<Semaphore>`; dropping it gives them back.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// let semaphore = Arc::new(heddle_sync::Semaphore::new(1));
/// let permit = semaphore.clone().try_acquire_owned()?;
/// assert!(Arc::ptr_eq(permit.semaphore(), &semaphore));
/// # Ok::<(), heddle_sync::TryAcquireError>(())
/// ```
#[must_use = "the permits are released when this is dropped"]
#[derive(Debug)]
pub struct OwnedSemaphorePermit {
    semaphore: Arc<Semaphore>,
    permits: usize,
}

impl OwnedSemaphorePermit {
    /// How many permits this holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(1));
    /// assert_eq!(semaphore.try_acquire_owned()?.num_permits(), 1);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// The semaphore the permits came from.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(1));
    /// let permit = semaphore.clone().try_acquire_owned()?;
    /// assert_eq!(permit.semaphore().available_permits(), 0);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.semaphore
    }

    /// Consumes the permit without giving it back.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(1));
    /// semaphore.clone().try_acquire_owned()?.forget();
    /// assert_eq!(semaphore.available_permits(), 0);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Moves the permits of `other` into this one; they are all released together when this
    /// one drops.
    ///
    /// # Panics
    ///
    /// If `other` comes from another semaphore.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(2));
    /// let mut permit = semaphore.clone().try_acquire_owned()?;
    /// permit.merge(semaphore.clone().try_acquire_owned()?);
    /// assert_eq!(permit.num_permits(), 2);
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: Self) {
        assert!(
            Arc::ptr_eq(&self.semaphore, &other.semaphore),
            "merging permits from different semaphore instances"
        );
        self.permits += std::mem::take(&mut other.permits);
    }

    /// Splits `n` of this permit's permits off into a new permit; `None` (and nothing
    /// changes) if it holds fewer than `n`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let semaphore = Arc::new(heddle_sync::Semaphore::new(2));
    /// let mut permit = semaphore.clone().try_acquire_many_owned(2)?;
    /// let one = permit.split(1).unwrap();
    /// assert_eq!((one.num_permits(), permit.num_permits()), (1, 1));
    /// assert!(permit.split(5).is_none());
    /// # Ok::<(), heddle_sync::TryAcquireError>(())
    /// ```
    pub fn split(&mut self, n: usize) -> Option<Self> {
        self.permits = self.permits.checked_sub(n)?;
        Some(OwnedSemaphorePermit {
            semaphore: self.semaphore.clone(),
            permits: n,
        })
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        if self.permits > 0 {
            self.semaphore.queue.release(self.permits);
        }
    }
}
