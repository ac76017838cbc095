//! The `blocking_*` twins: a std thread on the blocking side, an async task (driven by
//! `futures::executor::block_on`) on the other; and the panic on a thread that drives a runtime.

mod support;

use futures::executor::block_on;
use heddle_sync::{mpsc, oneshot, Mutex, RwLock};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use support::scaled;

/// Lets another thread run a little; bounded in count, never a timing condition.
async fn yield_a_few_times() {
    for _ in 0..scaled(50, 5) {
        let mut yielded = false;
        std::future::poll_fn(|cx| {
            if yielded {
                std::task::Poll::Ready(())
            } else {
                yielded = true;
                thread::yield_now();
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            }
        })
        .await;
    }
}

#[test]
fn blocking_send_waits_for_room_and_gets_replies_by_blocking_recv() {
    let rounds = scaled(200, 10);
    let (request_tx, mut request_rx) = mpsc::channel::<usize>(1);
    let (reply_tx, mut reply_rx) = mpsc::channel::<usize>(1);
    // The channel starts full, so the first `blocking_send` has to wait for the receiver.
    request_tx.try_send(0).unwrap();
    let completed = Arc::new(AtomicUsize::new(0));
    let client = {
        let completed = completed.clone();
        thread::spawn(move || {
            for i in 1..=rounds {
                request_tx.blocking_send(i).unwrap();
                completed.fetch_add(1, Ordering::SeqCst);
                assert_eq!(reply_rx.blocking_recv(), Some(i * 2));
            }
            // The server dropped its reply sender after the last request.
            assert_eq!(reply_rx.blocking_recv(), None);
        })
    };
    block_on(async move {
        // Nothing was received yet, so the client's first send cannot have completed.
        yield_a_few_times().await;
        assert_eq!(completed.load(Ordering::SeqCst), 0);
        assert_eq!(request_rx.recv().await, Some(0));
        for i in 1..=rounds {
            let request = request_rx.recv().await.unwrap();
            assert_eq!(request, i);
            // Back-pressure: with one slot, the client finished at most one send ahead.
            assert!(completed.load(Ordering::SeqCst) <= i);
            reply_tx.send(request * 2).await.unwrap();
        }
        drop(reply_tx);
        assert_eq!(request_rx.recv().await, None);
    });
    client.join().unwrap();
}

#[test]
fn blocking_send_fails_with_the_value_once_the_receiver_is_gone() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    let sender = thread::spawn(move || tx.blocking_send(2));
    assert_eq!(rx.blocking_recv(), Some(1));
    // Either the second value got in before the drop (and is dropped with the channel), or
    // the send fails and hands it back.
    drop(rx);
    match sender.join().unwrap() {
        Ok(()) => {}
        Err(error) => assert_eq!(error.0, 2),
    }

    let (tx, rx) = mpsc::channel(1);
    drop(rx);
    assert_eq!(tx.blocking_send(3).unwrap_err().0, 3);
}

#[test]
fn blocking_recv_drains_then_returns_none_after_the_senders_drop() {
    let count = scaled(100, 10);
    let (tx, mut rx) = mpsc::channel(4);
    let consumer = thread::spawn(move || {
        let mut got = Vec::new();
        while let Some(value) = rx.blocking_recv() {
            got.push(value);
        }
        assert_eq!(rx.blocking_recv(), None);
        got
    });
    let tx2 = tx.clone();
    block_on(async move {
        for i in 0..count {
            tx.send(i).await.unwrap();
        }
    });
    drop(tx2);
    assert_eq!(consumer.join().unwrap(), (0..count).collect::<Vec<_>>());

    let (tx, mut rx) = mpsc::unbounded_channel();
    let consumer = thread::spawn(move || {
        let mut got = Vec::new();
        while let Some(value) = rx.blocking_recv() {
            got.push(value);
        }
        got
    });
    for i in 0..count {
        tx.send(i).unwrap();
    }
    drop(tx);
    assert_eq!(consumer.join().unwrap(), (0..count).collect::<Vec<_>>());
}

#[test]
fn blocking_recv_many_takes_what_is_there_and_zero_when_finished() {
    let (tx, mut rx) = mpsc::channel(8);
    for i in 0..5 {
        tx.try_send(i).unwrap();
    }
    let mut buffer = Vec::new();
    assert_eq!(rx.blocking_recv_many(&mut buffer, 3), 3);
    assert_eq!(rx.blocking_recv_many(&mut buffer, 10), 2);
    assert_eq!(buffer, [0, 1, 2, 3, 4]);
    let producer = thread::spawn(move || tx.blocking_send(5).unwrap());
    assert_eq!(rx.blocking_recv_many(&mut buffer, 10), 1);
    producer.join().unwrap();
    assert_eq!(rx.blocking_recv_many(&mut buffer, 10), 0);

    let (tx, mut rx) = mpsc::unbounded_channel();
    let producer = thread::spawn(move || {
        tx.send(1).unwrap();
        tx.send(2).unwrap();
    });
    let mut buffer = Vec::new();
    while rx.blocking_recv_many(&mut buffer, 10) > 0 {
        assert!(buffer.len() <= 2);
    }
    producer.join().unwrap();
    assert_eq!(buffer, [1, 2]);
}

