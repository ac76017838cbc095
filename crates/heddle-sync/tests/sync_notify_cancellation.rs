//! Notify's `notify_last`, `enable` and owned futures; CancellationToken's named futures,
//! `run_until_cancelled` and `drop_guard_ref`.

mod support;

use futures::executor::block_on;
use heddle_sync::{CancellationToken, Notify};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use support::{poll_once, poll_with, CountWaker};

#[test]
fn notify_last_wakes_the_newest_waiter_or_stores_a_permit() {
    let notify = Notify::new();
    let (first_wakes, first_waker) = CountWaker::new();
    let (last_wakes, last_waker) = CountWaker::new();
    let mut first = pin!(notify.notified());
    let mut last = pin!(notify.notified());
    assert!(poll_with(first.as_mut(), &first_waker).is_pending());
    assert!(poll_with(last.as_mut(), &last_waker).is_pending());
    notify.notify_last();
    assert_eq!((first_wakes.count(), last_wakes.count()), (0, 1));
    assert!(poll_once(last.as_mut()).is_ready());
    notify.notify_last();
    assert!(poll_once(first.as_mut()).is_ready());

    notify.notify_last();
    notify.notify_last();
    assert!(poll_once(pin!(notify.notified())).is_ready());
    assert!(
        poll_once(pin!(notify.notified())).is_pending(),
        "at most one stored permit"
    );
}

#[test]
fn a_notify_last_granted_to_a_dropped_waiter_passes_on() {
    let notify = Notify::new();
    let mut older = pin!(notify.notified());
    assert!(poll_once(older.as_mut()).is_pending());
    let mut newer = Box::pin(notify.notified());
    assert!(poll_once(newer.as_mut()).is_pending());
    notify.notify_last();
    drop(newer);
    assert!(poll_once(older.as_mut()).is_ready());
}

#[test]
fn enable_queues_before_the_first_poll_and_remembers_the_notification() {
    let notify = Notify::new();
    let mut enabled = pin!(notify.notified());
    assert!(!enabled.as_mut().enable());
    let mut later = pin!(notify.notified());
    assert!(poll_once(later.as_mut()).is_pending());
    // The enabled future queued first, so it gets the notification.
    notify.notify_one();
    assert!(poll_once(later.as_mut()).is_pending());
    assert!(enabled.as_mut().enable());
    assert!(enabled.as_mut().enable(), "it stays notified");
    assert!(poll_once(enabled.as_mut()).is_ready());
    // The notification was consumed once: nothing is stored for another waiter.
    assert!(poll_once(pin!(notify.notified())).is_pending());
}

#[test]
fn owned_notified_futures_outlive_their_handle() {
    let notify = Arc::new(Notify::new());
    let mut a = Box::pin(notify.clone().notified_owned());
    let b = notify.clone().notified_owned();
    assert!(!a.as_mut().enable());
    notify.notify_waiters();
    drop(notify);
    assert!(poll_once(a.as_mut()).is_ready());
    let waiter = std::thread::spawn(move || block_on(b));
    waiter.join().unwrap();
}

#[test]
fn run_until_cancelled_stops_polling_once_cancelled() {
    let token = CancellationToken::new();
    let polls = AtomicUsize::new(0);
    let work = std::future::poll_fn(|_| {
        polls.fetch_add(1, Ordering::SeqCst);
        Poll::<u8>::Pending
    });
    let mut run = pin!(token.run_until_cancelled(work));
    assert!(poll_once(run.as_mut()).is_pending());
    token.cancel();
    assert_eq!(poll_once(run.as_mut()), Poll::Ready(None));
    assert_eq!(
        polls.load(Ordering::SeqCst),
        1,
        "not polled after the cancel"
    );
    assert_eq!(block_on(token.run_until_cancelled(async { 1 })), None);

    let fresh = CancellationToken::new();
    assert_eq!(
        block_on(fresh.clone().run_until_cancelled_owned(async { 5 })),
        Some(5)
    );
    let child = fresh.child_token();
    let pending = child.run_until_cancelled_owned(std::future::pending::<()>());
    let worker = std::thread::spawn(move || block_on(pending));
    fresh.cancel();
    assert_eq!(worker.join().unwrap(), None);
}

#[test]
fn cancellation_futures_are_named_and_owned() {
    let token = CancellationToken::new();
    let (wakes, waker) = CountWaker::new();
    let mut borrowed = pin!(token.cancelled());
    assert!(poll_with(borrowed.as_mut(), &waker).is_pending());
    let owned = token.child_token().cancelled_owned();
    let waiter = std::thread::spawn(move || block_on(owned));
    token.cancel();
    assert_eq!(wakes.count(), 1);
    assert!(poll_once(borrowed.as_mut()).is_ready());
    waiter.join().unwrap();
    assert!(format!("{:?}", token.cancelled()).contains("WaitForCancellationFuture"));
}

#[test]
fn a_drop_guard_ref_cancels_unless_disarmed() {
    let token = CancellationToken::new();
    let same = token.drop_guard_ref().disarm();
    assert!(std::ptr::eq(same, &token));
    assert!(!token.is_cancelled());
    let child = token.child_token();
    drop(child.drop_guard_ref());
    assert!(child.is_cancelled() && !token.is_cancelled());
    drop(token.drop_guard_ref());
    assert!(token.is_cancelled());
}
