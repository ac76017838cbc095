//! A waker that panics when woken leaves every primitive consistent and usable, and does not
//! stop the other waiters from being woken.

mod support;

use heddle_sync::{
    broadcast, mpsc, oneshot, watch, Barrier, CancellationToken, Mutex, Notify, OnceCell, RwLock,
    Semaphore,
};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use support::{expect_waker_panic, panic_waker, poll_once, poll_with, CountWaker, Tracked};

#[test]
fn semaphore_with_a_panicking_waker() {
    let semaphore = Semaphore::new(0);
    let mut bad = pin!(semaphore.acquire());
    let mut good = pin!(semaphore.acquire());
    let (count, waker) = CountWaker::new();
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(good.as_mut(), &waker).is_pending());
    expect_waker_panic(|| semaphore.add_permits(2));
    assert_eq!(count.count(), 1, "the second waiter was still woken");
    assert!(matches!(poll_once(bad.as_mut()), Poll::Ready(Ok(_))));
    assert!(matches!(poll_once(good.as_mut()), Poll::Ready(Ok(_))));
    semaphore.add_permits(1);
    assert!(semaphore.try_acquire().is_ok());
}

#[test]
fn mutex_with_a_panicking_waker() {
    let mutex = Mutex::new(0);
    let guard = mutex.try_lock().unwrap();
    let mut waiting = pin!(mutex.lock());
    assert!(poll_with(waiting.as_mut(), &panic_waker()).is_pending());
    expect_waker_panic(|| {
        drop(guard);
    });
    let Poll::Ready(mut guard) = poll_once(waiting.as_mut()) else {
        panic!("the lock was granted before the waker ran")
    };
    *guard += 1;
    drop(guard);
    assert_eq!(*mutex.try_lock().unwrap(), 1);
}

#[test]
fn notify_with_a_panicking_waker() {
    let notify = Notify::new();
    let mut bad = pin!(notify.notified());
    let mut good = pin!(notify.notified());
    let (count, waker) = CountWaker::new();
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(good.as_mut(), &waker).is_pending());
    expect_waker_panic(|| notify.notify_waiters());
    assert_eq!(count.count(), 1);
    assert!(poll_once(bad.as_mut()).is_ready());
    assert!(poll_once(good.as_mut()).is_ready());
    notify.notify_one();
    assert!(poll_once(pin!(notify.notified())).is_ready());
}

#[test]
fn mpsc_with_a_panicking_waker() {
    let (tx, mut rx) = mpsc::channel(2);
    {
        let mut recv = pin!(rx.recv());
        assert!(poll_with(recv.as_mut(), &panic_waker()).is_pending());
        // The message is buffered before the waker runs.
        expect_waker_panic(|| {
            let _ = tx.try_send(1);
        });
        assert_eq!(poll_once(recv.as_mut()), Poll::Ready(Some(1)));
    }
    tx.try_send(2).unwrap();
    assert_eq!(rx.try_recv(), Ok(2));

    let (utx, mut urx) = mpsc::unbounded_channel();
    {
        let mut recv = pin!(urx.recv());
        assert!(poll_with(recv.as_mut(), &panic_waker()).is_pending());
        expect_waker_panic(|| {
            let _ = utx.send(1);
        });
        assert_eq!(poll_once(recv.as_mut()), Poll::Ready(Some(1)));
    }
    drop(utx);
    assert_eq!(urx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));
}

#[test]
fn oneshot_with_a_panicking_waker() {
    let (tx, mut rx) = oneshot::channel();
    assert!(poll_with(pin!(&mut rx), &panic_waker()).is_pending());
    expect_waker_panic(|| {
        let _ = tx.send(1);
    });
    assert_eq!(rx.try_recv(), Ok(1));
}

#[test]
fn broadcast_and_watch_with_a_panicking_waker() {
    let (tx, mut rx) = broadcast::channel(2);
    let mut rx2 = tx.subscribe();
    {
        let mut recv = pin!(rx.recv());
        assert!(poll_with(recv.as_mut(), &panic_waker()).is_pending());
        expect_waker_panic(|| {
            let _ = tx.send(1);
        });
        assert_eq!(poll_once(recv.as_mut()), Poll::Ready(Ok(1)));
    }
    assert_eq!(rx2.try_recv(), Ok(1));
    tx.send(2).unwrap();
    assert_eq!(rx.try_recv(), Ok(2));

    let (wtx, mut wrx) = watch::channel(0);
    {
        let mut changed = pin!(wrx.changed());
        assert!(poll_with(changed.as_mut(), &panic_waker()).is_pending());
        expect_waker_panic(|| {
            let _ = wtx.send(1);
        });
        assert!(matches!(poll_once(changed.as_mut()), Poll::Ready(Ok(()))));
    }
    assert_eq!(*wrx.borrow(), 1);
    wtx.send(2).unwrap();
    assert_eq!(*wrx.borrow_and_update(), 2);
}

