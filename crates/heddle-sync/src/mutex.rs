//! [`Mutex`]: an async mutual-exclusion lock whose guard may be held across `.await`.
//!
//! # What to pick
//!
//! If the lock is never held across an `.await`, a plain [`std::sync::Mutex`] is simpler and
//! faster, and is fine inside async code. Use this one when the critical section awaits (for
//! example it writes to a socket while holding the lock), or when waiting tasks must be served
//! in order.
//!
//! # Fairness
//!
//! Waiters are served first come, first served (one FIFO queue, see `waiters.rs`); `try_lock`
//! fails while anyone is queued, so it never overtakes them.

use crate::error::TryLockError;
use crate::loom::UnsafeCell;
use crate::waiters::WaitQueue;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
// Public signatures use std's `Arc` (`self: Arc<Self>` needs it).
use std::sync::Arc;

/// An async mutex.
///
/// # Examples
///
/// ```
/// use heddle_sync::Mutex;
///
/// # futures::executor::block_on(async {
/// let count = Mutex::new(0);
/// *count.lock().await += 1;
/// assert_eq!(*count.lock().await, 1);
/// # });
/// ```
pub struct Mutex<T> {
    /// One permit: whoever holds it may access `data`.
    queue: WaitQueue,
    data: UnsafeCell<T>,
}

// The mutex hands out access to `T` to one thread at a time (the holder of the single permit
// of `queue`).
// SAFETY: so sharing it only moves access to `T` between threads, which `T: Send` allows.
unsafe impl<T: Send> Sync for Mutex<T> {}
// SAFETY: the mutex owns its `T`; sending the mutex sends the `T`, which `T: Send` allows.
unsafe impl<T: Send> Send for Mutex<T> {}

impl<T> Mutex<T> {
    /// Creates an unlocked mutex holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = heddle_sync::Mutex::new(5);
    /// assert_eq!(mutex.into_inner(), 5);
    /// ```
    pub fn new(value: T) -> Self {
        Mutex {
            queue: WaitQueue::new(1, 1),
            data: UnsafeCell::new(value),
        }
    }

    /// Consumes the mutex and returns the value.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = heddle_sync::Mutex::new(String::from("a"));
    /// assert_eq!(mutex.into_inner(), "a");
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T> Mutex<T> {
    /// Waits for the lock.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, and fair: dropping the future gives up its place in the queue, and if the
    /// lock had already been granted to it, the lock passes to the next waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let mutex = heddle_sync::Mutex::new(vec![1]);
    /// mutex.lock().await.push(2);
    /// assert_eq!(*mutex.lock().await, [1, 2]);
    /// # });
    /// ```
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        // The queue of a mutex is never closed, so the acquire cannot fail.
        let _ = self.queue.acquire(1).await;
        MutexGuard {
            lock: self,
            _marker: PhantomData,
        }
    }

