//! The readiness state of one registered source, without the OS poller.
//!
//! Every [`Async`](crate::Async) owns one [`SourceState`]. The reactor thread delivers
//! readiness into it ([`SourceState::dispatch`]); tasks wait on it
//! ([`SourceState::poll_ready`]). The poller itself is reached only through the `arm` and
//! `rearm` callbacks, so this state machine runs unchanged under loom and miri.
//!
//! # Fields and who touches them
//!
//! All fields sit behind one mutex. For each [`Direction`] there is a [`Slot`]:
//!
//! * `tick`: how many readiness events the reactor has delivered for this direction. Only
//!   [`dispatch`](SourceState::dispatch) increments it (wrapping).
//! * `poll_waiter`: the one [`Waiter`] of the `poll_*` methods (`poll_read`, `poll_write`,
//!   `poll_readable`, `poll_accept`, ...). A call stores its waker here and replaces the one
//!   stored before: as with tokio, only the most recent waker of a `poll_*` call is kept.
//!
//! For both directions together there is `futures`, a slab with one [`Waiter`] (tagged with
//! its direction) per pending future: `readable()`, `writable()`, `read_with`, `write_with`,
//! and the `accept`, `recv` and `send` built on them. A future gets its entry on its first
//! `Pending` ([`WaiterKey::Future`] remembers the key) and removes it when it is dropped
//! ([`SourceState::remove_waiter`]), so a cancelled future leaves nothing behind. The slab is
//! boxed and created on the first future wait, so a source that only its owner polls (an
//! accepted stream read with `poll_read`) carries a single pointer for it. Next to the slab,
//! `stored` counts per direction the entries that hold a waker, so that the interest (below)
//! costs no scan of the slab.
//!
//! Each [`Waiter`] has:
//!
//! * `since`: the `tick` this waiter last saw. `Some` while it waits; cleared when
//!   `poll_ready` reports readiness to it.
//! * `waker`: stored by `poll_ready`, taken by `dispatch` (to wake), by `remove_waiter` or by
//!   `remove` (to drop).
//!
//! A direction has interest (the poller must report it) while any of its waiters holds a
//! waker. `removed` is set once by [`remove`](SourceState::remove) (the `Async` is dropped)
//! or by [`shut_down`](SourceState::shut_down) (its reactor's runtime is gone), and never
//! cleared.
//!
//! # Lifecycle of one waiter
//!
//! ```text
//!          (1) poll_ready: no event since the snapshot
//!   IDLE ─────────────────────────────────────────────▶ WAITING (waker stored, interest armed)
//!    ▲ ▲                                                   │
//!    │ └──── (3) poll_ready: tick moved past snapshot ─────┤ (2) dispatch: tick += 1,
//!    │                                                     │     every waker of the
//!    │                                                     │     direction taken and woken
//!    │                                                     ▼
//!    └───────────────────────── (3) ──────────────────── READY (tick != since)
//!
//!   a future's entry, any state ── (4) remove_waiter ──▶ GONE (its waker handed back)
//!   any state ── (5) remove ──▶ REMOVED (every waker handed back; dispatch and
//!                                        poll_ready do nothing)
//! ```
//!
//! 1. [`SourceState::poll_ready`] stores the waker (creating a future's entry on its first
//!    wait) and arms interest, under the lock.
//! 2. [`SourceState::dispatch`] bumps the tick and takes every stored waker of the direction,
//!    under the lock; the caller wakes them after every lock is released. Each woken waiter
//!    re-checks by retrying its I/O: one event wakes all waiters once, never in a loop.
//! 3. [`SourceState::poll_ready`] sees the tick differ from the waiter's snapshot and returns
//!    `Ready`.
//! 4. [`SourceState::remove_waiter`] deletes a future's entry when the future is dropped.
//! 5. [`SourceState::remove`] marks the source removed and hands back all stored wakers;
//!    [`SourceState::shut_down`] does the same for the caller to wake, so that each waiter
//!    polls again and gets the shutdown error.
//!
//! # Why readiness is never lost
//!
//! An I/O attempt reads `tick` *before* the syscall ([`SourceState::tick`]). If the syscall
//! says `WouldBlock`, the task calls `poll_ready` with that snapshot, which becomes its own
//! waiter's `since`. Readiness that arrived after the snapshot has bumped `tick`, and
//! `poll_ready` compares under the same lock that `dispatch` bumps it under, so it either
//! sees the new tick (and retries the I/O at once) or stores its waker before the bump (and
//! `dispatch` takes and wakes it, together with every other stored waker of the direction).
//! There is no third order, and it holds for each waiter separately, since each keeps its
//! own snapshot. This is async-io's tick design; `src/tests/loom_source.rs` checks it (L7).

