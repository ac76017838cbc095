//! A multi-producer, multi-consumer channel that holds one value: the latest.
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
//! the version counter, the receivers' waker slots, the waker slots of pending
//! [`Sender::closed`] futures and the liveness counts. No code holds both locks at once. A
//! sender writes the value first and bumps the version second, and a receiver reads the
//! version first and the value second, so the value a receiver sees is never older than the
//! version it marks seen. Wakers are called after the mutex is released.
//!
//! A receiver's `seen` is the version it marked seen; it has an unseen value while `seen`
//! differs from the channel's version. [`Receiver::mark_changed`] sets `seen` to one less
//! than the version, a value the version never takes again.

use crate::loom::{Mutex, RwLock, RwLockReadGuard};
use crate::waiters::WakeList;
use slab::Slab;
use std::fmt;
use std::future::poll_fn;
use std::ops::Deref;
use std::sync::Arc;
use std::task::{Poll, Waker};

pub mod error;

use error::{RecvError, SendError};

struct State {
    /// Bumped by every send, after the value was written.
    version: u64,
    /// Live senders; once 0 it never grows again.
    tx_count: usize,
    rx_count: usize,
    /// One slot per receiver for the waker of its pending `changed` (or `wait_for`).
    wakers: Slab<Option<Waker>>,
    /// One slot per pending `Sender::closed` future, woken when `rx_count` drops to 0.
    closed_wakers: Slab<Option<Waker>>,
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
            tx_count: 1,
            rx_count: 0,
            wakers: Slab::new(),
            closed_wakers: Slab::new(),
        }),
    });
    let rx = Receiver::new(shared.clone());
    (Sender { shared }, rx)
}

