//! mpsc: the "nothing lost" rules, close semantics, cancel safety and a proptest model.

mod support;

use futures::executor::block_on;
use heddle_sync::mpsc::{
    self,
    error::{TryRecvError, TrySendError},
};
use proptest::prelude::*;
use std::collections::VecDeque;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use support::{poll_once, scaled, Tracked};

#[test]
fn every_ok_message_is_received_exactly_once_in_order_per_producer() {
    let per_producer = scaled(2_000, 50);
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = mpsc::channel::<Tracked>(4);
    let producers: Vec<_> = (0..2)
        .map(|p| {
            let tx = tx.clone();
            let drops = drops.clone();
            std::thread::spawn(move || {
                for i in 0..per_producer {
                    block_on(tx.send(Tracked::new(p * per_producer + i, &drops))).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut last = [None::<usize>; 2];
    let mut received = 0;
    while let Some(msg) = block_on(rx.recv()) {
        let producer = msg.id / per_producer;
        assert!(
            last[producer].is_none_or(|prev| prev < msg.id),
            "FIFO per producer"
        );
        last[producer] = Some(msg.id);
        received += 1;
    }
    for p in producers {
        p.join().unwrap();
    }
    assert_eq!(received, 2 * per_producer);
    assert_eq!(drops.load(Ordering::SeqCst), 2 * per_producer);
}

#[test]
fn buffered_messages_are_dropped_exactly_once_when_the_receiver_goes() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel(8);
    for i in 0..5 {
        tx.try_send(Tracked::new(i, &drops)).unwrap();
    }
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), 5);
    let err = tx.try_send(Tracked::new(9, &drops)).unwrap_err();
    assert!(matches!(&err, TrySendError::Closed(m) if m.id == 9));
    drop(err);
    assert_eq!(drops.load(Ordering::SeqCst), 6);

    let (utx, urx) = mpsc::unbounded_channel();
    utx.send(Tracked::new(0, &drops)).unwrap();
    drop(urx);
    assert_eq!(drops.load(Ordering::SeqCst), 7);
    assert_eq!(utx.send(Tracked::new(1, &drops)).unwrap_err().0.id, 1);
    assert_eq!(drops.load(Ordering::SeqCst), 8);
}

#[test]
fn receivers_drain_in_fifo_order_after_senders_close() {
    let (tx, mut rx) = mpsc::channel(16);
    let (utx, mut urx) = mpsc::unbounded_channel();
    for i in 0..10 {
        tx.try_send(i).unwrap();
        utx.send(i).unwrap();
    }
    drop((tx, utx));
    for i in 0..10 {
        assert_eq!(block_on(rx.recv()), Some(i));
        assert_eq!(urx.try_recv(), Ok(i));
    }
    assert_eq!(block_on(rx.recv()), None);
    assert_eq!(urx.try_recv(), Err(TryRecvError::Disconnected));
    assert!(rx.is_closed());
}

#[test]
fn after_close_sends_fail_with_their_value_and_the_buffer_drains() {
    let (tx, mut rx) = mpsc::channel(4);
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    rx.close();
    assert!(tx.is_closed());
    assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    assert_eq!(block_on(tx.send(4)).unwrap_err().0, 4);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(block_on(rx.recv()), Some(2));
    assert_eq!(block_on(rx.recv()), None);
    block_on(tx.closed());

    let (utx, mut urx) = mpsc::unbounded_channel();
    utx.send(1).unwrap();
    urx.close();
    assert_eq!(utx.send(2).unwrap_err().0, 2);
    assert_eq!(block_on(urx.recv()), Some(1));
    assert_eq!(block_on(urx.recv()), None);
}

#[test]
fn close_wakes_pending_senders_with_their_values() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    let mut send = pin!(tx.send(2));
    assert!(poll_once(send.as_mut()).is_pending());
    rx.close();
    // Receiving frees a slot, but a closed channel grants it to no waiting sender.
    assert_eq!(rx.try_recv(), Ok(1));
    match poll_once(send.as_mut()) {
        Poll::Ready(Err(err)) => assert_eq!(err.0, 2),
        other => panic!("expected the value back, got {other:?}"),
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn a_permit_granted_before_close_still_delivers() {
    let (tx, mut rx) = mpsc::channel(2);
    let permit = tx.try_reserve().unwrap();
    rx.close();
    // The permit is outstanding: the stream is not finished yet.
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    {
        let mut recv = pin!(rx.recv());
        assert!(poll_once(recv.as_mut()).is_pending());
        permit.send(7);
        assert_eq!(poll_once(recv.as_mut()), Poll::Ready(Some(7)));
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));

    // A permit dropped unused after the close ends the stream too.
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    let permit = tx.clone().try_reserve_owned().unwrap();
    rx.close();
    let mut recv = pin!(rx.recv());
    assert!(poll_once(recv.as_mut()).is_pending());
    drop(permit);
    assert_eq!(poll_once(recv.as_mut()), Poll::Ready(None));
}

#[test]
fn a_send_racing_a_close_is_received_or_handed_back() {
    let rounds = scaled(200, 10);
    for round in 0..rounds {
        let (tx, mut rx) = mpsc::channel(2);
        let sender = std::thread::spawn(move || {
            let mut accepted = Vec::new();
            for i in 0..50 {
                match block_on(tx.send(i)) {
                    Ok(()) => accepted.push(i),
                    Err(err) => {
                        assert_eq!(err.0, i);
                        break;
                    }
                }
            }
            accepted
        });
        let mut received = Vec::new();
        for _ in 0..(round % 7) {
            if let Some(v) = block_on(rx.recv()) {
                received.push(v);
            }
        }
        rx.close();
        while let Some(v) = block_on(rx.recv()) {
            received.push(v);
        }
        let accepted = sender.join().unwrap();
        assert_eq!(received, accepted);
    }
}

#[test]
fn dropping_a_pending_recv_consumes_nothing() {
    let (tx, mut rx) = mpsc::channel(1);
    {
        let mut recv = pin!(rx.recv());
        assert!(poll_once(recv.as_mut()).is_pending());
        tx.try_send(1).unwrap();
        // Dropped without being polled again: the message must stay.
    }
    assert_eq!(rx.try_recv(), Ok(1));

    let (utx, mut urx) = mpsc::unbounded_channel();
    {
        let mut buf = Vec::new();
        let mut recv = pin!(urx.recv_many(&mut buf, 4));
        assert!(poll_once(recv.as_mut()).is_pending());
        utx.send(1).unwrap();
    }
    assert_eq!(urx.try_recv(), Ok(1));
}

#[test]
fn a_cancelled_sender_that_was_granted_a_slot_passes_it_on() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(Tracked::new(0, &drops)).unwrap();
    let mut first = Box::pin(tx.send(Tracked::new(1, &drops)));
    let mut second = pin!(tx.send(Tracked::new(2, &drops)));
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    // Frees a slot; it is granted to `first`, which is then dropped unobserved.
    assert_eq!(rx.try_recv().unwrap().id, 0);
    drop(first);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        2,
        "message 0 received, message 1 dropped"
    );
    assert!(matches!(poll_once(second.as_mut()), Poll::Ready(Ok(()))));
    assert_eq!(rx.try_recv().unwrap().id, 2);
}

