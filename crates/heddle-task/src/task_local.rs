//! Task-local storage: a value visible to one future (and what it awaits) while it is polled.
//!
//! A task-local is set for the duration of [`LocalKey::scope`]'s future. Each poll of that
//! future swaps the value into a thread-local slot and swaps it back out afterwards (even if
//! the poll panics), so two tasks interleaved on one thread each see their own value.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Declares task-local keys: `static NAME: Type;`, each a [`LocalKey`].
///
/// # Examples
///
/// ```
/// heddle_task::task_local! {
///     static REQUEST_ID: u64;
///     pub static USER: String;
/// }
///
/// let seen = REQUEST_ID.sync_scope(7, || REQUEST_ID.get());
/// assert_eq!(seen, 7);
/// assert!(REQUEST_ID.try_with(|id| *id).is_err()); // not set outside the scope
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_inner {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::LocalKey<$t> = {
            ::std::thread_local! {
                static __HEDDLE_TASK_LOCAL: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::LocalKey { inner: __HEDDLE_TASK_LOCAL }
        };
    };
}

/// A task-local key, declared with [`task_local!`](crate::task_local).
///
/// # Examples
///
/// ```
/// heddle_task::task_local! { static DEPTH: u32; }
///
/// DEPTH.sync_scope(1, || {
///     assert_eq!(DEPTH.get(), 1);
///     DEPTH.sync_scope(2, || assert_eq!(DEPTH.get(), 2));
///     assert_eq!(DEPTH.get(), 1);
/// });
/// ```
pub struct LocalKey<T: 'static> {
    #[doc(hidden)]
    pub inner: std::thread::LocalKey<RefCell<Option<T>>>,
}

/// The error of [`LocalKey::try_with`]: the task-local is not set here.
///
/// # Examples
///
/// ```
/// heddle_task::task_local! { static KEY: u8; }
/// let err = KEY.try_with(|_| ()).unwrap_err();
/// println!("{err}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessError {
    _private: (),
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task-local value not set")
    }
}

impl Error for AccessError {}

impl<T: 'static> LocalKey<T> {
    /// Runs `future` with this task-local set to `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_task::task_local! { static NAME: &'static str; }
    ///
    /// let future = NAME.scope("outer", async { NAME.get() });
    /// # let mut future = std::pin::pin!(future);
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// # let std::task::Poll::Ready(name) = std::future::Future::poll(future.as_mut(), &mut cx) else { panic!() };
    /// assert_eq!(name, "outer");
    /// ```
    pub fn scope<F: Future>(&'static self, value: T, future: F) -> TaskLocalFuture<T, F> {
        TaskLocalFuture {
            local: self,
            slot: Some(value),
            future: Some(future),
            _pinned: PhantomPinned,
        }
    }

    /// Runs `f` with this task-local set to `value`.
    ///
    /// # Panics
    ///
    /// Panics if called from inside [`with`](Self::with) on the same key.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_task::task_local! { static N: i32; }
    /// assert_eq!(N.sync_scope(3, || N.get() * 2), 6);
    /// ```
    #[track_caller]
    pub fn sync_scope<R>(&'static self, value: T, f: impl FnOnce() -> R) -> R {
        let mut slot = Some(value);
        let _guard = self.enter(&mut slot);
        f()
    }

    /// Calls `f` with a reference to the value.
    ///
    /// # Panics
    ///
    /// Panics if the task-local is not set (outside a `scope`); [`try_with`](Self::try_with)
    /// returns an error instead.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_task::task_local! { static NAME: String; }
    /// NAME.sync_scope("db".to_owned(), || NAME.with(|n| assert_eq!(n, "db")));
    /// ```
    #[track_caller]
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        match self.try_with(f) {
            Ok(r) => r,
            Err(_) => panic!(
                "cannot access a task-local value that is not set: wrap the code in \
                 `KEY.scope(value, future)` or `KEY.sync_scope(value, closure)`"
            ),
        }
    }

    /// Calls `f` with a reference to the value, or returns an error if it is not set.
    ///
    /// # Errors
    ///
    /// [`AccessError`] when no `scope` of this key is active on this thread.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_task::task_local! { static NAME: String; }
    /// assert!(NAME.try_with(|n| n.len()).is_err());
    /// ```
    pub fn try_with<R>(&'static self, f: impl FnOnce(&T) -> R) -> Result<R, AccessError> {
        let error = AccessError { _private: () };
        self.inner
            .try_with(|cell| {
                let borrow = cell.try_borrow().map_err(|_| error)?;
                borrow.as_ref().map(f).ok_or(error)
            })
            .map_err(|_| error)?
    }

    /// A copy of the value.
    ///
    /// # Panics
    ///
    /// Panics if the task-local is not set.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_task::task_local! { static N: u8; }
    /// assert_eq!(N.sync_scope(9, || N.get()), 9);
    /// ```
    #[track_caller]
    pub fn get(&'static self) -> T
    where
        T: Clone,
    {
        self.with(T::clone)
    }

    /// A copy of the value, or an error if it is not set (the non-panicking twin of
    /// [`get`](LocalKey::get)).
    ///
    /// # Errors
    ///
    /// [`AccessError`] when no `scope` of this key is active on this thread.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_task::task_local! { static N: u8; }
    /// assert!(N.try_get().is_err());
    /// assert_eq!(N.sync_scope(9, || N.try_get()), Ok(9));
    /// ```
    pub fn try_get(&'static self) -> Result<T, AccessError>
    where
        T: Clone,
    {
        self.try_with(T::clone)
    }

    /// Swaps `slot` into the thread-local; the guard swaps it back.
    #[track_caller]
    fn enter<'s>(&'static self, slot: &'s mut Option<T>) -> ScopeGuard<'s, T> {
        let swapped = self.inner.try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut value) => {
                mem::swap(slot, &mut *value);
                true
            }
            Err(_) => false,
        });
        match swapped {
            Ok(true) => ScopeGuard { local: self, slot },
            Ok(false) => {
                panic!("a task-local scope was entered from inside `with` on the same key")
            }
            Err(_) => panic!("a task-local scope was entered while its thread is being torn down"),
        }
    }
}

