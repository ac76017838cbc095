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
//! Nobody starves. [`RwLock::with_max_readers`] lowers the number of permits, and so the
//! number of readers at once.
//!
//! # Guards
//!
//! Every guard holds permits of `queue` (one for a reader, all of them for a writer) and a
//! pointer to the value or, once mapped, to a part of it; it gives the permits back on drop.
//! The pointer is raw for the reason given in the mutex module: the permits, not a borrow,
//! make the access shared or exclusive. The borrowed guards are in `guards.rs`, the ones
//! holding the lock through an [`Arc`] in `owned.rs`. A write guard may be downgraded to a
//! read guard (it gives back all its permits but one), but a mapped write guard may not,
//! as tokio's may not.

use crate::error::TryLockError;
use crate::loom::UnsafeCell;
use crate::waiters::WaitQueue;
use std::fmt;
use std::marker::PhantomData;
use std::ptr::NonNull;
// Public signatures use std's `Arc` (`self: Arc<Self>` needs it).
use std::sync::Arc;

mod guards;
mod owned;

pub use guards::{RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard};
pub use owned::{OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard};

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
pub struct RwLock<T: ?Sized> {
    /// `max_readers` permits: a reader holds one, a writer all of them.
    queue: WaitQueue,
    max_readers: usize,
    data: UnsafeCell<T>,
}

// Readers on several threads get `&T` at once (needs `T: Sync`), and a writer may be on any
// thread (needs `T: Send`).
// SAFETY: and the permits of `queue` keep readers and writers apart.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}
// SAFETY: the lock owns its `T`; sending it sends the `T`.
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}

/// The default and the highest number of readers at once.
const MAX_READS: usize = (u32::MAX >> 3) as usize;

impl<T> RwLock<T> {
    /// How many readers may hold the lock at once, unless
    /// [`with_max_readers`](Self::with_max_readers) set fewer.
    pub const MAX_READS: usize = MAX_READS;

    /// Creates an unlocked lock holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = heddle_sync::RwLock::new(1);
    /// assert_eq!(lock.into_inner(), 1);
    /// ```
    pub fn new(value: T) -> Self {
        Self::unlocked(value, MAX_READS)
    }

    /// Creates an unlocked lock holding `value`, in a `const` context: for `static`s. (Not
    /// under the `loom` cfg, whose types have no `const` constructors.)
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::RwLock;
    ///
    /// static NAMES: RwLock<Vec<&str>> = RwLock::const_new(Vec::new());
    /// # futures::executor::block_on(async {
    /// NAMES.write().await.push("a");
    /// assert_eq!(NAMES.read().await.len(), 1);
    /// # });
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(value: T) -> Self {
        Self::unlocked(value, MAX_READS)
    }

    /// [`with_max_readers`](Self::with_max_readers) in a `const` context: for `static`s.
    /// (Not under the `loom` cfg.)
    ///
    /// # Panics
    ///
    /// If `max_reads` is 0 or more than `u32::MAX >> 3` (at compile time, in a `static`).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::RwLock;
    ///
    /// static PAIR: RwLock<u8> = RwLock::const_with_max_readers(0, 2);
    /// let a = PAIR.try_read()?;
    /// let b = PAIR.try_read()?;
    /// assert!(PAIR.try_read().is_err());
    /// # drop((a, b));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    #[cfg(not(loom))]
    #[track_caller]
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> Self {
        let max_readers = max_reads as usize;
        assert!(
            max_readers >= 1 && max_readers <= MAX_READS,
            "a RwLock allows between 1 and u32::MAX >> 3 readers"
        );
        Self::unlocked(value, max_readers)
    }

    /// Creates an unlocked lock holding `value` that lets at most `max_reads` readers hold it
    /// at once.
    ///
    /// # Panics
    ///
    /// If `max_reads` is 0 or more than `u32::MAX >> 3`.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = heddle_sync::RwLock::with_max_readers(0, 2);
    /// let a = lock.try_read()?;
    /// let b = lock.try_read()?;
    /// assert!(lock.try_read().is_err());
    /// # drop((a, b));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> Self {
        let max_readers = max_reads as usize;
        assert!(
            (1..=MAX_READS).contains(&max_readers),
            "a RwLock allows between 1 and u32::MAX >> 3 readers, not {max_reads}"
        );
        Self::unlocked(value, max_readers)
    }

    const_unless_loom! {
        /// The lock; the caller checked `1 <= max_readers <= MAX_READS`.
        fn unlocked(value: T, max_readers: usize) -> Self {
            RwLock {
                queue: WaitQueue::new(max_readers, max_readers),
                max_readers,
                data: UnsafeCell::new(value),
            }
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
}

impl<T: ?Sized> RwLock<T> {
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
        self.read_guard()
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
        let _ = self.queue.acquire(self.max_readers).await;
        self.write_guard()
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
        Ok(self.read_guard())
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
            .try_acquire(self.max_readers)
            .map_err(|_| TryLockError(()))?;
        Ok(self.write_guard())
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
        OwnedRwLockReadGuard::new(self)
    }

    /// Takes shared access now, holding the lock through an [`Arc`].
    ///
    /// # Errors
    ///
    /// As for [`try_read`](Self::try_read).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let lock = Arc::new(heddle_sync::RwLock::new(1));
    /// let guard = lock.clone().try_read_owned()?;
    /// assert!(lock.try_write().is_err());
    /// assert_eq!(*guard, 1);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        self.queue.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(OwnedRwLockReadGuard::new(self))
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
        let _ = self.queue.acquire(self.max_readers).await;
        OwnedRwLockWriteGuard::new(self)
    }

    /// Takes exclusive access now, holding the lock through an [`Arc`].
    ///
    /// # Errors
    ///
    /// As for [`try_write`](Self::try_write).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// let lock = Arc::new(heddle_sync::RwLock::new(1));
    /// let mut guard = lock.clone().try_write_owned()?;
    /// *guard += 1;
    /// assert!(lock.try_read().is_err());
    /// drop(guard);
    /// assert_eq!(*lock.try_read()?, 2);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        self.queue
            .try_acquire(self.max_readers)
            .map_err(|_| TryLockError(()))?;
        Ok(OwnedRwLockWriteGuard::new(self))
    }

    /// A pointer to the value for a read guard; the caller holds a read permit.
    fn shared_ptr(&self) -> NonNull<T> {
        // Read through `with`: readers on several threads take it at once.
        self.data
            .with(|p| NonNull::new(p.cast_mut()))
            .expect("a cell's pointer is not null")
    }

    /// A pointer to the value for a write guard; the caller holds every permit.
    fn exclusive_ptr(&self) -> NonNull<T> {
        self.data
            .with_mut(NonNull::new)
            .expect("a cell's pointer is not null")
    }

    /// The guard of a read permit the caller was just granted.
    fn read_guard(&self) -> RwLockReadGuard<'_, T> {
        RwLockReadGuard {
            queue: &self.queue,
            data: self.shared_ptr(),
            _marker: PhantomData,
        }
    }

    /// The guard of the write permits the caller was just granted.
    fn write_guard(&self) -> RwLockWriteGuard<'_, T> {
        RwLockWriteGuard {
            queue: &self.queue,
            permits: self.max_readers,
            data: self.exclusive_ptr(),
            _marker: PhantomData,
        }
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        RwLock::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(value: T) -> Self {
        RwLock::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}
