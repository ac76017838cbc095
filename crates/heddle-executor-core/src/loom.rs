//! The synchronisation primitives this crate uses: loom's under `--cfg loom`, std's otherwise,
//! so that the executors' loom models check the registry and the drain as they ship.

#[cfg(loom)]
pub(crate) use loom::sync::{
    atomic::{AtomicU64, Ordering},
    Mutex, MutexGuard,
};

#[cfg(not(loom))]
pub(crate) use std::sync::{
    atomic::{AtomicU64, Ordering},
    Mutex, MutexGuard,
};

/// A process-wide counter held in a `static`, which loom's atomics cannot be (their
/// constructor is not `const`); no model depends on its value.
pub(crate) use std::sync::atomic::AtomicU64 as StaticAtomicU64;
