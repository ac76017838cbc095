//! A waker whose `clone` panics, handed to a poll that has to store it, leaves no trace: the
//! poll panics, and afterwards every primitive behaves as if it had never been made. In
//! particular nothing says a waiter is queued when none is, so later acquires neither take a
//! slow path for ever nor wait for a wake that never comes.

mod support;

use futures::executor::block_on;
use heddle_sync::{
    broadcast, mpsc, oneshot, watch, Barrier, CancellationToken, Mutex, Notify, OnceCell, RwLock,
    Semaphore,
};
use std::future::pending;
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use support::{poll_expecting_clone_panic, poll_once, watchdog};

#[test]
fn semaphore_free_permits_stay_free_for_everyone() {
    let semaphore = Arc::new(Semaphore::new(1));
    // Two permits are not there, so this acquire has to queue, and its clone panics.
    poll_expecting_clone_panic(pin!(semaphore.acquire_many(2)));
    assert_eq!(semaphore.available_permits(), 1);
    drop(
        semaphore
            .try_acquire()
            .expect("the free permit is not held back for a waiter that never queued"),
    );
    let s = semaphore.clone();
    watchdog(move || drop(block_on(s.acquire()).unwrap()));
    semaphore.add_permits(1);
    drop(semaphore.try_acquire_many(2).unwrap());
}

#[test]
fn semaphore_waiter_after_a_panicking_clone_gets_its_permit() {
    let semaphore = Arc::new(Semaphore::new(0));
    poll_expecting_clone_panic(pin!(semaphore.acquire()));
    let s = semaphore.clone();
    let waiter = std::thread::spawn(move || drop(block_on(s.acquire()).unwrap()));
    semaphore.add_permits(1);
    watchdog(move || waiter.join().unwrap());
    assert_eq!(semaphore.available_permits(), 1);
}

#[test]
fn mutex_is_acquired_after_a_panicking_clone() {
    let mutex = Arc::new(Mutex::new(0));
    let guard = mutex.try_lock().unwrap();
    poll_expecting_clone_panic(pin!(mutex.lock()));
    drop(guard);
    let m = mutex.clone();
    watchdog(move || *block_on(m.lock()) += 1);
    assert_eq!(
        *mutex
            .try_lock()
            .expect("nobody holds or waits for the lock"),
        1
    );
}

#[test]
fn rwlock_readers_still_share_after_a_writer_clone_panics() {
    let lock = Arc::new(RwLock::new(0));
    let reader = lock.try_read().unwrap();
    // The writer cannot have the lock while a reader holds it, so it has to queue.
    poll_expecting_clone_panic(pin!(lock.write()));
    drop(
        lock.try_read()
            .expect("no writer waits, so a second reader shares the lock"),
    );
    let l = lock.clone();
    watchdog(move || assert_eq!(*block_on(l.read()), 0));
    drop(reader);
    let l = lock.clone();
    watchdog(move || *block_on(l.write()) = 1);
    assert_eq!(*lock.try_read().unwrap(), 1);
}

#[test]
fn notify_reaches_a_later_waiter_after_a_panicking_clone() {
    let notify = Notify::new();
    {
        let mut notified = pin!(notify.notified());
        poll_expecting_clone_panic(notified.as_mut());
        // The future may be polled again, with a waker that works, and still be notified.
        assert!(poll_once(notified.as_mut()).is_pending());
        notify.notify_one();
        assert!(poll_once(notified.as_mut()).is_ready());
    }
    poll_expecting_clone_panic(pin!(notify.notified()));
    notify.notify_one();
    assert!(
        poll_once(pin!(notify.notified())).is_ready(),
        "the stored permit went to the later waiter"
    );
    let mut later = pin!(notify.notified());
    assert!(poll_once(later.as_mut()).is_pending());
    notify.notify_waiters();
    assert!(poll_once(later.as_mut()).is_ready());
}

#[test]
fn bounded_mpsc_after_panicking_clones() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    // A full channel: the send has to queue for a slot.
    poll_expecting_clone_panic(pin!(tx.send(2)));
    assert_eq!(rx.try_recv(), Ok(1));
    tx.try_send(3)
        .expect("the freed slot is not held for the failed sender");
    assert_eq!(rx.try_recv(), Ok(3));

    // The receiver: first with nothing registered, then replacing a registered waker.
    poll_expecting_clone_panic(pin!(rx.recv()));
    tx.try_send(4).unwrap();
    assert_eq!(poll_once(pin!(rx.recv())), Poll::Ready(Some(4)));
    assert!(poll_once(pin!(rx.recv())).is_pending());
    poll_expecting_clone_panic(pin!(rx.recv()));
    tx.try_send(5).unwrap();
    assert_eq!(rx.try_recv(), Ok(5));

    // `Sender::closed` still completes when the receiver goes.
    poll_expecting_clone_panic(pin!(tx.closed()));
    let mut closed = pin!(tx.closed());
    assert!(poll_once(closed.as_mut()).is_pending());
    drop(rx);
    assert!(poll_once(closed.as_mut()).is_ready());
    assert!(tx.is_closed());
}

#[test]
fn bounded_mpsc_receiver_woken_from_another_thread_after_a_panicking_clone() {
    let (tx, mut rx) = mpsc::channel::<u32>(4);
    poll_expecting_clone_panic(pin!(rx.recv()));
    let receiver = std::thread::spawn(move || block_on(rx.recv()));
    tx.try_send(6).unwrap();
    assert_eq!(watchdog(move || receiver.join().unwrap()), Some(6));
}

