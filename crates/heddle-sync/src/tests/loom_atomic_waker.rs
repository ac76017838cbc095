//! L8 AtomicWaker: a wake after the condition changed is never lost against a concurrent
//! (re-)registration, and a panicking waker leaves the cell usable.

use super::panic_waker;
use crate::atomic_waker::AtomicWaker;
use crate::loom::{Arc, AtomicUsize, Ordering};
use loom::future::block_on;
use std::future::poll_fn;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::{Poll, Waker};

/// Waits (as a registering consumer would) until `flag` is set.
fn wait_for(waker: &AtomicWaker, flag: &AtomicUsize) {
    block_on(poll_fn(|cx| {
        waker.register(cx.waker());
        if flag.load(Ordering::Acquire) == 1 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }));
}

#[test]
fn loom_atomic_waker_wake_vs_register() {
    loom::model(|| {
        let waker = Arc::new(AtomicWaker::new());
        let flag = Arc::new(AtomicUsize::new(0));
        let (w, f) = (waker.clone(), flag.clone());
        let t = loom::thread::spawn(move || {
            f.store(1, Ordering::Release);
            w.wake();
        });
        // A lost wake leaves this blocked forever, which loom reports as a deadlock.
        wait_for(&waker, &flag);
        t.join().unwrap();
    });
}

#[test]
fn loom_atomic_waker_panicking_waker_leaves_it_usable() {
    loom::model(|| {
        let waker = Arc::new(AtomicWaker::new());
        let flag = Arc::new(AtomicUsize::new(0));
        waker.register(&panic_waker());
        let (w, f) = (waker.clone(), flag.clone());
        let t = loom::thread::spawn(move || {
            f.store(1, Ordering::Release);
            // Takes either the panicking waker (the panic reaches us) or the replacement.
            let _ = catch_unwind(AssertUnwindSafe(|| w.wake()));
            f.store(2, Ordering::Release);
            w.wake();
        });
        // Replaces the panicking waker; must still be woken by one of the two wakes.
        block_on(poll_fn(|cx| {
            waker.register(cx.waker());
            if flag.load(Ordering::Acquire) == 2 {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
        t.join().unwrap();
        // The cell still works: a fresh registration is taken by the next wake.
        waker.register(Waker::noop());
        assert!(waker.take().is_some());
        assert!(waker.take().is_none());
    });
}
