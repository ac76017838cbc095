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
use support::{poll_once, poll_with, scaled, CountWaker, Tracked};

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
fn a_slot_granted_before_close_and_then_cancelled_ends_the_stream() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    tx.try_send(0).unwrap();
    let mut send = Box::pin(tx.send(1));
    assert!(poll_once(send.as_mut()).is_pending());
    // Frees the slot, which is granted to the queued send, then closes.
    assert_eq!(rx.try_recv(), Ok(0));
    rx.close();
    let (count, waker) = CountWaker::new();
    {
        let mut recv = pin!(rx.recv());
        // The granted send may still deliver: the stream is not over.
        assert!(poll_with(recv.as_mut(), &waker).is_pending());
        drop(send);
        assert_eq!(
            count.count(),
            1,
            "the slot came back: the receiver is woken"
        );
        assert_eq!(poll_once(recv.as_mut()), Poll::Ready(None));
    }
    assert_eq!(tx.capacity(), 1);
}

#[test]
fn many_blocks_keep_fifo_order_length_and_drop_counts() {
    let n = scaled(200, 70);
    let drops = Arc::new(AtomicUsize::new(0));
    let (utx, mut urx) = mpsc::unbounded_channel();
    let (tx, mut rx) = mpsc::channel(n);
    for i in 0..n {
        utx.send(Tracked::new(i, &drops)).unwrap();
        tx.try_send(Tracked::new(i, &drops)).unwrap();
    }
    assert_eq!((urx.len(), rx.len()), (n, n));
    for i in 0..n / 2 {
        assert_eq!(urx.try_recv().unwrap().id, i);
        assert_eq!(block_on(rx.recv()).unwrap().id, i);
    }
    assert_eq!((urx.len(), rx.len()), (n - n / 2, n - n / 2));
    assert_eq!(drops.load(Ordering::SeqCst), 2 * (n / 2));
    // The rest, across several blocks, is dropped with the receivers, exactly once.
    drop((urx, rx));
    assert_eq!(drops.load(Ordering::SeqCst), 2 * n);
    drop((utx, tx));
    assert_eq!(drops.load(Ordering::SeqCst), 2 * n);
}

