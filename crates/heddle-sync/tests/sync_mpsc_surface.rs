//! mpsc: sender counts, `reserve_many`, the receiver's capacity and close queries,
//! `poll_recv_many` and owned-permit identity, on both channel flavours.

mod support;

use futures::executor::block_on;
use heddle_sync::mpsc::{self, error::TrySendError};
use std::future::poll_fn;
use std::pin::pin;
use std::task::Poll;
use support::{poll_once, poll_with, CountWaker};

#[test]
fn sender_counts_follow_clones_downgrades_and_drops() {
    let (tx, rx) = mpsc::channel::<u8>(1);
    let tx2 = tx.clone();
    let weak = tx.downgrade();
    let weak2 = weak.clone();
    assert_eq!((tx.strong_count(), tx.weak_count()), (2, 2));
    assert_eq!((weak.strong_count(), weak.weak_count()), (2, 2));
    assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (2, 2));
    drop((tx2, weak2));
    assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (1, 1));
    let upgraded = weak.upgrade().unwrap();
    assert_eq!(rx.sender_strong_count(), 2);
    drop((tx, upgraded));
    assert_eq!((weak.strong_count(), weak.weak_count()), (0, 1));
    assert!(weak.upgrade().is_none());
    drop(weak);
    assert_eq!(rx.sender_weak_count(), 0);

    let (utx, urx) = mpsc::unbounded_channel::<u8>();
    let uweak = utx.downgrade();
    assert_eq!((utx.strong_count(), utx.weak_count()), (1, 1));
    assert_eq!((urx.sender_strong_count(), urx.sender_weak_count()), (1, 1));
    drop(utx);
    assert_eq!((uweak.strong_count(), uweak.weak_count()), (0, 1));
    assert_eq!(urx.sender_strong_count(), 0);
}

#[test]
fn reserve_many_takes_all_slots_at_once_and_frees_the_unused_ones() {
    let (tx, mut rx) = mpsc::channel(4);
    let mut permits = block_on(tx.reserve_many(3)).unwrap();
    assert_eq!((permits.len(), tx.capacity(), rx.capacity()), (3, 1, 1));
    permits.next().unwrap().send(10);
    permits.next().unwrap().send(11);
    assert_eq!(permits.size_hint(), (1, Some(1)));
    drop(permits);
    assert_eq!(tx.capacity(), 2);
    assert_eq!(rx.try_recv(), Ok(10));
    assert_eq!(rx.try_recv(), Ok(11));
    assert_eq!(rx.capacity(), 4);
    assert_eq!(rx.max_capacity(), 4);

    let none = tx.try_reserve_many(0).unwrap();
    assert_eq!(none.len(), 0);
    drop(none);
    assert!(matches!(
        tx.try_reserve_many(5),
        Err(TrySendError::Full(()))
    ));
    assert!(block_on(tx.reserve_many(5)).is_err());
}

#[test]
fn reserve_many_waits_in_turn_and_a_dropped_wait_passes_the_slots_on() {
    let (tx, mut rx) = mpsc::channel(2);
    tx.try_send(1).unwrap();
    let (wakes, waker) = CountWaker::new();
    let mut many = pin!(tx.reserve_many(2));
    assert!(poll_with(many.as_mut(), &waker).is_pending());
    // A later single reserve does not overtake the queued batch.
    assert!(matches!(tx.try_reserve(), Err(TrySendError::Full(()))));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(wakes.count(), 1);
    let Poll::Ready(Ok(permits)) = poll_once(many.as_mut()) else {
        panic!("the batch is granted once both slots are free");
    };
    assert_eq!(permits.len(), 2);
    drop(permits);

    tx.try_send(2).unwrap();
    let mut waiting = Box::pin(tx.reserve_many(2));
    assert!(poll_once(waiting.as_mut()).is_pending());
    assert_eq!(rx.try_recv(), Ok(2));
    drop(waiting);
    assert_eq!(tx.capacity(), 2);
}

