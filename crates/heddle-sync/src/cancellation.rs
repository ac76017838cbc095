//! [`CancellationToken`]: a cloneable, tree-shaped "please stop" signal.
//!
//! # What to pick
//!
//! Use a token to ask a group of tasks to shut down: each task awaits
//! [`cancelled`](CancellationToken::cancelled) (typically in a `select!`) and cleans up.
//! [`child_token`](CancellationToken::child_token) builds a tree: cancelling a parent cancels all
//! its descendants, cancelling a child leaves the parent alone. For a one-off value, use a
//! [`oneshot`](crate::oneshot); to wake tasks repeatedly, a [`Notify`](crate::Notify).
//!
//! # Design
//!
//! Each node of the tree holds a closed-on-cancel [`WaitQueue`] with no permits: waiting for
//! cancellation is acquiring a permit that never comes, and cancelling is closing the queue,
//! which releases every waiter. A parent holds weak references to its children, a child a strong
//! one to its parent, so there are no reference cycles; a child removes itself from its parent
//! when it is dropped.

use crate::loom::Mutex;
use crate::waiters::{Acquire, AcquireOn, ArcQueue, WaitQueue, WakeList};
use slab::Slab;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
// Handles are plain `Arc`s; the synchronisation they reach is modelled through `WaitQueue`.
use std::sync::{Arc, Weak};

struct Node {
    parent: Option<(Arc<Node>, usize)>,
    /// Closed when cancelled; never has permits.
    event: WaitQueue,
    /// Live children; drained when this node is cancelled.
    children: Mutex<Slab<Weak<Node>>>,
}

impl Node {
    fn new(parent: Option<(Arc<Node>, usize)>) -> Self {
        Node {
            parent,
            event: WaitQueue::new(0, 0),
            children: Mutex::new(Slab::new()),
        }
    }

    fn is_cancelled(&self) -> bool {
        self.event.is_closed()
    }

    /// Cancels this node and every descendant, iteratively (no recursion on deep trees). The
    /// waiters are woken once the whole tree is cancelled, so a waker that panics cannot stop
    /// the cancellation half-way down.
    fn cancel(self: &Arc<Self>) {
        let mut wakers = WakeList::new();
        let mut pending = vec![self.clone()];
        while let Some(node) = pending.pop() {
            if !node.event.close_into(&mut wakers) {
                continue;
            }
            // `event` is closed before `children` is locked: `child_token` checks the flag under
            // the `children` lock, so every child is either drained here or born cancelled.
            let children: Vec<Weak<Node>> = node.children.lock().drain().collect();
            pending.extend(children.iter().filter_map(Weak::upgrade));
        }
        wakers.wake_all();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some((parent, key)) = &self.parent {
            let mut children = parent.children.lock();
            // The key may have been drained by a cancel and reused by a newer child.
            if children
                .get(*key)
                .is_some_and(|w| std::ptr::eq(w.as_ptr(), self))
            {
                children.remove(*key);
            }
        }
    }
}

/// A signal that tasks can await and any holder can trigger.
///
/// Clones share the same signal. Cancelling is idempotent and irreversible.
///
/// # Examples
///
/// ```
/// use heddle_sync::CancellationToken;
///
/// # futures::executor::block_on(async {
/// let token = CancellationToken::new();
/// let child = token.child_token();
/// std::thread::spawn(move || token.cancel()).join().unwrap();
/// child.cancelled().await;
/// assert!(child.is_cancelled());
/// # });
/// ```
#[derive(Clone)]
pub struct CancellationToken {
    node: Arc<Node>,
}

impl CancellationToken {
    /// A new, uncancelled root token.
    ///
    /// # Examples
    ///
    /// ```
    /// let token = heddle_sync::CancellationToken::new();
    /// assert!(!token.is_cancelled());
    /// ```
    pub fn new() -> Self {
        CancellationToken {
            node: Arc::new(Node::new(None)),
        }
    }

    /// A token cancelled when this one is (or at once, if it already is). Cancelling the child
    /// does not cancel this token.
    ///
    /// # Examples
    ///
    /// ```
    /// let parent = heddle_sync::CancellationToken::new();
    /// let child = parent.child_token();
    /// child.cancel();
    /// assert!(!parent.is_cancelled());
    /// let child = parent.child_token();
    /// parent.cancel();
    /// assert!(child.is_cancelled());
    /// ```
    pub fn child_token(&self) -> CancellationToken {
        let mut children = self.node.children.lock();
        if self.node.is_cancelled() {
            drop(children);
            let child = CancellationToken::new();
            child.cancel();
            return child;
        }
        let entry = children.vacant_entry();
        let node = Arc::new(Node::new(Some((self.node.clone(), entry.key()))));
        entry.insert(Arc::downgrade(&node));
        CancellationToken { node }
    }

