//! The mapped guards of [`Mutex`]: a guard narrowed to a part of the locked value by `map`.
//! They hold the lock like the guard they came from; see the parent module for why they hold
//! a raw pointer. Not where the lock is taken (`mod.rs`).

use super::{Mutex, WaitQueue};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
// Public signatures use std's `Arc`, as the parent module's.
use std::sync::Arc;

/// A [`MutexGuard`](crate::MutexGuard) narrowed to a part of the value by [`MutexGuard::map`](crate::MutexGuard::map); unlocks on drop.
///
/// # Examples
///
/// ```
/// use heddle_sync::{MappedMutexGuard, Mutex, MutexGuard};
///
/// # futures::executor::block_on(async {
/// let mutex = Mutex::new([1, 2, 3]);
/// let last = MutexGuard::map(mutex.lock().await, |a| &mut a[2]);
/// let mut last = MappedMutexGuard::map(last, |n| n);
/// *last = 30;
/// drop(last);
/// assert_eq!(*mutex.lock().await, [1, 2, 30]);
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    /// The queue of the locked mutex, to release it.
    pub(super) queue: &'a WaitQueue,
    /// The part of the value; valid and exclusive while the lock is held.
    pub(super) data: NonNull<T>,
    /// Borrows the mutex's value mutably for `'a`.
    pub(super) _marker: PhantomData<&'a mut T>,
}

// SAFETY: the guard gives `&T` only; sharing it shares `&T`, which `T: Sync` allows, and the
// queue it releases is `Sync`.
unsafe impl<T: ?Sized + Sync> Sync for MappedMutexGuard<'_, T> {}
// SAFETY: sending the guard moves the exclusive access to `T` to another thread, which
// `T: Send` allows; releasing the lock from any thread is allowed.
unsafe impl<T: ?Sized + Send> Send for MappedMutexGuard<'_, T> {}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// Narrows the guard further; see [`MutexGuard::map`](crate::MutexGuard::map).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// let mutex = Mutex::new(((1, 2), 3));
    /// let inner = MutexGuard::map(mutex.try_lock()?, |t| &mut t.0);
    /// assert_eq!(*MappedMutexGuard::map(inner, |p| &mut p.1), 2);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> &mut U,
    ) -> MappedMutexGuard<'a, U> {
        let data = NonNull::from(f(&mut *this));
        let queue = this.queue;
        // The lock moves to the new guard.
        std::mem::forget(this);
        MappedMutexGuard {
            queue,
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
    /// use heddle_sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// let mutex = Mutex::new((vec![1], 0));
    /// let list = MutexGuard::map(mutex.try_lock()?, |t| &mut t.0);
    /// let list = MappedMutexGuard::try_map(list, |v| v.get_mut(1)).unwrap_err();
    /// assert_eq!(*list, [1]);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<MappedMutexGuard<'a, U>, Self> {
        let Some(data) = f(&mut *this).map(NonNull::from) else {
            return Err(this);
        };
        let queue = this.queue;
        // The lock moves to the new guard.
        std::mem::forget(this);
        Ok(MappedMutexGuard {
            queue,
            data,
            _marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // `data` came from a `&mut` into the value of a mutex whose lock this guard holds.
        // SAFETY: so it is valid, and no `&mut` to it exists but through `&mut self`.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes this the only reference while it lives.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.queue.release(1);
    }
}

/// An [`OwnedMutexGuard`](crate::OwnedMutexGuard) narrowed to a part `U` of the value `T` by
/// [`OwnedMutexGuard::map`](crate::OwnedMutexGuard::map); unlocks on drop.
///
/// # Examples
///
/// ```
/// use heddle_sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
/// use std::sync::Arc;
///
/// # futures::executor::block_on(async {
/// let mutex = Arc::new(Mutex::new((0, 0)));
/// let first: OwnedMappedMutexGuard<(i32, i32), i32> =
///     OwnedMutexGuard::map(mutex.clone().lock_owned().await, |p| &mut p.0);
/// assert!(Arc::ptr_eq(OwnedMappedMutexGuard::mutex(&first), &mutex));
/// # });
/// ```
#[must_use = "the lock is released when the guard is dropped"]
pub struct OwnedMappedMutexGuard<T: ?Sized, U: ?Sized = T> {
    /// The part of the value; valid and exclusive while the lock is held.
    pub(super) data: NonNull<U>,
    pub(super) lock: Arc<Mutex<T>>,
}

// SAFETY: the guard gives `&U` and keeps the mutex alive; sharing it shares `&U` (`U: Sync`)
// and the `Arc<Mutex<T>>`, which is `Sync` when `T: Send` (`T: Sync` as tokio asks, too).
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedMappedMutexGuard<T, U> {}
// SAFETY: sending the guard moves the exclusive access to `U` (`U: Send`) and the
// `Arc<Mutex<T>>` (`T: Send`) to another thread.
unsafe impl<T: ?Sized + Send, U: ?Sized + Send> Send for OwnedMappedMutexGuard<T, U> {}

impl<T: ?Sized, U: ?Sized> OwnedMappedMutexGuard<T, U> {
    /// Narrows the guard further; see [`OwnedMutexGuard::map`](crate::OwnedMutexGuard::map).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let mutex = Arc::new(Mutex::new(((1, 2), 3)));
    /// let inner = OwnedMutexGuard::map(mutex.clone().try_lock_owned()?, |t| &mut t.0);
    /// assert_eq!(*OwnedMappedMutexGuard::map(inner, |p| &mut p.0), 1);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn map<S: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut U) -> &mut S,
    ) -> OwnedMappedMutexGuard<T, S> {
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
    /// use heddle_sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let mutex = Arc::new(Mutex::new((vec![1], 0)));
    /// let list = OwnedMutexGuard::map(mutex.try_lock_owned()?, |t| &mut t.0);
    /// let mut first = OwnedMappedMutexGuard::try_map(list, |v| v.first_mut()).unwrap();
    /// *first += 1;
    /// assert_eq!(*first, 2);
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn try_map<S: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut U) -> Option<&mut S>,
    ) -> Result<OwnedMappedMutexGuard<T, S>, Self> {
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
    /// use heddle_sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let mutex = Arc::new(Mutex::new((1, 2)));
    /// let second = OwnedMutexGuard::map(mutex.clone().try_lock_owned()?, |p| &mut p.1);
    /// assert!(Arc::ptr_eq(OwnedMappedMutexGuard::mutex(&second), &mutex));
    /// # Ok::<(), heddle_sync::TryLockError>(())
    /// ```
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }

    /// The mutex, still locked: the lock now belongs to the caller (a new mapped guard).
    fn into_lock(self) -> Arc<Mutex<T>> {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is moved out once.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedMappedMutexGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // `data` came from a `&mut` into the value of the mutex `lock`, whose lock this guard
        // holds (and whose `Arc` keeps the value alive).
        // SAFETY: so it is valid, and no `&mut` to it exists but through `&mut self`.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedMappedMutexGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as in `deref`; `&mut self` makes this the only reference while it lives.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedMappedMutexGuard<T, U> {
    fn drop(&mut self) {
        self.lock.queue.release(1);
    }
}

show_target!(
    [T: ?Sized] MappedMutexGuard<'_, T> => T,
    [T: ?Sized, U: ?Sized] OwnedMappedMutexGuard<T, U> => U,
);
