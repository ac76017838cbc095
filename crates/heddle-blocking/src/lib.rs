//! heddle's blocking thread pool: threads for closures that block (file I/O, CPU-heavy work,
//! foreign blocking APIs), so that the threads running async tasks keep running them.
//!
//! [`BlockingPool`] starts threads on demand, up to a cap, lets idle ones exit after a
//! keep-alive, and runs each closure as a task, so the closure gets a
//! [`JoinHandle`](heddle_task::JoinHandle), an id and panic capture like any task. A runtime
//! builds one pool of its own ([`BlockingPool::with_threads`] names its threads and wraps
//! them so the runtime is current there); the `heddle` facade's `spawn_blocking` uses the
//! runtime's pool on both flavors. [`unblock`] runs a closure on the pool the thread has
//! entered ([`BlockingPool::enter`]; a runtime enters its own), or else on a global pool,
//! started on first use, so that blocking work (file system calls, for example) can be
//! awaited under any executor, or from a thread with no executor at all. [`io::Blocking`]
//! turns a blocking `std::io::Read` or `Write` (standard input and output, a file) into
//! tokio's `AsyncRead` or `AsyncWrite` by running each call on a pool.
//!
//! This crate is layer 0.5: it depends on `heddle-task` (and on tokio's runtime-free I/O
//! traits), and knows no executor, reactor or timer; the reactor (which resolves host names
//! here), the executors and the facade sit above it. It is not an executor: a closure runs
//! once, to completion, on a thread of its own, and is never polled again; and it is not
//! `block_in_place`, which belongs to the work-stealing executor.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//!
//! use heddle_blocking::BlockingPool;
//!
//! let pool = BlockingPool::new(4, Duration::from_secs(1));
//! let size = pool.spawn_blocking(|| std::fs::read_dir(".").map(|d| d.count()));
//! assert!(futures::executor::block_on(size).unwrap()? > 0);
//!
//! // No pool at hand, no runtime: the global pool.
//! let answer = futures::executor::block_on(heddle_blocking::unblock(|| 6 * 7)).unwrap();
//! assert_eq!(answer, 42);
//! # pool.shutdown(Some(Duration::from_secs(1)));
//! # Ok::<(), std::io::Error>(())
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

use heddle_loom as loom;

mod global;
pub mod io;
mod pool;

pub use global::{unblock, EnterGuard};
pub use pool::{
    AroundThread, BlockingPool, ThreadName, DEFAULT_MAX_BLOCKING_THREADS, DEFAULT_THREAD_KEEP_ALIVE,
};