    /// Cancels this token and all its descendants, waking every task awaiting
    /// [`cancelled`](Self::cancelled).
    ///
    /// # Examples
    ///
    /// ```
    /// let token = heddle_sync::CancellationToken::new();
    /// token.cancel();
    /// token.cancel(); // idempotent
    /// assert!(token.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        self.node.cancel();
    }

    /// Whether this token was cancelled (directly or through an ancestor).
    ///
    /// # Examples
    ///
    /// ```
    /// let token = heddle_sync::CancellationToken::new();
    /// assert!(!token.clone().is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.node.is_cancelled()
    }

    /// Completes when the token is cancelled.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future has no effect on the token.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let token = heddle_sync::CancellationToken::new();
    /// token.cancel();
    /// token.cancelled().await;
    /// # });
    /// ```
    pub fn cancelled(&self) -> WaitForCancellationFuture<'_> {
        // The queue has no permits; the acquire only ends when it is closed by `cancel`.
        WaitForCancellationFuture {
            acquire: self.node.event.acquire(1),
        }
    }

    /// Like [`cancelled`](Self::cancelled), but the future owns a clone of the token, so it can
    /// be stored or sent without borrowing.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`cancelled`](Self::cancelled).
    ///
    /// # Examples
    ///
    /// ```
    /// let token = heddle_sync::CancellationToken::new();
    /// let wait = token.clone().cancelled_owned();
    /// let handle = std::thread::spawn(move || futures::executor::block_on(wait));
    /// token.cancel();
    /// handle.join().unwrap();
    /// ```
    pub fn cancelled_owned(self) -> WaitForCancellationFutureOwned {
        WaitForCancellationFutureOwned {
            acquire: AcquireOn::new(ArcQueue::new(self.node, |node| &node.event), 1),
        }
    }

    /// Runs `future` to completion unless the token is cancelled first: `Some(output)`, or
    /// `None` once the token is cancelled (then `future` is dropped unfinished). Cancellation is
    /// checked before each poll of `future`, so an already cancelled token never polls it.
    ///
    /// # Cancel safety
    ///
    /// As cancel safe as `future`.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let token = heddle_sync::CancellationToken::new();
    /// assert_eq!(token.run_until_cancelled(async { 1 }).await, Some(1));
    /// token.cancel();
    /// assert_eq!(token.run_until_cancelled(async { 2 }).await, None);
    /// # });
    /// ```
    pub async fn run_until_cancelled<F: Future>(&self, future: F) -> Option<F::Output> {
        run_until(self.cancelled(), future).await
    }

    /// [`run_until_cancelled`](Self::run_until_cancelled) owning the token, so the future
    /// borrows nothing.
    ///
    /// # Cancel safety
    ///
    /// As cancel safe as `future`.
    ///
    /// # Examples
    ///
    /// ```
    /// let token = heddle_sync::CancellationToken::new();
    /// let work = token.clone().run_until_cancelled_owned(std::future::pending::<()>());
    /// let worker = std::thread::spawn(move || futures::executor::block_on(work));
    /// token.cancel();
    /// assert_eq!(worker.join().unwrap(), None);
    /// ```
    pub async fn run_until_cancelled_owned<F: Future>(self, future: F) -> Option<F::Output> {
        run_until(self.cancelled_owned(), future).await
    }

    /// A guard that cancels this token when dropped, unless [`disarm`](DropGuard::disarm)ed.
    ///
    /// # Examples
    ///
    /// ```
    /// let token = heddle_sync::CancellationToken::new();
    /// drop(token.clone().drop_guard());
    /// assert!(token.is_cancelled());
    /// ```
    pub fn drop_guard(self) -> DropGuard {
        DropGuard { token: Some(self) }
    }

    /// A guard that cancels this token when dropped, unless [`disarm`](DropGuardRef::disarm)ed;
    /// it borrows the token rather than owning a clone.
    ///
    /// # Examples
    ///
    /// ```
    /// let token = heddle_sync::CancellationToken::new();
    /// drop(token.drop_guard_ref());
    /// assert!(token.is_cancelled());
    /// ```
    pub fn drop_guard_ref(&self) -> DropGuardRef<'_> {
        DropGuardRef { token: Some(self) }
    }
}

