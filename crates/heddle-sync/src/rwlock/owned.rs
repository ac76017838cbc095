//! The guards that hold an [`RwLock`] through an [`Arc`]: [`OwnedRwLockReadGuard`],
//! [`OwnedRwLockWriteGuard`] and [`OwnedRwLockMappedWriteGuard`]. Like the borrowed ones
//! (`guards.rs`) they hold permits and a pointer that those permits make valid; the `Arc`
//! keeps the value alive. A write guard holds all `max_readers` permits of its lock.

use super::RwLock;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
// Public signatures use std's `Arc`, as the parent module's.
use std::sync::Arc;

/// Shared access to the value `T` of an [`RwLock`] held through an [`Arc`] (or, once mapped,
/// to a part `U` of it); releases its read permit on drop.
///
/// # Examples
///
/// ```
/// use heddle_sync::{OwnedRwLockReadGuard, RwLock};
/// use std::sync::Arc;
///
/// # futures::executor::block_on(async {
/// let lock = Arc::new(RwLock::new((1, 2)));
/// let first = OwnedRwLockReadGuard::map(lock.clone().read_owned().await, |p| &p.0);
/// assert_eq!(*first, 1);
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct OwnedRwLockReadGuard<T: ?Sized, U: ?Sized = T> {
    lock: Arc<RwLock<T>>,
    /// Valid for reads while the read permit is held.
    data: NonNull<U>,
}

/// Exclusive access to the value of an [`RwLock`] held through an [`Arc`]; releases the lock
/// on drop.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// # futures::executor::block_on(async {
/// let lock = Arc::new(heddle_sync::RwLock::new(1));
/// let mut guard = lock.clone().write_owned().await;
/// *guard = 2;
/// let read = guard.downgrade();
/// assert_eq!(*read, 2);
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    lock: Arc<RwLock<T>>,
    /// Valid and exclusive while the permits are held.
    data: NonNull<T>,
}

/// An [`OwnedRwLockWriteGuard`] narrowed to a part `U` of the value `T`; it cannot be
/// downgraded. Releases the lock on drop.
///
/// # Examples
///
/// ```
/// use heddle_sync::{OwnedRwLockWriteGuard, RwLock};
/// use std::sync::Arc;
///
/// # futures::executor::block_on(async {
/// let lock = Arc::new(RwLock::new((1, 2)));
/// *OwnedRwLockWriteGuard::map(lock.clone().write_owned().await, |p| &mut p.1) = 5;
/// assert_eq!(*lock.read().await, (1, 5));
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    lock: Arc<RwLock<T>>,
    data: NonNull<U>,
}

// The guards stand for a `&U` (read) or `&mut U` (write) plus an `Arc<RwLock<T>>`, which is
// `Send + Sync` when `T: Send + Sync` and may drop the `T` on whichever thread lets go of it
// last. The bounds are tokio's.
// SAFETY: sending a read guard sends a `&U` (`U: Sync`) and the `Arc` (`T: Send + Sync`).
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Send for OwnedRwLockReadGuard<T, U> {}
// SAFETY: sharing a read guard shares a `&U` (`U: Sync`) and the `Arc` (`T: Send + Sync`).
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedRwLockReadGuard<T, U> {}
// SAFETY: sending a write guard sends a `&mut T` (`T: Send`) and the `Arc` (`T: Send + Sync`).
unsafe impl<T: ?Sized + Send + Sync> Send for OwnedRwLockWriteGuard<T> {}
// SAFETY: sharing a write guard shares a `&T` (`T: Sync`) and the `Arc` (`T: Send + Sync`).
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedRwLockWriteGuard<T> {}
// SAFETY: sending it sends a `&mut U` (`U: Send`) and the `Arc` (`T: Send + Sync`).
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Send
    for OwnedRwLockMappedWriteGuard<T, U>
{
}
// SAFETY: sharing it shares a `&U` (`U: Sync`) and the `Arc` (`T: Send + Sync`).
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync
    for OwnedRwLockMappedWriteGuard<T, U>
{
}

/// Moves the `Arc` out of a guard without running its `Drop`: the permits go with it.
macro_rules! take_lock {
    ($guard:expr) => {{
        let guard = ManuallyDrop::new($guard);
        // SAFETY: `guard` is never used or dropped again, so the `Arc` is moved out once.
        unsafe { std::ptr::read(&guard.lock) }
    }};
}

