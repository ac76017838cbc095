//! [`OnceCell`]: a value initialised at most once, by an async initialiser.
//!
//! # What to pick
//!
//! If the initialiser is synchronous, [`std::sync::OnceLock`] is simpler. Use this cell when the
//! initialiser awaits (connect to a database, read a file): concurrent callers wait for the one
//! initialiser that runs, and if that initialiser is cancelled or fails, the next caller in line
//! runs its own.

use crate::waiters::WaitQueue;
use std::fmt;
use std::future::Future;
use std::sync::OnceLock;

/// A cell written at most once.
///
/// # Examples
///
/// ```
/// use heddle_sync::OnceCell;
///
/// # futures::executor::block_on(async {
/// static CONFIG: std::sync::OnceLock<OnceCell<String>> = std::sync::OnceLock::new();
/// let cell = CONFIG.get_or_init(OnceCell::new);
/// let value = cell.get_or_init(|| async { String::from("loaded") }).await;
/// assert_eq!(value, "loaded");
/// # });
/// ```
pub struct OnceCell<T> {
    /// The value of a cell built by [`const_new_with`](OnceCell::const_new_with) (a
    /// `OnceLock` cannot be built holding a value in a `const` context).
    ///
    /// # Invariant
    /// At most one of `preset` and `value` holds a value: `preset` is only set by
    /// `const_new_with`, whose `init` queue has no permit, so nobody ever sets `value` then.
    preset: Option<T>,
    value: OnceLock<T>,
    /// One permit: the right to run an initialiser. Closed once the value is set, which
    /// releases every waiter.
    init: WaitQueue,
}

/// Gives the initialiser permit back on drop, so a cancelled initialiser lets the next run.
struct InitPermit<'a>(&'a WaitQueue);

impl Drop for InitPermit<'_> {
    fn drop(&mut self) {
        self.0.release(1);
    }
}

impl<T> OnceCell<T> {
    /// An empty cell.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::OnceCell::<u32>::new();
    /// assert!(cell.get().is_none());
    /// ```
    pub fn new() -> Self {
        Self::empty()
    }

    /// An empty cell, in a `const` context: for `static`s. (Not under the `loom` cfg, whose
    /// types have no `const` constructors.)
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::OnceCell;
    ///
    /// static CONFIG: OnceCell<String> = OnceCell::const_new();
    /// # futures::executor::block_on(async {
    /// let value = CONFIG.get_or_init(|| async { String::from("loaded") }).await;
    /// assert_eq!(value, "loaded");
    /// # });
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Self {
        Self::empty()
    }

    const_unless_loom! {
        fn empty() -> Self {
            OnceCell {
                preset: None,
                value: OnceLock::new(),
                init: WaitQueue::new(1, 1),
            }
        }
    }