use std::io;
use std::task::{Poll, Waker};

use slab::Slab;

use crate::loom::{Mutex, MutexGuard};

/// One of the two readiness directions a source has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Readable (or a pending connection, or a hang-up).
    Read = 0,
    /// Writable (or a finished connect, or an error).
    Write = 1,
}

/// Which directions the poller should report for a source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Interest {
    /// Report readability.
    pub(crate) read: bool,
    /// Report writability.
    pub(crate) write: bool,
}

impl Interest {
    /// True when neither direction is wanted.
    pub(crate) fn is_empty(self) -> bool {
        !self.read && !self.write
    }
}

/// Which waiter of a direction a call to [`SourceState::poll_ready`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WaiterKey {
    /// The single waiter of the `poll_*` methods: a new waker replaces the stored one.
    Poll,
    /// A future's own entry: `None` until its first `Pending`, which fills in the key.
    Future(Option<usize>),
}

/// One waiter of a direction; see the module docs.
#[derive(Debug, Default)]
struct Waiter {
    since: Option<u64>,
    waker: Option<Waker>,
}

/// The state of one direction; see the module docs for who touches which field.
#[derive(Debug, Default)]
struct Slot {
    tick: u64,
    poll_waiter: Waiter,
}

/// A pending future's waiter and the direction it waits on.
#[derive(Debug)]
struct FutureWaiter {
    dir: Direction,
    waiter: Waiter,
}

/// The waiters of the pending futures of both directions; see the module docs.
#[derive(Debug, Default)]
struct FutureWaiters {
    entries: Slab<FutureWaiter>,
    /// # Invariant
    ///
    /// `stored[d]` equals the number of entries of direction `d` whose `waker` is `Some`.
    stored: [usize; 2],
}

#[derive(Debug, Default)]
struct State {
    slots: [Slot; 2],
    futures: Option<Box<FutureWaiters>>,
    removed: Option<Removed>,
}

/// Why a source takes no more waiters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Removed {
    /// Its `Async` deregistered it.
    Deregistered,
    /// Its reactor was shut down: nothing will ever report readiness for it.
    ShutDown,
}

impl State {
    /// True while any waiter of `dir` holds a waker.
    fn wants_events(&self, dir: Direction) -> bool {
        self.slots[dir as usize].poll_waiter.waker.is_some()
            || self
                .futures
                .as_ref()
                .is_some_and(|futures| futures.stored[dir as usize] > 0)
    }

    /// The interest the poller must have: every direction with a stored waker.
    fn interest(&self) -> Interest {
        Interest {
            read: self.wants_events(Direction::Read),
            write: self.wants_events(Direction::Write),
        }
    }

    /// The waiter of `dir` that `key` names, if it has an entry yet.
    fn waiter(&mut self, dir: Direction, key: WaiterKey) -> Option<&mut Waiter> {
        match key {
            WaiterKey::Poll => Some(&mut self.slots[dir as usize].poll_waiter),
            WaiterKey::Future(Some(at)) => self
                .futures
                .as_mut()?
                .entries
                .get_mut(at)
                .filter(|entry| entry.dir == dir)
                .map(|entry| &mut entry.waiter),
            WaiterKey::Future(None) => None,
        }
    }