impl<T: ?Sized> OwnedRwLockReadGuard<T> {
    /// The guard of a read permit just granted on `lock`.
    pub(super) fn new(lock: Arc<RwLock<T>>) -> Self {
        let data = lock.shared_ptr();
        OwnedRwLockReadGuard { lock, data }
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockReadGuard<T, U> {
    /// Narrows the guard to a part of the value. An associated function, so it does not
    /// shadow a method of `U`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{OwnedRwLockReadGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(((1, 2), 3)));
    /// let inner = OwnedRwLockReadGuard::map(lock.try_read_owned()?, |t| &t.0);
    /// assert_eq!(*OwnedRwLockReadGuard::map(inner, |p| &p.1), 2);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn map<V: ?Sized>(this: Self, f: impl FnOnce(&U) -> &V) -> OwnedRwLockReadGuard<T, V> {
        let data = NonNull::from(f(&*this));
        OwnedRwLockReadGuard {
            lock: take_lock!(this),
            data,
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
    /// use heddle_sync::{OwnedRwLockReadGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let guard = lock.try_read_owned()?;
    /// let guard = OwnedRwLockReadGuard::try_map(guard, |v| v.get(3)).unwrap_err();
    /// assert_eq!(*OwnedRwLockReadGuard::try_map(guard, |v| v.first()).unwrap(), 1);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_map<V: ?Sized>(
        this: Self,
        f: impl FnOnce(&U) -> Option<&V>,
    ) -> Result<OwnedRwLockReadGuard<T, V>, Self> {
        match f(&*this).map(NonNull::from) {
            Some(data) => Ok(OwnedRwLockReadGuard {
                lock: take_lock!(this),
                data,
            }),
            None => Err(this),
        }
    }

    /// The lock this guard reads.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{OwnedRwLockReadGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let guard = lock.clone().try_read_owned()?;
    /// assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&guard), &lock));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    /// The guard of all the permits just granted on `lock`.
    pub(super) fn new(lock: Arc<RwLock<T>>) -> Self {
        let data = lock.exclusive_ptr();
        OwnedRwLockWriteGuard { lock, data }
    }

    /// Narrows the guard to a part of the value, keeping exclusive access. An associated
    /// function, so it does not shadow a method of `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// *OwnedRwLockWriteGuard::map(lock.clone().try_write_owned()?, |p| &mut p.0) = 3;
    /// assert_eq!(*lock.try_read()?, (3, 2));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> &mut U,
    ) -> OwnedRwLockMappedWriteGuard<T, U> {
        let data = NonNull::from(f(&mut *this));
        OwnedRwLockMappedWriteGuard {
            lock: take_lock!(this),
            data,
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
    /// use heddle_sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let guard = lock.try_write_owned()?;
    /// assert!(OwnedRwLockWriteGuard::try_map(guard, |v| v.get_mut(5)).is_err());
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self> {
        match f(&mut *this).map(NonNull::from) {
            Some(data) => Ok(OwnedRwLockMappedWriteGuard {
                lock: take_lock!(this),
                data,
            }),
            None => Err(this),
        }
    }

    /// Turns the guard into a mapped one over the whole value (which can then not be
    /// downgraded).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut mapped = OwnedRwLockWriteGuard::into_mapped(lock.try_write_owned()?);
    /// *mapped += 1;
    /// assert_eq!(*mapped, 2);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn into_mapped(this: Self) -> OwnedRwLockMappedWriteGuard<T> {
        let data = this.data;
        OwnedRwLockMappedWriteGuard {
            lock: take_lock!(this),
            data,
        }
    }

    /// Gives up exclusive access but keeps shared access to a part of the value. An
    /// associated function, as for [`map`](Self::map).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let guard = lock.clone().try_write_owned()?;
    /// let second = OwnedRwLockWriteGuard::downgrade_map(guard, |p| &p.1);
    /// assert_eq!(*second, 2);
    /// assert!(lock.try_read().is_ok());
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn downgrade_map<U: ?Sized>(
        this: Self,
        f: impl FnOnce(&T) -> &U,
    ) -> OwnedRwLockReadGuard<T, U> {
        let data = NonNull::from(f(&*this));
        this.into_read_at(data)
    }

    /// Like [`downgrade_map`](Self::downgrade_map), but `f` may decline; the write guard comes
    /// back then, still exclusive.
    ///
    /// # Errors
    ///
    /// The unchanged guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let guard = lock.clone().try_write_owned()?;
    /// let guard = OwnedRwLockWriteGuard::try_downgrade_map(guard, |v| v.get(1)).unwrap_err();
    /// assert!(lock.try_read().is_err());
    /// let first = OwnedRwLockWriteGuard::try_downgrade_map(guard, |v| v.first()).unwrap();
    /// assert_eq!(*first, 1);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_downgrade_map<U: ?Sized>(
        this: Self,
        f: impl FnOnce(&T) -> Option<&U>,
    ) -> Result<OwnedRwLockReadGuard<T, U>, Self> {
        match f(&*this).map(NonNull::from) {
            Some(data) => Ok(this.into_read_at(data)),
            None => Err(this),
        }
    }

    /// Gives up exclusive access but keeps shared access: readers queued behind this writer
    /// may go on, a queued writer still waits for this guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(heddle_sync::RwLock::new(1));
    /// let read = lock.clone().try_write_owned()?.downgrade();
    /// assert!(lock.try_read().is_ok());
    /// assert!(lock.try_write().is_err());
    /// # drop(read);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn downgrade(self) -> OwnedRwLockReadGuard<T> {
        let data = self.data;
        self.into_read_at(data)
    }

