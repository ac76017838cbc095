//! Semaphore, Mutex, RwLock, Notify, Barrier, OnceCell and CancellationToken: fairness, limits
//! and cancel safety.

mod support;

use futures::executor::block_on;
use heddle_sync::{Barrier, CancellationToken, Mutex, Notify, OnceCell, RwLock, Semaphore};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use support::{poll_once, poll_with, scaled, CountWaker};

#[test]
fn semaphore_serves_waiters_in_fifo_order() {
    let semaphore = Semaphore::new(0);
    let mut big = pin!(semaphore.acquire_many(2));
    let mut small = pin!(semaphore.acquire());
    assert!(poll_once(big.as_mut()).is_pending());
    assert!(poll_once(small.as_mut()).is_pending());
    semaphore.add_permits(1);
    // One permit would satisfy `small`, but `big` is first in line.
    assert!(poll_once(small.as_mut()).is_pending());
    assert!(semaphore.try_acquire().unwrap_err().is_no_permits());
    semaphore.add_permits(2);
    assert!(matches!(poll_once(big.as_mut()), Poll::Ready(Ok(p)) if p.num_permits() == 2));
    assert!(matches!(poll_once(small.as_mut()), Poll::Ready(Ok(_))));
}

#[test]
fn a_request_for_more_permits_than_exist_waits_until_close() {
    // Requests are `u32`, as tokio's, so none is above `MAX_PERMITS` where `usize` has 64
    // bits: the largest waits like any other, and closing the semaphore ends the wait.
    let semaphore = Arc::new(Semaphore::new(1));
    let mut huge = pin!(semaphore.acquire_many(u32::MAX));
    assert!(poll_once(huge.as_mut()).is_pending());
    assert!(semaphore
        .clone()
        .try_acquire_many_owned(u32::MAX)
        .unwrap_err()
        .is_no_permits());
    semaphore.close();
    let err = match poll_once(huge.as_mut()) {
        Poll::Ready(result) => result.unwrap_err(),
        Poll::Pending => panic!("closing must end the wait"),
    };
    assert!(err.is_closed() && !err.is_too_large());
    assert_eq!(semaphore.available_permits(), 1);
}

#[test]
fn a_granted_then_cancelled_acquire_passes_the_permit_on() {
    let semaphore = Semaphore::new(1);
    let held = semaphore.try_acquire().unwrap();
    let mut first = Box::pin(semaphore.acquire());
    let mut second = pin!(semaphore.acquire());
    let (count, waker) = CountWaker::new();
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_with(second.as_mut(), &waker).is_pending());
    drop(held); // granted to `first`
    assert_eq!(count.count(), 0);
    drop(first); // ... which never observes it
    assert_eq!(count.count(), 1, "the next waiter is woken");
    assert!(matches!(poll_once(second.as_mut()), Poll::Ready(Ok(_))));
}

#[test]
fn semaphore_close_forget_and_owned_permits() {
    let semaphore = Arc::new(Semaphore::new(3));
    let owned = semaphore.clone().try_acquire_many_owned(2).unwrap();
    assert_eq!(owned.num_permits(), 2);
    let mut waiting = pin!(semaphore.acquire_many(2));
    assert!(poll_once(waiting.as_mut()).is_pending());
    semaphore.close();
    assert!(matches!(poll_once(waiting.as_mut()), Poll::Ready(Err(e)) if e.is_closed()));
    assert!(semaphore.try_acquire().unwrap_err().is_closed());
    drop(owned);
    assert_eq!(semaphore.available_permits(), 3);
    assert_eq!(semaphore.forget_permits(1), 1);
    assert_eq!(semaphore.available_permits(), 2);
}

#[test]
#[should_panic(expected = "would exceed Semaphore::MAX_PERMITS")]
fn adding_permits_past_the_maximum_panics() {
    Semaphore::new(Semaphore::MAX_PERMITS).add_permits(1);
}

