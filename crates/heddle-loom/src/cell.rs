//! [`UnsafeCell`]: loom's cell under `--cfg loom`, std's with loom's closure API otherwise.

#[cfg(loom)]
pub use loom::cell::UnsafeCell;

/// `std::cell::UnsafeCell` with loom's closure-based access API, so that accesses are written
/// the same way on both sides and loom can check them. Like both of those, it may hold an
/// unsized value (`UnsafeCell<[u8]>`, `UnsafeCell<dyn Trait>`).
///
/// # Examples
///
/// ```
/// let cell = heddle_loom::UnsafeCell::new(1);
/// // SAFETY: nothing else accesses the cell.
/// cell.with_mut(|value| unsafe { *value += 1 });
/// // SAFETY: no writer is active.
/// assert_eq!(cell.with(|value| unsafe { *value }), 2);
/// ```
#[cfg(not(loom))]
#[derive(Debug, Default)]
pub struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    /// A cell holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _cell = heddle_loom::UnsafeCell::new(0u8);
    /// ```
    pub const fn new(value: T) -> UnsafeCell<T> {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    /// The value.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_loom::UnsafeCell::new(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

#[cfg(not(loom))]
impl<T: ?Sized> UnsafeCell<T> {
    /// Runs `f` with a shared pointer to the value.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_loom::UnsafeCell::new(3);
    /// // SAFETY: no writer is active.
    /// assert_eq!(cell.with(|value| unsafe { *value }), 3);
    /// ```
    pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Runs `f` with a unique pointer to the value.
    ///
    /// # Examples
    ///
    /// ```
    /// let cell = heddle_loom::UnsafeCell::new(3);
    /// // SAFETY: nothing else accesses the cell.
    /// cell.with_mut(|value| unsafe { *value = 4 });
    /// ```
    pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}
