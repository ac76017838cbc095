//! A waker that panics when woken leaves every primitive consistent and usable, and does not
//! stop the other waiters from being woken.

mod support;

use heddle_sync::{broadcast, mpsc, oneshot, watch, Mutex, Notify, Semaphore};
use std::pin::pin;
use std::task::Poll;
use support::{expect_waker_panic, panic_waker, poll_once, poll_with, CountWaker};

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
