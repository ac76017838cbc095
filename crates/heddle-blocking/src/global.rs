//! The global pool behind [`unblock`]: blocking work for code that has no pool of its own,
//! under any executor or none.
//!
//! The pool is created on the first `unblock` and lives for the rest of the process, with the
//! default limits ([`DEFAULT_MAX_BLOCKING_THREADS`], [`DEFAULT_THREAD_KEEP_ALIVE`]); its
//! threads are named `heddle-blocking-<n>`. Creating it cannot fail: threads start only when
//! closures need them, as in every [`BlockingPool`]. A thread that cannot be started fails
//! only the closure it was started for, and only if no pool thread is running to take it
//! (the closure's `JoinHandle` resolves to a `JoinError` carrying the `io::Error`). Nothing
//! of a failure is remembered: the next `unblock` tries to start a thread again.

use std::sync::OnceLock;

use heddle_task::JoinHandle;

use crate::pool::{BlockingPool, DEFAULT_MAX_BLOCKING_THREADS, DEFAULT_THREAD_KEEP_ALIVE};

/// The global pool, once something has used it.
static GLOBAL: OnceLock<BlockingPool> = OnceLock::new();

/// Runs the blocking closure `f` on the global pool; the `JoinHandle` resolves to its
/// return value.
///
/// Works everywhere: inside any executor's task (the handle is an ordinary future, woken
/// when the closure returns), or from a plain thread (dropping the handle detaches the
/// closure, which still runs). Inside a heddle runtime, prefer the facade's
/// `heddle::spawn_blocking`, which uses the runtime's own pool and its limits; `unblock`
/// always uses the global one.
///
/// # Errors
///
/// The handle resolves to a [`JoinError`](heddle_task::JoinError) if `f` panicked (the panic
/// is caught and its payload kept), or if no thread could be started to run `f` and none
/// was running (then [`JoinError::into_panic`](heddle_task::JoinError::into_panic) returns
/// the `std::io::Error`). Either way the pool stays usable.
///
/// # Examples
///
/// ```
/// use futures::executor::block_on;
///
/// let listing = heddle_blocking::unblock(|| std::fs::read_dir(".").map(|d| d.count()));
/// let entries = block_on(listing).unwrap()?;
/// assert!(entries > 0);
///
/// let thread = heddle_blocking::unblock(|| std::thread::current().name().map(str::to_owned));
/// assert!(block_on(thread).unwrap().unwrap().starts_with("heddle-blocking-"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[track_caller]
pub fn unblock<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    global().spawn_blocking(f)
}

/// The global pool, created on first use.
fn global() -> &'static BlockingPool {
    GLOBAL
        .get_or_init(|| BlockingPool::new(DEFAULT_MAX_BLOCKING_THREADS, DEFAULT_THREAD_KEEP_ALIVE))
}
