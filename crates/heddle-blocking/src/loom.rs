//! The synchronisation primitives of this crate: loom's under `--cfg loom`, std's otherwise.
//!
//! Code imports `crate::loom::…` and never `std::sync` directly, so that a model can check
//! the code that ships.

#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Condvar, Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex, MutexGuard};
