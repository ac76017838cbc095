//! The one timer heddle-sync uses ([`mpsc::Sender::send_timeout`](crate::mpsc::Sender::send_timeout)),
//! supplied by the layer that composes heddle.
//!
//! heddle-sync sits beside the timer layer, not above it, so it cannot call a timer itself:
//! whoever composes the layers installs a sleep function here with [`set_sleep`]. The `heddle`
//! facade does so whenever it builds a runtime with its `time` feature, which every
//! `Runtime`, `heddle::block_on` and `#[heddle::main]` does. A user of heddle-sync alone may
//! install any timer's sleep.
//!
//! This is not a timer: it holds a function pointer, set at most once per process.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

/// A future that completes once the duration has passed.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Starts a sleep of the given duration.
pub type SleepFn = fn(Duration) -> SleepFuture;

static SLEEP: OnceLock<SleepFn> = OnceLock::new();

/// Installs the sleep function heddle-sync's timeouts use; the first one installed stays.
/// Returns whether this call installed `sleep`.
///
/// # Examples
///
/// ```
/// use heddle_sync::timer::{set_sleep, SleepFuture};
/// use std::time::Duration;
///
/// fn thread_sleep(duration: Duration) -> SleepFuture {
///     Box::pin(async move {
///         // A real timer does not block a thread; this one is only for the example.
///         std::thread::sleep(duration);
///     })
/// }
/// set_sleep(thread_sleep);
/// ```
pub fn set_sleep(sleep: SleepFn) -> bool {
    SLEEP.set(sleep).is_ok()
}

/// A sleep from the installed function.
///
/// # Panics
///
/// Panics if no sleep function is installed, with a message saying how to get one.
#[track_caller]
pub(crate) fn sleep(duration: Duration) -> SleepFuture {
    match SLEEP.get() {
        Some(sleep) => sleep(duration),
        None => panic!(
            "heddle-sync has no timer: build a heddle runtime (with the `time` feature) first, \
             or install a sleep function with `heddle_sync::timer::set_sleep`"
        ),
    }
}
