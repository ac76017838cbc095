//! Where [`unblock`] runs its closure: the pool the calling thread has entered (a runtime
//! enters its own pool on its threads), or else the global pool, so that blocking work runs
//! under any executor or none.
//!
//! The current pool is a thread-local slot set by [`BlockingPool::enter`] and restored when
//! its [`EnterGuard`] drops, so nested enters unwind in order. A pool's own threads have that
//! pool current while they run closures, so a closure that calls `unblock` stays on its pool.
//! This module is not a scheduler: it only picks the pool; the pool decides the thread.
//!
//! The pool is created on the first `unblock` and lives for the rest of the process, with the
//! default limits ([`DEFAULT_MAX_BLOCKING_THREADS`], [`DEFAULT_THREAD_KEEP_ALIVE`]); its
//! threads are named `heddle-blocking-<n>`. Creating it cannot fail: threads start only when
//! closures need them, as in every [`BlockingPool`]. A thread that cannot be started fails
//! only the closure it was started for, and only if no pool thread is running to take it
//! (the closure's `JoinHandle` resolves to a `JoinError` carrying the `io::Error`). Nothing
//! of a failure is remembered: the next `unblock` tries to start a thread again.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

use heddle_task::JoinHandle;

use crate::pool::{BlockingPool, DEFAULT_MAX_BLOCKING_THREADS, DEFAULT_THREAD_KEEP_ALIVE};

/// The global pool, once something has used it.
static GLOBAL: OnceLock<BlockingPool> = OnceLock::new();

thread_local! {
    /// The pool entered on this thread, if any.
    static CURRENT: RefCell<Option<BlockingPool>> = const { RefCell::new(None) };
}

/// Makes a pool current on this thread until dropped; see [`BlockingPool::enter`].
///
/// Dropping it restores the pool that was current before (or none). It stays on the thread
/// that entered (it is `!Send`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let pool = heddle_blocking::BlockingPool::new(1, Duration::from_secs(1));
/// let guard: heddle_blocking::EnterGuard<'_> = pool.enter();
/// assert!(heddle_blocking::BlockingPool::try_current().is_some());
/// drop(guard);
/// assert!(heddle_blocking::BlockingPool::try_current().is_none());
/// ```
///
/// It cannot move to another thread, where dropping it would restore the wrong slot:
///
/// ```compile_fail,E0277
/// let pool = heddle_blocking::BlockingPool::new(1, std::time::Duration::from_secs(1));
/// let guard = pool.enter();
/// std::thread::scope(|s| {
///     s.spawn(move || drop(guard));
/// });
/// ```
#[must_use = "the pool is current only while the guard lives"]
pub struct EnterGuard<'a> {
    previous: Option<BlockingPool>,
    /// Ties the guard to the thread and to the entered pool: a `MutexGuard` is `!Send` but
    /// `Sync`, as tokio's runtime guard is.
    _pool: PhantomData<(&'a BlockingPool, std::sync::MutexGuard<'static, ()>)>,
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

impl Drop for EnterGuard<'_> {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // `try_with`: during thread teardown the slot may already be gone; nothing to restore.
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = previous);
    }
}

impl BlockingPool {
    /// Makes this pool current on this thread until the guard drops: [`unblock`] (and so
    /// heddle-fs, [`io::Blocking::new`](crate::io::Blocking::new) and host-name lookups) runs
    /// its closures here instead of on the global pool.
    ///
    /// A runtime enters its pool wherever it makes itself current. Enters nest: dropping a
    /// guard restores the pool that was current before it. A pool's own threads have it
    /// current while they run closures.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use futures::executor::block_on;
    /// use heddle_blocking::{unblock, BlockingPool};
    ///
    /// let name = || std::thread::current().name().map(str::to_owned).unwrap();
    /// let files = BlockingPool::with_threads(1, Duration::from_secs(1), "files", None, None);
    /// {
    ///     let _guard = files.enter();
    ///     assert_eq!(block_on(unblock(name)).unwrap(), "files-0");
    /// }
    /// // Entered nowhere: the global pool.
    /// assert!(block_on(unblock(name)).unwrap().starts_with("heddle-blocking-"));
    /// # files.shutdown(Some(Duration::from_secs(1)));
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        let previous = CURRENT
            .try_with(|current| current.replace(Some(self.clone())))
            .ok()
            .flatten();
        EnterGuard {
            previous,
            _pool: PhantomData,
        }
    }

    /// The pool entered on this thread, if any (the global pool does not count).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_blocking::BlockingPool::try_current().is_none());
    /// ```
    pub fn try_current() -> Option<BlockingPool> {
        CURRENT
            .try_with(|current| current.borrow().clone())
            .ok()
            .flatten()
    }
}

/// Runs the blocking closure `f` on the current pool (the one this thread has entered, see
/// [`BlockingPool::enter`]), or else on the global pool; the `JoinHandle` resolves to its
/// return value.
///
/// Works everywhere: inside any executor's task (the handle is an ordinary future, woken
/// when the closure returns), or from a plain thread (dropping the handle detaches the
/// closure, which still runs). Inside a heddle runtime the runtime's pool is current, so
/// `unblock` follows its limits, thread names and shutdown, as `heddle::spawn_blocking` does.
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
    match BlockingPool::try_current() {
        Some(pool) => pool.spawn_blocking(f),
        None => global().spawn_blocking(f),
    }
}

/// The global pool, created on first use.
fn global() -> &'static BlockingPool {
    GLOBAL
        .get_or_init(|| BlockingPool::new(DEFAULT_MAX_BLOCKING_THREADS, DEFAULT_THREAD_KEEP_ALIVE))
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::time::Duration;

    use futures::executor::block_on;

    use super::unblock;
    use crate::BlockingPool;

    fn thread_name() -> String {
        std::thread::current().name().unwrap_or_default().to_owned()
    }

    fn named(name: &str) -> BlockingPool {
        BlockingPool::with_threads(1, Duration::from_secs(1), name.to_owned(), None, None)
    }

    #[test]
    // The global pool's threads outlive the test, which miri reports as a leak.
    #[cfg_attr(miri, ignore)]
    fn unblock_runs_on_the_entered_pool_and_nested_enters_restore() {
        let outer = named("outer");
        let inner = named("inner");
        {
            let _outer = outer.enter();
            assert_eq!(block_on(unblock(thread_name)).unwrap(), "outer-0");
            {
                let _inner = inner.enter();
                assert_eq!(block_on(unblock(thread_name)).unwrap(), "inner-0");
            }
            assert_eq!(block_on(unblock(thread_name)).unwrap(), "outer-0");
        }
        assert!(BlockingPool::try_current().is_none());
        assert!(block_on(unblock(thread_name))
            .unwrap()
            .starts_with("heddle-blocking-"));
        outer.shutdown(Some(Duration::from_secs(5)));
        inner.shutdown(Some(Duration::from_secs(5)));
    }

    #[test]
    fn a_closure_that_unblocks_stays_on_its_pool() {
        let pool =
            BlockingPool::with_threads(2, Duration::from_secs(1), "own".to_owned(), None, None);
        let nested = pool.spawn_blocking(|| block_on(unblock(thread_name)).unwrap());
        assert!(block_on(nested).unwrap().starts_with("own-"));
        pool.shutdown(Some(Duration::from_secs(5)));
    }
}
