//! A single-producer, multi-consumer channel that holds one value: the latest.
//!
//! # What to pick
//!
//! Use it for state that changes over time (configuration, connection status, progress):
//! receivers read the current value with [`Receiver::borrow`] and wait for the next change with
//! [`Receiver::changed`]. Intermediate values may be skipped, but a receiver never misses the
//! latest one. If every value matters, use [`broadcast`](crate::broadcast) or
//! [`mpsc`](crate::mpsc).
//!
//! # Design
//!
//! The value sits in an `RwLock` (read by `borrow`, written by `send`); a separate mutex holds
//! the version counter, the receivers' waker slots and the liveness counts. A sender writes the
//! value first and bumps the version second, and a receiver reads the version first and the
//! value second, so the value a receiver sees is never older than the version it marks seen.

use crate::loom::{Mutex, RwLock, RwLockReadGuard};
use crate::waiters::WakeList;
use slab::Slab;
use std::fmt;
use std::future::poll_fn;
use std::ops::Deref;
use std::sync::Arc;
use std::task::{Poll, Waker};

pub mod error {
    //! Errors of the [`watch`](super) channel.

    use std::fmt;

    /// No receiver exists; the value is handed back and not stored.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::watch::channel(0);
    /// drop(rx);
    /// assert_eq!(tx.send(1).unwrap_err().0, 1);
    /// ```
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// The sender is gone and there is no unseen value.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::watch::channel(0);
    /// drop(tx);
    /// assert!(rx.changed().await.is_err());
    /// # });
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct RecvError(pub ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}
}

use error::{RecvError, SendError};

struct State {
    /// Bumped by every send, after the value was written.
    version: u64,
    tx_alive: bool,
    rx_count: usize,
    /// One slot per receiver for the waker of its pending `changed`.
    wakers: Slab<Option<Waker>>,
}

struct Shared<T> {
    value: RwLock<T>,
    state: Mutex<State>,
}

/// Creates a watch channel holding `init`.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = heddle_sync::watch::channel("off");
/// tx.send("on").unwrap();
/// rx.changed().await.unwrap();
/// assert_eq!(*rx.borrow_and_update(), "on");
/// # });
/// ```
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        value: RwLock::new(init),
        state: Mutex::new(State {
            version: 0,
            tx_alive: true,
            rx_count: 0,
            wakers: Slab::new(),
        }),
    });
    let rx = Receiver::new(shared.clone());
    (Sender { shared }, rx)
}

/// The sending half.
///
/// # Examples
///
/// ```
/// let (tx, rx) = heddle_sync::watch::channel(1);
/// tx.send_modify(|v| *v += 1);
/// assert_eq!(*rx.borrow(), 2);
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A receiving half; clone it or [`Sender::subscribe`] for more.
///
/// # Examples
///
/// ```
/// let (tx, rx) = heddle_sync::watch::channel(1);
/// let rx2 = rx.clone();
/// tx.send(2).unwrap();
/// assert_eq!(*rx2.borrow(), 2);
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The version this receiver has marked seen.
    seen: u64,
    key: usize,
}