#[test]
fn semaphore_close_with_a_panicking_waker() {
    let semaphore = Semaphore::new(0);
    let mut bad = pin!(semaphore.acquire());
    let mut good = pin!(semaphore.acquire());
    let (count, waker) = CountWaker::new();
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(good.as_mut(), &waker).is_pending());
    expect_waker_panic(|| semaphore.close());
    assert_eq!(count.count(), 1);
    assert!(matches!(poll_once(bad.as_mut()), Poll::Ready(Err(_))));
    assert!(matches!(poll_once(good.as_mut()), Poll::Ready(Err(_))));
    assert!(semaphore.try_acquire().is_err());
}

#[test]
fn rwlock_readers_with_a_panicking_waker() {
    let lock = RwLock::new(0);
    let writer = lock.try_write().unwrap();
    let mut bad = pin!(lock.read());
    let mut good = pin!(lock.read());
    let (count, waker) = CountWaker::new();
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(good.as_mut(), &waker).is_pending());
    expect_waker_panic(|| drop(writer));
    assert_eq!(count.count(), 1);
    let Poll::Ready(first) = poll_once(bad.as_mut()) else {
        panic!("the first reader was granted")
    };
    let Poll::Ready(second) = poll_once(good.as_mut()) else {
        panic!("the second reader was granted")
    };
    assert_eq!((*first, *second), (0, 0));
    drop((first, second));
    *lock.try_write().unwrap() = 1;
}

#[test]
fn bounded_mpsc_close_with_a_panicking_waker() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    let mut bad = pin!(tx.send(2));
    let mut good = pin!(tx.send(3));
    let mut closed = pin!(tx.closed());
    let (count, waker) = CountWaker::new();
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(good.as_mut(), &waker).is_pending());
    assert!(poll_with(closed.as_mut(), &waker).is_pending());
    expect_waker_panic(|| rx.close());
    assert_eq!(count.count(), 2, "the other sender and `closed` were woken");
    assert!(tx.is_closed());
    assert!(poll_once(closed.as_mut()).is_ready());
    assert!(matches!(poll_once(bad.as_mut()), Poll::Ready(Err(_))));
    assert!(matches!(poll_once(good.as_mut()), Poll::Ready(Err(_))));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));
}

#[test]
fn bounded_mpsc_receiver_drop_with_a_panicking_waker() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel(1);
    tx.try_send(Tracked::new(1, &drops)).unwrap();
    let mut bad = pin!(tx.send(Tracked::new(2, &drops)));
    let mut closed = pin!(tx.closed());
    let (count, waker) = CountWaker::new();
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(closed.as_mut(), &waker).is_pending());
    expect_waker_panic(|| drop(rx));
    assert_eq!(count.count(), 1);
    assert!(tx.is_closed());
    assert!(poll_once(closed.as_mut()).is_ready());
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "the buffered message was dropped"
    );
    assert!(matches!(poll_once(bad.as_mut()), Poll::Ready(Err(_))));
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[test]
fn unbounded_mpsc_receiver_drop_with_a_panicking_waker() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::unbounded_channel();
    tx.send(Tracked::new(1, &drops)).unwrap();
    let mut bad = pin!(tx.closed());
    let mut good = pin!(tx.closed());
    let (count, waker) = CountWaker::new();
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(good.as_mut(), &waker).is_pending());
    expect_waker_panic(|| drop(rx));
    assert_eq!(count.count(), 1);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "the buffered message was dropped"
    );
    assert!(poll_once(good.as_mut()).is_ready());
    assert!(poll_once(bad.as_mut()).is_ready());
    assert!(tx.send(Tracked::new(2, &drops)).is_err());
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[test]
fn cancellation_with_a_panicking_waker_still_cancels_the_whole_tree() {
    let token = CancellationToken::new();
    let child = token.child_token();
    let grandchild = child.child_token();
    let mut bad = pin!(token.cancelled());
    let mut good = pin!(child.cancelled());
    let mut good2 = pin!(grandchild.cancelled());
    let (count, waker) = CountWaker::new();
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(good.as_mut(), &waker).is_pending());
    assert!(poll_with(good2.as_mut(), &waker).is_pending());
    expect_waker_panic(|| token.cancel());
    assert!(child.is_cancelled() && grandchild.is_cancelled());
    assert_eq!(count.count(), 2, "the descendants' waiters were woken");
    assert!(poll_once(bad.as_mut()).is_ready());
    assert!(poll_once(good.as_mut()).is_ready());
    assert!(poll_once(good2.as_mut()).is_ready());
    assert!(token.child_token().is_cancelled());
}

