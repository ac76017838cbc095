//! [`RwLock`]: an async reader-writer lock, fair and writer-preferring.
//!
//! # What to pick
//!
//! Use it when reads dominate and the lock is held across `.await`. If it is never held across
//! an `.await`, [`std::sync::RwLock`] is fine. If writes are frequent, a [`Mutex`](crate::Mutex)
//! is simpler and usually as fast.
//!
//! # Fairness
//!
//! The lock is a semaphore of [`MAX_READS`](RwLock::MAX_READS) permits in one FIFO queue: a
//! reader takes one, a writer takes all of them. A queued writer therefore blocks every reader
//! that arrives after it (writer-preferring), and readers queued before the writer go first.
//! Nobody starves.

use crate::error::TryLockError;
use crate::loom::UnsafeCell;
use crate::waiters::WaitQueue;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
// Public signatures use std's `Arc` (`self: Arc<Self>` needs it).
use std::sync::Arc;

/// An async reader-writer lock.
///
/// # Examples
///
/// ```
/// use heddle_sync::RwLock;
///
/// # futures::executor::block_on(async {
/// let lock = RwLock::new(5);
/// {
///     let a = lock.read().await;
///     let b = lock.read().await;
///     assert_eq!(*a + *b, 10);
/// }
/// *lock.write().await += 1;
/// assert_eq!(*lock.read().await, 6);
/// # });
/// ```
pub struct RwLock<T> {
    /// `MAX_READS` permits: a reader holds one, a writer all of them.
    queue: WaitQueue,
    data: UnsafeCell<T>,
}

// Readers on several threads get `&T` at once (needs `T: Sync`), and a writer may be on any
// thread (needs `T: Send`).
// SAFETY: and the permits of `queue` keep readers and writers apart.
unsafe impl<T: Send + Sync> Sync for RwLock<T> {}
// SAFETY: the lock owns its `T`; sending it sends the `T`.
unsafe impl<T: Send> Send for RwLock<T> {}

impl<T> RwLock<T> {
    /// How many readers may hold the lock at once.
    pub const MAX_READS: usize = (u32::MAX >> 3) as usize;

    /// Creates an unlocked lock holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = heddle_sync::RwLock::new(1);
    /// assert_eq!(lock.into_inner(), 1);
    /// ```
    pub fn new(value: T) -> Self {
        RwLock {
            queue: WaitQueue::new(Self::MAX_READS, Self::MAX_READS),
            data: UnsafeCell::new(value),
        }
    }