#[test]
fn a_dropped_permit_frees_its_slot_and_wakes_a_sender() {
    let (tx, _rx) = mpsc::channel::<u8>(1);
    let permit = tx.try_reserve().unwrap();
    let mut send = pin!(tx.send(1));
    assert!(poll_once(send.as_mut()).is_pending());
    drop(permit);
    assert!(matches!(poll_once(send.as_mut()), Poll::Ready(Ok(()))));
    assert_eq!(tx.capacity(), 0);
}

#[test]
fn reserve_permits_and_capacity() {
    let (tx, mut rx) = mpsc::channel(3);
    assert_eq!((tx.capacity(), tx.max_capacity()), (3, 3));
    let permit = block_on(tx.reserve()).unwrap();
    let owned = block_on(tx.clone().reserve_owned()).unwrap();
    assert_eq!(tx.capacity(), 1);
    permit.send(1);
    let tx2 = owned.send(2);
    assert!(tx2.same_channel(&tx));
    let tx3 = tx.clone().try_reserve_owned().unwrap().release();
    assert_eq!(tx3.capacity(), 1);
    let mut buf = Vec::new();
    assert_eq!(block_on(rx.recv_many(&mut buf, 10)), 2);
    assert_eq!(buf, [1, 2]);
    assert_eq!(block_on(rx.recv_many(&mut buf, 0)), 0);
    assert_eq!(tx.capacity(), 3);
}

