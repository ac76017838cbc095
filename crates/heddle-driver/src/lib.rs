//! The contract between a heddle executor and whatever it blocks on when it has no work.
//!
//! An executor runs tasks until its queues are empty, then calls [`Driver::park`]. The driver
//! blocks the thread until something happens: an I/O event (the reactor), a deadline (the timer
//! driver), or an explicit [`Unparker::unpark`] from another thread (a task woken remotely).
//! Executors are generic over `D: Driver`, so one executor runs on a plain [`ThreadParker`]
//! (pure computation), on the reactor and timer stack that the `heddle` facade composes, or on a
//! driver a user writes.
//!
//! This crate is layer 0: it depends on `std` only and knows nothing of tasks, I/O or time
//! wheels. It is not an executor and not a reactor; it is the small seam between them.
//!
//! # Guarantees every driver gives
//!
//! 1. **An unpark is never lost.** If [`Unparker::unpark`] is called before (or while) the
//!    driver parks, that park returns promptly instead of blocking. One unpark releases at most
//!    one park: the notification is a token, not a counter.
//! 2. **Spurious returns are allowed.** [`Driver::park`] and [`Driver::park_timeout`] may return
//!    without any unpark and before the timeout. Callers re-check their queues after every
//!    return, so this is never a correctness problem.
//! 3. [`Driver::park_timeout`] with [`Duration::ZERO`] never blocks: it processes whatever is
//!    ready (for I/O drivers, polls for events) and returns.
//! 4. `park` is only called by the one thread that owns the driver (`&mut self`); `unpark`
//!    may be called from any thread, any number of times, through cloned [`Unparker`]s.
//!
//! # Examples
//!
//! ```
//! use heddle_driver::{Driver, ThreadParker, Unparker};
//! use std::time::Duration;
//!
//! let mut parker = ThreadParker::new();
//! let unparker = parker.unparker();
//!
//! // An unpark that comes before the park is not lost: this park returns at once.
//! unparker.unpark();
//! parker.park();
//!
//! // Wake the parked thread from another thread.
//! let handle = std::thread::spawn(move || unparker.unpark());
//! parker.park_timeout(Duration::from_secs(10));
//! handle.join().unwrap();
//! ```
#![deny(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

use heddle_loom as loom;

mod thread_parker;

use std::time::Duration;

pub use thread_parker::{ThreadParker, ThreadUnparker};

/// What an executor blocks on when it has no work.
///
/// See the [crate docs](crate) for the guarantees every implementation gives (an unpark is
/// never lost; spurious returns are allowed; a zero timeout never blocks).
///
/// # Examples
///
/// A driver that wraps another one and counts how often the executor parked:
///
/// ```
/// use heddle_driver::{Driver, ThreadParker};
/// use std::time::Duration;
///
/// struct Counting<D> {
///     inner: D,
///     parks: u64,
/// }
///
/// impl<D: Driver> Driver for Counting<D> {
///     type Unparker = D::Unparker;
///
///     fn park(&mut self) {
///         self.parks += 1;
///         self.inner.park();
///     }
///
///     fn park_timeout(&mut self, timeout: Duration) {
///         self.parks += 1;
///         self.inner.park_timeout(timeout);
///     }
///
///     fn unparker(&self) -> D::Unparker {
///         self.inner.unparker()
///     }
/// }
///
/// let mut driver = Counting { inner: ThreadParker::new(), parks: 0 };
/// driver.park_timeout(Duration::ZERO);
/// assert_eq!(driver.parks, 1);
/// ```
pub trait Driver {
    /// The handle that wakes this driver from other threads.
    type Unparker: Unparker;

    /// Blocks the current thread until unparked or until the driver has processed an event.
    ///
    /// May return spuriously. An [`Unparker::unpark`] that happened since the previous return
    /// makes this return promptly.
    fn park(&mut self);

    /// Like [`park`](Driver::park), but returns after at most `timeout` (give or take the OS
    /// timer's precision). A zero timeout processes what is ready without blocking.
    fn park_timeout(&mut self, timeout: Duration);

    /// Returns a handle that wakes this driver from any thread.
    fn unparker(&self) -> Self::Unparker;
}

/// Wakes a parked [`Driver`] from any thread.
///
/// Cloning is cheap; every clone wakes the same driver. An unpark with no park in progress is
/// remembered until the next park (at most one such token is kept).
///
/// # Examples
///
/// ```
/// use heddle_driver::{Driver, ThreadParker, Unparker};
///
/// let mut parker = ThreadParker::new();
/// let unparker = parker.unparker();
/// let other = unparker.clone();
/// std::thread::spawn(move || other.unpark()).join().unwrap();
/// parker.park(); // returns at once: the token was stored
/// ```
pub trait Unparker: Clone + Send + Sync + 'static {
    /// Makes the driver's current or next park return.
    fn unpark(&self);
}

#[cfg(all(test, loom))]
mod tests;