    /// Consumes the lock and returns the value.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = heddle_sync::RwLock::new("a");
    /// assert_eq!(lock.into_inner(), "a");
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }

    /// A mutable reference to the value; the borrow proves exclusivity.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut lock = heddle_sync::RwLock::new(1);
    /// *lock.get_mut() += 1;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` proves no guard exists, so this is the only access.
        self.data.with_mut(|p| unsafe { &mut *p })
    }

    /// Waits for shared access.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe and fair: dropping the future leaves the queue, and a read permit granted to
    /// it but not yet observed passes to the next waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let lock = heddle_sync::RwLock::new(1);
    /// assert_eq!(*lock.read().await, 1);
    /// # });
    /// ```
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        // The queue of a lock is never closed, so the acquire cannot fail.
        let _ = self.queue.acquire(1).await;
        RwLockReadGuard {
            lock: self,
            _marker: PhantomData,
        }
    }

    /// Waits for exclusive access.
    ///
    /// # Cancel safety
    ///
    /// As for [`read`](Self::read).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let lock = heddle_sync::RwLock::new(1);
    /// *lock.write().await = 2;
    /// assert_eq!(*lock.read().await, 2);
    /// # });
    /// ```
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        let _ = self.queue.acquire(Self::MAX_READS).await;
        RwLockWriteGuard {
            lock: self,
            _marker: PhantomData,
        }
    }

    /// Takes shared access from synchronous code, blocking the thread until it is granted (in
    /// turn with async waiters). The blocking twin of [`read`](Self::read).
    ///
    /// # Panics
    ///
    /// If called on a thread that drives a runtime (inside `block_on`, or a worker running
    /// tasks): blocking there would stall its tasks, including the one holding the lock. Use
    /// `read().await` in async code; call `blocking_read` from `spawn_blocking` or a plain
    /// thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(heddle_sync::RwLock::new(1));
    /// let reader = {
    ///     let lock = lock.clone();
    ///     std::thread::spawn(move || *lock.blocking_read())
    /// };
    /// assert_eq!(reader.join().unwrap(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        crate::wait::block_on("RwLock::blocking_read", "read().await", self.read())
    }

    /// Takes exclusive access from synchronous code, blocking the thread until it is granted
    /// (in turn with async waiters). The blocking twin of [`write`](Self::write).
    ///
    /// # Panics
    ///
    /// If called on a thread that drives a runtime (inside `block_on`, or a worker running
    /// tasks): blocking there would stall its tasks, including the one holding the lock. Use
    /// `write().await` in async code; call `blocking_write` from `spawn_blocking` or a plain
    /// thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(heddle_sync::RwLock::new(1));
    /// let writer = {
    ///     let lock = lock.clone();
    ///     std::thread::spawn(move || *lock.blocking_write() += 1)
    /// };
    /// writer.join().unwrap();
    /// assert_eq!(*lock.blocking_read(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        crate::wait::block_on("RwLock::blocking_write", "write().await", self.write())
    }

    /// Takes shared access now.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if a writer holds the lock or anyone is queued.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = heddle_sync::RwLock::new(1);
    /// let a = lock.try_read()?;
    /// let b = lock.try_read()?;
    /// assert!(lock.try_write().is_err());
    /// # drop((a, b));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        self.queue.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(RwLockReadGuard {
            lock: self,
            _marker: PhantomData,
        })
    }

    /// Takes exclusive access now.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if the lock is held or anyone is queued.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = heddle_sync::RwLock::new(1);
    /// let w = lock.try_write()?;
    /// assert!(lock.try_read().is_err());
    /// # drop(w);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        self.queue
            .try_acquire(Self::MAX_READS)
            .map_err(|_| TryLockError(()))?;
        Ok(RwLockWriteGuard {
            lock: self,
            _marker: PhantomData,
        })
    }

    /// Waits for shared access, holding the lock through an [`Arc`].
    ///
    /// # Cancel safety
    ///
    /// As for [`read`](Self::read).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(heddle_sync::RwLock::new(1));
    /// let guard = lock.clone().read_owned().await;
    /// assert_eq!(*guard, 1);
    /// # });
    /// ```
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        let _ = self.queue.acquire(1).await;
        OwnedRwLockReadGuard { lock: self }
    }

    /// Waits for exclusive access, holding the lock through an [`Arc`].
    ///
    /// # Cancel safety
    ///
    /// As for [`read`](Self::read).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(heddle_sync::RwLock::new(1));
    /// let mut guard = lock.clone().write_owned().await;
    /// *guard = 3;
    /// drop(guard);
    /// assert_eq!(*lock.read().await, 3);
    /// # });
    /// ```
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        let _ = self.queue.acquire(Self::MAX_READS).await;
        OwnedRwLockWriteGuard { lock: self }
    }

    fn data_ref(&self) -> &T {
        // The caller holds at least one permit of `queue` (a live guard).
        // SAFETY: so no writer holds all of them and no `&mut T` exists.
        self.data.with(|p| unsafe { &*p })
    }

    #[allow(clippy::mut_from_ref)]
    fn data_mut(&self) -> &mut T {
        // The caller holds all `MAX_READS` permits (a live write guard, borrowed mutably).
        // SAFETY: so no other reference to the value exists while this one lives.
        self.data.with_mut(|p| unsafe { &mut *p })
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        RwLock::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

macro_rules! guard_impls {
    ($guard:ident $(<$lt:lifetime>)?, permits = $permits:expr, mutable = $mutable:tt) => {
        impl<$($lt,)? T> Deref for $guard<$($lt,)? T> {
            type Target = T;
            fn deref(&self) -> &T {
                self.lock.data_ref()
            }
        }

        impl<$($lt,)? T> Drop for $guard<$($lt,)? T> {
            fn drop(&mut self) {
                self.lock.queue.release($permits);
            }
        }

        impl<$($lt,)? T: fmt::Debug> fmt::Debug for $guard<$($lt,)? T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        guard_impls!(@mut $mutable, $guard $(<$lt>)?);
    };
    (@mut true, $guard:ident $(<$lt:lifetime>)?) => {
        impl<$($lt,)? T> DerefMut for $guard<$($lt,)? T> {
            fn deref_mut(&mut self) -> &mut T {
                self.lock.data_mut()
            }
        }
    };
    (@mut false, $guard:ident $(<$lt:lifetime>)?) => {};
}

/// Shared access to a [`RwLock`]; released on drop.
///
/// # Examples
///
/// ```
/// let lock = heddle_sync::RwLock::new(1);
/// let guard = lock.try_read()?;
/// assert_eq!(*guard, 1);
/// # Ok::<(), heddle_sync::TryLockError>(())
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct RwLockReadGuard<'a, T> {
    lock: &'a RwLock<T>,
    _marker: PhantomData<&'a T>,
}

/// Exclusive access to a [`RwLock`]; released on drop.
///
/// # Examples
///
/// ```
/// let lock = heddle_sync::RwLock::new(1);
/// *lock.try_write()? += 1;
/// assert_eq!(*lock.try_read()?, 2);
/// # Ok::<(), heddle_sync::TryLockError>(())
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct RwLockWriteGuard<'a, T> {
    lock: &'a RwLock<T>,
    _marker: PhantomData<&'a mut T>,
}

/// Shared access to a [`RwLock`] held through an [`Arc`]; released on drop.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// # futures::executor::block_on(async {
/// let lock = Arc::new(heddle_sync::RwLock::new(1));
/// let guard = lock.clone().read_owned().await;
/// std::thread::spawn(move || assert_eq!(*guard, 1)).join().unwrap();
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct OwnedRwLockReadGuard<T> {
    lock: Arc<RwLock<T>>,
}

/// Exclusive access to a [`RwLock`] held through an [`Arc`]; released on drop.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// # futures::executor::block_on(async {
/// let lock = Arc::new(heddle_sync::RwLock::new(1));
/// let mut guard = lock.clone().write_owned().await;
/// std::thread::spawn(move || *guard = 2).join().unwrap();
/// assert_eq!(*lock.read().await, 2);
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct OwnedRwLockWriteGuard<T> {
    lock: Arc<RwLock<T>>,
}

guard_impls!(RwLockReadGuard<'a>, permits = 1, mutable = false);
guard_impls!(
    RwLockWriteGuard<'a>,
    permits = RwLock::<T>::MAX_READS,
    mutable = true
);
guard_impls!(OwnedRwLockReadGuard, permits = 1, mutable = false);
guard_impls!(
    OwnedRwLockWriteGuard,
    permits = RwLock::<T>::MAX_READS,
    mutable = true
);
