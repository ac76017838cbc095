//! oneshot, broadcast and watch semantics.

mod support;

use futures::executor::block_on;
use heddle_sync::broadcast::{self, error::RecvError as BRecvError, error::TryRecvError as BTry};
use heddle_sync::{oneshot, watch};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use support::{poll_once, poll_with, scaled, CountWaker, Tracked};

#[test]
fn oneshot_send_fails_iff_the_receiver_is_gone() {
    let (tx, rx) = oneshot::channel();
    assert!(!tx.is_closed());
    assert_eq!(tx.send(1), Ok(()));
    assert_eq!(block_on(rx), Ok(1));

    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = oneshot::channel();
    drop(rx);
    assert!(tx.is_closed());
    let back = tx.send(Tracked::new(1, &drops)).unwrap_err();
    assert_eq!((back.id, drops.load(Ordering::SeqCst)), (1, 0));

    let (tx, rx) = oneshot::channel::<u8>();
    drop(tx);
    assert!(block_on(rx).is_err());
}

#[test]
fn oneshot_value_unreceived_is_dropped_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = oneshot::channel();
    tx.send(Tracked::new(0, &drops)).unwrap();
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn oneshot_close_try_recv_and_closed() {
    let (mut tx, mut rx) = oneshot::channel::<u8>();
    assert_eq!(rx.try_recv(), Err(oneshot::error::TryRecvError::Empty));
    {
        let mut closed = pin!(tx.closed());
        assert!(poll_once(closed.as_mut()).is_pending());
        rx.close();
        assert!(poll_once(closed.as_mut()).is_ready());
    }
    assert_eq!(tx.send(1), Err(1));
    assert_eq!(rx.try_recv(), Err(oneshot::error::TryRecvError::Closed));
    assert!(block_on(&mut rx).is_err());

    // A value sent before the close is still received.
    let (tx, mut rx) = oneshot::channel();
    tx.send(5).unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok(5));
}

#[test]
fn oneshot_pending_receiver_dropped_consumes_nothing_and_works_across_threads() {
    for _ in 0..scaled(200, 10) {
        let (tx, mut rx) = oneshot::channel();
        assert!(poll_once(pin!(&mut rx)).is_pending());
        let handle = std::thread::spawn(move || tx.send(3).unwrap());
        assert_eq!(block_on(&mut rx), Ok(3));
        handle.join().unwrap();
    }
}

#[test]
fn oneshot_after_close_the_receiver_waits_for_the_sender_to_finish() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    rx.close();
    assert_eq!(rx.try_recv(), Err(oneshot::error::TryRecvError::Empty));
    let (count, waker) = CountWaker::new();
    assert!(poll_with(pin!(&mut rx), &waker).is_pending());
    assert!(!rx.is_terminated());
    assert_eq!(tx.send(1), Err(1));
    assert_eq!(count.count(), 1, "the failed send woke the receiver");
    assert_eq!(
        poll_once(pin!(&mut rx)),
        Poll::Ready(Err(oneshot::error::RecvError(())))
    );
    assert!(rx.is_terminated());
    assert_eq!(rx.try_recv(), Err(oneshot::error::TryRecvError::Closed));
}

#[test]
fn oneshot_wakes_the_latest_waker_and_only_it() {
    let (tx, mut rx) = oneshot::channel();
    let (first, first_waker) = CountWaker::new();
    let (second, second_waker) = CountWaker::new();
    assert!(poll_with(pin!(&mut rx), &first_waker).is_pending());
    assert!(poll_with(pin!(&mut rx), &second_waker).is_pending());
    tx.send(3).unwrap();
    assert_eq!((first.count(), second.count()), (0, 1));
    assert!(!rx.is_terminated());
    assert_eq!(poll_once(pin!(&mut rx)), Poll::Ready(Ok(3)));
    assert!(rx.is_terminated());
    assert_eq!(
        poll_once(pin!(&mut rx)),
        Poll::Ready(Err(oneshot::error::RecvError(())))
    );

    let (mut tx, rx) = oneshot::channel::<u8>();
    let (closed, closed_waker) = CountWaker::new();
    assert!(poll_with(pin!(tx.closed()), &closed_waker).is_pending());
    drop(rx);
    assert_eq!(closed.count(), 1);
    assert!(tx.is_closed());
}