#[test]
fn weak_senders_do_not_keep_the_channel_open() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    let weak = tx.downgrade();
    let upgraded = weak.upgrade().unwrap();
    drop(tx);
    upgraded.try_send(1).unwrap();
    drop(upgraded);
    assert!(weak.upgrade().is_none());
    assert_eq!(block_on(rx.recv()), Some(1));
    assert_eq!(block_on(rx.recv()), None);

    let (utx, mut urx) = mpsc::unbounded_channel::<u8>();
    let weak = utx.downgrade();
    drop(utx);
    assert!(weak.clone().upgrade().is_none());
    assert_eq!(block_on(urx.recv()), None);
}

#[test]
#[should_panic(expected = "mpsc bounded channel requires buffer > 0")]
fn a_zero_capacity_channel_panics() {
    let _ = mpsc::channel::<u8>(0);
}

#[derive(Debug, Clone)]
enum Op {
    TrySend(usize),
    TryRecv,
    Close,
    DropSender(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..2usize).prop_map(Op::TrySend),
        4 => Just(Op::TryRecv),
        1 => Just(Op::Close),
        1 => (0..2usize).prop_map(Op::DropSender),
    ]
}

proptest! {
    #[test]
    #[cfg_attr(miri, ignore)]
    fn bounded_channel_matches_a_vecdeque_model(
        capacity in 1..5usize,
        ops in proptest::collection::vec(op(), 0..64),
    ) {
        let (tx, mut rx) = mpsc::channel::<u32>(capacity);
        let mut senders = [Some(tx.clone()), Some(tx)];
        let mut model = VecDeque::new();
        let mut closed = false;
        let (mut next, mut sent, mut received) = (0u32, Vec::new(), Vec::new());
        for op in ops {
            match op {
                Op::TrySend(i) => {
                    let Some(tx) = &senders[i] else { continue };
                    let result = tx.try_send(next);
                    if closed {
                        prop_assert_eq!(result, Err(TrySendError::Closed(next)));
                    } else if model.len() == capacity {
                        prop_assert_eq!(result, Err(TrySendError::Full(next)));
                    } else {
                        prop_assert_eq!(result, Ok(()));
                        model.push_back(next);
                        sent.push(next);
                    }
                    next += 1;
                }
                Op::TryRecv => {
                    let expected = match model.pop_front() {
                        Some(v) => Ok(v),
                        None if closed || senders.iter().all(Option::is_none) => {
                            Err(TryRecvError::Disconnected)
                        }
                        None => Err(TryRecvError::Empty),
                    };
                    let got = rx.try_recv();
                    prop_assert_eq!(got, expected);
                    if let Ok(v) = got {
                        received.push(v);
                    }
                }
                Op::Close => {
                    rx.close();
                    closed = true;
                }
                Op::DropSender(i) => senders[i] = None,
            }
        }
        drop(senders);
        while let Some(v) = block_on(rx.recv()) {
            received.push(v);
        }
        prop_assert_eq!(sent, received);
    }
}
