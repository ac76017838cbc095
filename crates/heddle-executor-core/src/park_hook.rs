//! The hooks a runtime runs around each park of a worker (tokio's `on_thread_park` and
//! `on_thread_unpark`), and the one way both executors call them.
//!
//! Not the park itself: each executor parks in its own way (the local executor on its
//! driver, the stealing executor on the driver or a condvar); both call [`run_park_hook`]
//! just before the park and just after it.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

/// A hook run on a worker thread just before it parks, or just after it wakes.
pub type ParkHook = Arc<dyn Fn() + Send + Sync + 'static>;

/// Runs `hook` if there is one, containing a panic out of it: the panic hook has reported
/// it, and the worker goes on as if the hook had returned (a worker that died here would
/// take its tasks with it).
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// use heddle_executor_core::{run_park_hook, ParkHook};
///
/// let parks = Arc::new(AtomicUsize::new(0));
/// let counter = parks.clone();
/// let hook: ParkHook = Arc::new(move || {
///     counter.fetch_add(1, Ordering::Relaxed);
/// });
/// run_park_hook(Some(&hook));
/// run_park_hook(None);
/// assert_eq!(parks.load(Ordering::Relaxed), 1);
///
/// let faulty: ParkHook = Arc::new(|| panic!("hook fault"));
/// run_park_hook(Some(&faulty)); // contained
/// ```
pub fn run_park_hook(hook: Option<&ParkHook>) {
    if let Some(hook) = hook {
        let _ = panic::catch_unwind(AssertUnwindSafe(|| hook()));
    }
}
