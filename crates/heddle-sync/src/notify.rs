//! [`Notify`]: wake one task or all waiting tasks, without passing data.
//!
//! # What to pick
//!
//! `Notify` is the building block for "something changed, go look": a task waits on
//! [`Notify::notified`] and re-checks shared state when woken. To pass a value, use a channel;
//! to wait for a value to change, [`watch`](crate::watch); to wait once for a one-off event
//! such as shutdown, a [`CancellationToken`](crate::CancellationToken).
//!
//! # Semantics
//!
//! - [`notify_one`](Notify::notify_one) wakes the oldest waiter, or, if nobody waits, stores
//!   one permit (at most one) that the next `notified().await` consumes at once.
//!   [`notify_last`](Notify::notify_last) does the same but wakes the newest waiter.
//! - [`notify_waiters`](Notify::notify_waiters) wakes every [`Notified`] future that exists at
//!   the time of the call (even one not yet polled) and stores nothing.
//! - A `notify_one` granted to a future that is dropped before it observed it passes on to the
//!   next waiter (or is stored again), so it is never lost.

use crate::waiters::{AcquireOn, ArcQueue, WaitQueue};
use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
// `notified_owned` takes `self: Arc<Self>`, which needs std's `Arc`.
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Notifies one task, or all waiting tasks.
///
/// # Examples
///
/// ```
/// use heddle_sync::Notify;
/// use std::sync::Arc;
///
/// # futures::executor::block_on(async {
/// let notify = Arc::new(Notify::new());
/// let notify2 = notify.clone();
/// let handle = std::thread::spawn(move || notify2.notify_one());
/// notify.notified().await;
/// handle.join().unwrap();
/// # });
/// ```
pub struct Notify {
    /// Zero or one stored permit (`cap` 1); never closed.
    queue: WaitQueue,
}

impl Notify {
    /// Creates a `Notify` with no stored permit.
    ///
    /// # Examples
    ///
    /// ```
    /// let notify = heddle_sync::Notify::new();
    /// notify.notify_one();
    /// # futures::executor::block_on(notify.notified());
    /// ```
    pub fn new() -> Self {
        Self::empty()
    }

    /// Creates a `Notify` with no stored permit, in a `const` context: for `static`s. (Not
    /// under the `loom` cfg, whose types have no `const` constructors.)
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_sync::Notify;
    ///
    /// static READY: Notify = Notify::const_new();
    /// READY.notify_one();
    /// # futures::executor::block_on(READY.notified());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Self {
        Self::empty()
    }

    const_unless_loom! {
        fn empty() -> Self {
            Notify {
                queue: WaitQueue::new(0, 1),
            }
        }
    }

    /// A future that completes when this `Notify` is notified.
    ///
    /// It is counted as a waiter for [`notify_waiters`](Self::notify_waiters) from the moment it
    /// is created; it joins the queue for [`notify_one`](Self::notify_one) on its first poll.
    ///
    /// # Examples
    ///
    /// ```
    /// let notify = heddle_sync::Notify::new();
    /// let notified = notify.notified();
    /// notify.notify_waiters();
    /// futures::executor::block_on(notified);
    /// ```
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            wait: Wait::new(self.queue.acquire_or_broadcast()),
        }
    }

    /// [`notified`](Self::notified) for a `Notify` held through an [`Arc`]: the future owns
    /// its handle, so it can be stored or moved into a task.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let notify = Arc::new(heddle_sync::Notify::new());
    /// let notified: heddle_sync::OwnedNotified = notify.clone().notified_owned();
    /// let waiter = std::thread::spawn(move || futures::executor::block_on(notified));
    /// notify.notify_waiters();
    /// waiter.join().unwrap();
    /// ```
    pub fn notified_owned(self: Arc<Self>) -> OwnedNotified {
        OwnedNotified {
            wait: Wait::new(AcquireOn::or_broadcast(ArcQueue::new(self, |n| &n.queue))),
        }
    }

    /// Wakes the oldest waiter, or stores one permit for the next one if nobody waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let notify = heddle_sync::Notify::new();
    /// notify.notify_one();
    /// notify.notify_one(); // at most one permit is stored
    /// futures::executor::block_on(notify.notified());
    /// ```
    pub fn notify_one(&self) {
        self.queue.release(1);
    }

    /// Wakes the newest waiter (the last to start waiting), or stores one permit for the next
    /// one if nobody waits.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let notify = heddle_sync::Notify::new();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let (mut first, mut second) = (pin!(notify.notified()), pin!(notify.notified()));
    /// assert!(first.as_mut().poll(&mut cx).is_pending());
    /// assert!(second.as_mut().poll(&mut cx).is_pending());
    /// notify.notify_last();
    /// assert!(first.as_mut().poll(&mut cx).is_pending());
    /// assert_eq!(second.as_mut().poll(&mut cx), Poll::Ready(()));
    /// ```
    pub fn notify_last(&self) {
        self.queue.release_to_newest();
    }

    /// Wakes every [`Notified`] future created before this call; stores nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// let notify = heddle_sync::Notify::new();
    /// let a = notify.notified();
    /// let b = notify.notified();
    /// notify.notify_waiters();
    /// futures::executor::block_on(async { a.await; b.await });
    /// ```
    pub fn notify_waiters(&self) {
        self.queue.grant_all();
    }
}

