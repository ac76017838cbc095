//! L8 waiter queue: a grant (a semaphore permit, a `notify_one` or `notify_last`) made to a
//! waiter that is then dropped before observing it passes to the next waiter; no interleaving
//! loses it. A lost grant leaves the last waiter blocked forever, which loom reports as a
//! deadlock. The lock-free fast path never lets a new acquirer overtake a queued one. A waiter
//! whose waker panics in `clone` leaves no trace that would make later acquirers queue behind
//! nobody.

use super::{poll_once, poll_once_then_drop, poll_with_clone_panic_then_drop};
use crate::{Notify, Semaphore};
use loom::future::block_on;
use std::sync::Arc;

#[test]
fn loom_semaphore_grant_then_cancel_passes_the_permit_on() {
    loom::model(|| {
        // No free permit yet: the main thread grants the only one below, racing both waiters.
        let semaphore = Arc::new(Semaphore::new(0));

        let s1 = semaphore.clone();
        let cancelled = loom::thread::spawn(move || {
            // Queues (or takes the permit, and gives it back on drop), then is cancelled.
            let _ = poll_once_then_drop(s1.acquire());
        });
        let s2 = semaphore.clone();
        let waiter = loom::thread::spawn(move || {
            let permit = block_on(s2.acquire()).unwrap();
            drop(permit);
        });
        semaphore.add_permits(1);
        cancelled.join().unwrap();
        waiter.join().unwrap();
        assert_eq!(semaphore.available_permits(), 1);
    });
}

#[test]
fn loom_notify_one_vs_a_cancelled_waiter() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let n1 = notify.clone();
        let cancelled = loom::thread::spawn(move || {
            if poll_once_then_drop(n1.notified()).is_ready() {
                // It observed the notification itself; hand a new one to the other waiter.
                n1.notify_one();
            }
        });
        let n2 = notify.clone();
        let waiter = loom::thread::spawn(move || block_on(n2.notified()));
        notify.notify_one();
        cancelled.join().unwrap();
        waiter.join().unwrap();
    });
}

#[test]
fn loom_notify_last_vs_a_cancelled_newest_waiter() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let mut older = Box::pin(notify.notified());
        assert!(poll_once(older.as_mut()).is_pending());
        let n1 = notify.clone();
        let newest = loom::thread::spawn(move || {
            if poll_once_then_drop(n1.notified()).is_ready() {
                // It observed the notification itself; hand a new one to the older waiter.
                n1.notify_one();
            }
        });
        let n2 = notify.clone();
        let notifier = loom::thread::spawn(move || n2.notify_last());
        newest.join().unwrap();
        notifier.join().unwrap();
        // A grant lost with the cancelled newest waiter leaves this one blocked: a deadlock.
        block_on(older);
    });
}

#[test]
fn loom_semaphore_release_vs_a_barging_acquire() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let mut queued = Box::pin(semaphore.acquire());
        assert!(poll_once(queued.as_mut()).is_pending());

        let s1 = semaphore.clone();
        let releaser = loom::thread::spawn(move || s1.add_permits(1));
        let s2 = semaphore.clone();
        let barger = loom::thread::spawn(move || {
            let barged = s2.try_acquire().map(|permit| permit.forget()).is_ok();
            if barged {
                // Give it back so the queued waiter is not blocked forever.
                s2.add_permits(1);
            }
            barged
        });
        assert!(
            !barger.join().unwrap(),
            "a later acquirer took the permit from a queued waiter"
        );
        releaser.join().unwrap();
        // The released permit was granted to the queued waiter.
        drop(block_on(queued).unwrap());
        assert_eq!(semaphore.available_permits(), 1);
    });
}

#[test]
fn loom_semaphore_panicking_clone_vs_an_acquire() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(1));
        let s1 = semaphore.clone();
        let failed = loom::thread::spawn(move || {
            // Two permits are not there: it has to queue, and its clone panics.
            poll_with_clone_panic_then_drop(s1.acquire_many(2));
        });
        let s2 = semaphore.clone();
        // The free permit is this acquirer's whenever the failed one runs, on the lock-free
        // path. A `QUEUED` flag left behind would send it to the queue, where nobody wakes it;
        // under loom it fails sooner: loom's mutex, unlike ours, panics when locked after a
        // panic under it, so after the failed poll nothing here may take the lock.
        let waiter = loom::thread::spawn(move || drop(block_on(s2.acquire()).unwrap()));
        failed.join().unwrap();
        waiter.join().unwrap();
        assert_eq!(semaphore.available_permits(), 1);
        drop(semaphore.try_acquire().unwrap());
    });
}
