//! oneshot, broadcast and watch: the handle queries and constructors tokio code relies on
//! (counts, identity, closed states, weak broadcast senders, cloned watch senders).

mod support;

use futures::executor::block_on;
use heddle_sync::{broadcast, oneshot, watch};
use std::pin::pin;
use std::task::Poll;
use support::{poll_once, poll_with, watchdog, CountWaker};

#[test]
fn oneshot_is_empty_until_a_value_waits_and_terminated_once_polled_out() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    assert!(rx.is_empty() && !rx.is_terminated());
    tx.send(1).unwrap();
    assert!(!rx.is_empty() && !rx.is_terminated());
    assert_eq!(poll_once(pin!(&mut rx)), Poll::Ready(Ok(1)));
    assert!(rx.is_empty() && rx.is_terminated());

    let (tx, mut rx) = oneshot::channel::<u8>();
    drop(tx);
    assert!(rx.is_empty());
    assert!(!rx.is_terminated(), "the error is not yet observed");
    assert!(rx.try_recv().is_err());
    assert!(rx.is_terminated());
}

#[test]
fn broadcast_weak_senders_upgrade_only_while_a_sender_lives() {
    let (tx, mut rx) = broadcast::channel(4);
    let weak = tx.downgrade();
    let weak2 = weak.clone();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 2));
    assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (1, 2));
    let upgraded = weak.upgrade().unwrap();
    assert!(upgraded.same_channel(&tx));
    upgraded.send(1).unwrap();
    drop((tx, upgraded, weak2));
    assert_eq!((weak.strong_count(), weak.weak_count()), (0, 1));
    assert!(weak.upgrade().is_none());
    assert!(rx.is_closed());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(broadcast::error::TryRecvError::Closed));
}

#[test]
fn broadcast_len_counts_values_some_receiver_has_not_seen() {
    let tx = broadcast::Sender::new(2);
    assert_eq!(tx.receiver_count(), 0);
    assert!(tx.send(0).is_err(), "no receiver yet");
    let mut a = tx.subscribe();
    let mut b = tx.subscribe();
    assert!(a.same_channel(&b));
    for i in 1..=3 {
        tx.send(i).unwrap();
    }
    // One value was overwritten; both receivers still lag over it.
    assert_eq!((tx.len(), tx.is_empty()), (2, false));
    assert!(a.try_recv().is_err());
    assert_eq!(a.try_recv(), Ok(2));
    assert_eq!(tx.len(), 2);
    assert_eq!(b.try_recv().ok(), None);
    assert_eq!(b.try_recv(), Ok(2));
    assert_eq!(tx.len(), 1);
    drop(b);
    assert_eq!(tx.len(), 1);
    assert_eq!(a.try_recv(), Ok(3));
    assert!(tx.is_empty());
    drop(a);
    tx.subscribe();
    assert_eq!(tx.len(), 0);
}

#[test]
fn broadcast_closed_waits_for_the_last_receiver_and_reopens_with_subscribe() {
    let (tx, rx) = broadcast::channel::<u8>(1);
    let rx2 = rx.resubscribe();
    let (wakes, waker) = CountWaker::new();
    {
        let mut closed = pin!(tx.closed());
        assert!(poll_with(closed.as_mut(), &waker).is_pending());
        drop(rx);
        assert!(poll_with(closed.as_mut(), &waker).is_pending());
        drop(rx2);
        assert_eq!(wakes.count(), 1);
        assert!(poll_once(closed.as_mut()).is_ready());
    }
    let rx3 = tx.subscribe();
    let mut closed = pin!(tx.closed());
    assert!(poll_once(closed.as_mut()).is_pending());
    drop(rx3);
    assert!(poll_once(closed.as_mut()).is_ready());
}

#[test]
fn broadcast_blocking_recv_waits_for_a_value_from_another_thread() {
    let (tx, mut rx) = broadcast::channel(2);
    let got = watchdog(move || {
        let listener = std::thread::spawn(move || (rx.blocking_recv(), rx.blocking_recv()));
        tx.send(5).unwrap();
        drop(tx);
        listener.join().unwrap()
    });
    assert_eq!(got, (Ok(5), Err(broadcast::error::RecvError::Closed)));
}

#[test]
fn watch_senders_clone_and_the_channel_closes_with_the_last_one() {
    let (tx, mut rx) = watch::channel(0);
    let tx2 = tx.clone();
    assert_eq!(tx.sender_count(), 2);
    assert!(tx.same_channel(&tx2));
    assert!(!tx.same_channel(&watch::Sender::new(0)));
    drop(tx);
    assert!(!rx.is_closed());
    tx2.send(7).unwrap();
    assert_eq!(rx.has_changed(), Ok(true));
    drop(tx2);
    assert!(rx.is_closed());
    // The value sent before the close is still seen once, then the error.
    assert_eq!(block_on(rx.changed()), Ok(()));
    assert_eq!(*rx.borrow(), 7);
    assert!(block_on(rx.changed()).is_err());
}

#[test]
fn watch_mark_changed_makes_changed_complete_without_a_send() {
    let tx = watch::Sender::new(1);
    let mut rx = tx.subscribe();
    assert_eq!(rx.has_changed(), Ok(false));
    rx.mark_changed();
    assert_eq!(rx.has_changed(), Ok(true));
    assert!(rx.borrow().has_changed());
    assert_eq!(poll_once(pin!(rx.changed())), Poll::Ready(Ok(())));
    assert!(poll_once(pin!(rx.changed())).is_pending());
    rx.mark_changed();
    rx.mark_unchanged();
    assert_eq!(rx.has_changed(), Ok(false));
}

#[test]
fn watch_ref_has_changed_reports_what_the_borrow_saw() {
    let (tx, mut rx) = watch::channel(0);
    assert!(!tx.borrow().has_changed());
    assert!(!rx.borrow().has_changed());
    tx.send(1).unwrap();
    assert!(!tx.borrow().has_changed());
    assert!(rx.borrow().has_changed());
    assert!(rx.borrow_and_update().has_changed());
    assert!(!rx.borrow_and_update().has_changed());
    tx.send(2).unwrap();
    let seen = block_on(rx.wait_for(|v| *v == 2)).unwrap();
    assert!(seen.has_changed());
    drop(seen);
    let seen = block_on(rx.wait_for(|v| *v == 2)).unwrap();
    assert!(!seen.has_changed());
    drop(seen);
    drop(tx);
    assert!(
        !rx.borrow().has_changed(),
        "no error once the sender is gone"
    );
}