    /// The waiter of `dir` that `key` names; a future without an entry gets one, and `key`
    /// its index.
    fn waiter_or_insert(&mut self, dir: Direction, key: &mut WaiterKey) -> &mut Waiter {
        match key {
            WaiterKey::Poll => &mut self.slots[dir as usize].poll_waiter,
            WaiterKey::Future(index) => {
                let futures = self.futures.get_or_insert_with(Box::default);
                let at = match *index {
                    Some(at) if futures.entries.get(at).is_some_and(|e| e.dir == dir) => at,
                    _ => {
                        let at = futures.entries.insert(FutureWaiter {
                            dir,
                            waiter: Waiter::default(),
                        });
                        *index = Some(at);
                        at
                    }
                };
                &mut futures.entries[at].waiter
            }
        }
    }

    /// The count of future waiters of `dir` that hold a waker, once the slab exists.
    fn stored_mut(&mut self, dir: Direction) -> Option<&mut usize> {
        Some(&mut self.futures.as_mut()?.stored[dir as usize])
    }

    /// Moves every stored waker of `dir` onto `wakers`; returns how many.
    fn take_wakers(&mut self, dir: Direction, wakers: &mut Vec<Waker>) -> usize {
        let mut taken = 0;
        if let Some(waker) = self.slots[dir as usize].poll_waiter.waker.take() {
            wakers.push(waker);
            taken += 1;
        }
        if let Some(futures) = &mut self.futures {
            if futures.stored[dir as usize] > 0 {
                for (_, entry) in futures.entries.iter_mut() {
                    if entry.dir == dir {
                        if let Some(waker) = entry.waiter.waker.take() {
                            wakers.push(waker);
                            taken += 1;
                        }
                    }
                }
                futures.stored[dir as usize] = 0;
            }
        }
        taken
    }
}

/// What [`SourceState::dispatch`] did with one event.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dispatch {
    /// The ticks were bumped; this many wakers were pushed for the caller to wake.
    Delivered(usize),
    /// The source was already removed; nothing was touched.
    Removed,
}

/// The readiness state of one source: two slots and a removed flag behind a mutex.
#[derive(Debug, Default)]
pub(crate) struct SourceState {
    state: Mutex<State>,
}

impl SourceState {
    /// A fresh state: ticks at zero, no waiters, not removed.
    pub(crate) fn new() -> SourceState {
        SourceState::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // No code panics while holding this lock (wakers are woken and dropped outside it),
        // so poisoning cannot carry a broken invariant; recover instead of panicking.
        self.state.lock()
    }

    /// The number of events delivered so far for `dir`. Read it before an I/O attempt and pass
    /// it to [`poll_ready`](Self::poll_ready) if the attempt would block.
    pub(crate) fn tick(&self, dir: Direction) -> u64 {
        self.lock().slots[dir as usize].tick
    }

