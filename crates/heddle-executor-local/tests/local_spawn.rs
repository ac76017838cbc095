//! Spawning, joining, panics and cross-thread wake-ups on `LocalExecutor`.

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Waker;
use std::time::Duration;

use heddle_driver::ThreadParker;
use heddle_executor_local::LocalExecutor;
use support::{scaled, DropCounter, Spin};

fn executor() -> LocalExecutor<ThreadParker> {
    LocalExecutor::new(ThreadParker::new())
}

#[test]
fn join_values_of_send_and_local_tasks() {
    let mut ex = executor();
    let n = scaled(1_000, 50);
    let handles: Vec<_> = (0..n).map(|i| ex.spawn(async move { i * 2 })).collect();
    let shared = Rc::new(RefCell::new(0));
    let locals: Vec<_> = (0..n)
        .map(|i| {
            let shared = shared.clone();
            ex.spawn_local(async move {
                *shared.borrow_mut() += 1;
                i
            })
        })
        .collect();
    let (a, b) = ex.run_until(async move {
        let mut a = 0;
        for h in handles {
            a += h.await.unwrap();
        }
        let mut b = 0;
        for h in locals {
            b += h.await.unwrap();
        }
        (a, b)
    });
    assert_eq!(a, n * (n - 1));
    assert_eq!(b, n * (n - 1) / 2);
    assert_eq!(*shared.borrow(), n);
    assert_eq!(ex.alive_tasks(), 0);
}

#[test]
fn a_panicking_task_does_not_stop_the_executor() {
    let mut ex = executor();
    let bad = ex.spawn(async { panic!("task failure") });
    let good = ex.spawn(async {
        heddle_task::yield_now().await;
        1
    });
    let (bad, good) = ex.run_until(async move { (bad.await, good.await) });
    let err = bad.unwrap_err();
    assert!(err.is_panic());
    assert_eq!(
        err.into_panic().downcast_ref::<&str>(),
        Some(&"task failure")
    );
    assert_eq!(good.unwrap(), 1);
    // The executor still runs new work.
    assert_eq!(ex.run_until(async { 5 }), 5);
}

#[test]
fn a_panic_in_the_main_future_propagates_and_the_executor_stays_usable() {
    let mut ex = executor();
    let pending = ex.spawn(async {
        heddle_task::yield_now().await;
        9
    });
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ex.run_until(async { panic!("main failure") })
    }));
    assert!(result.is_err());
    assert_eq!(ex.run_until(pending).unwrap(), 9);
}

#[test]
fn detached_tasks_still_run() {
    let mut ex = executor();
    let done = Arc::new(AtomicUsize::new(0));
    for _ in 0..10 {
        let done = done.clone();
        drop(ex.spawn(async move {
            heddle_task::yield_now().await;
            done.fetch_add(1, Ordering::SeqCst);
        }));
    }
    let d = done.clone();
    ex.run_until(async move {
        for _ in 0..100 {
            if d.load(Ordering::SeqCst) == 10 {
                break;
            }
            heddle_task::yield_now().await;
        }
    });
    assert_eq!(done.load(Ordering::SeqCst), 10);
}

#[test]
fn abort_drops_the_future_and_joins_cancelled() {
    let mut ex = executor();
    let drops = DropCounter::default();
    let token = drops.token();
    let handle = ex.spawn(async move {
        let _t = token;
        std::future::pending::<()>().await;
    });
    let result = ex.run_until(async move {
        heddle_task::yield_now().await; // let the task start
        handle.abort();
        handle.await
    });
    assert!(result.unwrap_err().is_cancelled());
    assert_eq!(drops.count(), 1);
}

