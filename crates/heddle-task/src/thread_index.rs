//! [`thread_index`]: a small number that tells threads apart, for code that must know whether
//! it runs on a given thread (the home thread of a `!Send` task: [`LocalRunnable`] checks it,
//! and executors record it).
//!
//! [`LocalRunnable`]: crate::LocalRunnable

use std::cell::Cell;

use crate::loom::unmodelled::{AtomicU64, Ordering};

thread_local! {
    /// This thread's index (0 until assigned; 0 is never assigned).
    static THREAD_INDEX: Cell<u64> = const { Cell::new(0) };
}

/// This thread's process-unique index, assigned on first use (never 0). `THREAD_INDEX` has no
/// destructor, so it stays readable while the thread's other thread-locals are torn down;
/// should the platform refuse the access anyway, it returns `u64::MAX`, an index no thread has.
///
/// # Examples
///
/// ```
/// let here = heddle_task::thread_index();
/// assert_eq!(here, heddle_task::thread_index());
/// let there = std::thread::spawn(heddle_task::thread_index).join().unwrap();
/// assert_ne!(here, there);
/// ```
#[inline]
pub fn thread_index() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    THREAD_INDEX
        .try_with(|index| {
            if index.get() == 0 {
                index.set(NEXT.fetch_add(1, Ordering::Relaxed));
            }
            index.get()
        })
        .unwrap_or(u64::MAX)
}
