//! watch: `send_if_modified`, `wait_for`, `Sender::closed` and `same_channel`.

mod support;

use futures::executor::block_on;
use heddle_sync::watch;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::task::Poll;
use support::{poll_once, poll_with, CountWaker};

#[test]
fn send_if_modified_notifies_only_when_the_closure_says_so() {
    let (tx, mut rx) = watch::channel(1);
    let (wakes, waker) = CountWaker::new();
    {
        let mut changed = pin!(rx.changed());
        assert!(poll_with(changed.as_mut(), &waker).is_pending());

        assert!(!tx.send_if_modified(|v| {
            *v = 2;
            false
        }));
        assert_eq!(wakes.count(), 0);
        assert!(poll_with(changed.as_mut(), &waker).is_pending());

        assert!(tx.send_if_modified(|v| {
            *v = 3;
            true
        }));
        assert_eq!(wakes.count(), 1);
        assert_eq!(poll_with(changed.as_mut(), &waker), Poll::Ready(Ok(())));
    }
    assert_eq!(*rx.borrow_and_update(), 3);

    // Unannounced changes are stored; receivers see them on their next read.
    assert!(!tx.send_if_modified(|v| {
        *v = 4;
        false
    }));
    assert_eq!(rx.has_changed(), Ok(false));
    assert_eq!(*rx.borrow(), 4);
    assert!(tx.send_if_modified(|_| true));
    assert_eq!(rx.has_changed(), Ok(true));
}

#[test]
fn send_if_modified_works_without_receivers() {
    let (tx, rx) = watch::channel(0);
    drop(rx);
    assert!(tx.send_if_modified(|v| {
        *v = 1;
        true
    }));
    assert_eq!(*tx.borrow(), 1);
}

#[test]
fn a_panicking_send_if_modified_notifies_and_leaves_the_channel_usable() {
    let (tx, mut rx) = watch::channel(0);
    let panic = catch_unwind(AssertUnwindSafe(|| {
        tx.send_if_modified(|v| {
            *v = 1;
            panic!("modify panicked on purpose");
        })
    }));
    assert!(panic.is_err());
    assert_eq!(rx.has_changed(), Ok(true));
    assert_eq!(*rx.borrow_and_update(), 1);
    tx.send(2).unwrap();
    assert_eq!(*rx.borrow_and_update(), 2);
}

#[test]
fn wait_for_checks_the_current_value_first_and_marks_it_seen() {
    let (tx, mut rx) = watch::channel(5);
    tx.send(6).unwrap();
    {
        let mut wait = pin!(rx.wait_for(|v| *v == 6));
        match poll_once(wait.as_mut()) {
            Poll::Ready(Ok(value)) => assert_eq!(*value, 6),
            other => panic!("expected the current value, got {other:?}"),
        }
    }
    assert_eq!(rx.has_changed(), Ok(false));
    // A value already seen is checked too.
    assert_eq!(*block_on(rx.wait_for(|v| *v == 6)).unwrap(), 6);
}

#[test]
fn wait_for_waits_for_a_later_matching_value() {
    let (tx, mut rx) = watch::channel(0);
    let (wakes, waker) = CountWaker::new();
    let mut checked = Vec::new();
    {
        let mut wait = pin!(rx.wait_for(|v| {
            checked.push(*v);
            *v >= 2
        }));
        assert!(poll_with(wait.as_mut(), &waker).is_pending());
        tx.send(1).unwrap();
        assert_eq!(wakes.count(), 1);
        assert!(poll_with(wait.as_mut(), &waker).is_pending());
        tx.send(2).unwrap();
        assert_eq!(wakes.count(), 2);
        match poll_with(wait.as_mut(), &waker) {
            Poll::Ready(Ok(value)) => assert_eq!(*value, 2),
            other => panic!("expected 2, got {other:?}"),
        }
    }
    assert_eq!(checked, [0, 1, 2]);
    assert_eq!(rx.has_changed(), Ok(false));
}

