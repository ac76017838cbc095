//! Dropping a `LocalExecutor`: every task's future is dropped exactly once, destructors that
//! wake or spawn do not deadlock, and spawns after shutdown are cancelled.

mod support;

use std::sync::{Arc, Mutex};
use std::task::Waker;

use heddle_driver::ThreadParker;
use heddle_driver::ThreadUnparker;
use heddle_executor_local::{LocalExecutor, Spawner};
use support::{scaled, DropCounter, DropToken};

fn executor() -> LocalExecutor<ThreadParker> {
    LocalExecutor::new(ThreadParker::new())
}

#[test]
fn drop_drops_every_task_exactly_once() {
    let drops = DropCounter::default();
    let n = scaled(1_000, 50);
    let parked: Arc<Mutex<Vec<Waker>>> = Arc::default();
    let ex = executor();
    let mut handles = Vec::new();
    // Never polled.
    for _ in 0..n {
        let t = drops.token();
        handles.push(ex.spawn(async move {
            let _t = t;
        }));
    }
    let mut ex2 = executor();
    // Idle: polled once, waker held by a foreign structure.
    for _ in 0..n {
        let t = drops.token();
        let parked = parked.clone();
        handles.push(ex2.spawn(async move {
            let _t = t;
            let mut first = true;
            std::future::poll_fn(|cx| {
                if first {
                    first = false;
                    parked.lock().unwrap().push(cx.waker().clone());
                }
                std::task::Poll::<()>::Pending
            })
            .await;
        }));
    }
    // Local tasks, idle.
    for _ in 0..n {
        let t = drops.token();
        let rc = std::rc::Rc::new(());
        handles.push(ex2.spawn_local(async move {
            let _t = t;
            let _rc = rc;
            std::future::pending::<()>().await;
        }));
    }
    ex2.run_until(support::settle(10));
    assert_eq!(drops.count(), 0);
    drop(ex);
    assert_eq!(drops.count(), n);
    drop(ex2);
    assert_eq!(drops.count(), 3 * n);
    // Every JoinHandle resolves to cancelled; the held wakers are harmless now.
    for w in parked.lock().unwrap().drain(..) {
        w.wake();
    }
    let mut cx = std::task::Context::from_waker(Waker::noop());
    for mut h in handles {
        match std::pin::Pin::new(&mut h).poll(&mut cx) {
            std::task::Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
            other => panic!("expected cancelled, got {other:?}"),
        }
    }
    assert_eq!(drops.count(), 3 * n);
}

use std::future::Future;

/// Wakes a stored waker and spawns a task from its destructor.
struct NastyDrop {
    waker: Arc<Mutex<Option<Waker>>>,
    spawner: Spawner<ThreadUnparker>,
    _token: DropToken,
    late: Arc<Mutex<Vec<heddle_task::JoinHandle<()>>>>,
}

impl Drop for NastyDrop {
    fn drop(&mut self) {
        if let Some(w) = self.waker.lock().unwrap().take() {
            w.wake();
        }
        self.late.lock().unwrap().push(self.spawner.spawn(async {}));
    }
}

#[test]
fn destructors_that_wake_and_spawn_do_not_deadlock() {
    let drops = DropCounter::default();
    let mut ex = executor();
    let waker_slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let late: Arc<Mutex<Vec<heddle_task::JoinHandle<()>>>> = Arc::default();
    // A victim whose waker the nasty destructor will call during shutdown.
    let slot = waker_slot.clone();
    let victim_token = drops.token();
    ex.spawn(async move {
        let _t = victim_token;
        let mut first = true;
        std::future::poll_fn(|cx| {
            if first {
                first = false;
                *slot.lock().unwrap() = Some(cx.waker().clone());
            }
            std::task::Poll::<()>::Pending
        })
        .await;
    });
    for _ in 0..10 {
        let nasty = NastyDrop {
            waker: waker_slot.clone(),
            spawner: ex.spawner(),
            _token: drops.token(),
            late: late.clone(),
        };
        ex.spawn(async move {
            let _n = nasty;
            std::future::pending::<()>().await;
        });
    }
    ex.run_until(support::settle(10));
    drop(ex);
    assert_eq!(drops.count(), 11);
    let mut cx = std::task::Context::from_waker(Waker::noop());
    for mut h in late.lock().unwrap().drain(..) {
        assert!(matches!(
            std::pin::Pin::new(&mut h).poll(&mut cx),
            std::task::Poll::Ready(Err(ref e)) if e.is_cancelled()
        ));
    }
}

#[test]
fn spawn_after_drop_is_cancelled_without_panic() {
    let ex = executor();
    let spawner = ex.spawner();
    drop(ex);
    assert!(spawner.is_closed());
    let drops = DropCounter::default();
    let t = drops.token();
    let mut h = spawner.spawn(async move { drop(t) });
    assert_eq!(
        drops.count(),
        1,
        "the future is dropped at once, not leaked"
    );
    let mut cx = std::task::Context::from_waker(Waker::noop());
    assert!(matches!(
        std::pin::Pin::new(&mut h).poll(&mut cx),
        std::task::Poll::Ready(Err(ref e)) if e.is_cancelled()
    ));
}

#[test]
fn a_task_woken_after_shutdown_from_another_thread_is_harmless() {
    let mut ex = executor();
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let s = slot.clone();
    ex.spawn(async move {
        let mut first = true;
        std::future::poll_fn(|cx| {
            if first {
                first = false;
                *s.lock().unwrap() = Some(cx.waker().clone());
            }
            std::task::Poll::<()>::Pending
        })
        .await;
    });
    ex.run_until(support::settle(10));
    drop(ex);
    let w = slot.lock().unwrap().take().unwrap();
    std::thread::spawn(move || w.wake()).join().unwrap();
}