    /// Returns `Ready` if an event for `dir` was delivered after `since` (or, with `None`,
    /// after the snapshot of this waiter's previous pending call); otherwise stores `waker`
    /// for the waiter `key` (creating a future's entry and writing its key back), calls `arm`
    /// with the interest the poller needs (under the lock, so arming is ordered with
    /// `dispatch`) and returns `Pending`.
    ///
    /// If `arm` fails, the waker is removed again and the error is returned. On a removed
    /// source this returns an error and stores nothing.
    pub(crate) fn poll_ready(
        &self,
        dir: Direction,
        key: &mut WaiterKey,
        since: Option<u64>,
        waker: &Waker,
        arm: impl FnOnce(Interest) -> io::Result<()>,
    ) -> Poll<io::Result<()>> {
        let mut state = self.lock();
        match state.removed {
            None => {}
            Some(Removed::Deregistered) => {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::NotConnected,
                    "the I/O source was deregistered from its reactor",
                )))
            }
            Some(Removed::ShutDown) => return Poll::Ready(Err(crate::reactor::shutdown_error())),
        }
        let tick = state.slots[dir as usize].tick;
        let since = since.or_else(|| state.waiter(dir, *key).and_then(|w| w.since));
        if let Some(since) = since {
            if tick != since {
                // (3) An event arrived after the snapshot: the caller retries its I/O.
                if let Some(waiter) = state.waiter(dir, *key) {
                    waiter.since = None;
                }
                return Poll::Ready(Ok(()));
            }
        }
        // (1) Nothing new: wait. A future's first wait gets its entry now.
        let is_future = matches!(key, WaiterKey::Future(_));
        let waiter = state.waiter_or_insert(dir, key);
        waiter.since = Some(since.unwrap_or(tick));
        let had_waker = waiter.waker.is_some();
        // Keep a displaced waker alive until the lock is released.
        let old = match &waiter.waker {
            Some(w) if w.will_wake(waker) => None,
            _ => waiter.waker.replace(waker.clone()),
        };
        if is_future && !had_waker {
            if let Some(stored) = state.stored_mut(dir) {
                *stored += 1;
            }
        }
        let interest = state.interest();
        if let Err(e) = arm(interest) {
            let stale = state.waiter(dir, *key).and_then(|waiter| {
                waiter.since = None;
                waiter.waker.take()
            });
            if is_future && stale.is_some() {
                if let Some(stored) = state.stored_mut(dir) {
                    *stored -= 1;
                }
            }
            drop(state);
            drop((old, stale));
            return Poll::Ready(Err(e));
        }
        drop(state);
        drop(old);
        Poll::Pending
    }

    /// (4) Deletes the entry of the future waiter `index` of `dir` and returns its waker, which
    /// the caller drops after the lock is released. Nothing happens for an entry that is
    /// gone already (the source was removed).
    pub(crate) fn remove_waiter(&self, dir: Direction, index: usize) -> Option<Waker> {
        let mut state = self.lock();
        let futures = state.futures.as_mut()?;
        if !futures.entries.get(index).is_some_and(|e| e.dir == dir) {
            return None;
        }
        let waker = futures.entries.remove(index).waiter.waker;
        if waker.is_some() {
            futures.stored[dir as usize] -= 1;
        }
        waker
    }

    /// Delivers one event: bumps the tick of each reported direction and pushes every waker
    /// stored for it onto `wakers`. The caller wakes them after releasing every lock.
    ///
    /// A oneshot poller disarms the whole source when it reports an event, so if a waiter is
    /// still stored for a direction that did not fire, `rearm` is called with the remaining
    /// interest, under the lock.
    pub(crate) fn dispatch(
        &self,
        readable: bool,
        writable: bool,
        wakers: &mut Vec<Waker>,
        rearm: impl FnOnce(Interest),
    ) -> Dispatch {
        let mut state = self.lock();
        if state.removed.is_some() {
            return Dispatch::Removed;
        }
        let mut woken = 0;
        for (dir, fired) in [(Direction::Read, readable), (Direction::Write, writable)] {
            if fired {
                // (2) Bump the tick first: a waiter that looks after this sees the change.
                let slot = &mut state.slots[dir as usize];
                slot.tick = slot.tick.wrapping_add(1);
                woken += state.take_wakers(dir, wakers);
            }
        }
        let remaining = state.interest();
        if !remaining.is_empty() {
            rearm(remaining);
        }
        Dispatch::Delivered(woken)
    }

    /// (5) Marks the source removed and returns every stored waker, which the caller drops
    /// after releasing the lock. After this returns, no `dispatch` wakes anything for this
    /// source and `poll_ready` stores nothing.
    pub(crate) fn remove(&self) -> Vec<Waker> {
        self.remove_for(Removed::Deregistered)
    }

    /// (5) Marks the source shut down (its reactor's runtime is gone) and returns every stored
    /// waker, which the caller wakes after releasing the lock: each waiter polls again and
    /// gets the shutdown error, instead of waiting for readiness nobody will report.
    pub(crate) fn shut_down(&self) -> Vec<Waker> {
        self.remove_for(Removed::ShutDown)
    }

    fn remove_for(&self, reason: Removed) -> Vec<Waker> {
        let mut state = self.lock();
        // A deregistration after a shutdown keeps the shutdown as the reason.
        state.removed.get_or_insert(reason);
        let mut wakers = Vec::new();
        for dir in [Direction::Read, Direction::Write] {
            let _ = state.take_wakers(dir, &mut wakers);
        }
        // Every waker is out: the entries left hold none.
        state.futures = None;
        wakers
    }

    /// True once [`remove`](Self::remove) has run.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn is_removed(&self) -> bool {
        self.lock().removed.is_some()
    }

    /// How many wakers are stored for `dir`, over all its waiters.
    #[cfg(test)]
    pub(crate) fn stored_wakers(&self, dir: Direction) -> usize {
        let state = self.lock();
        let poll = usize::from(state.slots[dir as usize].poll_waiter.waker.is_some());
        poll + state.futures.as_ref().map_or(0, |f| f.stored[dir as usize])
    }

    /// How many future waiters of `dir` have an entry.
    #[cfg(test)]
    pub(crate) fn future_waiters(&self, dir: Direction) -> usize {
        let state = self.lock();
        state.futures.as_ref().map_or(0, |futures| {
            futures.entries.iter().filter(|(_, e)| e.dir == dir).count()
        })
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::loom::unmodelled::Ordering;
    use crate::test_waker::counting_waker;

    fn ok_arm(_: Interest) -> io::Result<()> {
        Ok(())
    }

    fn waits(state: &SourceState, dir: Direction, since: Option<u64>, waker: &Waker) -> bool {
        state
            .poll_ready(dir, &mut WaiterKey::Poll, since, waker, ok_arm)
            .is_pending()
    }

    #[test]
    fn pending_then_dispatch_wakes_and_next_poll_is_ready() {
        let state = SourceState::new();
        let (count, waker) = counting_waker();
        let t = state.tick(Direction::Read);
        let mut armed = Interest::default();
        let poll = state.poll_ready(
            Direction::Read,
            &mut WaiterKey::Poll,
            Some(t),
            &waker,
            |i| {
                armed = i;
                Ok(())
            },
        );
        assert!(poll.is_pending());
        assert_eq!(
            armed,
            Interest {
                read: true,
                write: false
            }
        );
        let mut wakers = Vec::new();
        let d = state.dispatch(true, false, &mut wakers, |_| {
            panic!("nothing left to re-arm")
        });
        assert_eq!(d, Dispatch::Delivered(1));
        wakers.drain(..).for_each(Waker::wake);
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert!(!waits(&state, Direction::Read, Some(t), &waker));
    }

    #[test]
    fn event_between_snapshot_and_registration_is_not_lost() {
        let state = SourceState::new();
        let (_count, waker) = counting_waker();
        let t = state.tick(Direction::Write);
        let mut wakers = Vec::new();
        let _ = state.dispatch(false, true, &mut wakers, |_| {});
        assert!(wakers.is_empty());
        let mut key = WaiterKey::Future(None);
        let poll = state.poll_ready(Direction::Write, &mut key, Some(t), &waker, |_| {
            panic!("must not arm: readiness is already known")
        });
        assert!(matches!(poll, Poll::Ready(Ok(()))));
        assert_eq!(
            key,
            WaiterKey::Future(None),
            "no entry for a waiter that never waited"
        );
        assert_eq!(state.stored_wakers(Direction::Write), 0);
    }

    #[test]
    fn public_style_poll_waits_for_one_event() {
        let state = SourceState::new();
        let (_count, waker) = counting_waker();
        assert!(waits(&state, Direction::Read, None, &waker));
        assert!(waits(&state, Direction::Read, None, &waker));
        let mut wakers = Vec::new();
        let _ = state.dispatch(true, true, &mut wakers, |_| {});
        assert_eq!(wakers.len(), 1);
        assert!(!waits(&state, Direction::Read, None, &waker));
        // The waiter is idle again: the next call waits for a fresh event.
        assert!(waits(&state, Direction::Read, None, &waker));
    }

    #[test]
    fn poll_waiter_keeps_only_the_most_recent_waker() {
        let state = SourceState::new();
        let (first, a) = counting_waker();
        let (second, b) = counting_waker();
        assert!(waits(&state, Direction::Read, Some(0), &a));
        assert!(waits(&state, Direction::Read, Some(0), &b));
        assert_eq!(state.stored_wakers(Direction::Read), 1);
        let mut wakers = Vec::new();
        let _ = state.dispatch(true, false, &mut wakers, |_| {});
        wakers.drain(..).for_each(Waker::wake);
        assert_eq!(first.0.load(Ordering::SeqCst), 0);
        assert_eq!(second.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn every_waiter_of_a_direction_is_woken_by_one_event() {
        let state = SourceState::new();
        let counters: Vec<_> = (0..3).map(|_| counting_waker()).collect();
        let mut keys = [WaiterKey::Future(None); 2];
        for (key, (_, waker)) in keys.iter_mut().zip(&counters) {
            let t = state.tick(Direction::Read);
            let poll = state.poll_ready(Direction::Read, key, Some(t), waker, ok_arm);
            assert!(poll.is_pending());
        }
        assert!(waits(&state, Direction::Read, Some(0), &counters[2].1));
        assert_eq!(state.stored_wakers(Direction::Read), 3);
        assert_eq!(state.future_waiters(Direction::Read), 2);

        let mut wakers = Vec::new();
        let d = state.dispatch(true, false, &mut wakers, |_| {});
        assert_eq!(d, Dispatch::Delivered(3));
        wakers.drain(..).for_each(Waker::wake);
        for (count, _) in &counters {
            assert_eq!(count.0.load(Ordering::SeqCst), 1, "one wake each");
        }
        assert_eq!(state.stored_wakers(Direction::Read), 0);
        // Each future sees the event through its own snapshot, once.
        for (key, (_, waker)) in keys.iter_mut().zip(&counters) {
            let poll = state.poll_ready(Direction::Read, key, None, waker, ok_arm);
            assert!(matches!(poll, Poll::Ready(Ok(()))));
        }
        // The entries stay until their futures are dropped.
        assert_eq!(state.future_waiters(Direction::Read), 2);
    }

    #[test]
    fn removed_waiter_releases_its_waker_and_interest() {
        let state = SourceState::new();
        let (count, a) = counting_waker();
        let (_other, b) = counting_waker();
        let mut first = WaiterKey::Future(None);
        let mut second = WaiterKey::Future(None);
        let mut armed = Vec::new();
        for (key, waker) in [(&mut first, &a), (&mut second, &b)] {
            let poll = state.poll_ready(Direction::Write, key, Some(0), waker, |i| {
                armed.push(i.write);
                Ok(())
            });
            assert!(poll.is_pending());
        }
        assert_eq!(armed, [true, true]);
        let WaiterKey::Future(Some(index)) = first else {
            panic!("a waiting future has an entry")
        };
        let waker = state.remove_waiter(Direction::Write, index);
        assert!(waker.is_some());
        drop(waker);
        assert_eq!(state.future_waiters(Direction::Write), 1);
        assert_eq!(state.stored_wakers(Direction::Write), 1);
        let WaiterKey::Future(Some(index)) = second else {
            panic!("a waiting future has an entry")
        };
        drop(state.remove_waiter(Direction::Write, index));
        assert_eq!(state.future_waiters(Direction::Write), 0);
        assert_eq!(state.stored_wakers(Direction::Write), 0);
        let mut rearmed = None;
        let mut wakers = Vec::new();
        let _ = state.dispatch(true, true, &mut wakers, |i| rearmed = Some(i));
        assert!(wakers.is_empty());
        assert_eq!(rearmed, None, "no waiter left, nothing to re-arm");
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn other_direction_is_rearmed_after_an_event() {
        let state = SourceState::new();
        let (_c, waker) = counting_waker();
        assert!(waits(&state, Direction::Read, Some(0), &waker));
        let mut armed = Interest::default();
        let mut key = WaiterKey::Future(None);
        assert!(state
            .poll_ready(Direction::Write, &mut key, Some(0), &waker, |i| {
                armed = i;
                Ok(())
            })
            .is_pending());
        assert_eq!(
            armed,
            Interest {
                read: true,
                write: true
            }
        );
        let mut rearmed = None;
        let mut wakers = Vec::new();
        let _ = state.dispatch(true, false, &mut wakers, |i| rearmed = Some(i));
        assert_eq!(
            rearmed,
            Some(Interest {
                read: false,
                write: true
            })
        );
    }

    #[test]
    fn arm_failure_is_returned_and_leaves_no_waker() {
        let state = SourceState::new();
        let (_c, waker) = counting_waker();
        for mut key in [WaiterKey::Poll, WaiterKey::Future(None)] {
            let poll = state.poll_ready(Direction::Read, &mut key, Some(0), &waker, |_| {
                Err(io::Error::from(io::ErrorKind::PermissionDenied))
            });
            assert!(
                matches!(poll, Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::PermissionDenied)
            );
            assert_eq!(state.stored_wakers(Direction::Read), 0);
        }
    }

    #[test]
    fn a_shut_down_source_fails_every_wait_with_the_shutdown_error() {
        let state = SourceState::new();
        let (_count, waker) = counting_waker();
        let mut key = WaiterKey::Future(None);
        assert!(state
            .poll_ready(Direction::Write, &mut key, Some(0), &waker, ok_arm)
            .is_pending());
        let wakers = state.shut_down();
        assert_eq!(wakers.len(), 1, "the waiter is handed back to be woken");
        // A later deregistration keeps the shutdown as the reason.
        assert!(state.remove().is_empty());
        for dir in [Direction::Read, Direction::Write] {
            let Poll::Ready(Err(err)) =
                state.poll_ready(dir, &mut WaiterKey::Poll, None, &waker, ok_arm)
            else {
                panic!("a shut-down source waits no more")
            };
            assert!(crate::is_shutdown_error(&err), "{err}");
        }
    }

    #[test]
    fn removed_source_ignores_events_and_registrations() {
        let state = SourceState::new();
        let (count, waker) = counting_waker();
        assert!(waits(&state, Direction::Read, Some(0), &waker));
        let mut key = WaiterKey::Future(None);
        assert!(state
            .poll_ready(Direction::Read, &mut key, Some(0), &waker, ok_arm)
            .is_pending());
        let wakers = state.remove();
        assert_eq!(wakers.len(), 2, "remove hands back every stored waker");
        drop(wakers);
        assert_eq!(state.future_waiters(Direction::Read), 0);
        let WaiterKey::Future(Some(index)) = key else {
            panic!("a waiting future has an entry")
        };
        assert!(state.remove_waiter(Direction::Read, index).is_none());
        let mut wakers = Vec::new();
        assert_eq!(
            state.dispatch(true, true, &mut wakers, |_| {}),
            Dispatch::Removed
        );
        assert!(wakers.is_empty());
        assert!(!waits(&state, Direction::Read, Some(0), &waker));
        assert!(state.is_removed());
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn tick_wraps_without_panicking() {
        let state = SourceState::new();
        state.lock().slots[0].tick = u64::MAX;
        let mut wakers = Vec::new();
        let _ = state.dispatch(true, false, &mut wakers, |_| {});
        assert_eq!(state.tick(Direction::Read), 0);
    }
}