impl Default for Notify {
    fn default() -> Self {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notify").finish_non_exhaustive()
    }
}

/// The future returned by [`Notify::notified`].
///
/// # Cancel safety
///
/// Cancel safe: dropping it leaves the queue, and a [`Notify::notify_one`] that had been granted
/// to it but not observed passes to the next waiter (or is stored as the permit).
///
/// # Examples
///
/// ```
/// let notify = heddle_sync::Notify::new();
/// let notified: heddle_sync::Notified<'_> = notify.notified();
/// notify.notify_one();
/// futures::executor::block_on(notified);
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Notified<'a> {
    wait: Wait<&'a WaitQueue>,
}

/// The future returned by [`Notify::notified_owned`]: [`Notified`] holding its `Notify`
/// through an [`Arc`].
///
/// # Cancel safety
///
/// As for [`Notified`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// let notify = Arc::new(heddle_sync::Notify::new());
/// let notified = notify.clone().notified_owned();
/// notify.notify_one();
/// futures::executor::block_on(notified);
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct OwnedNotified {
    wait: Wait<ArcQueue<Notify>>,
}

/// The state both notified futures share: the wait, and whether it already completed
/// (through `enable`, which must not take a second notification on the next poll).
#[derive(Debug)]
struct Wait<Q: Deref<Target = WaitQueue>> {
    acquire: AcquireOn<Q>,
    notified: bool,
}

impl<Q: Deref<Target = WaitQueue> + Unpin> Wait<Q> {
    fn new(acquire: AcquireOn<Q>) -> Self {
        Wait {
            acquire,
            notified: false,
        }
    }

    /// Under the cooperative budget (see `budget`), as a task's poll.
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        crate::budget::budgeted(cx, |cx| self.poll_unbudgeted(cx))
    }

    fn poll_unbudgeted(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if !self.notified {
            // The queue of a `Notify` is never closed, so the result is always `Ok`.
            let _ = std::task::ready!(self.acquire.poll_acquire(cx));
            self.notified = true;
        }
        Poll::Ready(())
    }

    fn enable(&mut self) -> bool {
        self.poll_unbudgeted(&mut Context::from_waker(Waker::noop()))
            .is_ready()
    }
}

/// `enable` and `Future` of both notified futures.
macro_rules! notified_impls {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Joins the queue for [`Notify::notify_one`] now, before the first poll, and says
            /// whether this future was already notified (it is then ready at once). Until it is
            /// polled, being notified wakes nothing.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::pin::pin;
            ///
            /// let notify = heddle_sync::Notify::new();
            /// let mut notified = pin!(notify.notified());
            /// assert!(!notified.as_mut().enable());
            /// notify.notify_one();
            /// assert!(notified.as_mut().enable());
            /// futures::executor::block_on(notified);
            /// ```
            pub fn enable(mut self: Pin<&mut Self>) -> bool {
                self.wait.enable()
            }
        }

        impl Future for $ty {
            type Output = ();

            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
                self.wait.poll(cx)
            }
        }
    )*};
}

notified_impls!(Notified<'_>, OwnedNotified);
