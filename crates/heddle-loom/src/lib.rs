//! heddle's one loom shim: the synchronisation primitives every heddle crate uses, loom's
//! under `--cfg loom` and std's otherwise, behind one API.
//!
//! **What it is.** Each concurrent crate imports its atomics, locks, `Arc` and `UnsafeCell`
//! from here (as `crate::loom`, `use heddle_loom as loom;` at its root) and never from
//! `std::sync` directly, so the loom models in each crate's `src/tests/` check the code that
//! ships. `cargo xtask tidy` enforces that. Three adaptations keep call sites identical on both
//! sides:
//!
//! - [`Mutex`], [`RwLock`] and [`Condvar`] ignore poisoning. Every heddle lock guards
//!   bookkeeping that no code running under it can leave half-updated: wakers are woken and
//!   user values dropped after unlocking, and where user code does run under a lock (a waker's
//!   `clone`), the crate's own docs say why its state stays whole. A panic while a lock is held
//!   therefore never needs to be reported to the next locker.
//! - [`UnsafeCell`] on the std side offers loom's closure API (`with`, `with_mut`).
//! - [`Backoff`] spins, then yields; under loom it always yields, so a model that waits for
//!   another thread's short step lets loom schedule that thread.
//!
//! [`unmodelled`] holds std's atomics for what loom must not or cannot see: counters in
//! `static`s (loom's constructors are not `const`) and counters no protocol depends on.
//!
//! **What it is not.** Not a general-purpose sync library, and not loom itself: the models
//! live in the crates they check (`docs/verification.md` lists them).
//!
//! **Where it sits.** Layer 0, below everything; it depends on std (and loom under
//! `--cfg loom`) only.
//!
//! # Examples
//!
//! ```
//! use heddle_loom::{Arc, AtomicUsize, Mutex, Ordering};
//!
//! let count = Arc::new(AtomicUsize::new(0));
//! let log = Mutex::new(Vec::new());
//! count.fetch_add(1, Ordering::Relaxed);
//! log.lock().push(count.load(Ordering::Relaxed));
//! assert_eq!(*log.lock(), [1]);
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

mod backoff;
mod cell;
mod lock;
pub mod unmodelled;

pub use backoff::Backoff;
pub use cell::UnsafeCell;
pub use lock::{Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

#[cfg(loom)]
pub use loom::sync::{
    atomic::{
        fence, AtomicBool, AtomicIsize, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
    },
    Arc, WaitTimeoutResult,
};

#[cfg(not(loom))]
pub use std::sync::{
    atomic::{
        fence, AtomicBool, AtomicIsize, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
    },
    Arc, WaitTimeoutResult,
};
