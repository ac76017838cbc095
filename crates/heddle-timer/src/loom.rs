//! The synchronisation primitives this crate uses: loom's under `--cfg loom`, std's otherwise.
//!
//! Code imports `crate::loom::…` and never `std::sync` directly, so the loom models in
//! `src/tests/` check the same code that ships. The one exception is [`ClockMutex`]: the clock's
//! own lock only guards a pair of instants and never nests with another lock, so it stays std's
//! under loom too, which keeps the models small.

#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Mutex, MutexGuard};

/// The lock of a [`Clock`](crate::Clock); always std's (see the module docs).
pub(crate) use std::sync::Mutex as ClockMutex;
