//! The runtime mark: whether this thread is driving a runtime, so that code about to block the
//! thread can refuse with a clear message instead of stalling every task the thread runs.
//!
//! A thread *drives a runtime* while it is inside a runtime's `block_on`, or while it is a
//! worker thread running a runtime's tasks. Blocking such a thread (a nested `block_on`, a
//! `blocking_recv` on a channel, `blocking_lock` on an async mutex) stops every task it would
//! run, and deadlocks when the awaited event needs one of those tasks. So:
//!
//! * runtimes call [`enter_runtime`] (or [`try_enter_runtime`]) while they drive tasks on a
//!   thread, and hold the returned [`RuntimeGuard`] until they stop;
//! * blocking helpers (heddle's nested `block_on`, heddle-sync's `blocking_*` methods) check
//!   [`is_in_runtime`] and panic, saying what to do instead;
//! * [`allow_blocking`] clears the mark for the length of a closure whose thread may block
//!   meanwhile, as `block_in_place` does after handing the worker's duties to another thread.
//!
//! What it is not: it is not the current runtime handle (which runtime `spawn` uses lives in
//! the runtime itself), it does not say which runtime drives the thread, and it does not
//! detect blocking done by other means (a `std::sync::Mutex`, a `thread::sleep`). It is one
//! flag per thread, plain thread-local state: executors that never set it leave every
//! blocking helper allowed.
//!
//! # Examples
//!
//! ```
//! use heddle_task::context;
//!
//! assert!(!context::is_in_runtime());
//! let guard = context::enter_runtime();
//! assert!(context::is_in_runtime());
//! // A nested runtime is refused.
//! assert!(context::try_enter_runtime().is_none());
//! // Blocking is allowed again inside `allow_blocking`.
//! context::allow_blocking(|| assert!(!context::is_in_runtime()));
//! assert!(context::is_in_runtime());
//! drop(guard);
//! assert!(!context::is_in_runtime());
//! ```

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

thread_local! {
    /// Whether this thread drives a runtime (see the module docs).
    static IN_RUNTIME: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread drives a runtime: it is inside a runtime's `block_on` or runs a
/// runtime's tasks, outside any [`allow_blocking`] scope. Blocking the thread here would stop
/// those tasks.
///
/// Returns `false` while the thread's local storage is being torn down.
///
/// # Examples
///
/// ```
/// assert!(!heddle_task::context::is_in_runtime());
/// let _guard = heddle_task::context::enter_runtime();
/// assert!(heddle_task::context::is_in_runtime());
/// ```
pub fn is_in_runtime() -> bool {
    IN_RUNTIME.try_with(Cell::get).unwrap_or(false)
}

/// Marks this thread as driving a runtime until the guard drops; `None` if it already is
/// (starting a runtime there would block the one already driven).
///
/// # Examples
///
/// ```
/// use heddle_task::context;
///
/// let guard = context::try_enter_runtime().expect("not in a runtime yet");
/// assert!(context::try_enter_runtime().is_none());
/// drop(guard);
/// assert!(context::try_enter_runtime().is_some());
/// ```
pub fn try_enter_runtime() -> Option<RuntimeGuard> {
    let already = IN_RUNTIME
        .try_with(|mark| mark.replace(true))
        .unwrap_or(false);
    if already {
        None
    } else {
        Some(RuntimeGuard {
            _not_send: PhantomData,
        })
    }
}

/// Marks this thread as driving a runtime until the guard drops.
///
/// # Panics
///
/// If this thread already drives a runtime; use [`try_enter_runtime`] to choose what happens
/// then.
///
/// # Examples
///
/// ```
/// let guard = heddle_task::context::enter_runtime();
/// assert!(heddle_task::context::is_in_runtime());
/// drop(guard);
/// ```
#[track_caller]
pub fn enter_runtime() -> RuntimeGuard {
    match try_enter_runtime() {
        Some(guard) => guard,
        None => panic!(
            "Cannot start a runtime from within a runtime: this thread already drives one, and \
             blocking it would stop that runtime's tasks. Use `.await` instead, or run the \
             blocking code on another thread."
        ),
    }
}

/// Runs `f` with this thread's runtime mark cleared, so that blocking inside `f` is allowed,
/// and restores the mark afterwards (also when `f` panics).
///
/// Only call it where blocking this thread cannot stall tasks, for example after the thread's
/// duties were handed to another thread (`block_in_place`).
///
/// # Examples
///
/// ```
/// use heddle_task::context;
///
/// let _guard = context::enter_runtime();
/// let allowed = context::allow_blocking(|| !context::is_in_runtime());
/// assert!(allowed);
/// assert!(context::is_in_runtime());
/// ```
pub fn allow_blocking<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = IN_RUNTIME.try_with(|mark| mark.set(self.0));
        }
    }
    let _restore = Restore(
        IN_RUNTIME
            .try_with(|mark| mark.replace(false))
            .unwrap_or(false),
    );
    f()
}

/// Keeps this thread marked as driving a runtime; dropping it clears the mark. Returned by
/// [`enter_runtime`] and [`try_enter_runtime`]; it stays on the thread that made it.
///
/// # Examples
///
/// ```
/// let guard: heddle_task::context::RuntimeGuard = heddle_task::context::enter_runtime();
/// drop(guard);
/// assert!(!heddle_task::context::is_in_runtime());
/// ```
///
/// The mark is per thread, so the guard is not `Send`:
///
/// ```compile_fail
/// fn require_send<T: Send>(_: T) {}
/// require_send(heddle_task::context::enter_runtime());
/// ```
#[must_use = "the thread is marked only while the guard is alive"]
pub struct RuntimeGuard {
    _not_send: PhantomData<*const ()>,
}

impl Drop for RuntimeGuard {
    fn drop(&mut self) {
        let _ = IN_RUNTIME.try_with(|mark| mark.set(false));
    }
}

impl fmt::Debug for RuntimeGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeGuard").finish_non_exhaustive()
    }
}
