//! heddle: an async runtime for Rust, built from small layered crates.
//!
//! This facade composes the layers into a runtime: the task vocabulary (`heddle-task`), the
//! driver contract (`heddle-driver`) and the executors. Depend on `heddle` to write async
//! programs; depend on a single layer to build your own executor and swap the rest.
//!
//! This first cut offers the current-thread runtime; I/O (`heddle::net`, `heddle::io`),
//! timers (`heddle::time`), channels (`heddle::sync`) and the multi-threaded scheduler are
//! their own layers and come in as they land.
//!
//! # Examples
//!
//! ```
//! let runtime = heddle::Builder::new_current_thread().build()?;
//! let answer = runtime.block_on(async {
//!     let task = heddle::spawn(async {
//!         heddle::task::yield_now().await;
//!         21
//!     });
//!     task.await.unwrap() * 2
//! });
//! assert_eq!(answer, 42);
//! # Ok::<(), std::io::Error>(())
//! ```
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

pub mod runtime;
pub mod task;

#[doc(inline)]
pub use runtime::{Builder, Handle, Runtime};
#[doc(inline)]
pub use task::{spawn, spawn_local};

/// Declares task-local keys; see [`task::LocalKey`].
///
/// # Examples
///
/// ```
/// heddle::task_local! {
///     static REQUEST: u64;
/// }
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let seen = runtime.block_on(REQUEST.scope(7, async { REQUEST.get() }));
/// assert_eq!(seen, 7);
/// # Ok::<(), std::io::Error>(())
/// ```
#[macro_export]
macro_rules! task_local {
    ($($tt:tt)*) => {
        $crate::__private::heddle_task::task_local!($($tt)*);
    };
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

#[doc(hidden)]
pub mod __private {
    pub use heddle_task;
}
