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
//! * `waiting_since`: the `tick` a waiter last saw. `Some` while a waiter is pending; cleared
//!   when `poll_ready` reports readiness.
//! * `waker`: the one task waiting on this direction. Stored by `poll_ready`, taken by
//!   `dispatch` (to wake) or by `remove` (to drop).
//!
//! `removed` is set once by [`remove`](SourceState::remove) and never cleared.
//!
//! # Lifecycle of one direction
//!
//! ```text
//!          (1) poll_ready: no event since the snapshot
//!   IDLE ─────────────────────────────────────────────▶ WAITING (waker stored, interest armed)
//!    ▲ ▲                                                   │
//!    │ └──── (3) poll_ready: tick moved past snapshot ─────┤ (2) dispatch: tick += 1,
//!    │                                                     │     waker taken and woken
//!    │                                                     ▼
//!    └───────────────────────── (3) ──────────────────── READY (tick != waiting_since)
//!
//!   any state ── (4) remove ──▶ REMOVED (wakers dropped; dispatch and poll_ready do nothing)
//! ```
//!
//! 1. [`SourceState::poll_ready`] stores the waker and arms interest, under the lock.
//! 2. [`SourceState::dispatch`] bumps the tick and takes the waker, under the lock; the caller
//!    wakes it after every lock is released.
//! 3. [`SourceState::poll_ready`] sees the tick differ from the snapshot and returns `Ready`.
//! 4. [`SourceState::remove`] marks the source removed and hands back the stored wakers.
//!
//! # Why readiness is never lost
//!
//! An I/O attempt reads `tick` *before* the syscall ([`SourceState::tick`]). If the syscall
//! says `WouldBlock`, the task calls `poll_ready` with that snapshot. Readiness that arrived
//! after the snapshot has bumped `tick`, and `poll_ready` compares under the same lock that
//! `dispatch` bumps it under, so it either sees the new tick (and retries the I/O at once) or
//! stores its waker before the bump (and `dispatch` takes and wakes it). There is no third
//! order. This is async-io's tick design; `src/tests/loom_source.rs` checks it (L7).

use std::io;
use std::task::{Poll, Waker};

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

/// The state of one direction; see the module docs for who touches which field.
#[derive(Debug, Default)]
struct Slot {
    tick: u64,
    waiting_since: Option<u64>,
    waker: Option<Waker>,
}

#[derive(Debug, Default)]
struct State {
    slots: [Slot; 2],
    removed: bool,
}

