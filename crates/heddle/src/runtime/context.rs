//! The thread's runtime context: which runtime `heddle::spawn` uses (and [`TryCurrentError`]
//! when there is none), and whether this thread is inside `block_on` (where a nested
//! `block_on` would deadlock).
//!
//! The second part is [`heddle_task::context`]'s runtime mark, shared with every layer that
//! must refuse to block a thread driving tasks (heddle-sync's `blocking_*` methods).

use std::cell::RefCell;
use std::fmt;

use super::Handle;

thread_local! {
    /// The handle `Handle::current` returns.
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
}

/// The current handle, if any.
pub(crate) fn current() -> Option<Handle> {
    CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
}

/// The current handle; `Err(true)` when the thread-local is already destroyed, `Err(false)`
/// when there is no runtime.
pub(crate) fn try_current() -> Result<Handle, bool> {
    match CURRENT.try_with(|c| c.borrow().clone()) {
        Ok(Some(handle)) => Ok(handle),
        Ok(None) => Err(false),
        Err(_) => Err(true),
    }
}

/// Calls `f` with the current handle without cloning it; `None` outside a runtime.
pub(crate) fn with_current<R>(f: impl FnOnce(&Handle) -> R) -> Option<R> {
    CURRENT
        .try_with(|c| c.borrow().as_ref().map(f))
        .ok()
        .flatten()
}

/// Makes `handle` current until the guard drops; restores the previous one.
pub(crate) fn set_current(handle: Handle) -> CurrentGuard {
    let previous = CURRENT.try_with(|c| c.replace(Some(handle))).ok().flatten();
    CurrentGuard { previous }
}

/// Restores the previous current handle.
pub(crate) struct CurrentGuard {
    previous: Option<Handle>,
}

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = previous);
    }
}

/// Marks this thread as running a runtime. Panics (with what to do instead) if it already is.
#[track_caller]
pub(crate) fn enter_running() -> RunningGuard {
    match heddle_task::context::try_enter_runtime() {
        Some(guard) => guard,
        None => panic!(
            "Cannot start a runtime from within a runtime: `block_on` was called on a thread \
             that is already running a heddle runtime's tasks, which would block them all. \
             Use `.await` on the future instead, or move blocking work to another thread."
        ),
    }
}

#[cfg(feature = "rt-multi-thread")]
/// Runs `f` with this thread's running mark cleared, so that `block_on` may be used inside
/// (`block_in_place`), and restores it.
pub(crate) fn allow_block_on<R>(f: impl FnOnce() -> R) -> R {
    heddle_task::context::allow_blocking(f)
}

/// Clears the running mark when dropped.
pub(crate) type RunningGuard = heddle_task::context::RuntimeGuard;

/// The error of [`Handle::try_current`]: no runtime is current on this thread.
///
/// # Examples
///
/// ```
/// let err = heddle::runtime::Handle::try_current().unwrap_err();
/// println!("{err}");
/// ```
#[derive(Debug, Clone)]
pub struct TryCurrentError {
    /// The thread's runtime slot was already destroyed (the thread is exiting).
    destroyed: bool,
}

impl TryCurrentError {
    pub(super) fn new(destroyed: bool) -> TryCurrentError {
        TryCurrentError { destroyed }
    }

    /// Whether the error is "no runtime on this thread".
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle::runtime::Handle::try_current().unwrap_err().is_missing_context());
    /// ```
    pub fn is_missing_context(&self) -> bool {
        !self.destroyed
    }

    /// Whether the error is "asked while this thread's thread-locals were being destroyed".
    ///
    /// # Examples
    ///
    /// ```
    /// let err = heddle::runtime::Handle::try_current().unwrap_err();
    /// assert!(!err.is_thread_local_destroyed());
    /// ```
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.destroyed
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.destroyed {
            f.write_str(
                "the heddle runtime context was asked for while this thread's thread-locals \
                 were being destroyed",
            )
        } else {
            f.write_str(NO_RUNTIME)
        }
    }
}

impl std::error::Error for TryCurrentError {}

pub(crate) const NO_RUNTIME: &str = "there is no heddle runtime on this thread: create one with \
     `heddle::Runtime::new()?` (or `heddle::Builder::new_current_thread().build()?`) and spawn \
     from inside `Runtime::block_on`, or spawn through `Runtime::spawn` / `Handle::spawn`";
