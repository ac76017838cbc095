//! [`SetOnce`]: a value set at most once, that tasks can wait for.
//!
//! # What to pick
//!
//! Use it for an event that carries a value and happens once (a configuration that arrives
//! later, the address a server ended up bound to): readers `wait` until someone `set`s it.
//! If readers should run the initialisation themselves, use a [`OnceCell`](crate::OnceCell);
//! for a signal without a value, a [`CancellationToken`](crate::CancellationToken).
//!
//! # Design
//!
//! The value is a `std::sync::OnceLock`, which decides which `set` wins. Waiting is acquiring a
//! permit of a [`WaitQueue`] that has none: the winning `set` stores the value first and closes
//! the queue second, which releases every waiter, and a waiter that sees the queue closed
//! (with `Acquire`, after the closing `AcqRel`) finds the value stored.

use crate::waiters::WaitQueue;
use std::fmt;
use std::sync::OnceLock;

/// A value that is set at most once and can be waited for.
///
/// # Examples
///
/// ```
/// use heddle_sync::SetOnce;
/// use std::sync::Arc;
///
/// let address = Arc::new(SetOnce::new());
/// let server = {
///     let address = address.clone();
///     std::thread::spawn(move || address.set("127.0.0.1:80").unwrap())
/// };
/// # futures::executor::block_on(async {
/// assert_eq!(*address.wait().await, "127.0.0.1:80");
/// # });
/// server.join().unwrap();
/// assert!(address.set("elsewhere").is_err());
/// ```
pub struct SetOnce<T> {
    /// The value of a cell built by [`const_new_with`](SetOnce::const_new_with) (a
    /// `OnceLock` cannot be built holding a value in a `const` context).
    ///
    /// # Invariant
    /// At most one of `preset` and `value` holds a value: `set` refuses when `preset` holds one.
    preset: Option<T>,
    value: OnceLock<T>,
    /// No permits; closed once the value is set, which releases every waiter.
    set: WaitQueue,
}

impl<T> SetOnce<T> {
    /// An unset cell.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::SetOnce::<u8>::new();
    /// assert!(!cell.initialized());
    /// ```
    pub fn new() -> Self {
        Self::unset()
    }

    /// An unset cell, in a `const` context: for `static`s. (Not under the `loom` cfg, whose
    /// types have no `const` constructors.)
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::SetOnce;
    ///
    /// static PORT: SetOnce<u16> = SetOnce::const_new();
    /// PORT.set(8080).unwrap();
    /// assert_eq!(PORT.get(), Some(&8080));
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Self {
        Self::unset()
    }

    const_unless_loom! {
        fn unset() -> Self {
            SetOnce {
                preset: None,
                value: OnceLock::new(),
                set: WaitQueue::new(0, 0),
            }
        }
    }

    /// A cell that holds `value`, in a `const` context: for `static`s. (Not under the `loom`
    /// cfg, whose types have no `const` constructors.)
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::SetOnce;
    ///
    /// static LIMIT: SetOnce<u32> = SetOnce::const_new_with(10);
    /// assert_eq!(LIMIT.get(), Some(&10));
    /// assert_eq!(LIMIT.set(20).unwrap_err().0, 20);
    /// # futures::executor::block_on(async { assert_eq!(*LIMIT.wait().await, 10) });
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new_with(value: T) -> Self {
        SetOnce {
            preset: Some(value),
            value: OnceLock::new(),
            set: WaitQueue::new(0, 0),
        }
    }

    /// A cell already set to `value` if it is `Some`.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::SetOnce::new_with(Some(1));
    /// assert_eq!(cell.get(), Some(&1));
    /// ```
    pub fn new_with(value: Option<T>) -> Self {
        let cell = SetOnce::new();
        if let Some(value) = value {
            // A new cell: the first `set` wins.
            let _ = cell.set(value);
        }
        cell
    }

    /// Whether the value is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::SetOnce::new();
    /// cell.set(()).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.get().is_some()
    }

    /// The value, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::SetOnce::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set(2).unwrap();
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get(&self) -> Option<&T> {
        self.preset.as_ref().or_else(|| self.value.get())
    }

    /// Sets the value and wakes every task waiting for it.
    ///
    /// # Errors
    ///
    /// [`SetOnceError`] with `value` if the cell was already set.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::SetOnce::new();
    /// assert!(cell.set(1).is_ok());
    /// assert_eq!(cell.set(2).unwrap_err().0, 2);
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        if self.preset.is_some() {
            return Err(SetOnceError(value));
        }
        self.value.set(value).map_err(SetOnceError)?;
        self.set.close();
        Ok(())
    }

    /// The value, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::SetOnce::from("a");
    /// assert_eq!(cell.into_inner(), Some("a"));
    /// ```
    pub fn into_inner(self) -> Option<T> {
        self.preset.or_else(|| self.value.into_inner())
    }

    /// Waits until the value is set, and returns it.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let cell = heddle_sync::SetOnce::new();
    /// cell.set(5).unwrap();
    /// assert_eq!(*cell.wait().await, 5);
    /// # });
    /// ```
    pub async fn wait(&self) -> &T {
        if let Some(value) = self.get() {
            return value;
        }
        // No permits: the acquire only ends when `set` closes the queue, after storing.
        let _ = self.set.acquire(1).await;
        self.get()
            .expect("the queue closes only after the value is set")
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> Self {
        SetOnce::new()
    }
}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> Self {
        SetOnce::new_with(Some(value))
    }
}

impl<T: Clone> Clone for SetOnce<T> {
    fn clone(&self) -> Self {
        SetOnce::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for SetOnce<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for SetOnce<T> {}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetOnce")
            .field("value", &self.get())
            .finish()
    }
}

/// The error of [`SetOnce::set`]: the cell was already set; the value is handed back.
///
/// # Examples
///
/// ```
/// let cell = heddle_sync::SetOnce::from(1);
/// let error: heddle_sync::SetOnceError<i32> = cell.set(2).unwrap_err();
/// assert_eq!(error.0, 2);
/// assert_eq!(error.to_string(), "SetOnceError");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetOnceError")
    }
}

impl<T: fmt::Debug> std::error::Error for SetOnceError<T> {}
