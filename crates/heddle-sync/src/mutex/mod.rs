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
//!
//! # Guards
//!
//! [`MutexGuard`] and [`OwnedMutexGuard`] borrow or own the mutex; `map` narrows either to a
//! part of the value ([`MappedMutexGuard`], [`OwnedMappedMutexGuard`]), which keeps the lock
//! until it is dropped. A mapped guard holds a raw pointer to its part rather than a
//! reference, because the lock, not a borrow, is what makes the access exclusive: a
//! reference would still be live (and asserted unique) while its `Drop` hands the lock on.

use crate::error::TryLockError;
use crate::loom::UnsafeCell;
use crate::waiters::WaitQueue;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

mod mapped;

pub use mapped::{MappedMutexGuard, OwnedMappedMutexGuard};
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
pub struct Mutex<T: ?Sized> {
    /// One permit: whoever holds it may access `data`.
    queue: WaitQueue,
    data: UnsafeCell<T>,
}

// The mutex hands out access to `T` to one thread at a time (the holder of the single permit
// of `queue`).
// SAFETY: so sharing it only moves access to `T` between threads, which `T: Send` allows.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}
// SAFETY: the mutex owns its `T`; sending the mutex sends the `T`, which `T: Send` allows.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}

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
        Self::unlocked(value)
    }

    /// Creates an unlocked mutex holding `value`, in a `const` context: for `static`s.
    /// (Not under the `loom` cfg, whose types have no `const` constructors.)
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::Mutex;
    ///
    /// static COUNT: Mutex<u32> = Mutex::const_new(0);
    /// # futures::executor::block_on(async {
    /// *COUNT.lock().await += 1;
    /// assert_eq!(*COUNT.lock().await, 1);
    /// # });
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(value: T) -> Self {
        Self::unlocked(value)
    }

    const_unless_loom! {
        fn unlocked(value: T) -> Self {
            Mutex {
                queue: WaitQueue::new(1, 1),
                data: UnsafeCell::new(value),
            }
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

impl<T: ?Sized> Mutex<T> {
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

    /// Takes the lock from synchronous code, holding the mutex through an [`Arc`]: the
    /// blocking twin of [`lock_owned`](Self::lock_owned).
    ///
    /// # Panics
    ///
    /// As for [`blocking_lock`](Self::blocking_lock).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let count = Arc::new(heddle_sync::Mutex::new(0));
    /// let mut guard = count.clone().blocking_lock_owned();
    /// std::thread::spawn(move || *guard += 1).join().unwrap();
    /// assert_eq!(*count.blocking_lock(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        crate::wait::block_on(
            "Mutex::blocking_lock_owned",
            "lock_owned().await",
            self.lock_owned(),
        )
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

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
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
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a Mutex<T>,
    /// Makes the guard `Sync` only if `T: Sync` (it hands out `&T`), `Send` only if `T: Send`.
    _marker: PhantomData<&'a mut T>,
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// Narrows the guard to a part of the value; the lock stays held until the returned guard
    /// is dropped. An associated function (`MutexGuard::map(guard, f)`), so it does not
    /// shadow a method of `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// # futures::executor::block_on(async {
    /// let pair = Mutex::new((1, String::from("a")));
    /// let guard = pair.lock().await;
    /// let mut name: MappedMutexGuard<'_, String> = MutexGuard::map(guard, |p| &mut p.1);
    /// name.push('b');
    /// drop(name);
    /// assert_eq!(pair.lock().await.1, "ab");
    /// # });
    /// ```
    pub fn map<U: ?Sized>(this: Self, f: impl FnOnce(&mut T) -> &mut U) -> MappedMutexGuard<'a, U> {
        let lock = this.lock;
        // The lock moves to the mapped guard.
        std::mem::forget(this);
        MappedMutexGuard {
            queue: &lock.queue,
            data: NonNull::from(f(lock.data_mut())),
            _marker: PhantomData,
        }
    }

    /// Like [`map`](Self::map), but `f` may decline; the original guard comes back then.
    ///
    /// # Errors
    ///
    /// The unchanged guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{Mutex, MutexGuard};
    ///
    /// # futures::executor::block_on(async {
    /// let list = Mutex::new(vec![1, 2]);
    /// let guard = MutexGuard::try_map(list.lock().await, |v| v.get_mut(5)).unwrap_err();
    /// let mut first = MutexGuard::try_map(guard, |v| v.first_mut()).unwrap();
    /// *first = 10;
    /// drop(first);
    /// assert_eq!(*list.lock().await, [10, 2]);
    /// # });
    /// ```
    pub fn try_map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<MappedMutexGuard<'a, U>, Self> {
        let Some(data) = f(&mut *this).map(NonNull::from) else {
            return Err(this);
        };
        let queue = &this.lock.queue;
        // The lock moves to the mapped guard.
        std::mem::forget(this);
        Ok(MappedMutexGuard {
            queue,
            data,
            _marker: PhantomData,
        })
    }

    /// The mutex this guard locks.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{Mutex, MutexGuard};
    ///
    /// let mutex = Mutex::new(1);
    /// let guard = mutex.try_lock()?;
    /// assert!(std::ptr::eq(MutexGuard::mutex(&guard), &mutex));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.lock.data_ref()
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.lock.data_mut()
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.queue.release(1);
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
/// assert!(Arc::ptr_eq(heddle_sync::OwnedMutexGuard::mutex(&guard), &mutex));
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct OwnedMutexGuard<T: ?Sized> {
    lock: Arc<Mutex<T>>,
    /// Makes the guard `Sync` only if `T: Sync`.
    _marker: PhantomData<T>,
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// Narrows the guard to a part of the value; the lock stays held until the returned guard
    /// is dropped. An associated function, as for [`MutexGuard::map`].
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{Mutex, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// # futures::executor::block_on(async {
    /// let pair = Arc::new(Mutex::new((1, 2)));
    /// let mut second = OwnedMutexGuard::map(pair.clone().lock_owned().await, |p| &mut p.1);
    /// *second = 3;
    /// drop(second);
    /// assert_eq!(*pair.lock().await, (1, 3));
    /// # });
    /// ```
    pub fn map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> &mut U,
    ) -> OwnedMappedMutexGuard<T, U> {
        let data = NonNull::from(f(&mut *this));
        OwnedMappedMutexGuard {
            data,
            lock: this.into_lock(),
        }
    }

    /// Like [`map`](Self::map), but `f` may decline; the original guard comes back then.
    ///
    /// # Errors
    ///
    /// The unchanged guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{Mutex, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// # futures::executor::block_on(async {
    /// let list = Arc::new(Mutex::new(Vec::<u8>::new()));
    /// let guard = list.clone().lock_owned().await;
    /// assert!(OwnedMutexGuard::try_map(guard, |v| v.first_mut()).is_err());
    /// # });
    /// ```
    pub fn try_map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<OwnedMappedMutexGuard<T, U>, Self> {
        match f(&mut *this).map(NonNull::from) {
            Some(data) => Ok(OwnedMappedMutexGuard {
                data,
                lock: this.into_lock(),
            }),
            None => Err(this),
        }
    }

    /// The mutex this guard locks.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{Mutex, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let mutex = Arc::new(Mutex::new(1));
    /// let guard = mutex.clone().try_lock_owned()?;
    /// assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&guard), &mutex));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }

    /// The mutex, still locked: the lock now belongs to the caller (a mapped guard).
    fn into_lock(self) -> Arc<Mutex<T>> {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is moved out once.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.lock.data_ref()
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.lock.data_mut()
    }
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.queue.release(1);
    }
}

show_target!(
    [T: ?Sized] MutexGuard<'_, T> => T,
    [T: ?Sized] OwnedMutexGuard<T> => T,
);