#[test]
fn oneshot_blocking_recv_gets_the_value_or_an_error_when_the_sender_drops() {
    let (tx, rx) = oneshot::channel();
    let receiver = thread::spawn(move || rx.blocking_recv());
    tx.send(7).unwrap();
    assert_eq!(receiver.join().unwrap(), Ok(7));

    let (tx, rx) = oneshot::channel::<u8>();
    let receiver = thread::spawn(move || rx.blocking_recv());
    drop(tx);
    assert!(receiver.join().unwrap().is_err());

    let (tx, rx) = oneshot::channel::<u8>();
    drop(tx);
    assert!(rx.blocking_recv().is_err());
}

#[test]
fn blocking_lock_waits_for_an_async_holder() {
    let mutex = Arc::new(Mutex::new(0));
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let contender = block_on(async {
        let mut guard = mutex.lock().await;
        let contender = {
            let mutex = mutex.clone();
            thread::spawn(move || {
                started_tx.send(()).unwrap();
                let mut guard = mutex.blocking_lock();
                let seen = *guard;
                *guard += 10;
                seen
            })
        };
        started_rx.recv().unwrap();
        // Held across awaits while the other thread (most likely) queues for the lock.
        yield_a_few_times().await;
        *guard = 1;
        contender
    });
    // The contender could only get the lock after the async holder released it.
    assert_eq!(contender.join().unwrap(), 1);
    assert_eq!(*mutex.blocking_lock(), 11);
}

#[test]
fn blocking_read_and_write_wait_for_async_holders() {
    let lock = Arc::new(RwLock::new(0));
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let writer = block_on(async {
        let mut guard = lock.write().await;
        let writer = {
            let lock = lock.clone();
            thread::spawn(move || {
                started_tx.send(()).unwrap();
                let seen = *lock.blocking_read();
                *lock.blocking_write() += 10;
                seen
            })
        };
        started_rx.recv().unwrap();
        yield_a_few_times().await;
        *guard = 1;
        writer
    });
    assert_eq!(writer.join().unwrap(), 1);
    assert_eq!(*lock.blocking_read(), 11);
    // Readers share the lock: a blocking reader gets in beside an async one.
    block_on(async {
        let reader = lock.read().await;
        assert_eq!(*lock.blocking_read(), *reader);
    });
}

/// Runs `f` with this thread marked as driving a runtime, expecting the blocking-call panic
/// naming `method`.
fn expect_runtime_panic(method: &str, f: impl FnOnce()) {
    let _runtime = heddle_task::context::enter_runtime();
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("the blocking call should panic");
    let message = payload
        .downcast_ref::<String>()
        .expect("a formatted message");
    assert!(message.contains(method), "{message}");
    assert!(message.contains("within a runtime"), "{message}");
    assert!(message.contains(".await"), "{message}");
    assert!(message.contains("spawn_blocking"), "{message}");
}

#[test]
fn every_blocking_call_panics_on_a_thread_that_drives_a_runtime() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    expect_runtime_panic("mpsc::Sender::blocking_send", || {
        let _ = tx.blocking_send(1);
    });
    // The refused send did not reach the channel.
    assert!(rx.try_recv().is_err());
    expect_runtime_panic("mpsc::Receiver::blocking_recv", || {
        let _ = rx.blocking_recv();
    });
    expect_runtime_panic("mpsc::Receiver::blocking_recv_many", || {
        let _ = rx.blocking_recv_many(&mut Vec::new(), 1);
    });
    let (_utx, mut urx) = mpsc::unbounded_channel::<u8>();
    expect_runtime_panic("mpsc::UnboundedReceiver::blocking_recv", || {
        let _ = urx.blocking_recv();
    });
    expect_runtime_panic("mpsc::UnboundedReceiver::blocking_recv_many", || {
        let _ = urx.blocking_recv_many(&mut Vec::new(), 1);
    });
    let (_otx, orx) = oneshot::channel::<u8>();
    expect_runtime_panic("oneshot::Receiver::blocking_recv", || {
        let _ = orx.blocking_recv();
    });
    let mutex = Mutex::new(0);
    expect_runtime_panic("Mutex::blocking_lock", || {
        let _ = mutex.blocking_lock();
    });
    let lock = RwLock::new(0);
    expect_runtime_panic("RwLock::blocking_read", || {
        let _ = lock.blocking_read();
    });
    expect_runtime_panic("RwLock::blocking_write", || {
        let _ = lock.blocking_write();
    });
    // The refused calls left everything usable.
    tx.try_send(2).unwrap();
    assert_eq!(rx.blocking_recv(), Some(2));
    assert_eq!(*mutex.blocking_lock(), 0);
    assert_eq!(*lock.blocking_write(), 0);
}

#[test]
fn blocking_calls_are_allowed_where_the_runtime_allows_blocking() {
    let _runtime = heddle_task::context::enter_runtime();
    heddle_task::context::allow_blocking(|| {
        let (tx, mut rx) = mpsc::channel(1);
        tx.blocking_send(1).unwrap();
        assert_eq!(rx.blocking_recv(), Some(1));
        assert_eq!(*Mutex::new(3).blocking_lock(), 3);
    });
    assert!(heddle_task::context::is_in_runtime());
}