impl State {
    /// The interest the poller must have: every direction with a stored waker.
    fn interest(&self) -> Interest {
        Interest {
            read: self.slots[Direction::Read as usize].waker.is_some(),
            write: self.slots[Direction::Write as usize].waker.is_some(),
        }
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
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The number of events delivered so far for `dir`. Read it before an I/O attempt and pass
    /// it to [`poll_ready`](Self::poll_ready) if the attempt would block.
    pub(crate) fn tick(&self, dir: Direction) -> u64 {
        self.lock().slots[dir as usize].tick
    }

    /// Returns `Ready` if an event for `dir` was delivered after `since` (or, with `None`,
    /// after the snapshot of the previous pending call); otherwise stores `waker`, calls `arm`
    /// with the interest the poller needs (under the lock, so arming is ordered with
    /// `dispatch`) and returns `Pending`.
    ///
    /// If `arm` fails, the waker is removed again and the error is returned. On a removed
    /// source this returns an error and stores nothing.
    pub(crate) fn poll_ready(
        &self,
        dir: Direction,
        since: Option<u64>,
        waker: &Waker,
        arm: impl FnOnce(Interest) -> io::Result<()>,
    ) -> Poll<io::Result<()>> {
        let mut state = self.lock();
        if state.removed {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "the I/O source was deregistered from its reactor",
            )));
        }
        let slot = &mut state.slots[dir as usize];
        let since = since.or(slot.waiting_since);
        if let Some(since) = since {
            if slot.tick != since {
                // (3) An event arrived after the snapshot: the caller retries its I/O.
                slot.waiting_since = None;
                return Poll::Ready(Ok(()));
            }
        }
        // (1) Nothing new: wait. Keep the displaced waker alive until the lock is released.
        slot.waiting_since = Some(since.unwrap_or(slot.tick));
        let old = match &slot.waker {
            Some(w) if w.will_wake(waker) => None,
            _ => slot.waker.replace(waker.clone()),
        };
        let interest = state.interest();
        let result = match arm(interest) {
            Ok(()) => Poll::Pending,
            Err(e) => {
                let slot = &mut state.slots[dir as usize];
                slot.waiting_since = None;
                let _stale = slot.waker.take();
                drop(state);
                return Poll::Ready(Err(e));
            }
        };
        drop(state);
        drop(old);
        result
    }

    /// Delivers one event: bumps the tick of each reported direction and pushes its waker (if
    /// any) onto `wakers`. The caller wakes them after releasing every lock.
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
        if state.removed {
            return Dispatch::Removed;
        }
        let mut woken = 0;
        for (dir, fired) in [(Direction::Read, readable), (Direction::Write, writable)] {
            if fired {
                // (2) Bump the tick first: a waiter that looks after this sees the change.
                let slot = &mut state.slots[dir as usize];
                slot.tick = slot.tick.wrapping_add(1);
                if let Some(waker) = slot.waker.take() {
                    wakers.push(waker);
                    woken += 1;
                }
            }
        }
        let remaining = state.interest();
        if !remaining.is_empty() {
            rearm(remaining);
        }
        Dispatch::Delivered(woken)
    }

    /// (4) Marks the source removed and returns its wakers, which the caller drops after
    /// releasing the lock. After this returns, no `dispatch` wakes anything for this source
    /// and `poll_ready` stores nothing.
    pub(crate) fn remove(&self) -> [Option<Waker>; 2] {
        let mut state = self.lock();
        state.removed = true;
        let [read, write] = &mut state.slots;
        [read.waker.take(), write.waker.take()]
    }

    /// True once [`remove`](Self::remove) has run.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn is_removed(&self) -> bool {
        self.lock().removed
    }

    /// True while a waker is stored for `dir`.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn has_waker(&self, dir: Direction) -> bool {
        self.lock().slots[dir as usize].waker.is_some()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting_waker() -> (Arc<Counter>, Waker) {
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        (counter.clone(), Waker::from(counter))
    }

    fn ok_arm(_: Interest) -> io::Result<()> {
        Ok(())
    }

    #[test]
    fn pending_then_dispatch_wakes_and_next_poll_is_ready() {
        let state = SourceState::new();
        let (count, waker) = counting_waker();
        let t = state.tick(Direction::Read);
        let mut armed = Interest::default();
        let poll = state.poll_ready(Direction::Read, Some(t), &waker, |i| {
            armed = i;
            Ok(())
        });
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
        let poll = state.poll_ready(Direction::Read, Some(t), &waker, ok_arm);
        assert!(matches!(poll, Poll::Ready(Ok(()))));
    }

    #[test]
    fn event_between_snapshot_and_registration_is_not_lost() {
        let state = SourceState::new();
        let (_count, waker) = counting_waker();
        let t = state.tick(Direction::Write);
        let mut wakers = Vec::new();
        let _ = state.dispatch(false, true, &mut wakers, |_| {});
        assert!(wakers.is_empty());
        let poll = state.poll_ready(Direction::Write, Some(t), &waker, |_| {
            panic!("must not arm: readiness is already known")
        });
        assert!(matches!(poll, Poll::Ready(Ok(()))));
        assert!(!state.has_waker(Direction::Write));
    }

    #[test]
    fn public_style_poll_waits_for_one_event() {
        let state = SourceState::new();
        let (_count, waker) = counting_waker();
        assert!(state
            .poll_ready(Direction::Read, None, &waker, ok_arm)
            .is_pending());
        assert!(state
            .poll_ready(Direction::Read, None, &waker, ok_arm)
            .is_pending());
        let mut wakers = Vec::new();
        let _ = state.dispatch(true, true, &mut wakers, |_| {});
        assert_eq!(wakers.len(), 1);
        assert!(matches!(
            state.poll_ready(Direction::Read, None, &waker, ok_arm),
            Poll::Ready(Ok(()))
        ));
        // The slot is idle again: the next call waits for a fresh event.
        assert!(state
            .poll_ready(Direction::Read, None, &waker, ok_arm)
            .is_pending());
    }

    #[test]
    fn other_direction_is_rearmed_after_an_event() {
        let state = SourceState::new();
        let (_c, waker) = counting_waker();
        assert!(state
            .poll_ready(Direction::Read, Some(0), &waker, ok_arm)
            .is_pending());
        let mut armed = Interest::default();
        assert!(state
            .poll_ready(Direction::Write, Some(0), &waker, |i| {
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
        let poll = state.poll_ready(Direction::Read, Some(0), &waker, |_| {
            Err(io::Error::from(io::ErrorKind::PermissionDenied))
        });
        assert!(matches!(poll, Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::PermissionDenied));
        assert!(!state.has_waker(Direction::Read));
    }

    #[test]
    fn removed_source_ignores_events_and_registrations() {
        let state = SourceState::new();
        let (count, waker) = counting_waker();
        assert!(state
            .poll_ready(Direction::Read, Some(0), &waker, ok_arm)
            .is_pending());
        let [read, write] = state.remove();
        assert!(read.is_some() && write.is_none());
        drop(read);
        let mut wakers = Vec::new();
        assert_eq!(
            state.dispatch(true, true, &mut wakers, |_| {}),
            Dispatch::Removed
        );
        assert!(wakers.is_empty());
        assert!(state
            .poll_ready(Direction::Read, Some(0), &waker, ok_arm)
            .is_ready());
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
