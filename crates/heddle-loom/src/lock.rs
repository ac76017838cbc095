//! [`Mutex`], [`RwLock`] and [`Condvar`] that never report poisoning (see the crate docs for
//! why that is sound in heddle), over loom's or std's.

use std::time::Duration;

use crate::WaitTimeoutResult;

#[cfg(loom)]
use loom::sync as imp;
#[cfg(not(loom))]
use std::sync as imp;

pub use imp::{MutexGuard, RwLockReadGuard, RwLockWriteGuard};

/// A mutex whose `lock` never reports poisoning.
///
/// # Examples
///
/// ```
/// let lock = heddle_loom::Mutex::new(1);
/// *lock.lock() += 1;
/// assert_eq!(*lock.lock(), 2);
/// ```
#[derive(Debug, Default)]
pub struct Mutex<T>(imp::Mutex<T>);

impl<T> Mutex<T> {
    /// A mutex holding `value`. `const` on std's side, so `static`s can hold one; loom's
    /// mutex has no `const` constructor.
    ///
    /// # Examples
    ///
    /// ```
    /// let _lock = heddle_loom::Mutex::new(());
    /// ```
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Mutex<T> {
        Mutex(imp::Mutex::new(value))
    }

    /// A mutex holding `value` (loom's: not `const`).
    #[cfg(loom)]
    pub fn new(value: T) -> Mutex<T> {
        Mutex(imp::Mutex::new(value))
    }

    /// Locks the mutex, blocking until it is free.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = heddle_loom::Mutex::new(5);
    /// assert_eq!(*lock.lock(), 5);
    /// ```
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the mutex if it is free.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = heddle_loom::Mutex::new(5);
    /// let held = lock.lock();
    /// assert!(lock.try_lock().is_none());
    /// drop(held);
    /// assert!(lock.try_lock().is_some());
    /// ```
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        match self.0.try_lock() {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(e)) => Some(e.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    /// The value, through a unique reference (no locking needed).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut lock = heddle_loom::Mutex::new(5);
    /// *lock.get_mut() = 6;
    /// assert_eq!(lock.into_inner(), 6);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.0.get_mut().unwrap_or_else(|e| e.into_inner())
    }

    /// The value, consuming the mutex.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_loom::Mutex::new(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// A reader-writer lock whose methods never report poisoning.
///
/// # Examples
///
/// ```
/// let lock = heddle_loom::RwLock::new(1);
/// assert_eq!(*lock.read(), 1);
/// *lock.write() = 2;
/// assert_eq!(*lock.read(), 2);
/// ```
#[derive(Debug, Default)]
pub struct RwLock<T>(imp::RwLock<T>);

impl<T> RwLock<T> {
    /// A lock holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _lock = heddle_loom::RwLock::new(0);
    /// ```
    pub fn new(value: T) -> RwLock<T> {
        RwLock(imp::RwLock::new(value))
    }

    /// Locks for reading.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(*heddle_loom::RwLock::new(3).read(), 3);
    /// ```
    pub fn read(&self) -> RwLockReadGuard<'_, T> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks for writing.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = heddle_loom::RwLock::new(3);
    /// *lock.write() += 1;
    /// assert_eq!(*lock.read(), 4);
    /// ```
    pub fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.0.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// A condition variable whose waits never report poisoning, for [`Mutex`]'s guards.
///
/// # Examples
///
/// ```
/// use heddle_loom::{Arc, Condvar, Mutex};
///
/// let pair = Arc::new((Mutex::new(false), Condvar::new()));
/// let other = pair.clone();
/// std::thread::spawn(move || {
///     *other.0.lock() = true;
///     other.1.notify_one();
/// });
/// let mut ready = pair.0.lock();
/// while !*ready {
///     ready = pair.1.wait(ready);
/// }
/// ```
#[derive(Debug, Default)]
pub struct Condvar(imp::Condvar);

impl Condvar {
    /// A condition variable with no waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_loom::Condvar::new().notify_all();
    /// ```
    pub fn new() -> Condvar {
        Condvar(imp::Condvar::new())
    }

    /// Unlocks `guard`'s mutex, waits for a notification (or a spurious wake-up) and locks it
    /// again.
    ///
    /// # Examples
    ///
    /// See [`Condvar`].
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        self.0.wait(guard).unwrap_or_else(|e| e.into_inner())
    }

    /// Like [`wait`](Condvar::wait), for at most `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = heddle_loom::Mutex::new(());
    /// let condvar = heddle_loom::Condvar::new();
    /// let (_guard, result) = condvar.wait_timeout(lock.lock(), std::time::Duration::from_millis(1));
    /// assert!(result.timed_out());
    /// ```
    pub fn wait_timeout<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        timeout: Duration,
    ) -> (MutexGuard<'a, T>, WaitTimeoutResult) {
        self.0
            .wait_timeout(guard, timeout)
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes one waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_loom::Condvar::new().notify_one();
    /// ```
    pub fn notify_one(&self) {
        self.0.notify_one();
    }

    /// Wakes every waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_loom::Condvar::new().notify_all();
    /// ```
    pub fn notify_all(&self) {
        self.0.notify_all();
    }
}