#[test]
fn wake_from_eight_foreign_threads_loses_nothing() {
    let mut ex = executor();
    let per_thread = scaled(500, 10);
    let wakers: Arc<Mutex<Vec<Option<Waker>>>> = Arc::default();
    let woken = Arc::new(AtomicUsize::new(0));
    let total = 8 * per_thread;
    let handles: Vec<_> = (0..total)
        .map(|i| {
            let wakers = wakers.clone();
            let woken = woken.clone();
            ex.spawn(async move {
                let mut registered = false;
                std::future::poll_fn(|cx| {
                    if registered {
                        woken.fetch_add(1, Ordering::SeqCst);
                        std::task::Poll::Ready(())
                    } else {
                        registered = true;
                        let mut w = wakers.lock().unwrap();
                        if w.len() <= i {
                            w.resize(i + 1, None);
                        }
                        w[i] = Some(cx.waker().clone());
                        std::task::Poll::Pending
                    }
                })
                .await;
            })
        })
        .collect();
    let w2 = wakers.clone();
    ex.run_until(async move {
        // Let every task register its waker.
        for _ in 0..10_000 {
            if w2.lock().unwrap().iter().filter(|w| w.is_some()).count() == total {
                break;
            }
            heddle_task::yield_now().await;
        }
        let all: Vec<Waker> = w2
            .lock()
            .unwrap()
            .iter()
            .map(|w| w.clone().unwrap())
            .collect();
        assert_eq!(all.len(), total);
        let threads: Vec<_> = all
            .chunks(per_thread)
            .map(|chunk| {
                let chunk = chunk.to_vec();
                std::thread::spawn(move || chunk.into_iter().for_each(Waker::wake))
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
        for t in threads {
            t.join().unwrap();
        }
    });
    assert_eq!(woken.load(Ordering::SeqCst), total);
}

#[test]
fn spawner_from_other_threads_while_running() {
    let mut ex = executor();
    let spawner = ex.spawner();
    let n = scaled(200, 10);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let spawner = spawner.clone();
            std::thread::spawn(move || {
                (0..n)
                    .map(|i| spawner.spawn(async move { t * 1000 + i }))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let sum = ex.run_until(async move {
        let mut sum = 0;
        for t in threads {
            for h in t.join().unwrap() {
                sum += h.await.unwrap();
            }
        }
        sum
    });
    let expected: usize = (0..4)
        .map(|t| (0..n).map(|i| t * 1000 + i).sum::<usize>())
        .sum();
    assert_eq!(sum, expected);
}

#[test]
fn main_future_woken_from_another_thread_wakes_a_parked_executor() {
    let mut ex = executor();
    let (tx, rx) = std::sync::mpsc::channel::<Waker>();
    let t = std::thread::spawn(move || {
        let waker = rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(10));
        waker.wake();
    });
    let mut sent = false;
    ex.run_until(std::future::poll_fn(move |cx| {
        if sent {
            std::task::Poll::Ready(())
        } else {
            sent = true;
            tx.send(cx.waker().clone()).unwrap();
            std::task::Poll::Pending
        }
    }));
    t.join().unwrap();
}

#[test]
fn a_self_waking_task_cannot_starve_the_others() {
    let mut ex = executor();
    let spins = Arc::new(AtomicUsize::new(0));
    let spin = ex.spawn(Spin(spins.clone()));
    let n = scaled(10_000, 100);
    let handles: Vec<_> = (0..n).map(|i| ex.spawn(async move { i })).collect();
    let done = ex.run_until(async move {
        let mut done = 0;
        for h in handles {
            h.await.unwrap();
            done += 1;
        }
        done
    });
    assert_eq!(done, n);
    // The spinner ran alongside, but a bounded number of times per other task.
    assert!(spins.load(Ordering::Relaxed) <= 2 * n + 10);
    spin.abort();
}

#[test]
fn executor_moves_to_another_thread_between_runs() {
    let ex = executor();
    let h = ex.spawn(async { 3 });
    let v = std::thread::spawn(move || {
        let mut ex = ex;
        ex.run_until(h).unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(v, 3);
}

#[test]
fn running_with_local_tasks_of_another_thread_panics_with_a_clear_message() {
    let ex = executor();
    let local = ex.spawn_local(async { 1 });
    let (ex, result) = std::thread::spawn(move || {
        let mut ex = ex;
        let caught =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ex.run_until(async {})));
        (ex, caught)
    })
    .join()
    .unwrap();
    let payload = result.unwrap_err();
    let message = payload.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(message.contains("belong to another thread"), "{message}");
    // Back on the home thread the executor runs the local task normally.
    let mut ex = ex;
    assert_eq!(ex.run_until(local).unwrap(), 1);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "leaks the !Send task by design, which miri's leak check reports"
)]
fn dropping_off_the_home_thread_leaks_local_tasks_instead_of_dropping_them() {
    let drops = DropCounter::default();
    let token = drops.token();
    let ex = executor();
    let rc = Rc::new(());
    let _local = ex.spawn_local(async move {
        let _rc = rc;
        let _t = token;
        std::future::pending::<()>().await;
    });
    std::thread::spawn(move || drop(ex)).join().unwrap();
    assert_eq!(
        drops.count(),
        0,
        "a !Send future is never dropped on a foreign thread"
    );
}

#[test]
fn spawn_local_from_a_foreign_thread_while_running_panics() {
    let mut ex = executor();
    let spawner = ex.spawner();
    let result = ex.run_until(async move {
        std::thread::spawn(move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                drop(spawner.spawn_local(async {}));
            }))
            .is_err()
        })
        .join()
        .unwrap()
    });
    assert!(result, "spawn_local from a foreign thread must panic");
}

#[test]
fn task_names_and_ids_reach_the_task() {
    let mut ex = executor();
    let h = ex
        .spawner()
        .spawn_with(heddle_task::Builder::new().name("named"), async {
            heddle_task::id()
        });
    let id = h.id();
    assert_eq!(ex.run_until(h).unwrap(), id);
}
