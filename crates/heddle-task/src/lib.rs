//! heddle's task vocabulary, built on [`async-task`](https://docs.rs/async-task).
//!
//! A task is one allocation (async-task's) holding a header with heddle's metadata (the task
//! [`Id`], an optional name, the spawn [`Location`](std::panic::Location)), the executor's
//! [`Schedule`] hook, and the user's future wrapped in a harness that catches panics and
//! honours [`abort`](JoinHandle::abort). This crate gives:
//!
//! * [`Builder`] to create tasks (`spawn` for `Send` futures), [`Runnable`] for executors to
//!   poll them, and the [`Schedule`] trait executors implement;
//! * [`Builder::spawn_local_checked`], whose [`LocalRunnable`]s run and drop a `!Send` task
//!   only on its home thread, so that an executor of `!Send` tasks needs no `unsafe`
//!   (scheduled through [`LocalSchedule`]), and [`thread_index`], the number that tells a
//!   task's home thread from the others;
//! * [`JoinHandle`] (await the output as `Result<T, JoinError>`; dropping it detaches),
//!   [`AbortHandle`], [`JoinError`] (cancelled or panicked, with the payload);
//! * [`task_local!`], [`yield_now`], and [`id`] / [`try_id`] for the running task;
//! * [`TaskInfo`], a task's id, name and spawn location, which executors read through the
//!   wakers they hold to list their tasks.
//!
//! It is layer 0 of heddle: it knows nothing of drivers, I/O or timers and contains no
//! executor. The executors (`heddle-executor-local`, `heddle-executor-steal`) build on it,
//! and the `heddle` facade re-exports its user-facing names as `heddle::task`.
//! The task state machine is described in `docs/task-lifecycle.md`.
//!
//! # Examples
//!
//! A minimal executor: a queue of runnables.
//!
//! ```
//! use heddle_task::{Builder, Runnable};
//! use std::sync::{Arc, Mutex};
//!
//! let queue = Arc::new(Mutex::new(Vec::<Runnable>::new()));
//! let q = queue.clone();
//! let schedule = move |r: Runnable| q.lock().unwrap().push(r);
//!
//! let (runnable, handle) = Builder::new().spawn(
//!     async {
//!         heddle_task::yield_now().await;
//!         "done"
//!     },
//!     schedule,
//! );
//! runnable.schedule();
//! loop {
//!     let next = queue.lock().unwrap().pop();
//!     match next {
//!         Some(runnable) => { runnable.run(); }
//!         None => break,
//!     }
//! }
//! assert!(handle.is_finished());
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

use heddle_loom as loom;

pub mod context;
pub mod coop;
mod error;
mod harness;
mod id;
mod info;
mod join;
mod local;
mod meta;
mod spawn;
mod task_local;
mod thread_index;
mod yield_now;

pub use error::JoinError;
pub use harness::{id, try_id};
pub use id::Id;
pub use info::TaskInfo;
pub use join::{AbortHandle, JoinHandle};
pub use local::{LocalRunnable, LocalSchedule};
pub use spawn::{Builder, Runnable, Schedule, ScheduleInfo};
pub use task_local::{AccessError, LocalKey, TaskLocalFuture};
pub use thread_index::thread_index;
pub use yield_now::{yield_now, YieldNow};