/// A sending half; clone it for more producers. The channel stays open while one exists.
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
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether the borrowed value was unseen by the receiver that borrowed it, when it
    /// borrowed it (for [`Receiver::borrow_and_update`]: before it marked the value seen).
    /// Always `false` for [`Sender::borrow`]. Unlike [`Receiver::has_changed`], this does not
    /// fail once the sender is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert!(rx.borrow().has_changed());
    /// assert!(rx.borrow_and_update().has_changed());
    /// assert!(!rx.borrow().has_changed());
    /// ```
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
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
    /// A channel holding `init`, with this sender and no receiver yet
    /// ([`subscribe`](Self::subscribe) makes them).
    ///
    /// # Examples
    ///
    /// ```
    /// let tx = heddle_sync::watch::Sender::new(1);
    /// assert_eq!(tx.receiver_count(), 0);
    /// let rx = tx.subscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(*rx.borrow(), 2);
    /// ```
    pub fn new(init: T) -> Self {
        channel(init).0
    }

    /// How many senders exist, this one included.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::watch::channel(0);
    /// let tx2 = tx.clone();
    /// assert_eq!(tx.sender_count(), 2);
    /// drop(tx2);
    /// assert_eq!(tx.sender_count(), 1);
    /// ```
    pub fn sender_count(&self) -> usize {
        self.shared.state.lock().tx_count
    }

    /// Whether both senders belong to the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::watch::channel(0);
    /// let (other, _other_rx) = heddle_sync::watch::channel(0);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

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
        self.send_if_modified(|value| {
            modify(value);
            true
        });
    }

    /// Modifies the value in place and notifies receivers only if `modify` returns `true`;
    /// returns what `modify` returned. Works without receivers too.
    ///
    /// `modify` decides: changes it makes and then reports with `false` are stored but not
    /// announced, so receivers see them only on their next read. If `modify` panics, the
    /// receivers are told the value may have changed (as with
    /// [`send_modify`](Self::send_modify)) and the channel stays usable.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::watch::channel(1);
    /// // Not a change: receivers are not woken.
    /// assert!(!tx.send_if_modified(|v| {
    ///     let changed = *v != 1;
    ///     *v = 1;
    ///     changed
    /// }));
    /// assert_eq!(rx.has_changed(), Ok(false));
    /// // A change: receivers are woken.
    /// assert!(tx.send_if_modified(|v| {
    ///     *v = 2;
    ///     true
    /// }));
    /// assert_eq!(rx.has_changed(), Ok(true));
    /// ```
    pub fn send_if_modified(&self, modify: impl FnOnce(&mut T) -> bool) -> bool {
        /// Bumps the version and wakes the receivers when dropped, unless told not to.
        struct Bump<'a, T> {
            shared: &'a Shared<T>,
            notify: bool,
        }
        impl<T> Drop for Bump<'_, T> {
            fn drop(&mut self) {
                if !self.notify {
                    return;
                }
                let mut wakers = WakeList::new();
                {
                    let mut state = self.shared.state.lock();
                    state.version += 1;
                    for (_, waker) in state.wakers.iter_mut() {
                        wakers.push(waker.take());
                    }
                }
                wakers.wake_all();
            }
        }
        // Until `modify` returns, assume it changed the value: a panic notifies.
        let mut bump = Bump {
            shared: &self.shared,
            notify: true,
        };
        // Value first, version second: the write guard is gone (also on a panic) before the
        // version is bumped.
        let modified = {
            let mut guard = self.shared.value.write();
            modify(&mut guard)
        };
        bump.notify = modified;
        modified
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
            has_changed: false,
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

    /// Waits until no receiver exists (returns at once if none does).
    ///
    /// A receiver created later (by [`subscribe`](Self::subscribe)) reopens the channel; a
    /// pending `closed` then waits for it to go too.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future only withdraws its waker.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = heddle_sync::watch::channel(0);
    /// let watcher = std::thread::spawn(move || drop(rx));
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # watcher.join().unwrap();
    /// # });
    /// ```
    pub async fn closed(&self) {
        /// The slot of this future in `closed_wakers`; withdrawn on drop.
        struct Slot<'a, T> {
            shared: &'a Shared<T>,
            key: Option<usize>,
        }
        impl<T> Drop for Slot<'_, T> {
            fn drop(&mut self) {
                if let Some(key) = self.key.take() {
                    let waker = self.shared.state.lock().closed_wakers.remove(key);
                    // Dropped outside the lock.
                    drop(waker);
                }
            }
        }
        let mut slot = Slot {
            shared: &self.shared,
            key: None,
        };
        poll_fn(|cx| {
            let mut state = slot.shared.state.lock();
            if state.rx_count == 0 {
                return Poll::Ready(());
            }
            match slot.key {
                Some(key) => {
                    let waker = &mut state.closed_wakers[key];
                    match waker {
                        Some(w) if w.will_wake(cx.waker()) => {}
                        _ => *waker = Some(cx.waker().clone()),
                    }
                }
                None => slot.key = Some(state.closed_wakers.insert(Some(cx.waker().clone()))),
            }
            Poll::Pending
        })
        .await;
    }
}

