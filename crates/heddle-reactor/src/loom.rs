//! The synchronisation primitives this crate uses: loom's under `--cfg loom`, std's otherwise.
//!
//! The per-source state machine ([`crate::source`]) and the key registry
//! ([`crate::registry`]) import their locks from here and never from `std::sync` directly, so
//! the loom models in `src/tests/` check the same code that ships. The OS poller is not
//! modelled: loom cannot run `epoll`, which is why the state machine is factored out of it.

#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Mutex, MutexGuard};
