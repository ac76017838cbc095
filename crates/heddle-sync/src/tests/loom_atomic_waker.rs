//! L8 AtomicWaker: a wake after the condition changed is never lost against a concurrent
//! (re-)registration or a concurrent wake, and a panicking waker leaves the cell usable.

use super::panic_waker;
use crate::atomic_waker::AtomicWaker;
use crate::loom::{Arc, AtomicUsize, Ordering};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::{Wake, Waker};

/// A waker that wakes a thread blocked in [`wait_for`]. As an executor's, its wake
/// happens-before the poll it causes (loom's `Notify` synchronises `notify` with `wait`).
struct Notifier(loom::sync::Notify);

impl Wake for Notifier {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.notify();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.notify();
    }
}

/// Waits, as the registering consumer would, until `flag` reaches `target`: registers a
/// waker, re-checks, and blocks until woken. Only a wake ends the wait, so a lost one leaves
/// the thread blocked forever, which loom reports as a deadlock.
fn wait_for(waker: &AtomicWaker, flag: &AtomicUsize, target: usize) {
    let notifier = std::sync::Arc::new(Notifier(loom::sync::Notify::new()));
    let as_waker = Waker::from(notifier.clone());
    loop {
        // SAFETY: this thread is the cell's only consumer.
        unsafe { waker.register(&as_waker) };
        if flag.load(Ordering::Acquire) >= target {
            return;
        }
        notifier.0.wait();
    }
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
        wait_for(&waker, &flag, 1);
        t.join().unwrap();
    });
}

#[test]
fn loom_atomic_waker_two_wakes_vs_a_registered_consumer() {
    // The consumer registers first with another waker, so the second registration replaces it
    // while two producers may be draining: each producer's wake must reach the new waker
    // after its own change.
    loom::model(|| {
        let waker = Arc::new(AtomicWaker::new());
        let flag = Arc::new(AtomicUsize::new(0));
        // SAFETY: this thread is the cell's only consumer.
        unsafe { waker.register(Waker::noop()) };
        let producers: Vec<_> = (0..2)
            .map(|_| {
                let (w, f) = (waker.clone(), flag.clone());
                loom::thread::spawn(move || {
                    f.fetch_add(1, Ordering::Release);
                    w.wake();
                })
            })
            .collect();
        wait_for(&waker, &flag, 2);
        for producer in producers {
            producer.join().unwrap();
        }
    });
}

#[test]
fn loom_atomic_waker_panicking_waker_leaves_it_usable() {
    loom::model(|| {
        let waker = Arc::new(AtomicWaker::new());
        let flag = Arc::new(AtomicUsize::new(0));
        // SAFETY: this thread is the cell's only consumer.
        unsafe { waker.register(&panic_waker()) };
        let (w, f) = (waker.clone(), flag.clone());
        let t = loom::thread::spawn(move || {
            f.store(1, Ordering::Release);
            // Each calls either the panicking waker (the panic reaches us) or the replacement.
            let _ = catch_unwind(AssertUnwindSafe(|| w.wake()));
            f.store(2, Ordering::Release);
            let _ = catch_unwind(AssertUnwindSafe(|| w.wake()));
        });
        // Replaces the panicking waker; must still be woken by one of the two wakes.
        wait_for(&waker, &flag, 2);
        t.join().unwrap();
        // The cell still works: it can be emptied, and a wake then calls nothing.
        // SAFETY: as above.
        unsafe { waker.clear() };
        waker.wake();
    });
}