/// A read guard over the current value; hold it briefly, it blocks senders.
///
/// # Examples
///
/// ```
/// let (_tx, rx) = heddle_sync::watch::channel(String::from("a"));
/// let value: heddle_sync::watch::Ref<'_, String> = rx.borrow();
/// assert_eq!(value.len(), 1);
/// ```
///
/// Like a std read guard, it is not `Send`:
///
/// ```compile_fail
/// fn require_send<T: Send>(_: T) {}
/// let (_tx, rx) = heddle_sync::watch::channel(0);
/// require_send(rx.borrow());
/// ```
pub struct Ref<'a, T> {
    guard: RwLockReadGuard<'a, T>,
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T> Sender<T> {
    /// Stores `value` and notifies receivers.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the value (not stored) if no receiver exists.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert_eq!(*rx.borrow(), 1);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.receiver_count() == 0 {
            return Err(SendError(value));
        }
        drop(self.send_replace(value));
        Ok(())
    }

    /// Stores `value` even without receivers, notifies receivers and returns the old value.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::watch::channel(0);
    /// assert_eq!(tx.send_replace(1), 0);
    /// ```
    pub fn send_replace(&self, value: T) -> T {
        let mut value = value;
        self.send_modify(|v| std::mem::swap(v, &mut value));
        value
    }

    /// Modifies the value in place, then notifies receivers (even if `modify` panics, the
    /// receivers are told the value may have changed).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::watch::channel(vec![1]);
    /// tx.send_modify(|v| v.push(2));
    /// assert_eq!(*rx.borrow(), [1, 2]);
    /// ```
    pub fn send_modify(&self, modify: impl FnOnce(&mut T)) {
        struct Bump<'a, T>(&'a Shared<T>);
        impl<T> Drop for Bump<'_, T> {
            fn drop(&mut self) {
                let mut wakers = WakeList::new();
                {
                    let mut state = self.0.state.lock();
                    state.version += 1;
                    for (_, waker) in state.wakers.iter_mut() {
                        wakers.push(waker.take());
                    }
                }
                wakers.wake_all();
            }
        }
        let _bump = Bump(&self.shared);
        let mut guard = self.shared.value.write();
        modify(&mut guard);
    }

    /// The current value.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::watch::channel(3);
    /// assert_eq!(*tx.borrow(), 3);
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            guard: self.shared.value.read(),
        }
    }

    /// A new receiver; the current value counts as seen.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::watch::channel(0);
    /// let rx = tx.subscribe();
    /// assert_eq!(rx.has_changed(), Ok(false));
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        Receiver::new(self.shared.clone())
    }

    /// How many receivers exist.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::watch::channel(0);
    /// drop(rx);
    /// assert_eq!(tx.receiver_count(), 0);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.state.lock().rx_count
    }

    /// Whether no receiver exists.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::watch::channel(0);
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut wakers = WakeList::new();
        {
            let mut state = self.shared.state.lock();
            state.tx_alive = false;
            for (_, waker) in state.wakers.iter_mut() {
                wakers.push(waker.take());
            }
        }
        wakers.wake_all();
    }
}

impl<T> Receiver<T> {
    fn new(shared: Arc<Shared<T>>) -> Self {
        let (seen, key) = {
            let mut state = shared.state.lock();
            state.rx_count += 1;
            (state.version, state.wakers.insert(None))
        };
        Receiver { shared, seen, key }
    }

    /// The current value, without marking it seen.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert_eq!(*rx.borrow(), 1);
    /// assert_eq!(rx.has_changed(), Ok(true));
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            guard: self.shared.value.read(),
        }
    }

    /// The current value, marking it seen.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert_eq!(*rx.borrow_and_update(), 1);
    /// assert_eq!(rx.has_changed(), Ok(false));
    /// ```
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        // Version first, value second: the value is at least as new as the version.
        self.seen = self.shared.state.lock().version;
        Ref {
            guard: self.shared.value.read(),
        }
    }

    /// Whether a value newer than the one seen was sent.
    ///
    /// # Errors
    ///
    /// [`RecvError`] if the sender is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::watch::channel(0);
    /// assert_eq!(rx.has_changed(), Ok(false));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.has_changed(), Ok(true));
    /// ```
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let state = self.shared.state.lock();
        if !state.tx_alive {
            return Err(RecvError(()));
        }
        Ok(state.version != self.seen)
    }

    /// Waits for a value newer than the one seen, and marks it seen. Read it with
    /// [`borrow`](Self::borrow).
    ///
    /// # Errors
    ///
    /// [`RecvError`] if the sender is gone and there is no unseen value.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a pending `changed` marks nothing seen.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::watch::channel(0);
    /// tx.send(5).unwrap();
    /// rx.changed().await.unwrap();
    /// assert_eq!(*rx.borrow(), 5);
    /// # });
    /// ```
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        poll_fn(|cx| {
            let mut state = self.shared.state.lock();
            if state.version != self.seen {
                self.seen = state.version;
                return Poll::Ready(Ok(()));
            }
            if !state.tx_alive {
                return Poll::Ready(Err(RecvError(())));
            }
            let slot = &mut state.wakers[self.key];
            match slot {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
            Poll::Pending
        })
        .await
    }

    /// Marks the current value seen.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// rx.mark_unchanged();
    /// assert_eq!(rx.has_changed(), Ok(false));
    /// ```
    pub fn mark_unchanged(&mut self) {
        self.seen = self.shared.state.lock().version;
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        let mut rx = Receiver::new(self.shared.clone());
        rx.seen = self.seen;
        rx
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let waker = {
            let mut state = self.shared.state.lock();
            state.rx_count -= 1;
            state.wakers.remove(self.key)
        };
        drop(waker);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("watch::Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("watch::Receiver")
            .field("seen", &self.seen)
            .finish()
    }
}
