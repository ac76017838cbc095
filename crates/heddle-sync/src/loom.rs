//! The synchronisation primitives this crate uses: loom's under `--cfg loom`, std's otherwise.
//!
//! Code imports `crate::loom::…` and never `std::sync` directly, so the loom models in
//! `src/tests/` check the same code that ships. Two small adaptations keep call sites identical
//! on both sides:
//!
//! - [`Mutex::lock`] and the [`RwLock`] methods ignore poisoning. That is sound because no user
//!   code that runs while one of them is held can leave the state it protects half-updated:
//!   wakers are called and messages dropped after unlocking; a waker's `clone` runs before any
//!   state says that waiter exists, or in an assignment that keeps the old waker if it panics;
//!   a message's `clone` (broadcast) runs after the receiver's cursor moved past it, so a panic
//!   skips that message for that receiver; a closure given the value
//!   (`watch::Sender::send_modify`) leaves it as it left it, and the receivers are told.
//! - [`UnsafeCell`] on the std side offers loom's closure API (`with`, `with_mut`), so accesses
//!   are written the same way and loom can check them.
//! - [`Backoff`] spins, then yields the thread; under loom it always yields, so a model that
//!   waits for another thread's short step lets loom schedule that thread.

#[cfg(loom)]
pub(crate) use loom::sync::{
    atomic::{fence, AtomicPtr, AtomicUsize, Ordering},
    Arc,
};
#[cfg(not(loom))]
#[allow(unused_imports)]
pub(crate) use std::sync::{
    atomic::{fence, AtomicPtr, AtomicUsize, Ordering},
    Arc,
};

/// Waits a moment for another thread to finish a short critical step (a sender between
/// claiming a slot and writing it): spins first, then yields the thread. Under loom it always
/// yields, so the model schedules the other thread.
#[derive(Debug, Default)]
pub(crate) struct Backoff(u32);

impl Backoff {
    pub(crate) fn snooze(&mut self) {
        #[cfg(loom)]
        loom::thread::yield_now();
        #[cfg(not(loom))]
        if self.0 < 6 {
            for _ in 0..1u32 << self.0 {
                std::hint::spin_loop();
            }
        } else {
            std::thread::yield_now();
        }
        self.0 = self.0.saturating_add(1);
    }
}

#[cfg(loom)]
use loom::sync as imp;
#[cfg(not(loom))]
use std::sync as imp;

pub(crate) use imp::{MutexGuard, RwLockReadGuard, RwLockWriteGuard};

/// A mutex whose `lock` never reports poisoning (see the module docs for why that is sound).
#[derive(Debug)]
pub(crate) struct Mutex<T>(imp::Mutex<T>);

impl<T> Mutex<T> {
    pub(crate) fn new(value: T) -> Self {
        Mutex(imp::Mutex::new(value))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A reader-writer lock whose methods never report poisoning.
#[derive(Debug)]
pub(crate) struct RwLock<T>(imp::RwLock<T>);

impl<T> RwLock<T> {
    pub(crate) fn new(value: T) -> Self {
        RwLock(imp::RwLock::new(value))
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, T> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.0.write().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(loom)]
pub(crate) use loom::cell::UnsafeCell;

/// `std::cell::UnsafeCell` with loom's closure-based access API.
#[cfg(not(loom))]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(data: T) -> Self {
        UnsafeCell(std::cell::UnsafeCell::new(data))
    }

    /// Runs `f` with a shared pointer to the value.
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Runs `f` with a unique pointer to the value.
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }

    pub(crate) fn into_inner(self) -> T {
        self.0.into_inner()
    }
}