/// A sender of `T::default()` with no receiver yet, as [`Sender::new`] makes.
///
/// # Examples
///
/// ```
/// let sender = heddle_sync::watch::Sender::<u32>::default();
/// assert_eq!(*sender.subscribe().borrow(), 0);
/// ```
impl<T: Default> Default for Sender<T> {
    fn default() -> Self {
        Sender::new(T::default())
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.state.lock().tx_count += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut wakers = WakeList::new();
        {
            let mut state = self.shared.state.lock();
            state.tx_count -= 1;
            if state.tx_count == 0 {
                for (_, waker) in state.wakers.iter_mut() {
                    wakers.push(waker.take());
                }
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
        // Version first, value second: the value is at least as new as the version.
        let has_changed = self.shared.state.lock().version != self.seen;
        Ref {
            guard: self.shared.value.read(),
            has_changed,
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
        let version = self.shared.state.lock().version;
        let has_changed = version != self.seen;
        self.seen = version;
        Ref {
            guard: self.shared.value.read(),
            has_changed,
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
        if state.tx_count == 0 {
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
        changed(&self.shared, &mut self.seen, self.key).await
    }

    /// Waits until the value satisfies `f`, and returns it, marked seen.
    ///
    /// The current value is checked first, even if it was seen already; then each new value,
    /// until one satisfies `f`. Values replaced before this receiver looked at them are not
    /// checked: `f` sees the latest value each time.
    ///
    /// `f` runs while the value is read-locked: keep it short, and do not send on this channel
    /// from it. If `f` panics, the panic propagates; the channel stays usable and the values
    /// already checked are marked seen.
    ///
    /// # Errors
    ///
    /// [`RecvError`] if the sender is gone and no value satisfied `f`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses no value; the values `f` already rejected stay
    /// marked seen.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = heddle_sync::watch::channel(0);
    /// let counter = std::thread::spawn(move || {
    ///     for i in 1..=5 {
    ///         tx.send(i).unwrap();
    ///     }
    /// });
    /// assert_eq!(*rx.wait_for(|v| *v >= 5).await.unwrap(), 5);
    /// # counter.join().unwrap();
    /// # });
    /// ```
    pub async fn wait_for(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        // Split the borrow: the returned `Ref` borrows `shared` while the loop updates `seen`.
        let Receiver { shared, seen, key } = self;
        let shared: &Shared<T> = shared;
        loop {
            // Version first, value second (see the module docs).
            let version = shared.state.lock().version;
            let has_changed = version != *seen;
            *seen = version;
            {
                let guard = shared.value.read();
                if f(&guard) {
                    return Ok(Ref { guard, has_changed });
                }
            }
            changed(shared, seen, *key).await?;
        }
    }

    /// Whether `self` and `other` are receivers of the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::watch::channel(0);
    /// let (_other_tx, other_rx) = heddle_sync::watch::channel(0);
    /// assert!(rx.same_channel(&tx.subscribe()));
    /// assert!(!rx.same_channel(&other_rx));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
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

    /// Marks the current value unseen: [`has_changed`](Self::has_changed) returns `true` and
    /// [`changed`](Self::changed) completes at once, whether or not a new value was sent.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (_tx, mut rx) = heddle_sync::watch::channel(0);
    /// rx.mark_changed();
    /// assert_eq!(rx.has_changed(), Ok(true));
    /// rx.changed().await.unwrap();
    /// assert_eq!(rx.has_changed(), Ok(false));
    /// # });
    /// ```
    pub fn mark_changed(&mut self) {
        // Versions only grow, so this one is never the channel's version again.
        self.seen = self.shared.state.lock().version.wrapping_sub(1);
    }

    /// Whether every [`Sender`] is gone (the last value can still be borrowed).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = heddle_sync::watch::channel(0);
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.state.lock().tx_count == 0
    }
}

/// Waits for a version newer than `seen` and marks it seen; the body of
/// [`Receiver::changed`], on split borrows so that [`Receiver::wait_for`] can use it while it
/// lends out the value.
async fn changed<T>(shared: &Shared<T>, seen: &mut u64, key: usize) -> Result<(), RecvError> {
    poll_fn(|cx| {
        crate::budget::budgeted(cx, |cx| {
            let mut state = shared.state.lock();
            if state.version != *seen {
                *seen = state.version;
                return Poll::Ready(Ok(()));
            }
            if state.tx_count == 0 {
                return Poll::Ready(Err(RecvError(())));
            }
            let slot = &mut state.wakers[key];
            match slot {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
            Poll::Pending
        })
    })
    .await
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
        let mut closed = WakeList::new();
        let waker = {
            let mut state = self.shared.state.lock();
            state.rx_count -= 1;
            if state.rx_count == 0 {
                for (_, waker) in state.closed_wakers.iter_mut() {
                    closed.push(waker.take());
                }
            }
            state.wakers.remove(self.key)
        };
        drop(waker);
        closed.wake_all();
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
