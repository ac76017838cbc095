//! std's atomics, on both sides of `--cfg loom`: for counters in `static`s (loom's atomics have
//! no `const` constructor) and for counters that no protocol a model checks depends on (task
//! ids, poll counts). Using them says so at the call site.
//!
//! # Examples
//!
//! ```
//! use heddle_loom::unmodelled::{AtomicU64, Ordering};
//!
//! static NEXT_ID: AtomicU64 = AtomicU64::new(1);
//! assert_eq!(NEXT_ID.fetch_add(1, Ordering::Relaxed), 1);
//! ```

pub use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, AtomicUsize, Ordering};

pub use std::sync::MutexGuard;

/// std's mutex, never reporting poisoning (as [`crate::Mutex`]), for state loom must not see:
/// a clock read by code outside any model, or a panic payload stored in a task's error.
///
/// # Examples
///
/// ```
/// static LOG: heddle_loom::unmodelled::Mutex<Vec<u8>> =
///     heddle_loom::unmodelled::Mutex::new(Vec::new());
/// LOG.lock().push(1);
/// assert_eq!(*LOG.lock(), [1]);
/// ```
#[derive(Debug, Default)]
pub struct Mutex<T>(std::sync::Mutex<T>);

impl<T> Mutex<T> {
    /// A mutex holding `value`; `const`, so it can sit in a `static`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _lock = heddle_loom::unmodelled::Mutex::new(0);
    /// ```
    pub const fn new(value: T) -> Mutex<T> {
        Mutex(std::sync::Mutex::new(value))
    }

    /// Locks the mutex, blocking until it is free.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(*heddle_loom::unmodelled::Mutex::new(2).lock(), 2);
    /// ```
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value, consuming the mutex.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_loom::unmodelled::Mutex::new(2).into_inner(), 2);
    /// ```
    pub fn into_inner(self) -> T {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}