#[test]
fn broadcast_reports_exact_lag_then_continues_from_the_oldest() {
    let (tx, mut rx) = broadcast::channel(2);
    let mut fast = tx.subscribe();
    for i in 0..5 {
        tx.send(i).unwrap();
        assert_eq!(fast.try_recv(), Ok(i));
    }
    assert_eq!(rx.len(), 5);
    assert_eq!(block_on(rx.recv()), Err(BRecvError::Lagged(3)));
    assert_eq!(block_on(rx.recv()), Ok(3));
    assert_eq!(rx.try_recv(), Ok(4));
    assert_eq!(rx.try_recv(), Err(BTry::Empty));
    tx.send(5).unwrap();
    tx.send(6).unwrap();
    tx.send(7).unwrap();
    assert_eq!(rx.try_recv(), Err(BTry::Lagged(1)));
    assert_eq!(rx.try_recv(), Ok(6));
}

#[test]
fn broadcast_drains_then_reports_closed() {
    let (tx, mut rx) = broadcast::channel(4);
    let tx2 = tx.clone();
    tx.send(1).unwrap();
    tx2.send(2).unwrap();
    let mut recv_pending = Box::pin(rx.resubscribe());
    drop((tx, tx2));
    assert_eq!(block_on(rx.recv()), Ok(1));
    assert_eq!(block_on(rx.recv()), Ok(2));
    assert_eq!(block_on(rx.recv()), Err(BRecvError::Closed));
    assert_eq!(recv_pending.try_recv(), Err(BTry::Closed));
}

#[test]
fn broadcast_pending_recv_is_woken_and_cancel_safe() {
    let (tx, mut rx) = broadcast::channel(2);
    {
        let mut recv = pin!(rx.recv());
        assert!(poll_once(recv.as_mut()).is_pending());
        tx.send(1).unwrap();
    }
    assert_eq!(rx.try_recv(), Ok(1));
    drop(rx);
    assert_eq!(tx.send(2).unwrap_err().0, 2);
    assert_eq!(tx.receiver_count(), 0);
}

#[test]
#[should_panic(expected = "broadcast channel capacity must be greater than 0")]
fn broadcast_zero_capacity_panics() {
    let _ = broadcast::channel::<u8>(0);
}

#[test]
fn watch_receiver_never_misses_the_latest_value() {
    let (tx, mut rx) = watch::channel(0);
    let last = scaled(1_000, 30);
    let handle = std::thread::spawn(move || {
        for i in 1..=last {
            tx.send(i).unwrap();
        }
    });
    let mut seen = 0;
    while block_on(rx.changed()).is_ok() {
        let v = *rx.borrow_and_update();
        assert!(v >= seen, "values only move forward");
        seen = v;
    }
    handle.join().unwrap();
    assert_eq!(*rx.borrow(), last);
}

#[test]
fn watch_send_variants_and_subscribe() {
    let (tx, rx) = watch::channel(vec![1]);
    tx.send_modify(|v| v.push(2));
    assert_eq!(tx.send_replace(vec![3]), [1, 2]);
    let mut rx2 = tx.subscribe();
    assert_eq!(rx2.has_changed(), Ok(false));
    assert_eq!(rx.has_changed(), Ok(true));
    {
        let mut changed = pin!(rx2.changed());
        assert!(poll_once(changed.as_mut()).is_pending());
        tx.send(vec![4]).unwrap();
        assert!(matches!(poll_once(changed.as_mut()), Poll::Ready(Ok(()))));
    }
    drop(rx);
    drop(rx2);
    assert_eq!(tx.send(vec![5]).unwrap_err().0, [5]);
    assert_eq!(*tx.borrow(), [4]);
    let mut rx3 = tx.subscribe();
    drop(tx);
    assert!(rx3.has_changed().is_err());
    assert!(block_on(rx3.changed()).is_err());
}