#[test]
#[cfg_attr(miri, ignore)]
fn large_messages_do_not_need_a_block_on_the_stack() {
    // A block of 32 KiB messages is about 1 MiB; it must be built on the heap, in place.
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(|| {
            let (tx, mut rx) = mpsc::unbounded_channel::<[u8; 32 * 1024]>();
            for i in 0..40u8 {
                tx.send([i; 32 * 1024]).unwrap();
            }
            for i in 0..40u8 {
                assert_eq!(rx.try_recv().unwrap()[0], i);
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn a_receiver_parked_again_with_the_same_waker_is_woken_each_time() {
    let (tx, mut rx) = mpsc::channel(4);
    let (count, waker) = CountWaker::new();
    for round in 1..=3 {
        let mut recv = pin!(rx.recv());
        assert!(poll_with(recv.as_mut(), &waker).is_pending());
        tx.try_send(round).unwrap();
        assert_eq!(count.count(), round);
        assert_eq!(poll_with(recv.as_mut(), &waker), Poll::Ready(Some(round)));
    }
    // The registered waker is released with the receiver, not kept by the senders.
    let held = Arc::strong_count(&count);
    drop(rx);
    assert_eq!(Arc::strong_count(&count), held - 1);
    drop(tx);
}

#[test]
fn the_latest_waker_of_a_pending_recv_is_woken() {
    let (tx, mut rx) = mpsc::channel(1);
    let (first, first_waker) = CountWaker::new();
    let (second, second_waker) = CountWaker::new();
    let mut recv = pin!(rx.recv());
    assert!(poll_with(recv.as_mut(), &first_waker).is_pending());
    assert!(poll_with(recv.as_mut(), &second_waker).is_pending());
    tx.try_send(1).unwrap();
    assert_eq!((first.count(), second.count()), (0, 1));
    assert_eq!(poll_once(recv.as_mut()), Poll::Ready(Some(1)));
}

#[test]
#[should_panic(expected = "mpsc bounded channel requires buffer > 0")]
fn a_zero_capacity_channel_panics() {
    let _ = mpsc::channel::<u8>(0);
}

#[derive(Debug, Clone)]
enum Op {
    TrySend(usize),
    Reserve(usize),
    SendPermit,
    DropPermit,
    TryRecv,
    RecvMany(usize),
    Close,
    DropSender(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..2usize).prop_map(Op::TrySend),
        2 => (0..2usize).prop_map(Op::Reserve),
        1 => Just(Op::SendPermit),
        1 => Just(Op::DropPermit),
        4 => Just(Op::TryRecv),
        1 => (1..4usize).prop_map(Op::RecvMany),
        1 => Just(Op::Close),
        1 => (0..2usize).prop_map(Op::DropSender),
    ]
}

/// Operations on an unbounded channel.
#[derive(Debug, Clone)]
enum UnboundedOp {
    Send(usize),
    TryRecv,
    RecvMany(usize),
    Close,
    DropSender(usize),
}

fn unbounded_op() -> impl Strategy<Value = UnboundedOp> {
    prop_oneof![
        4 => (0..2usize).prop_map(UnboundedOp::Send),
        4 => Just(UnboundedOp::TryRecv),
        1 => (1..4usize).prop_map(UnboundedOp::RecvMany),
        1 => Just(UnboundedOp::Close),
        1 => (0..2usize).prop_map(UnboundedOp::DropSender),
    ]
}

/// What a receive should find in the model: the stream ends once the buffer is empty and
/// nothing can be sent any more (closed or senderless, and no permit outstanding).
fn finished(model: &VecDeque<u32>, closed: bool, senders: usize, permits: usize) -> bool {
    model.is_empty() && (closed || senders == 0) && permits == 0
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
        let mut permits: Vec<mpsc::OwnedPermit<u32>> = Vec::new();
        let mut model = VecDeque::new();
        let mut closed = false;
        let (mut next, mut sent, mut received) = (0u32, Vec::new(), Vec::new());
        for op in ops {
            let live = senders.iter().flatten().count();
            match op {
                Op::TrySend(i) => {
                    let Some(tx) = &senders[i] else { continue };
                    let result = tx.try_send(next);
                    if closed {
                        prop_assert_eq!(result, Err(TrySendError::Closed(next)));
                    } else if model.len() + permits.len() == capacity {
                        prop_assert_eq!(result, Err(TrySendError::Full(next)));
                    } else {
                        prop_assert_eq!(result, Ok(()));
                        model.push_back(next);
                        sent.push(next);
                    }
                    next += 1;
                }
                Op::Reserve(i) => {
                    let Some(tx) = &senders[i] else { continue };
                    match tx.clone().try_reserve_owned() {
                        Ok(permit) => {
                            prop_assert!(!closed && model.len() + permits.len() < capacity);
                            permits.push(permit);
                        }
                        Err(TrySendError::Closed(_)) => prop_assert!(closed),
                        Err(TrySendError::Full(_)) => {
                            prop_assert!(!closed && model.len() + permits.len() == capacity);
                        }
                    }
                }
                Op::SendPermit => {
                    // A permit granted before a close still delivers.
                    let Some(permit) = permits.pop() else { continue };
                    drop(permit.send(next));
                    model.push_back(next);
                    sent.push(next);
                    next += 1;
                }
                Op::DropPermit => drop(permits.pop()),
                Op::TryRecv => {
                    let expected = match model.pop_front() {
                        Some(v) => Ok(v),
                        None if finished(&model, closed, live, permits.len()) => {
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
                Op::RecvMany(limit) => {
                    let mut buf = Vec::new();
                    let got = poll_once(pin!(rx.recv_many(&mut buf, limit)));
                    let n = limit.min(model.len());
                    if n > 0 {
                        prop_assert_eq!(got, Poll::Ready(n));
                        let expected: Vec<u32> = model.drain(..n).collect();
                        prop_assert_eq!(&buf, &expected);
                        received.extend(buf);
                    } else if finished(&model, closed, live, permits.len()) {
                        prop_assert_eq!(got, Poll::Ready(0));
                    } else {
                        prop_assert_eq!(got, Poll::Pending);
                    }
                }
                Op::Close => {
                    rx.close();
                    closed = true;
                }
                Op::DropSender(i) => senders[i] = None,
            }
            prop_assert_eq!(rx.len(), model.len());
            if let Some(tx) = senders.iter().flatten().next() {
                prop_assert_eq!(tx.capacity(), capacity - model.len() - permits.len());
            }
        }
        drop(senders);
        drop(permits);
        while let Some(v) = block_on(rx.recv()) {
            received.push(v);
        }
        prop_assert!(rx.is_closed());
        prop_assert_eq!(sent, received);
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn unbounded_channel_matches_a_vecdeque_model(
        ops in proptest::collection::vec(unbounded_op(), 0..64),
    ) {
        let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
        let mut senders = [Some(tx.clone()), Some(tx)];
        let mut model = VecDeque::new();
        let mut closed = false;
        let (mut next, mut sent, mut received) = (0u32, Vec::new(), Vec::new());
        for op in ops {
            let live = senders.iter().flatten().count();
            match op {
                UnboundedOp::Send(i) => {
                    let Some(tx) = &senders[i] else { continue };
                    let result = tx.send(next);
                    if closed {
                        prop_assert_eq!(result.map_err(|e| e.0), Err(next));
                    } else {
                        prop_assert!(result.is_ok());
                        model.push_back(next);
                        sent.push(next);
                    }
                    next += 1;
                }
                UnboundedOp::TryRecv => {
                    let expected = match model.pop_front() {
                        Some(v) => Ok(v),
                        None if finished(&model, closed, live, 0) => Err(TryRecvError::Disconnected),
                        None => Err(TryRecvError::Empty),
                    };
                    let got = rx.try_recv();
                    prop_assert_eq!(got, expected);
                    if let Ok(v) = got {
                        received.push(v);
                    }
                }
                UnboundedOp::RecvMany(limit) => {
                    let mut buf = Vec::new();
                    let got = poll_once(pin!(rx.recv_many(&mut buf, limit)));
                    let n = limit.min(model.len());
                    if n > 0 {
                        prop_assert_eq!(got, Poll::Ready(n));
                        let expected: Vec<u32> = model.drain(..n).collect();
                        prop_assert_eq!(&buf, &expected);
                        received.extend(buf);
                    } else if finished(&model, closed, live, 0) {
                        prop_assert_eq!(got, Poll::Ready(0));
                    } else {
                        prop_assert_eq!(got, Poll::Pending);
                    }
                }
                UnboundedOp::Close => {
                    rx.close();
                    closed = true;
                }
                UnboundedOp::DropSender(i) => senders[i] = None,
            }
            prop_assert_eq!(rx.len(), model.len());
        }
        drop(senders);
        while let Some(v) = block_on(rx.recv()) {
            received.push(v);
        }
        prop_assert_eq!(sent, received);
    }
}
