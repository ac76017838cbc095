//! Executor-agnostic async synchronisation for heddle: channels, locks, semaphores and signals.
//!
//! TODO-DOC
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

mod error;
mod loom;
mod mutex;
mod rwlock;
mod semaphore;
mod waiters;

pub use error::{AcquireError, TryAcquireError, TryLockError};
pub use mutex::{Mutex, MutexGuard, OwnedMutexGuard};
pub use rwlock::{
    OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
};
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
pub use barrier::{Barrier, BarrierWaitResult};
pub use cancellation::{CancellationToken, DropGuard};
pub use notify::{Notified, Notify};
pub use once_cell::{OnceCell, SetError};
mod barrier;
mod cancellation;
mod notify;
mod once_cell;
pub mod mpsc;
pub mod oneshot;
