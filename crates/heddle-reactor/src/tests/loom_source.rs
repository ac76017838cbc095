//! L7: readiness versus waiter registration versus deregistration, on the per-source state
//! machine and the key registry (the OS poller is replaced by closures that record arming).
//!
//! Invariants checked:
//! 1. Readiness delivered before the waiter registers is not lost: the task either sees its
//!    data, or `poll_ready` reports ready, or its waker is woken.
//! 2. With two waiters on one direction (two futures, or the `poll_*` waiter and a future),
//!    invariant 1 holds for each of them: one event wakes both, neither is lost.
//! 3. A waiter whose future is dropped while an event is delivered leaves no entry, and its
//!    waker is either woken by that event or handed back unwoken; the other waiter is woken.
//! 4. After `remove`, no dispatch wakes anything, and a dispatch that lost the race to
//!    `remove` reports `Removed`.
//! 5. An event read for an old key never reaches the source that reuses its slab slot.

use std::task::{Poll, Wake, Waker};

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::loom::Arc;
use crate::registry::Registry;
use crate::source::{Direction, Dispatch, SourceState, WaiterKey};

struct Flag(AtomicUsize);

impl Wake for Flag {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn flag_waker() -> (std::sync::Arc<Flag>, Waker) {
    let flag = std::sync::Arc::new(Flag(AtomicUsize::new(0)));
    (flag.clone(), Waker::from(flag))
}

#[test]
fn loom_readiness_before_registration_is_not_lost() {
    loom::model(|| {
        let state = Arc::new(SourceState::new());
        let data = Arc::new(AtomicBool::new(false));
        let (flag, waker) = flag_waker();

        let reactor = {
            let (state, data) = (state.clone(), data.clone());
            loom::thread::spawn(move || {
                // The peer writes, then the poller reports readability.
                data.store(true, Ordering::SeqCst);
                let mut wakers = Vec::new();
                let _ = state.dispatch(true, false, &mut wakers, |_| {});
                wakers.into_iter().for_each(Waker::wake);
            })
        };

        // The task: snapshot, attempt the read, and register if it would block.
        let tick = state.tick(Direction::Read);
        let got_data = data.load(Ordering::SeqCst);
        let outcome = if got_data {
            Poll::Ready(Ok(()))
        } else {
            state.poll_ready(
                Direction::Read,
                &mut WaiterKey::Future(None),
                Some(tick),
                &waker,
                |_| Ok(()),
            )
        };
        reactor.join().unwrap();

        match outcome {
            Poll::Ready(result) => {
                result.unwrap();
                // Retrying the read now succeeds: the data is there.
                assert!(data.load(Ordering::SeqCst));
            }
            Poll::Pending => {
                // Pending is only allowed if the reactor woke the stored waker.
                assert_eq!(flag.0.load(Ordering::SeqCst), 1, "lost readiness");
            }
        }
    });
}

/// One task's attempt: snapshot, try the I/O (`data`), and wait as `key` if it would block.
/// Returns `None` if it saw readiness without waiting, else the flag its waker counts into.
fn attempt(
    state: &SourceState,
    data: &AtomicBool,
    dir: Direction,
    key: WaiterKey,
) -> Option<std::sync::Arc<Flag>> {
    let (flag, waker) = flag_waker();
    let tick = state.tick(dir);
    if data.load(Ordering::SeqCst) {
        return None;
    }
    let mut key = key;
    match state.poll_ready(dir, &mut key, Some(tick), &waker, |_| Ok(())) {
        Poll::Ready(result) => {
            result.unwrap();
            // Retrying the I/O now succeeds: the data is there.
            assert!(data.load(Ordering::SeqCst));
            None
        }
        Poll::Pending => Some(flag),
    }
}

fn two_waiters_race_one_event(dir: Direction, first: WaiterKey, second: WaiterKey) {
    loom::model(move || {
        let state = Arc::new(SourceState::new());
        let data = Arc::new(AtomicBool::new(false));

        let reactor = {
            let (state, data) = (state.clone(), data.clone());
            loom::thread::spawn(move || {
                // The peer writes, then the poller reports the direction.
                data.store(true, Ordering::SeqCst);
                let mut wakers = Vec::new();
                let _ = state.dispatch(
                    dir == Direction::Read,
                    dir == Direction::Write,
                    &mut wakers,
                    |_| {},
                );
                wakers.into_iter().for_each(Waker::wake);
            })
        };
        let other = {
            let (state, data) = (state.clone(), data.clone());
            loom::thread::spawn(move || attempt(&state, &data, dir, second))
        };

        let mine = attempt(&state, &data, dir, first);
        reactor.join().unwrap();
        let theirs = other.join().unwrap();
        // A waiter that returned `Pending` must have been woken, exactly once.
        for flag in [mine, theirs].into_iter().flatten() {
            assert_eq!(flag.0.load(Ordering::SeqCst), 1, "lost readiness");
        }
        // Every waiter that waited was woken, so no waker is left behind.
        assert_eq!(state.stored_wakers(dir), 0);
    });
}

#[test]
fn loom_two_future_waiters_are_both_woken() {
    two_waiters_race_one_event(
        Direction::Read,
        WaiterKey::Future(None),
        WaiterKey::Future(None),
    );
}

#[test]
fn loom_poll_waiter_and_future_waiter_are_both_woken() {
    two_waiters_race_one_event(Direction::Write, WaiterKey::Poll, WaiterKey::Future(None));
}

#[test]
fn loom_dropped_waiter_leaves_no_entry() {
    loom::model(|| {
        let state = Arc::new(SourceState::new());
        let (dropped_flag, dropped_waker) = flag_waker();
        let (kept_flag, kept_waker) = flag_waker();
        let mut dropped = WaiterKey::Future(None);
        let mut kept = WaiterKey::Future(None);
        for (key, waker) in [(&mut dropped, &dropped_waker), (&mut kept, &kept_waker)] {
            assert!(state
                .poll_ready(Direction::Read, key, Some(0), waker, |_| Ok(()))
                .is_pending());
        }
        drop((dropped_waker, kept_waker));
        assert_eq!(state.future_waiters(Direction::Read), 2);

        let reactor = {
            let state = state.clone();
            loom::thread::spawn(move || {
                let mut wakers = Vec::new();
                let _ = state.dispatch(true, false, &mut wakers, |_| {});
                wakers.into_iter().for_each(Waker::wake);
            })
        };

        // The first future is dropped: its guard removes the entry.
        let WaiterKey::Future(Some(index)) = dropped else {
            panic!("a waiting future has an entry")
        };
        let handed_back = state.remove_waiter(Direction::Read, index);
        let had_waker = handed_back.is_some();
        drop(handed_back);
        reactor.join().unwrap();

        assert_eq!(state.future_waiters(Direction::Read), 1);
        assert_eq!(state.stored_wakers(Direction::Read), 0);
        assert_eq!(
            kept_flag.0.load(Ordering::SeqCst),
            1,
            "the kept waiter was lost"
        );
        // Either the event took the dropped waiter's waker first and woke it, or the drop
        // took it first and it was never woken.
        let expected = if had_waker { 0 } else { 1 };
        assert_eq!(dropped_flag.0.load(Ordering::SeqCst), expected);
    });
}

#[test]
fn loom_no_wake_after_remove() {
    loom::model(|| {
        let state = Arc::new(SourceState::new());
        let (flag, waker) = flag_waker();
        assert!(state
            .poll_ready(
                Direction::Write,
                &mut WaiterKey::Poll,
                Some(0),
                &waker,
                |_| Ok(())
            )
            .is_pending());
        drop(waker);

        let reactor = {
            let state = state.clone();
            loom::thread::spawn(move || {
                let mut wakers = Vec::new();
                let outcome = state.dispatch(true, true, &mut wakers, |_| {});
                let woke = wakers.len();
                wakers.into_iter().for_each(Waker::wake);
                (outcome, woke)
            })
        };

        let removed = state.remove();
        let had_waker = !removed.is_empty();
        drop(removed);
        // From here on nobody may store or take a waker for this source.
        let mut wakers = Vec::new();
        assert_eq!(
            state.dispatch(true, true, &mut wakers, |_| panic!("re-armed after remove")),
            Dispatch::Removed
        );

        let (outcome, woke) = reactor.join().unwrap();
        match outcome {
            Dispatch::Delivered(n) => {
                // The dispatch came first: it took the waker, so `remove` found none.
                assert_eq!((n, woke), (1, 1));
                assert!(!had_waker);
                assert_eq!(flag.0.load(Ordering::SeqCst), 1);
            }
            Dispatch::Removed => {
                // `remove` came first: it dropped the waker, which was never woken.
                assert!(had_waker);
                assert_eq!(woke, 0);
                assert_eq!(flag.0.load(Ordering::SeqCst), 0);
            }
        }
    });
}

#[test]
fn loom_stale_key_never_reaches_the_reused_slot() {
    loom::model(|| {
        let registry = Arc::new(Registry::new());
        let (old_key, old) = registry.insert(|_| Arc::new(SourceState::new())).unwrap();
        let (flag, waker) = flag_waker();

        // The reactor harvested an event for `old_key` and delivers it late.
        let reactor = {
            let registry = registry.clone();
            loom::thread::spawn(move || {
                let mut wakers = Vec::new();
                if let Some(source) = registry.get(old_key) {
                    let _ = source.dispatch(true, false, &mut wakers, |_| {});
                }
                wakers.into_iter().for_each(Waker::wake);
            })
        };

        // Meanwhile the old source is deregistered and a new one takes its slot and waits.
        drop(old.remove());
        registry.remove(old_key);
        let (new_key, new) = registry.insert(|_| Arc::new(SourceState::new())).unwrap();
        assert_ne!(new_key, old_key);
        let tick = new.tick(Direction::Read);
        let poll = new.poll_ready(
            Direction::Read,
            &mut WaiterKey::Future(None),
            Some(tick),
            &waker,
            |_| Ok(()),
        );

        reactor.join().unwrap();
        assert!(
            poll.is_pending(),
            "the new source saw the old source's event"
        );
        assert_eq!(
            flag.0.load(Ordering::SeqCst),
            0,
            "stale event woke the new source"
        );
        assert_eq!(registry.len(), 1);
    });
}