#[test]
fn mutex_excludes_and_counts_across_threads() {
    let threads = 2;
    let per_thread = scaled(500, 20);
    let mutex = Arc::new(Mutex::new(0usize));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let mutex = mutex.clone();
            std::thread::spawn(move || {
                for _ in 0..per_thread {
                    block_on(async {
                        let mut guard = mutex.lock().await;
                        let v = *guard;
                        *guard = v + 1;
                    });
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(*block_on(mutex.lock()), threads * per_thread);
}

#[test]
fn a_mutex_granted_to_a_dropped_waiter_passes_to_the_next() {
    let mutex = Mutex::new(1);
    let guard = mutex.try_lock().unwrap();
    let mut first = Box::pin(mutex.lock());
    let mut second = pin!(mutex.lock());
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    assert!(mutex.try_lock().is_err());
    drop(guard);
    drop(first);
    assert!(matches!(poll_once(second.as_mut()), Poll::Ready(g) if *g == 1));
}

#[test]
fn mutex_get_mut_into_inner_and_owned_guards() {
    let mut mutex = Mutex::new(vec![1]);
    mutex.get_mut().push(2);
    let mutex = Arc::new(mutex);
    let mut guard = block_on(mutex.clone().lock_owned());
    guard.push(3);
    assert!(mutex.clone().try_lock_owned().is_err());
    drop(guard);
    let mutex = Arc::try_unwrap(mutex).unwrap();
    assert_eq!(mutex.into_inner(), [1, 2, 3]);
}

#[test]
fn rwlock_is_writer_preferring_and_fifo() {
    let lock = RwLock::new(0);
    let reader = lock.try_read().unwrap();
    let mut writer = pin!(lock.write());
    assert!(poll_once(writer.as_mut()).is_pending());
    // A queued writer blocks later readers.
    assert!(lock.try_read().is_err());
    let mut late_reader = pin!(lock.read());
    assert!(poll_once(late_reader.as_mut()).is_pending());
    drop(reader);
    let Poll::Ready(mut w) = poll_once(writer.as_mut()) else {
        panic!("writer should hold the lock")
    };
    *w = 5;
    assert!(poll_once(late_reader.as_mut()).is_pending());
    drop(w);
    assert!(matches!(poll_once(late_reader.as_mut()), Poll::Ready(r) if *r == 5));
}

#[test]
fn rwlock_owned_guards_and_cancelled_writer() {
    let lock = Arc::new(RwLock::new(1));
    let r1 = block_on(lock.clone().read_owned());
    let r2 = lock.try_read().unwrap();
    assert_eq!(*r1 + *r2, 2);
    {
        let mut writer = Box::pin(lock.clone().write_owned());
        let mut reader = pin!(lock.read());
        assert!(poll_once(writer.as_mut()).is_pending());
        assert!(poll_once(reader.as_mut()).is_pending());
        drop((r1, r2)); // the writer is granted ...
        drop(writer); // ... and cancelled: the reader gets the lock
        assert!(matches!(poll_once(reader.as_mut()), Poll::Ready(_)));
    }
    let mut lock = Arc::try_unwrap(lock).ok().unwrap();
    *lock.get_mut() = 9;
    assert_eq!(lock.into_inner(), 9);
}

#[test]
fn notify_one_stores_one_permit_and_notify_waiters_stores_none() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_one();
    assert!(poll_once(pin!(notify.notified())).is_ready());
    assert!(poll_once(pin!(notify.notified())).is_pending());

    notify.notify_waiters();
    assert!(poll_once(pin!(notify.notified())).is_pending());

    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    assert!(poll_once(a.as_mut()).is_pending());
    notify.notify_waiters(); // `b` was created before the call, though never polled
    assert!(poll_once(a.as_mut()).is_ready());
    assert!(poll_once(b.as_mut()).is_ready());
}

#[test]
fn a_notification_granted_to_a_dropped_waiter_passes_on() {
    let notify = Notify::new();
    let mut first = Box::pin(notify.notified());
    let mut second = pin!(notify.notified());
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    notify.notify_one();
    drop(first);
    assert!(poll_once(second.as_mut()).is_ready());

    // With nobody else waiting, the notification is stored again.
    let mut only = Box::pin(notify.notified());
    assert!(poll_once(only.as_mut()).is_pending());
    notify.notify_one();
    drop(only);
    assert!(poll_once(pin!(notify.notified())).is_ready());
}

#[test]
fn barrier_releases_rounds_with_one_leader() {
    let n = 3;
    let rounds = scaled(20, 3);
    let barrier = Arc::new(Barrier::new(n));
    let leaders = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (barrier, leaders) = (barrier.clone(), leaders.clone());
            std::thread::spawn(move || {
                for _ in 0..rounds {
                    if block_on(barrier.wait()).is_leader() {
                        leaders.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(leaders.load(Ordering::SeqCst), rounds);
}

#[test]
fn once_cell_runs_one_initialiser_and_recovers_from_cancellation() {
    let cell = OnceCell::new();
    let runs = AtomicUsize::new(0);
    let mut first = Box::pin(cell.get_or_init(|| async {
        runs.fetch_add(1, Ordering::SeqCst);
        std::future::pending::<u32>().await
    }));
    assert!(poll_once(first.as_mut()).is_pending());
    let mut second = pin!(cell.get_or_init(|| async {
        runs.fetch_add(1, Ordering::SeqCst);
        2
    }));
    assert!(poll_once(second.as_mut()).is_pending());
    assert!(cell.set(9).unwrap_err().is_initializing_err());
    drop(first); // the running initialiser is cancelled; `second` runs its own
    assert_eq!(poll_once(second.as_mut()), Poll::Ready(&2));
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert!(cell.initialized());
    assert_eq!(block_on(cell.get_or_init(|| async { 3 })), &2);
    assert_eq!(
        block_on(cell.get_or_try_init(|| async { Err::<u32, ()>(()) })),
        Ok(&2)
    );
}

#[test]
fn once_cell_initialises_once_under_contention() {
    let cell = Arc::new(OnceCell::new());
    let runs = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let (cell, runs) = (cell.clone(), runs.clone());
            std::thread::spawn(move || {
                *block_on(cell.get_or_init(|| async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    i
                }))
            })
        })
        .collect();
    let values: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert!(values.iter().all(|v| *v == values[0]));
}

#[test]
fn cancellation_propagates_down_the_tree_only() {
    let root = CancellationToken::new();
    let child = root.child_token();
    let grandchild = child.child_token();
    let sibling = root.child_token();
    let mut waiting = pin!(grandchild.cancelled());
    assert!(poll_once(waiting.as_mut()).is_pending());
    child.cancel();
    assert!(poll_once(waiting.as_mut()).is_ready());
    assert!(!root.is_cancelled() && !sibling.is_cancelled());
    let owned = sibling.clone().cancelled_owned();
    root.cancel();
    block_on(owned);
    assert!(root.child_token().is_cancelled());
}

#[test]
fn drop_guard_cancels_unless_disarmed() {
    let token = CancellationToken::new();
    let kept = token.clone().drop_guard().disarm();
    assert!(!kept.is_cancelled());
    drop(token.clone().drop_guard());
    assert!(kept.is_cancelled());
}

#[test]
fn many_dropped_child_tokens_do_not_accumulate() {
    let root = CancellationToken::new();
    for _ in 0..scaled(1_000, 50) {
        let child = root.child_token();
        drop(child.child_token());
    }
    root.cancel();
}