    /// Takes the lock from synchronous code, blocking the thread until it is granted (in
    /// turn with async waiters). The blocking twin of [`lock`](Self::lock).
    ///
    /// # Panics
    ///
    /// If called on a thread that drives a runtime (inside `block_on`, or a worker running
    /// tasks): blocking there would stall its tasks, including the one holding the lock. Use
    /// `lock().await` in async code; call `blocking_lock` from `spawn_blocking` or a plain
    /// thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let count = Arc::new(heddle_sync::Mutex::new(0));
    /// let threads: Vec<_> = (0..2)
    ///     .map(|_| {
    ///         let count = count.clone();
    ///         std::thread::spawn(move || *count.blocking_lock() += 1)
    ///     })
    ///     .collect();
    /// for thread in threads {
    ///     thread.join().unwrap();
    /// }
    /// assert_eq!(*count.blocking_lock(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        crate::wait::block_on("Mutex::blocking_lock", "lock().await", self.lock())
    }

    /// Takes the lock if it is free and nobody is queued.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if the lock is held or others wait for it.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = heddle_sync::Mutex::new(1);
    /// let guard = mutex.try_lock()?;
    /// assert!(mutex.try_lock().is_err());
    /// drop(guard);
    /// assert!(mutex.try_lock().is_ok());
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        self.queue.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(MutexGuard {
            lock: self,
            _marker: PhantomData,
        })
    }

    /// Waits for the lock, holding the mutex through an [`Arc`].
    ///
    /// # Cancel safety
    ///
    /// As for [`lock`](Self::lock).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let mutex = Arc::new(heddle_sync::Mutex::new(0));
    /// let mut guard = mutex.clone().lock_owned().await;
    /// std::thread::spawn(move || *guard += 1).join().unwrap();
    /// assert_eq!(*mutex.lock().await, 1);
    /// # });
    /// ```
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        let _ = self.queue.acquire(1).await;
        OwnedMutexGuard {
            lock: self,
            _marker: PhantomData,
        }
    }

    /// Takes the lock now, holding the mutex through an [`Arc`].
    ///
    /// # Errors
    ///
    /// As for [`try_lock`](Self::try_lock).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mutex = Arc::new(heddle_sync::Mutex::new(0));
    /// let guard = mutex.clone().try_lock_owned()?;
    /// assert!(mutex.try_lock().is_err());
    /// # drop(guard);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        self.queue.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(OwnedMutexGuard {
            lock: self,
            _marker: PhantomData,
        })
    }

    /// A mutable reference to the value; no locking is needed, the borrow proves exclusivity.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut mutex = heddle_sync::Mutex::new(1);
    /// *mutex.get_mut() = 2;
    /// assert_eq!(mutex.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // Guards borrow or own the mutex.
        // SAFETY: `&mut self` proves no guard exists: this is the only access to the value.
        self.data.with_mut(|p| unsafe { &mut *p })
    }

    /// A shared reference to the value for a guard. Only guards call this.
    fn data_ref(&self) -> &T {
        // SAFETY: the caller holds the mutex's only permit (a live guard), so no `&mut T` exists.
        self.data.with(|p| unsafe { &*p })
    }

    /// A mutable reference to the value for a guard. Only guards call this, through `&mut`.
    #[allow(clippy::mut_from_ref)]
    fn data_mut(&self) -> &mut T {
        // The caller holds the mutex's only permit (a live guard, borrowed mutably).
        // SAFETY: so this is the only reference to the value while it lives.
        self.data.with_mut(|p| unsafe { &mut *p })
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Self {
        Mutex::new(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// Access to the value of a locked [`Mutex`]; unlocks on drop.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let mutex = heddle_sync::Mutex::new(1);
/// let mut guard = mutex.lock().await;
/// *guard += 1;
/// drop(guard);
/// assert_eq!(*mutex.lock().await, 2);
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct MutexGuard<'a, T> {
    lock: &'a Mutex<T>,
    /// Makes the guard `Sync` only if `T: Sync` (it hands out `&T`), `Send` only if `T: Send`.
    _marker: PhantomData<&'a mut T>,
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.lock.data_ref()
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.lock.data_mut()
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.queue.release(1);
    }
}

impl<T: fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Access to the value of a [`Mutex`] locked through an [`Arc`]; unlocks on drop.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// # futures::executor::block_on(async {
/// let mutex = Arc::new(heddle_sync::Mutex::new(1));
/// let guard = mutex.clone().lock_owned().await;
/// assert!(Arc::ptr_eq(guard.mutex(), &mutex));
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct OwnedMutexGuard<T> {
    lock: Arc<Mutex<T>>,
    /// Makes the guard `Sync` only if `T: Sync`.
    _marker: PhantomData<T>,
}

impl<T> OwnedMutexGuard<T> {
    /// The mutex this guard locks.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let mutex = Arc::new(heddle_sync::Mutex::new(1));
    /// let guard = mutex.clone().try_lock_owned()?;
    /// assert!(guard.mutex().try_lock().is_err());
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn mutex(&self) -> &Arc<Mutex<T>> {
        &self.lock
    }
}

impl<T> Deref for OwnedMutexGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.lock.data_ref()
    }
}

impl<T> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.lock.data_mut()
    }
}

impl<T> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.queue.release(1);
    }
}

impl<T: fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
