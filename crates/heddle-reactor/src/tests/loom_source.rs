//! L7: readiness versus waiter registration versus deregistration, on the per-source state
//! machine and the key registry (the OS poller is replaced by closures that record arming).
//!
//! Invariants checked:
//! 1. Readiness delivered before the waiter registers is not lost: the task either sees its
//!    data, or `poll_ready` reports ready, or its waker is woken.
//! 2. After `remove`, no dispatch wakes anything, and a dispatch that lost the race to
//!    `remove` reports `Removed`.
//! 3. An event read for an old key never reaches the source that reuses its slab slot.

use std::task::{Poll, Wake, Waker};

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::loom::Arc;
use crate::registry::Registry;
use crate::source::{Direction, Dispatch, SourceState};

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
            state.poll_ready(Direction::Read, Some(tick), &waker, |_| Ok(()))
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

#[test]
fn loom_no_wake_after_remove() {
    loom::model(|| {
        let state = Arc::new(SourceState::new());
        let (flag, waker) = flag_waker();
        assert!(state
            .poll_ready(Direction::Write, Some(0), &waker, |_| Ok(()))
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
        let had_waker = removed[Direction::Write as usize].is_some();
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
        let poll = new.poll_ready(Direction::Read, Some(tick), &waker, |_| Ok(()));

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
