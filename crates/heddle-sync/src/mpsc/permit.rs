//! The reserved slots of a bounded channel: [`Permit`], [`PermitIterator`] and
//! [`OwnedPermit`].
//!
//! Each one holds slot permits of the channel's slot queue (see `chan.rs`): sending moves a
//! permit to the message, which the receiver gives back when it pops it; dropping it unused
//! gives the permit back at once. It is not where slots are waited for (`bounded.rs`).

use super::bounded::{opaque_debug, Sender};
use super::chan::Chan;
use std::fmt;
use std::iter::FusedIterator;

/// A reserved slot, borrowed from a [`Sender`]; sending through it cannot fail for lack of room.
/// Dropping it unused frees the slot.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
/// let permit = tx.reserve().await.unwrap();
/// permit.send(3);
/// assert_eq!(rx.recv().await, Some(3));
/// # });
/// ```
#[must_use = "the slot is freed when the permit is dropped"]
pub struct Permit<'a, T> {
    pub(super) chan: &'a Chan<T>,
}

/// A reserved slot that owns its [`Sender`].
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
/// let permit = tx.reserve_owned().await.unwrap();
/// let tx = permit.send(4);
/// assert_eq!(rx.recv().await, Some(4));
/// # drop(tx);
/// # });
/// ```
#[must_use = "the slot is freed when the permit is dropped"]
pub struct OwnedPermit<T> {
    /// `None` once the permit is used.
    pub(super) sender: Option<Sender<T>>,
}

/// `n` reserved slots, from [`Sender::reserve_many`]: yields one [`Permit`] per slot. The
/// slots not taken out of it are freed when it is dropped.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = heddle_sync::mpsc::channel(4);
/// let mut permits = tx.reserve_many(2).await.unwrap();
/// assert_eq!(permits.len(), 2);
/// permits.next().unwrap().send(1);
/// drop(permits);
/// assert_eq!(tx.capacity(), 3);
/// assert_eq!(rx.recv().await, Some(1));
/// # });
/// ```
#[must_use = "the slots are freed when the iterator is dropped"]
pub struct PermitIterator<'a, T> {
    pub(super) chan: &'a Chan<T>,
    /// Slots still held.
    pub(super) n: usize,
}

impl<'a, T> Permit<'a, T> {
    /// Sends `value` into the reserved slot. If the receiver was dropped meanwhile, the value
    /// is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
    /// tx.try_reserve().unwrap().send(1);
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn send(self, value: T) {
        drop(self.try_send(value));
    }

    /// Like `send`, but hands the value back if the receiver was dropped.
    pub(super) fn try_send(self, value: T) -> Result<(), T> {
        let chan = self.chan;
        // The slot now belongs to the message (or is released below); skip `Drop`.
        std::mem::forget(self);
        chan.push(value).inspect_err(|_| chan.release_slots(1))
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.release_slots(1);
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    fn next(&mut self) -> Option<Permit<'a, T>> {
        // The slot moves from the iterator to the permit.
        self.n = self.n.checked_sub(1)?;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}

impl<T> FusedIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        if self.n > 0 {
            self.chan.release_slots(self.n);
        }
    }
}

impl<T> OwnedPermit<T> {
    /// Sends `value` into the reserved slot and returns the sender. If the receiver was
    /// dropped meanwhile, the value is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = heddle_sync::mpsc::channel(1);
    /// let tx = tx.try_reserve_owned().unwrap().send(1);
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// # drop(tx);
    /// ```
    pub fn send(mut self, value: T) -> Sender<T> {
        let sender = self
            .sender
            .take()
            .expect("an unused permit holds its sender");
        let chan = sender.tx.chan();
        if chan.push(value).is_err() {
            chan.release_slots(1);
        }
        sender
    }

    /// Frees the slot without sending and returns the sender.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(1);
    /// let tx = tx.try_reserve_owned().unwrap().release();
    /// assert_eq!(tx.capacity(), 1);
    /// ```
    pub fn release(mut self) -> Sender<T> {
        let sender = self
            .sender
            .take()
            .expect("an unused permit holds its sender");
        sender.tx.chan().release_slots(1);
        sender
    }

    /// Whether both permits reserve slots of the same channel.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(2);
    /// let a = tx.clone().try_reserve_owned().unwrap();
    /// let b = tx.try_reserve_owned().unwrap();
    /// assert!(a.same_channel(&b));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        self.sender().same_channel(other.sender())
    }

    /// Whether this permit reserves a slot of the channel `sender` feeds.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = heddle_sync::mpsc::channel::<u8>(2);
    /// let (other, _other_rx) = heddle_sync::mpsc::channel::<u8>(2);
    /// let permit = tx.clone().try_reserve_owned().unwrap();
    /// assert!(permit.same_channel_as_sender(&tx));
    /// assert!(!permit.same_channel_as_sender(&other));
    /// ```
    pub fn same_channel_as_sender(&self, sender: &Sender<T>) -> bool {
        self.sender().same_channel(sender)
    }

    fn sender(&self) -> &Sender<T> {
        self.sender
            .as_ref()
            .expect("an unused permit holds its sender")
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(sender) = &self.sender {
            sender.tx.chan().release_slots(1);
        }
    }
}

opaque_debug!(Permit<'a>, PermitIterator<'a>, OwnedPermit);
