//! heddle's work-stealing multi-threaded executor, over any [`Driver`](heddle_driver::Driver).
//!
//! [`StealExecutor`] runs tasks on N worker threads. Each worker has a bounded local run
//! queue that other workers steal half of when they run dry, plus a LIFO slot for the task
//! most recently woken by the running task (so a request/response pair stays on one warm
//! core). Spawns and wake-ups from outside the workers go through a global injector
//! (`concurrent-queue`). At most half the workers search for work at once, a parked worker is
//! woken only when there is work and nobody is already searching, and the last searcher to
//! park re-checks every queue, so no wake-up is lost. One worker at a time owns the driver
//! (reactor and timers); the others park on a condition variable. The design, every constant
//! and the measurements behind them are in `docs/scheduler.md`. [`Metrics`] reads the
//! workers' park counts and busy time, queue depths and task counts, and
//! [`Spawner::dump_tasks`] lists the live tasks, at no cost to task polls, wakes or spawns.
//!
//! This crate is layer 2: it depends on `heddle-task` and `heddle-driver` only; the `heddle`
//! facade runs it over the reactor and timer stack. It is not the single-threaded executor
//! for `!Send` tasks (`heddle-executor-local` is), nor the pool for blocking closures
//! (`heddle-blocking` is).
//!
//! # Examples
//!
//! ```
//! use heddle_driver::ThreadParker;
//! use heddle_executor_steal::Builder;
//!
//! let executor = Builder::new().worker_threads(2).build(ThreadParker::new())?;
//! let tasks: Vec<_> = (0..1_000u64)
//!     .map(|i| {
//!         executor.spawn(async move {
//!             heddle_task::yield_now().await;
//!             i
//!         })
//!     })
//!     .collect();
//! let sum = executor.block_on(async {
//!     let mut sum = 0;
//!     for task in tasks {
//!         sum += task.await.unwrap();
//!     }
//!     sum
//! });
//! assert_eq!(sum, 499_500);
//! # Ok::<(), std::io::Error>(())
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

use heddle_loom as loom;

mod block_on;
mod builder;
mod cache_padded;
mod current;
mod executor;
mod idle;
mod lifo;
mod metrics;
mod park;
mod queue;
mod shared;
mod thread;
mod worker;

pub use block_on::block_on;
pub use builder::Builder;
pub use current::worker_index;
pub use executor::{
    block_in_place, AroundWorker, Spawner, StealExecutor, DEFAULT_EVENT_INTERVAL,
    DEFAULT_GLOBAL_QUEUE_INTERVAL,
};
pub use metrics::Metrics;

#[cfg(all(test, loom))]
mod tests;
