//! Executor-agnostic async synchronisation for heddle: channels, locks, semaphores and signals.
//!
//! Every type here works under any executor (heddle's, another runtime's, or
//! `futures::executor::block_on`): waiting is done with the [`Waker`](std::task::Waker) of the
//! polling task, never with a thread-local runtime handle. The crate is layer 1 of heddle; it
//! depends only on `heddle-task` (for the cooperative budget and the runtime mark) and the
//! `heddle` facade re-exports it as `heddle::sync`. It is not an executor and does no I/O.
//!
//! # Synchronous code
//!
//! Code outside async (a plain thread, a `spawn_blocking` closure) uses the `blocking_*`
//! twins, named as in tokio: [`mpsc::Sender::blocking_send`],
//! [`mpsc::Receiver::blocking_recv`], [`mpsc::UnboundedReceiver::blocking_recv`],
//! [`oneshot::Receiver::blocking_recv`], [`broadcast::Receiver::blocking_recv`],
//! [`Mutex::blocking_lock`], [`Mutex::blocking_lock_owned`], [`RwLock::blocking_read`] and
//! [`RwLock::blocking_write`]. They park the calling thread
//! until the operation completes, and panic on a thread that drives a runtime, where
//! blocking would stall its tasks (see `heddle_task::context`).
//!
//! # What to pick
//!
//! | need | use |
//! |---|---|
//! | a stream of values from many tasks to one | [`mpsc::channel`] (bounded, with back-pressure) or [`mpsc::unbounded_channel`] |
//! | one reply | [`oneshot`] |
//! | every listener sees every value | [`broadcast`] |
//! | listeners need only the latest value | [`watch`] |
//! | shared data, lock held across `.await` | [`Mutex`], [`RwLock`] |
//! | shared data, lock never held across `.await` | `std::sync::Mutex` is fine and faster |
//! | limit concurrency to N | [`Semaphore`] |
//! | "something changed, go look" | [`Notify`] |
//! | N tasks meet before continuing | [`Barrier`] |
//! | lazy async initialisation | [`OnceCell`] |
//! | wait for a value set once, elsewhere | [`SetOnce`] |
//! | ask a group of tasks to stop | [`CancellationToken`] |
//!
//! # Guarantees
//!
//! - **Fair:** every waiting primitive (the semaphore, the locks, bounded senders, `Notify`)
//!   serves waiters from one FIFO queue; later small requests never overtake an earlier one.
//! - **Cancel safe:** each future documents its behaviour under `# Cancel safety`. Dropping a
//!   pending `recv` never consumes a message; a waiter dropped after it was granted a permit,
//!   a lock or a notification, but before it observed it, passes the grant to the next waiter.
//! - **Nothing lost:** see the [`mpsc`] module docs.
//! - **Waker hygiene:** wakers are called after internal locks are released and after the
//!   operation's state is complete; a panicking waker does not stop the others from being woken
//!   and leaves every primitive consistent and usable (the panic is passed on to the caller
//!   that woke it, unless that caller is already unwinding: then it is swallowed rather than
//!   abort the process). A poll whose waker panics in `clone` leaves no trace: nothing counts
//!   it as a waiter.
//!
//! # Examples
//!
//! ```
//! use heddle_sync::{mpsc, oneshot};
//!
//! # futures::executor::block_on(async {
//! let (tx, mut rx) = mpsc::channel::<(u32, oneshot::Sender<u32>)>(16);
//! let server = async move {
//!     while let Some((n, reply)) = rx.recv().await {
//!         let _ = reply.send(n * 2);
//!     }
//! };
//! let client = async move {
//!     let (reply_tx, reply_rx) = oneshot::channel();
//!     tx.send((21, reply_tx)).await.unwrap();
//!     assert_eq!(reply_rx.await, Ok(42));
//! };
//! futures::join!(server, client);
//! # });
//! ```
//!
//! # Features
//!
//! None. The internal cfg `loom` (`RUSTFLAGS="--cfg loom"`) swaps the internal locks, atomics
//! and cells for loom's to run the models in `src/tests/`; loom's have no `const`
//! constructors, so the `const_new` constructors (for `static`s) are absent under it, as in
//! tokio.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

use heddle_loom as loom;

/// Defines a function that is `const` except under loom, whose locks and atomics have no
/// `const` constructors: the constructors below the public `const_new`s.
macro_rules! const_unless_loom {
    ($(#[$attr:meta])* $vis:vis fn $($rest:tt)*) => {
        #[cfg(not(loom))]
        $(#[$attr])* $vis const fn $($rest)*
        #[cfg(loom)]
        $(#[$attr])* $vis fn $($rest)*
    };
}

/// Implements `Debug` and `Display` of lock guards by showing the guarded value, as tokio's
/// guards do: `show_target!([generics] Guard<..> => Target, ...)`.
macro_rules! show_target {
    ($([$($generics:tt)*] $guard:ty => $target:ident),* $(,)?) => {$(
        impl<$($generics)*> std::fmt::Debug for $guard where $target: std::fmt::Debug {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&**self, f)
            }
        }
        impl<$($generics)*> std::fmt::Display for $guard where $target: std::fmt::Display {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&**self, f)
            }
        }
    )*};
}

mod atomic_waker;
mod barrier;
pub mod broadcast;
mod budget;
mod cancellation;
mod error;
pub mod mpsc;
mod mutex;
mod notify;
mod once_cell;
pub mod oneshot;
mod rwlock;
mod semaphore;
mod set_once;
pub mod timer;
mod wait;
mod waiters;
pub mod watch;

/// The futures of [`Notify`], under the path tokio gives them (`sync::futures`).
///
/// # Examples
///
/// ```
/// use heddle_sync::futures::Notified;
/// use heddle_sync::Notify;
///
/// let notify = Notify::new();
/// let notified: Notified<'_> = notify.notified();
/// notify.notify_one();
/// futures::executor::block_on(notified);
/// ```
pub mod futures {
    pub use crate::notify::{Notified, OwnedNotified};
}

#[cfg(all(test, loom))]
mod tests;

pub use barrier::{Barrier, BarrierWaitResult};
pub use cancellation::{
    CancellationToken, DropGuard, DropGuardRef, WaitForCancellationFuture,
    WaitForCancellationFutureOwned,
};
pub use error::{AcquireError, TryAcquireError, TryLockError};
pub use mutex::{MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard};
pub use notify::{Notified, Notify, OwnedNotified};
pub use once_cell::{OnceCell, SetError};
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
pub use set_once::{SetOnce, SetOnceError};