#[test]
fn reserve_many_fails_once_the_receiver_closes() {
    let (tx, mut rx) = mpsc::channel::<u8>(2);
    let _held = tx.try_reserve().unwrap();
    let mut many = pin!(tx.reserve_many(2));
    assert!(poll_once(many.as_mut()).is_pending());
    rx.close();
    assert!(matches!(poll_once(many.as_mut()), Poll::Ready(Err(_))));
    assert!(matches!(
        tx.try_reserve_many(1),
        Err(TrySendError::Closed(()))
    ));
}

#[test]
fn the_receiver_is_closed_by_close_or_the_last_sender_with_messages_still_buffered() {
    let (tx, mut rx) = mpsc::channel(2);
    tx.try_send(1).unwrap();
    assert!(!rx.is_closed());
    rx.close();
    assert!(rx.is_closed());
    assert!(!rx.is_empty());
    assert_eq!(block_on(rx.recv()), Some(1));
    assert_eq!(block_on(rx.recv()), None);

    let (utx, mut urx) = mpsc::unbounded_channel();
    utx.send(1).unwrap();
    let weak = utx.downgrade();
    drop(utx);
    assert!(urx.is_closed(), "weak senders do not keep the channel open");
    assert_eq!((urx.len(), urx.is_empty()), (1, false));
    assert_eq!(block_on(urx.recv()), Some(1));
    assert_eq!(block_on(urx.recv()), None);
    drop(weak);
}

#[test]
fn poll_recv_many_moves_what_is_buffered_and_reports_the_end() {
    let (tx, mut rx) = mpsc::channel(4);
    let (utx, mut urx) = mpsc::unbounded_channel();
    let mut buffer = Vec::new();
    assert!(poll_once(pin!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buffer, 4)))).is_pending());
    for i in 0..3 {
        tx.try_send(i).unwrap();
        utx.send(i).unwrap();
    }
    assert_eq!(
        block_on(poll_fn(|cx| rx.poll_recv_many(cx, &mut buffer, 2))),
        2
    );
    assert_eq!(
        block_on(poll_fn(|cx| urx.poll_recv_many(cx, &mut buffer, 8))),
        3
    );
    assert_eq!(buffer, [0, 1, 0, 1, 2]);
    assert_eq!(
        block_on(poll_fn(|cx| rx.poll_recv_many(cx, &mut buffer, 0))),
        0
    );
    drop((tx, utx));
    assert_eq!(
        block_on(poll_fn(|cx| rx.poll_recv_many(cx, &mut buffer, 8))),
        1
    );
    assert_eq!(
        block_on(poll_fn(|cx| rx.poll_recv_many(cx, &mut buffer, 8))),
        0
    );
    assert_eq!(
        block_on(poll_fn(|cx| urx.poll_recv_many(cx, &mut buffer, 8))),
        0
    );
}

#[test]
fn owned_permits_know_their_channel() {
    let (tx, _rx) = mpsc::channel::<u8>(4);
    let (other, _other_rx) = mpsc::channel::<u8>(4);
    let a = tx.clone().try_reserve_owned().unwrap();
    let b = tx.clone().try_reserve_owned().unwrap();
    let c = other.clone().try_reserve_owned().unwrap();
    assert!(a.same_channel(&b));
    assert!(!a.same_channel(&c));
    assert!(a.same_channel_as_sender(&tx));
    assert!(!c.same_channel_as_sender(&tx));
}

#[test]
#[allow(deprecated)]
fn the_legacy_recv_error_is_an_error() {
    fn is_error<E: std::error::Error + Clone>() {}
    is_error::<mpsc::error::RecvError>();
}

/// Without a timer installed (this test binary installs none), `send_timeout` still sends
/// when there is room, and a full channel panics with a message saying how to get a timer.
#[test]
#[should_panic(expected = "heddle-sync has no timer")]
fn send_timeout_without_a_timer_panics_only_when_it_must_wait() {
    let (tx, mut rx) = mpsc::channel(1);
    block_on(tx.send_timeout(1, std::time::Duration::from_secs(1))).unwrap();
    assert_eq!(rx.try_recv(), Ok(1));
    block_on(tx.send_timeout(2, std::time::Duration::ZERO)).unwrap();
    let _ = block_on(tx.send_timeout(3, std::time::Duration::from_secs(1)));
}
