//! The synchronisation primitives this crate uses: loom's under `--cfg loom`, std's otherwise.
//!
//! Code imports `crate::loom::…` and never `std::sync` directly, so the loom models in
//! `src/tests/` check the same code that ships.

#[cfg(loom)]
pub(crate) use loom::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Condvar, Mutex,
};

#[cfg(not(loom))]
pub(crate) use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Condvar, Mutex,
};