#[test]
fn unbounded_mpsc_after_a_panicking_clone() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    poll_expecting_clone_panic(pin!(rx.recv()));
    tx.send(1).unwrap();
    assert_eq!(poll_once(pin!(rx.recv())), Poll::Ready(Some(1)));
    let receiver = std::thread::spawn(move || block_on(rx.recv()));
    tx.send(2).unwrap();
    assert_eq!(watchdog(move || receiver.join().unwrap()), Some(2));
}

#[test]
fn oneshot_after_panicking_clones() {
    // Nothing registered yet.
    let (tx, mut rx) = oneshot::channel();
    poll_expecting_clone_panic(pin!(&mut rx));
    tx.send(1).unwrap();
    assert_eq!(poll_once(pin!(rx)), Poll::Ready(Ok(1)));

    // Replacing a registered waker (the registration bit is cleared before the clone).
    let (tx, mut rx) = oneshot::channel();
    assert!(poll_once(pin!(&mut rx)).is_pending());
    poll_expecting_clone_panic(pin!(&mut rx));
    let receiver = std::thread::spawn(move || block_on(rx));
    tx.send(2).unwrap();
    assert_eq!(watchdog(move || receiver.join().unwrap()), Ok(2));

    // `Sender::closed`.
    let (mut tx, rx) = oneshot::channel::<u8>();
    poll_expecting_clone_panic(pin!(tx.closed()));
    drop(rx);
    assert!(poll_once(pin!(tx.closed())).is_ready());
}

#[test]
fn watch_after_panicking_clones() {
    let (tx, mut rx) = watch::channel(0);
    poll_expecting_clone_panic(pin!(rx.changed()));
    tx.send(1).unwrap();
    assert!(matches!(poll_once(pin!(rx.changed())), Poll::Ready(Ok(()))));
    assert_eq!(*rx.borrow(), 1);
    // Replacing a registered waker.
    assert!(poll_once(pin!(rx.changed())).is_pending());
    poll_expecting_clone_panic(pin!(rx.changed()));
    let receiver = std::thread::spawn(move || {
        block_on(rx.changed()).unwrap();
        rx
    });
    tx.send(2).unwrap();
    let rx = watchdog(move || receiver.join().unwrap());
    assert_eq!(*rx.borrow(), 2);

    poll_expecting_clone_panic(pin!(tx.closed()));
    let mut closed = pin!(tx.closed());
    assert!(poll_once(closed.as_mut()).is_pending());
    drop(rx);
    assert!(poll_once(closed.as_mut()).is_ready());
}

#[test]
fn broadcast_after_a_panicking_clone() {
    let (tx, mut rx) = broadcast::channel(4);
    poll_expecting_clone_panic(pin!(rx.recv()));
    tx.send(1).unwrap();
    assert_eq!(poll_once(pin!(rx.recv())), Poll::Ready(Ok(1)));
    let receiver = std::thread::spawn(move || block_on(rx.recv()));
    tx.send(2).unwrap();
    assert_eq!(watchdog(move || receiver.join().unwrap()), Ok(2));
}

#[test]
fn barrier_does_not_count_an_arrival_whose_clone_panicked() {
    let barrier = Barrier::new(2);
    poll_expecting_clone_panic(pin!(barrier.wait()));
    let mut first = pin!(barrier.wait());
    assert!(
        poll_once(first.as_mut()).is_pending(),
        "the failed poll was counted as an arrival"
    );
    let Poll::Ready(second) = poll_once(pin!(barrier.wait())) else {
        panic!("the second arrival completes the round")
    };
    let Poll::Ready(first) = poll_once(first.as_mut()) else {
        panic!("the round released the first waiter")
    };
    assert!(first.is_leader() != second.is_leader());
}

#[test]
fn cancellation_reaches_later_waiters_after_a_panicking_clone() {
    let token = CancellationToken::new();
    let child = token.child_token();
    poll_expecting_clone_panic(pin!(token.cancelled()));
    poll_expecting_clone_panic(pin!(child.cancelled()));
    let mut cancelled = pin!(child.cancelled());
    assert!(poll_once(cancelled.as_mut()).is_pending());
    token.cancel();
    assert!(poll_once(cancelled.as_mut()).is_ready());
    assert!(poll_once(pin!(token.cancelled())).is_ready());
}

#[test]
fn once_cell_waiter_after_a_panicking_clone() {
    let cell = OnceCell::new();
    let (tx, rx) = oneshot::channel::<u32>();
    let mut first = pin!(cell.get_or_init(|| async { rx.await.unwrap() }));
    assert!(poll_once(first.as_mut()).is_pending());
    // The first initialiser holds the cell: the second caller has to queue.
    poll_expecting_clone_panic(pin!(cell.get_or_init(pending)));
    tx.send(7).unwrap();
    assert_eq!(poll_once(first.as_mut()), Poll::Ready(&7));
    assert_eq!(
        poll_once(pin!(cell.get_or_init(|| async { 8 }))),
        Poll::Ready(&7)
    );

    // An initialiser that is dropped lets the next caller in.
    let cell = OnceCell::new();
    {
        let mut first = pin!(cell.get_or_init(pending::<u32>));
        assert!(poll_once(first.as_mut()).is_pending());
        poll_expecting_clone_panic(pin!(cell.get_or_init(pending)));
    }
    assert_eq!(cell.set(9), Ok(()));
    assert_eq!(cell.get(), Some(&9));
}
