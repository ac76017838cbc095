//! The guards that borrow an [`RwLock`](crate::RwLock): [`RwLockReadGuard`],
//! [`RwLockWriteGuard`] and [`RwLockMappedWriteGuard`]. Each holds permits of the lock's queue and a pointer to the
//! value (or a part of it) that those permits make valid; see the parent module. Not where the
//! lock is taken (`mod.rs`) and not the guards that own the lock (`owned.rs`).

use crate::waiters::WaitQueue;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// Shared access to the value of an [`RwLock`](crate::RwLock) (or, once mapped, to a part of
/// it); releases its read permit on drop.
///
/// # Examples
///
/// ```
/// use heddle_sync::{RwLock, RwLockReadGuard};
///
/// # futures::executor::block_on(async {
/// let lock = RwLock::new((1, 2));
/// let second: RwLockReadGuard<'_, i32> = RwLockReadGuard::map(lock.read().await, |p| &p.1);
/// assert_eq!(*second, 2);
/// assert!(lock.try_read().is_ok());
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    pub(super) queue: &'a WaitQueue,
    /// Valid for reads while the read permit is held.
    pub(super) data: NonNull<T>,
    pub(super) _marker: PhantomData<&'a T>,
}

/// Exclusive access to the value of an [`RwLock`](crate::RwLock); releases the lock on drop.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let lock = heddle_sync::RwLock::new(1);
/// let mut guard = lock.write().await;
/// *guard += 1;
/// let read = guard.downgrade();
/// assert_eq!(*read, 2);
/// assert!(lock.try_read().is_ok());
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    pub(super) queue: &'a WaitQueue,
    /// All the permits of the lock: given back on drop.
    pub(super) permits: usize,
    /// Valid and exclusive while the permits are held.
    pub(super) data: NonNull<T>,
    pub(super) _marker: PhantomData<&'a mut T>,
}

/// A [`RwLockWriteGuard`] narrowed to a part of the value; it cannot be downgraded. Releases
/// the lock on drop.
///
/// # Examples
///
/// ```
/// use heddle_sync::{RwLock, RwLockWriteGuard};
///
/// # futures::executor::block_on(async {
/// let lock = RwLock::new((1, 2));
/// *RwLockWriteGuard::map(lock.write().await, |p| &mut p.0) = 5;
/// assert_eq!(*lock.read().await, (5, 2));
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    pub(super) queue: &'a WaitQueue,
    pub(super) permits: usize,
    pub(super) data: NonNull<T>,
    pub(super) _marker: PhantomData<&'a mut T>,
}