#[test]
fn wait_for_sees_the_value_from_another_thread() {
    let (tx, mut rx) = watch::channel(0);
    let sender = std::thread::spawn(move || {
        for i in 1..=10 {
            tx.send(i).unwrap();
        }
        tx
    });
    assert_eq!(*block_on(rx.wait_for(|v| *v == 10)).unwrap(), 10);
    drop(sender.join().unwrap());
}

#[test]
fn wait_for_fails_when_the_sender_drops_without_a_match() {
    let (tx, mut rx) = watch::channel(0);
    let (wakes, waker) = CountWaker::new();
    {
        let mut wait = pin!(rx.wait_for(|v| *v == 9));
        assert!(poll_with(wait.as_mut(), &waker).is_pending());
        tx.send(1).unwrap();
        assert!(poll_with(wait.as_mut(), &waker).is_pending());
        drop(tx);
        assert_eq!(wakes.count(), 2);
        assert!(matches!(
            poll_with(wait.as_mut(), &waker),
            Poll::Ready(Err(_))
        ));
    }

    // A value sent just before the drop is still checked.
    let (tx, mut rx) = watch::channel(0);
    tx.send(9).unwrap();
    drop(tx);
    assert_eq!(*block_on(rx.wait_for(|v| *v == 9)).unwrap(), 9);
    assert!(block_on(rx.wait_for(|v| *v == 10)).is_err());
}

#[test]
fn a_panicking_wait_for_leaves_the_channel_usable() {
    let (tx, mut rx) = watch::channel(0);
    let panic = catch_unwind(AssertUnwindSafe(|| {
        block_on(rx.wait_for(|_| panic!("predicate panicked on purpose"))).map(|_| ())
    }));
    assert!(panic.is_err());
    tx.send(1).unwrap();
    assert_eq!(*block_on(rx.wait_for(|v| *v == 1)).unwrap(), 1);
    tx.send(2).unwrap();
    assert_eq!(*rx.borrow(), 2);
}

#[test]
fn sender_closed_resolves_when_the_last_receiver_drops() {
    let (tx, rx) = watch::channel(0);
    let rx2 = rx.clone();
    let (wakes, waker) = CountWaker::new();
    {
        let mut closed = pin!(tx.closed());
        assert!(poll_with(closed.as_mut(), &waker).is_pending());
        drop(rx);
        assert_eq!(wakes.count(), 0);
        assert!(poll_with(closed.as_mut(), &waker).is_pending());
        drop(rx2);
        assert_eq!(wakes.count(), 1);
        assert_eq!(poll_with(closed.as_mut(), &waker), Poll::Ready(()));
    }
    // Already closed: ready at once.
    assert_eq!(poll_once(pin!(tx.closed())), Poll::Ready(()));
}

#[test]
fn sender_closed_wakes_every_waiter_and_survives_cancellation() {
    let (tx, rx) = watch::channel(0);
    let (wakes, waker) = CountWaker::new();
    {
        let mut first = pin!(tx.closed());
        let mut second = pin!(tx.closed());
        assert!(poll_with(first.as_mut(), &waker).is_pending());
        assert!(poll_with(second.as_mut(), &waker).is_pending());
        {
            // Dropped while pending: withdraws its waker.
            let mut cancelled = pin!(tx.closed());
            assert!(poll_with(cancelled.as_mut(), &waker).is_pending());
        }
        drop(rx);
        assert_eq!(wakes.count(), 2);
        assert_eq!(poll_with(first.as_mut(), &waker), Poll::Ready(()));
        assert_eq!(poll_with(second.as_mut(), &waker), Poll::Ready(()));
    }
    // A new receiver reopens the channel.
    let rx = tx.subscribe();
    let mut closed = pin!(tx.closed());
    assert!(poll_with(closed.as_mut(), &waker).is_pending());
    let receiver = std::thread::spawn(move || drop(rx));
    block_on(closed);
    receiver.join().unwrap();
}

#[test]
fn same_channel_compares_channels() {
    let (tx, rx) = watch::channel(0);
    let (_other_tx, other_rx) = watch::channel(0);
    assert!(rx.same_channel(&rx.clone()));
    assert!(rx.same_channel(&tx.subscribe()));
    assert!(!rx.same_channel(&other_rx));
}
