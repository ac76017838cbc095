//! The thread's runtime context: which runtime `heddle::spawn` uses, and whether this thread
//! is inside `block_on` (where a nested `block_on` would deadlock).

use std::cell::{Cell, RefCell};

use super::Handle;

thread_local! {
    /// The handle `Handle::current` returns.
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
    /// Whether this thread is running a runtime's tasks (inside `block_on`).
    static RUNNING: Cell<bool> = const { Cell::new(false) };
}

/// The current handle, if any.
pub(crate) fn current() -> Option<Handle> {
    CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
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
    let already = RUNNING.try_with(|r| r.replace(true)).unwrap_or(false);
    if already {
        panic!(
            "Cannot start a runtime from within a runtime: `block_on` was called on a thread \
             that is already running a heddle runtime's tasks, which would block them all. \
             Use `.await` on the future instead, or move blocking work to another thread."
        );
    }
    RunningGuard(())
}

/// Runs `f` with this thread's running mark cleared, so that `block_on` may be used inside
/// (`block_in_place`), and restores it.
pub(crate) fn allow_block_on<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = RUNNING.try_with(|r| r.set(self.0));
        }
    }
    let _restore = Restore(RUNNING.try_with(|r| r.replace(false)).unwrap_or(false));
    f()
}

/// Clears the running mark.
pub(crate) struct RunningGuard(());

impl Drop for RunningGuard {
    fn drop(&mut self) {
        let _ = RUNNING.try_with(|r| r.set(false));
    }
}
