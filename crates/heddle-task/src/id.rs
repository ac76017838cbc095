//! Task ids: unique for the life of the process, never reused.
//!
//! Ids come from one global counter, handed to threads in blocks so that spawning on many
//! threads does not contend on one cache line. Ids are therefore unique but only roughly
//! increasing across threads.

use crate::loom::unmodelled::{AtomicU64, Ordering};
use std::cell::Cell;
use std::fmt;
use std::num::NonZeroU64;

/// How many ids a thread takes from the global counter at a time.
const BLOCK: u64 = 256;

/// The next unreserved id. Starts at 1: ids are never zero.
static NEXT_BLOCK: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// `(next, end)`: this thread's reserved ids are `next..end`.
    static RESERVED: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

/// The id of a task: unique among all tasks ever spawned in this process, never reused.
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, Runnable};
///
/// let (runnable, handle) = Builder::new().spawn(async { 1 }, |_: Runnable| {});
/// let id = handle.id();
/// assert_eq!(runnable.id(), id);
/// println!("spawned task {id}");
/// # drop(runnable);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(NonZeroU64);

impl Id {
    /// Allocates a fresh id.
    pub(crate) fn next() -> Id {
        let raw = RESERVED
            .try_with(|reserved| {
                let (next, end) = reserved.get();
                if next < end {
                    reserved.set((next + 1, end));
                    next
                } else {
                    let start = reserve(BLOCK);
                    reserved.set((start + 1, start + BLOCK));
                    start
                }
            })
            // The thread-local is gone (a task spawned from a thread-local destructor): take
            // a block of one straight from the global counter.
            .unwrap_or_else(|_| reserve(1));
        Id(NonZeroU64::new(raw).expect("task ids start at 1"))
    }

    /// The id as a number, for logs and metrics.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_task::{Builder, Runnable};
    ///
    /// let (runnable, handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// assert!(handle.id().as_u64() > 0);
    /// # drop(runnable);
    /// ```
    pub fn as_u64(self) -> u64 {
        self.0.get()
    }

    /// The id `raw`, as [`Id::as_u64`] gave it.
    pub(crate) fn from_u64(raw: u64) -> Id {
        Id(NonZeroU64::new(raw).expect("task ids start at 1"))
    }
}

/// Takes `count` ids from the global counter and returns the first.
fn reserve(count: u64) -> u64 {
    // Relaxed: uniqueness only needs the atomicity of the add, not ordering with other memory.
    let start = NEXT_BLOCK.fetch_add(count, Ordering::Relaxed);
    // 2^64 ids at one per nanosecond last 584 years; a wrap would break uniqueness, so refuse.
    assert!(start.checked_add(count).is_some(), "task ids exhausted");
    start
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_across_threads() {
        let per_thread = if cfg!(miri) { 300 } else { 50_000 };
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(move || (0..per_thread).map(|_| Id::next()).collect::<Vec<_>>())
            })
            .collect();
        let mut seen = HashSet::new();
        for t in threads {
            for id in t.join().unwrap() {
                assert!(seen.insert(id), "duplicate id {id}");
            }
        }
        assert_eq!(seen.len(), 4 * per_thread);
    }
}