    /// A cell that holds `value`, in a `const` context: for `static`s. (Not under the `loom`
    /// cfg, whose types have no `const` constructors.)
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::OnceCell;
    ///
    /// static LIMIT: OnceCell<u32> = OnceCell::const_new_with(10);
    /// assert_eq!(LIMIT.get(), Some(&10));
    /// assert!(LIMIT.set(20).unwrap_err().is_already_init_err());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new_with(value: T) -> Self {
        OnceCell {
            preset: Some(value),
            value: OnceLock::new(),
            init: WaitQueue::new(0, 1),
        }
    }

    /// A cell that already holds `value` if it is `Some`.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::OnceCell::new_with(Some(1));
    /// assert_eq!(cell.get(), Some(&1));
    /// ```
    pub fn new_with(value: Option<T>) -> Self {
        let cell = OnceCell::new();
        if let Some(value) = value {
            let _ = cell.value.set(value);
            cell.init.close();
        }
        cell
    }

    /// The value, if initialised.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::OnceCell::new();
    /// cell.set(3).unwrap();
    /// assert_eq!(cell.get(), Some(&3));
    /// ```
    pub fn get(&self) -> Option<&T> {
        self.preset.as_ref().or_else(|| self.value.get())
    }

    /// Whether the value is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::OnceCell::new();
    /// assert!(!cell.initialized());
    /// cell.set(()).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.get().is_some()
    }

    /// Sets the value if the cell is empty and no initialiser is running.
    ///
    /// # Errors
    ///
    /// [`SetError`] with the value handed back: already initialised, or an initialiser is
    /// running.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::OnceCell::new();
    /// assert!(cell.set(1).is_ok());
    /// assert!(cell.set(2).unwrap_err().is_already_init_err());
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        if self.init.try_acquire(1).is_err() {
            return Err(if self.initialized() {
                SetError::AlreadyInitializedError(value)
            } else {
                SetError::InitializingError(value)
            });
        }
        let _permit = InitPermit(&self.init);
        match self.value.set(value) {
            Ok(()) => {
                self.init.close();
                Ok(())
            }
            Err(value) => Err(SetError::AlreadyInitializedError(value)),
        }
    }

    /// Returns the value, running `f` to produce it if the cell is empty. Under contention
    /// exactly one initialiser runs at a time; the others wait for its result.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. If the future running the initialiser is dropped, the initialiser is
    /// dropped with it and the next waiting caller runs its own.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let cell = heddle_sync::OnceCell::new();
    /// assert_eq!(*cell.get_or_init(|| async { 1 }).await, 1);
    /// assert_eq!(*cell.get_or_init(|| async { 2 }).await, 1);
    /// # });
    /// ```
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        match self
            .get_or_try_init(|| async { Ok::<T, std::convert::Infallible>(f().await) })
            .await
        {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// Like [`get_or_init`](Self::get_or_init), but the initialiser may fail; then the cell
    /// stays empty and the next waiting caller runs its initialiser.
    ///
    /// # Errors
    ///
    /// The initialiser's error.
    ///
    /// # Cancel safety
    ///
    /// As for [`get_or_init`](Self::get_or_init).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let cell = heddle_sync::OnceCell::new();
    /// assert_eq!(cell.get_or_try_init(|| async { Err("no") }).await, Err("no"));
    /// assert_eq!(cell.get_or_try_init(|| async { Ok::<_, &str>(5) }).await, Ok(&5));
    /// # });
    /// ```
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        // `Err` means the queue was closed, which happens only once the value is set.
        if self.init.acquire(1).await.is_err() {
            return Ok(self.get().expect("closed only after the value is set"));
        }
        let _permit = InitPermit(&self.init);
        if let Some(value) = self.get() {
            return Ok(value);
        }
        let value = f().await?;
        let value = match self.value.set(value) {
            Ok(()) => self.get().expect("just set"),
            Err(_) => unreachable!("only the permit holder sets the value"),
        };
        self.init.close();
        Ok(value)
    }

    /// A mutable reference to the value, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cell = heddle_sync::OnceCell::new_with(Some(1));
    /// *cell.get_mut().unwrap() += 1;
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get_mut(&mut self) -> Option<&mut T> {
        match &mut self.preset {
            Some(value) => Some(value),
            None => self.value.get_mut(),
        }
    }

    /// Consumes the cell and returns the value, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_sync::OnceCell::new_with(Some(4)).into_inner(), Some(4));
    /// ```
    pub fn into_inner(self) -> Option<T> {
        self.preset.or_else(|| self.value.into_inner())
    }

    /// Takes the value out, leaving the cell empty (and ready to be initialised again).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cell = heddle_sync::OnceCell::from(1);
    /// assert_eq!(cell.take(), Some(1));
    /// assert!(!cell.initialized());
    /// cell.set(2).unwrap();
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn take(&mut self) -> Option<T> {
        std::mem::take(self).into_inner()
    }
}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> Self {
        OnceCell::new_with(Some(value))
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> Self {
        OnceCell::new()
    }
}

/// A new cell holding a clone of the value, if there is one.
///
/// # Examples
///
/// ```
/// let cell = heddle_sync::OnceCell::from(vec![1]);
/// assert_eq!(cell.clone().get(), Some(&vec![1]));
/// ```
impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> Self {
        OnceCell::new_with(self.get().cloned())
    }
}

/// Cells are equal when both are empty or both hold equal values.
///
/// # Examples
///
/// ```
/// use heddle_sync::OnceCell;
/// assert_eq!(OnceCell::from(1), OnceCell::from(1));
/// assert_ne!(OnceCell::from(1), OnceCell::new());
/// ```
impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell")
            .field("value", &self.get())
            .finish()
    }
}

/// The error from [`OnceCell::set`]; it hands the value back.
///
/// # Examples
///
/// ```
/// use heddle_sync::SetError;
///
/// let cell = heddle_sync::OnceCell::new_with(Some(1));
/// match cell.set(2) {
///     Err(SetError::AlreadyInitializedError(v)) => assert_eq!(v, 2),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell already held a value.
    AlreadyInitializedError(T),
    /// An initialiser was running.
    InitializingError(T),
}

impl<T> SetError<T> {
    /// Whether the cell already held a value.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::OnceCell::new_with(Some(1));
    /// assert!(cell.set(2).unwrap_err().is_already_init_err());
    /// ```
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// Whether an initialiser was running.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::OnceCell::<u8>::new();
    /// assert!(cell.set(2).is_ok());
    /// assert!(!cell.set(3).unwrap_err().is_initializing_err());
    /// ```
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }

    /// The value that was not stored.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_sync::OnceCell::new_with(Some(1));
    /// assert_eq!(cell.set(2).unwrap_err().into_inner(), 2);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            SetError::AlreadyInitializedError(v) | SetError::InitializingError(v) => v,
        }
    }
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("cell already initialized"),
            SetError::InitializingError(_) => f.write_str("cell is being initialized"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for SetError<T> {}