#[test]
fn barrier_with_a_panicking_waker() {
    let barrier = Barrier::new(3);
    let mut bad = pin!(barrier.wait());
    let mut good = pin!(barrier.wait());
    let (count, waker) = CountWaker::new();
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(good.as_mut(), &waker).is_pending());
    // The leader's poll wakes the others and passes the panic on.
    expect_waker_panic(|| {
        let _ = poll_once(pin!(barrier.wait()));
    });
    assert_eq!(count.count(), 1);
    assert!(matches!(poll_once(bad.as_mut()), Poll::Ready(r) if !r.is_leader()));
    assert!(matches!(poll_once(good.as_mut()), Poll::Ready(r) if !r.is_leader()));
    // The next round starts from zero arrivals.
    let mut a = pin!(barrier.wait());
    let mut b = pin!(barrier.wait());
    assert!(poll_once(a.as_mut()).is_pending());
    assert!(poll_once(b.as_mut()).is_pending());
    assert!(matches!(poll_once(pin!(barrier.wait())), Poll::Ready(r) if r.is_leader()));
    assert!(poll_once(a.as_mut()).is_ready() && poll_once(b.as_mut()).is_ready());
}

#[test]
fn watch_and_broadcast_batches_with_a_panicking_waker() {
    let (tx, mut bad_rx) = watch::channel(0);
    let mut good_rx = tx.subscribe();
    let (count, waker) = CountWaker::new();
    {
        let mut bad = pin!(bad_rx.changed());
        let mut good = pin!(good_rx.changed());
        assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
        assert!(poll_with(good.as_mut(), &waker).is_pending());
        expect_waker_panic(|| {
            let _ = tx.send(1);
        });
        assert_eq!(count.count(), 1);
        assert!(matches!(poll_once(bad.as_mut()), Poll::Ready(Ok(()))));
        assert!(matches!(poll_once(good.as_mut()), Poll::Ready(Ok(()))));
    }
    {
        let mut bad = pin!(tx.closed());
        let mut good = pin!(tx.closed());
        assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
        assert!(poll_with(good.as_mut(), &waker).is_pending());
        drop(good_rx);
        expect_waker_panic(|| drop(bad_rx));
        assert_eq!(count.count(), 2);
        assert!(poll_once(bad.as_mut()).is_ready());
        assert!(poll_once(good.as_mut()).is_ready());
    }

    let (tx, mut bad_rx) = broadcast::channel(2);
    let mut good_rx = tx.subscribe();
    let mut bad = pin!(bad_rx.recv());
    let mut good = pin!(good_rx.recv());
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(good.as_mut(), &waker).is_pending());
    expect_waker_panic(|| {
        let _ = tx.send(1);
    });
    assert_eq!(count.count(), 3);
    assert_eq!(poll_once(bad.as_mut()), Poll::Ready(Ok(1)));
    assert_eq!(poll_once(good.as_mut()), Poll::Ready(Ok(1)));
}

#[test]
fn oneshot_close_with_a_panicking_sender_waker() {
    let (mut tx, mut rx) = oneshot::channel();
    assert!(poll_with(pin!(tx.closed()), &panic_waker()).is_pending());
    expect_waker_panic(|| rx.close());
    assert!(tx.is_closed());
    assert!(poll_once(pin!(tx.closed())).is_ready());
    assert_eq!(tx.send(1), Err(1));
    assert_eq!(rx.try_recv(), Err(oneshot::error::TryRecvError::Closed));
}

#[test]
fn once_cell_waiters_with_a_panicking_waker() {
    let cell = OnceCell::new();
    let (tx, rx) = oneshot::channel::<u32>();
    let mut init = pin!(cell.get_or_init(|| async { rx.await.unwrap() }));
    let mut bad = pin!(cell.get_or_init(|| async { 8 }));
    let mut good = pin!(cell.get_or_init(|| async { 9 }));
    let (count, waker) = CountWaker::new();
    assert!(poll_once(init.as_mut()).is_pending());
    assert!(poll_with(bad.as_mut(), &panic_waker()).is_pending());
    assert!(poll_with(good.as_mut(), &waker).is_pending());
    tx.send(7).unwrap();
    // The initialiser's poll sets the value, then wakes the waiters.
    expect_waker_panic(|| {
        let _ = poll_once(init.as_mut());
    });
    assert_eq!(count.count(), 1);
    assert_eq!(cell.get(), Some(&7));
    assert_eq!(poll_once(good.as_mut()), Poll::Ready(&7));
    assert_eq!(poll_once(bad.as_mut()), Poll::Ready(&7));
}
