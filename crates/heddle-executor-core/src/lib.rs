//! The machinery heddle's executors share, written once: the registry of live tasks, the
//! wrapper that keeps a task in it until its future is dropped, the shutdown drain that drops
//! every task exactly once, a worker's park and busy-time counters, and the hooks run around
//! a worker's park. (The thread index that tells threads apart is `heddle_task::thread_index`:
//! the checked `!Send` tasks below it need it too.)
//!
//! **What it is.** Building blocks for an executor over `heddle-task`: a [`Registry`] holds a
//! waker per live task, so that shutdown reaches idle tasks whose wakers sit elsewhere (in a
//! socket's waiter list, a timer, a channel) and metrics and dumps can list tasks. Each task's
//! future is wrapped in [`Tracked`], whose [`Entry`] leaves the registry when the future is
//! dropped and which tells the executor ([`Host::on_task_panic`]) when a panic unwinds out of
//! a poll. [`drop_all_tasks`] is the drain both executors run on shutdown. [`WorkerMetrics`]
//! counts a worker's parks and busy time.
//!
//! **What it is not.** Not an executor: it owns no queue, no thread and no driver. Not the
//! task abstraction (that is `heddle-task`, below it).
//!
//! **Where it sits.** Between `heddle-task` (which it builds on) and the executors,
//! `heddle-executor-local` and `heddle-executor-steal`, which both use every part of it.
//!
//! # Examples
//!
//! A minimal executor's bookkeeping: register a task, run it, drain on shutdown.
//!
//! ```
//! use std::sync::Arc;
//! use heddle_executor_core::{drop_all_tasks, Entry, Host, Registry, Tracked};
//! use heddle_task::Runnable;
//!
//! struct Executor {
//!     registry: Registry,
//!     queue: concurrent_queue::ConcurrentQueue<Runnable>,
//! }
//!
//! impl Host for Executor {
//!     type Extra = ();
//!     fn registry(&self) -> &Registry { &self.registry }
//!     fn on_task_panic(&self) {}
//! }
//!
//! let executor = Arc::new(Executor {
//!     registry: Registry::new(1),
//!     queue: concurrent_queue::ConcurrentQueue::unbounded(),
//! });
//! let mut shard = executor.registry.shard(0);
//! let key = shard.vacant_key();
//! // SAFETY: the schedule closure below keeps `executor` alive as long as the task.
//! let entry = unsafe { Entry::new(&*executor, 0, key, false) };
//! let e = executor.clone();
//! let (runnable, handle) = heddle_task::Builder::new()
//!     .spawn(Tracked::new(std::future::pending::<()>(), entry), move |r: Runnable| {
//!         let _ = e.queue.push(r);
//!     });
//! shard.insert_task(key, &runnable);
//! drop(shard);
//! runnable.schedule();
//! assert_eq!(executor.registry.len(), 1);
//!
//! executor.registry.close();
//! drop_all_tasks(&executor.registry, &executor.queue, |_| {}, drop, || false);
//! assert_eq!(executor.registry.len(), 0);
//! assert!(handle.is_finished());
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

use heddle_loom as loom;

mod drain;
mod park_hook;
mod registry;
mod tracked;
mod worker_metrics;

#[cfg(all(test, loom))]
mod tests;

pub use drain::drop_all_tasks;
pub use park_hook::{run_park_hook, ParkHook};
pub use registry::{Registry, Shard};
pub use tracked::{Entry, Host, Tracked};
pub use worker_metrics::WorkerMetrics;