/// Restores the previous value of the task-local when the scope ends (also on panic).
struct ScopeGuard<'s, T: 'static> {
    local: &'static LocalKey<T>,
    slot: &'s mut Option<T>,
}

impl<T: 'static> Drop for ScopeGuard<'_, T> {
    fn drop(&mut self) {
        let _ = self.local.inner.try_with(|cell| {
            if let Ok(mut value) = cell.try_borrow_mut() {
                mem::swap(self.slot, &mut *value);
            }
        });
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

/// The future of [`LocalKey::scope`]: polls the inner future with the task-local set.
///
/// The inner future is also dropped with the task-local set, so its destructors can read it.
///
/// # Examples
///
/// ```
/// heddle_task::task_local! { static KEY: u32; }
/// let future: heddle_task::TaskLocalFuture<u32, _> = KEY.scope(1, async { KEY.get() });
/// # drop(future);
/// ```
pub struct TaskLocalFuture<T: 'static, F> {
    local: &'static LocalKey<T>,
    slot: Option<T>,
    /// # Invariant
    /// Pinned: never moved while `Some`; set to `None` only in place.
    future: Option<F>,
    _pinned: PhantomPinned,
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the value this scope holds: `Some` the first time, `None` once taken. Taken
    /// before the future completes, the value is gone for the rest of it (the task-local
    /// reads as unset inside).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// heddle_task::task_local! { static KEY: u32; }
    /// let mut future = pin!(KEY.scope(7, async {}));
    /// assert_eq!(future.as_mut().take_value(), Some(7));
    /// assert_eq!(future.as_mut().take_value(), None);
    /// ```
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        // Only `slot` is touched, which is not structurally pinned.
        // SAFETY: `future` (the pinned field) is neither moved nor exposed.
        let this = unsafe { self.get_unchecked_mut() };
        this.slot.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // `slot` and `local` are not pinned and may be accessed freely.
        // SAFETY: `future` is structurally pinned (re-pinned below, dropped only in place).
        let this = unsafe { self.get_unchecked_mut() };
        let _guard = this.local.enter(&mut this.slot);
        let future = this
            .future
            .as_mut()
            .expect("`TaskLocalFuture` polled after completion");
        // SAFETY: see above; the future is never moved out of `this.future`.
        let future = unsafe { Pin::new_unchecked(future) };
        let result = future.poll(cx);
        if result.is_ready() {
            this.future = None;
        }
        result
    }
}

impl<T: 'static, F> Drop for TaskLocalFuture<T, F> {
    fn drop(&mut self) {
        if self.future.is_none() {
            return;
        }
        let entered = self.local.inner.try_with(|cell| {
            cell.try_borrow_mut()
                .map(|mut value| mem::swap(&mut self.slot, &mut *value))
                .is_ok()
        });
        // Drop the future in place with the value visible, then swap it back.
        self.future = None;
        if entered == Ok(true) {
            let _ = self.local.inner.try_with(|cell| {
                if let Ok(mut value) = cell.try_borrow_mut() {
                    mem::swap(&mut self.slot, &mut *value);
                }
            });
        }
    }
}

impl<T: 'static, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("TaskLocalFuture { .. }")
    }
}