/// Polls `cancelled` first, then `future`: `None` as soon as the token is cancelled.
async fn run_until<F: Future>(cancelled: impl Future<Output = ()>, future: F) -> Option<F::Output> {
    let mut cancelled = pin!(cancelled);
    let mut future = pin!(future);
    poll_fn(|cx| {
        if cancelled.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        future.as_mut().poll(cx).map(Some)
    })
    .await
}

/// The future returned by [`CancellationToken::cancelled`]: completes when the token is
/// cancelled.
///
/// # Cancel safety
///
/// Cancel safe: dropping it has no effect on the token.
///
/// # Examples
///
/// ```
/// let token = heddle_sync::CancellationToken::new();
/// let wait: heddle_sync::WaitForCancellationFuture<'_> = token.cancelled();
/// token.cancel();
/// futures::executor::block_on(wait);
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct WaitForCancellationFuture<'a> {
    acquire: Acquire<'a>,
}

/// The future returned by [`CancellationToken::cancelled_owned`]: completes when the token is
/// cancelled, and holds the token.
///
/// # Cancel safety
///
/// Cancel safe: dropping it has no effect on the token.
///
/// # Examples
///
/// ```
/// let token = heddle_sync::CancellationToken::new();
/// let wait: heddle_sync::WaitForCancellationFutureOwned = token.clone().cancelled_owned();
/// token.cancel();
/// futures::executor::block_on(wait);
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct WaitForCancellationFutureOwned {
    acquire: AcquireOn<ArcQueue<Node>>,
}

/// `Future` and `Debug` of both cancellation futures.
macro_rules! wait_for_cancellation_impls {
    ($($ty:ty),*) => {$(
        impl Future for $ty {
            type Output = ();

            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
                // Closing the queue (`cancel`) is the only way the acquire ends.
                Pin::new(&mut self.acquire).poll(cx).map(|_| ())
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty)).finish_non_exhaustive()
            }
        }
    )*};
}

wait_for_cancellation_impls!(
    WaitForCancellationFuture<'_>,
    WaitForCancellationFutureOwned
);

impl Default for CancellationToken {
    fn default() -> Self {
        CancellationToken::new()
    }
}

impl fmt::Debug for CancellationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancellationToken")
            .field("is_cancelled", &self.is_cancelled())
            .finish()
    }
}

/// Cancels its token when dropped; see [`CancellationToken::drop_guard`].
///
/// # Examples
///
/// ```
/// let token = heddle_sync::CancellationToken::new();
/// {
///     let _guard = token.clone().drop_guard();
/// }
/// assert!(token.is_cancelled());
/// ```
#[must_use = "the token is cancelled when the guard is dropped"]
#[derive(Debug)]
pub struct DropGuard {
    token: Option<CancellationToken>,
}

impl DropGuard {
    /// Returns the token without cancelling it.
    ///
    /// # Examples
    ///
    /// ```
    /// let guard = heddle_sync::CancellationToken::new().drop_guard();
    /// let token = guard.disarm();
    /// assert!(!token.is_cancelled());
    /// ```
    pub fn disarm(mut self) -> CancellationToken {
        self.token
            .take()
            .expect("a DropGuard holds its token until dropped or disarmed")
    }
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        if let Some(token) = &self.token {
            token.cancel();
        }
    }
}

/// A guard that cancels a borrowed token when dropped, unless disarmed; made by
/// [`CancellationToken::drop_guard_ref`].
///
/// # Examples
///
/// ```
/// let token = heddle_sync::CancellationToken::new();
/// {
///     let _guard = token.drop_guard_ref();
/// }
/// assert!(token.is_cancelled());
/// ```
#[must_use = "the token is cancelled when the guard is dropped"]
#[derive(Debug)]
pub struct DropGuardRef<'a> {
    token: Option<&'a CancellationToken>,
}

impl<'a> DropGuardRef<'a> {
    /// Returns the token without cancelling it.
    ///
    /// # Examples
    ///
    /// ```
    /// let token = heddle_sync::CancellationToken::new();
    /// let same = token.drop_guard_ref().disarm();
    /// assert!(!same.is_cancelled());
    /// ```
    pub fn disarm(mut self) -> &'a CancellationToken {
        self.token
            .take()
            .expect("a DropGuardRef holds its token until dropped or disarmed")
    }
}

impl Drop for DropGuardRef<'_> {
    fn drop(&mut self) {
        if let Some(token) = self.token {
            token.cancel();
        }
    }
}