    /// The lock this guard writes.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let guard = lock.clone().try_write_owned()?;
    /// assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&guard), &lock));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }

    /// The read guard at `data` (which this guard's access covers): every permit but one goes
    /// back to the queue, after the pointer was taken.
    fn into_read_at<U: ?Sized>(self, data: NonNull<U>) -> OwnedRwLockReadGuard<T, U> {
        let lock = take_lock!(self);
        lock.queue.release(lock.max_readers - 1);
        OwnedRwLockReadGuard { lock, data }
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    /// Narrows the guard further; see [`OwnedRwLockWriteGuard::map`].
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(((1, 2), 3)));
    /// let inner = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned()?, |t| &mut t.0);
    /// *OwnedRwLockMappedWriteGuard::map(inner, |p| &mut p.0) = 7;
    /// assert_eq!(*lock.try_read()?, ((7, 2), 3));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn map<V: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut U) -> &mut V,
    ) -> OwnedRwLockMappedWriteGuard<T, V> {
        let data = NonNull::from(f(&mut *this));
        OwnedRwLockMappedWriteGuard {
            lock: take_lock!(this),
            data,
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
    /// use heddle_sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let all = OwnedRwLockWriteGuard::into_mapped(lock.try_write_owned()?);
    /// let all = OwnedRwLockMappedWriteGuard::try_map(all, |v| v.get_mut(4)).unwrap_err();
    /// assert_eq!(*all, [1]);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_map<V: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut U) -> Option<&mut V>,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self> {
        match f(&mut *this).map(NonNull::from) {
            Some(data) => Ok(OwnedRwLockMappedWriteGuard {
                lock: take_lock!(this),
                data,
            }),
            None => Err(this),
        }
    }

    /// The lock this guard writes.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let first = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned()?, |p| &mut p.0);
    /// assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&first), &lock));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockReadGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // `data` points into the value of `lock`, whose read permit this guard holds.
        // SAFETY: so no writer exists, and `lock`'s `Arc` keeps the value alive.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockReadGuard<T, U> {
    fn drop(&mut self) {
        self.lock.queue.release(1);
    }
}

/// `Deref`, `DerefMut` and `Drop` of the owned write guards.
macro_rules! write_guard_impls {
    ($([$($generics:tt)*] $guard:ty => $target:ident),*) => {$(
        impl<$($generics)*> Deref for $guard {
            type Target = $target;
            fn deref(&self) -> &$target {
                // `data` points into the value of `lock`, whose every permit this guard holds.
                // SAFETY: so no other guard exists, and `lock`'s `Arc` keeps the value alive.
                unsafe { self.data.as_ref() }
            }
        }

        impl<$($generics)*> DerefMut for $guard {
            fn deref_mut(&mut self) -> &mut $target {
                // SAFETY: as in `deref`; `&mut self` makes this the only reference.
                unsafe { self.data.as_mut() }
            }
        }

        impl<$($generics)*> Drop for $guard {
            fn drop(&mut self) {
                self.lock.queue.release(self.lock.max_readers);
            }
        }
    )*};
}

write_guard_impls!(
    [T: ?Sized] OwnedRwLockWriteGuard<T> => T,
    [T: ?Sized, U: ?Sized] OwnedRwLockMappedWriteGuard<T, U> => U
);

show_target!(
    [T: ?Sized, U: ?Sized] OwnedRwLockReadGuard<T, U> => U,
    [T: ?Sized] OwnedRwLockWriteGuard<T> => T,
    [T: ?Sized, U: ?Sized] OwnedRwLockMappedWriteGuard<T, U> => U,
);