// The guards stand for a `&'a T` (read) or `&'a mut T` (write) and hold the permits that
// make that access valid; releasing permits from any thread is allowed. The bounds are
// tokio's.
// SAFETY: sending a read guard sends a `&T`, which `T: Sync` allows.
unsafe impl<T: ?Sized + Sync> Send for RwLockReadGuard<'_, T> {}
// SAFETY: sharing a read guard shares a `&T` (`T: Sync`); `T: Send` as tokio asks.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockReadGuard<'_, T> {}
// SAFETY: sending a write guard sends a `&mut T`, which `T: Send` allows (`T: Sync`: tokio's).
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockWriteGuard<'_, T> {}
// SAFETY: sharing a write guard shares only `&T` (`DerefMut` needs `&mut`), `T: Sync`.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockWriteGuard<'_, T> {}
// SAFETY: as for `RwLockWriteGuard`: it sends a `&mut T`.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: as for `RwLockWriteGuard`: it shares a `&T`.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockMappedWriteGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// Narrows the guard to a part of the value. An associated function
    /// (`RwLockReadGuard::map(guard, f)`), so it does not shadow a method of `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{RwLock, RwLockReadGuard};
    ///
    /// let lock = RwLock::new(vec![1, 2]);
    /// let last = RwLockReadGuard::map(lock.try_read()?, |v| &v[1]);
    /// assert_eq!(*last, 2);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn map<U: ?Sized>(this: Self, f: impl FnOnce(&T) -> &U) -> RwLockReadGuard<'a, U> {
        let data = NonNull::from(f(&*this));
        let this = ManuallyDrop::new(this);
        RwLockReadGuard {
            queue: this.queue,
            data,
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
    /// use heddle_sync::{RwLock, RwLockReadGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let guard = RwLockReadGuard::try_map(lock.try_read()?, |v| v.get(3)).unwrap_err();
    /// assert_eq!(*RwLockReadGuard::try_map(guard, |v| v.first()).unwrap(), 1);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_map<U: ?Sized>(
        this: Self,
        f: impl FnOnce(&T) -> Option<&U>,
    ) -> Result<RwLockReadGuard<'a, U>, Self> {
        let Some(data) = f(&*this).map(NonNull::from) else {
            return Err(this);
        };
        let this = ManuallyDrop::new(this);
        Ok(RwLockReadGuard {
            queue: this.queue,
            data,
            _marker: PhantomData,
        })
    }
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// Narrows the guard to a part of the value, keeping exclusive access. An associated
    /// function, as for [`RwLockReadGuard::map`].
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// *RwLockWriteGuard::map(lock.try_write()?, |p| &mut p.1) = 3;
    /// assert_eq!(*lock.try_read()?, (1, 3));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> &mut U,
    ) -> RwLockMappedWriteGuard<'a, U> {
        let data = NonNull::from(f(&mut *this));
        this.into_mapped_at(data)
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
    /// use heddle_sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let guard = RwLockWriteGuard::try_map(lock.try_write()?, |v| v.get_mut(3)).unwrap_err();
    /// *RwLockWriteGuard::try_map(guard, |v| v.first_mut()).unwrap() = 2;
    /// assert_eq!(*lock.try_read()?, [2]);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self> {
        match f(&mut *this).map(NonNull::from) {
            Some(data) => Ok(this.into_mapped_at(data)),
            None => Err(this),
        }
    }

    /// Turns the guard into a mapped one over the whole value (which can then not be
    /// downgraded).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(1);
    /// let mut mapped = RwLockWriteGuard::into_mapped(lock.try_write()?);
    /// *mapped = 2;
    /// # drop(mapped);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn into_mapped(this: Self) -> RwLockMappedWriteGuard<'a, T> {
        let data = this.data;
        this.into_mapped_at(data)
    }

    /// Gives up exclusive access but keeps shared access to a part of the value: the other
    /// readers may then read alongside. An associated function, as for
    /// [`RwLockReadGuard::map`].
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// let first = RwLockWriteGuard::downgrade_map(lock.try_write()?, |p| &p.0);
    /// assert_eq!(*first, 1);
    /// assert!(lock.try_read().is_ok());
    /// assert!(lock.try_write().is_err());
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn downgrade_map<U: ?Sized>(
        this: Self,
        f: impl FnOnce(&T) -> &U,
    ) -> RwLockReadGuard<'a, U> {
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
    /// use heddle_sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let guard = lock.try_write()?;
    /// let guard = RwLockWriteGuard::try_downgrade_map(guard, |v| v.get(2)).unwrap_err();
    /// assert!(lock.try_read().is_err());
    /// let first = RwLockWriteGuard::try_downgrade_map(guard, |v| v.first()).unwrap();
    /// assert_eq!(*first, 1);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_downgrade_map<U: ?Sized>(
        this: Self,
        f: impl FnOnce(&T) -> Option<&U>,
    ) -> Result<RwLockReadGuard<'a, U>, Self> {
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
    /// let lock = heddle_sync::RwLock::new(1);
    /// let read = lock.try_write()?.downgrade();
    /// assert!(lock.try_read().is_ok());
    /// assert!(lock.try_write().is_err());
    /// # drop(read);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        let data = self.data;
        self.into_read_at(data)
    }

    /// The mapped guard at `data` (which this guard's access covers), taking over the permits.
    fn into_mapped_at<U: ?Sized>(self, data: NonNull<U>) -> RwLockMappedWriteGuard<'a, U> {
        let this = ManuallyDrop::new(self);
        RwLockMappedWriteGuard {
            queue: this.queue,
            permits: this.permits,
            data,
            _marker: PhantomData,
        }
    }

    /// The read guard at `data` (which this guard's access covers): every permit but one goes
    /// back to the queue, after the pointer was taken.
    fn into_read_at<U: ?Sized>(self, data: NonNull<U>) -> RwLockReadGuard<'a, U> {
        let this = ManuallyDrop::new(self);
        this.queue.release(this.permits - 1);
        RwLockReadGuard {
            queue: this.queue,
            data,
            _marker: PhantomData,
        }
    }
}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    /// Narrows the guard further; see [`RwLockWriteGuard::map`].
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(((1, 2), 3));
    /// let inner = RwLockWriteGuard::map(lock.try_write()?, |t| &mut t.0);
    /// *RwLockMappedWriteGuard::map(inner, |p| &mut p.1) = 9;
    /// assert_eq!(*lock.try_read()?, ((1, 9), 3));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> &mut U,
    ) -> RwLockMappedWriteGuard<'a, U> {
        let data = NonNull::from(f(&mut *this));
        let this = ManuallyDrop::new(this);
        RwLockMappedWriteGuard {
            queue: this.queue,
            permits: this.permits,
            data,
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
    /// use heddle_sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let all = RwLockWriteGuard::into_mapped(lock.try_write()?);
    /// let all = RwLockMappedWriteGuard::try_map(all, |v| v.get_mut(4)).unwrap_err();
    /// assert_eq!(*all, [1]);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self> {
        let Some(data) = f(&mut *this).map(NonNull::from) else {
            return Err(this);
        };
        let this = ManuallyDrop::new(this);
        Ok(RwLockMappedWriteGuard {
            queue: this.queue,
            permits: this.permits,
            data,
            _marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // `data` points into the value of the lock whose read permit this guard holds.
        // SAFETY: so no writer exists and the value outlives `'a`.
        unsafe { self.data.as_ref() }
    }
}

/// `Deref`, `DerefMut` and `Drop` of the write guards.
macro_rules! write_guard_impls {
    ($($guard:ident),*) => {$(
        impl<T: ?Sized> Deref for $guard<'_, T> {
            type Target = T;
            fn deref(&self) -> &T {
                // `data` points into the value of the lock whose every permit this guard holds.
                // SAFETY: so no other guard exists and the value outlives `'a`.
                unsafe { self.data.as_ref() }
            }
        }

        impl<T: ?Sized> DerefMut for $guard<'_, T> {
            fn deref_mut(&mut self) -> &mut T {
                // SAFETY: as in `deref`; `&mut self` makes this the only reference.
                unsafe { self.data.as_mut() }
            }
        }

        impl<T: ?Sized> Drop for $guard<'_, T> {
            fn drop(&mut self) {
                self.queue.release(self.permits);
            }
        }
    )*};
}

write_guard_impls!(RwLockWriteGuard, RwLockMappedWriteGuard);

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.queue.release(1);
    }
}

show_target!(
    [T: ?Sized] RwLockReadGuard<'_, T> => T,
    [T: ?Sized] RwLockWriteGuard<'_, T> => T,
    [T: ?Sized] RwLockMappedWriteGuard<'_, T> => T,
);
