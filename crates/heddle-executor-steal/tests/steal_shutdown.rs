//! Shutting down the work-stealing executor: every task dropped exactly once, destructors
//! that wake or spawn do not deadlock, spawns after shutdown are cancelled, timeouts hold.

mod support;

use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use heddle_driver::ThreadParker;
use heddle_executor_steal::{Builder, Spawner, StealExecutor};
use support::{scaled, with_watchdog, DropCounter, DropToken};

fn executor(workers: usize) -> StealExecutor<ThreadParker> {
    Builder::new()
        .worker_threads(workers)
        .build(ThreadParker::new())
        .unwrap()
}

#[test]
fn drop_drops_every_task_exactly_once() {
    with_watchdog(30, || {
        let drops = DropCounter::default();
        let ex = executor(2);
        let n = scaled(1_000, 20);
        let parked: Arc<Mutex<Vec<Waker>>> = Arc::default();
        let mut handles = Vec::new();
        for _ in 0..n {
            let t = drops.token();
            let parked = parked.clone();
            handles.push(ex.spawn(async move {
                let _t = t;
                let mut first = true;
                std::future::poll_fn(|cx| {
                    if first {
                        first = false;
                        parked.lock().unwrap().push(cx.waker().clone());
                    }
                    Poll::<()>::Pending
                })
                .await;
            }));
        }
        // Let them park.
        let start = Instant::now();
        while parked.lock().unwrap().len() < n && start.elapsed() < Duration::from_secs(10) {
            std::thread::yield_now();
        }
        for _ in 0..n {
            let t = drops.token();
            handles.push(ex.spawn(async move {
                let _t = t;
                std::future::pending::<()>().await;
            }));
        }
        drop(ex);
        assert_eq!(drops.count(), 2 * n);
        let mut cx = std::task::Context::from_waker(Waker::noop());
        for mut h in handles {
            match std::pin::Pin::new(&mut h).poll(&mut cx) {
                Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
                other => panic!("expected cancelled, got {other:?}"),
            }
        }
        for w in parked.lock().unwrap().drain(..) {
            w.wake();
        }
        assert_eq!(drops.count(), 2 * n);
    });
}

use std::future::Future;

struct NastyDrop {
    spawner: Spawner<ThreadParker>,
    victim: Arc<Mutex<Option<Waker>>>,
    _token: DropToken,
}

impl Drop for NastyDrop {
    fn drop(&mut self) {
        if let Some(w) = self.victim.lock().unwrap().take() {
            w.wake();
        }
        drop(self.spawner.spawn(async {}));
    }
}

#[test]
fn destructors_that_wake_and_spawn_during_shutdown_do_not_deadlock() {
    with_watchdog(30, || {
        let drops = DropCounter::default();
        let ex = executor(2);
        let victim: Arc<Mutex<Option<Waker>>> = Arc::default();
        let v = victim.clone();
        let token = drops.token();
        ex.spawn(async move {
            let _t = token;
            let mut first = true;
            std::future::poll_fn(|cx| {
                if first {
                    first = false;
                    *v.lock().unwrap() = Some(cx.waker().clone());
                }
                Poll::<()>::Pending
            })
            .await;
        });
        for _ in 0..10 {
            let nasty = NastyDrop {
                spawner: ex.spawner(),
                victim: victim.clone(),
                _token: drops.token(),
            };
            ex.spawn(async move {
                let _n = nasty;
                std::future::pending::<()>().await;
            });
        }
        std::thread::sleep(Duration::from_millis(20));
        drop(ex);
        assert_eq!(drops.count(), 11);
    });
}

#[test]
fn spawn_after_shutdown_is_cancelled() {
    let ex = executor(1);
    let spawner = ex.spawner();
    drop(ex);
    assert!(spawner.is_shut_down());
    let drops = DropCounter::default();
    let t = drops.token();
    let mut h = spawner.spawn(async move { drop(t) });
    assert_eq!(drops.count(), 1);
    let mut cx = std::task::Context::from_waker(Waker::noop());
    assert!(matches!(
        std::pin::Pin::new(&mut h).poll(&mut cx),
        Poll::Ready(Err(ref e)) if e.is_cancelled()
    ));
}

#[test]
fn shutdown_timeout_returns_even_if_a_task_blocks_its_worker() {
    with_watchdog(30, || {
        let ex = executor(2);
        let release = Arc::new(std::sync::Barrier::new(2));
        let r = release.clone();
        ex.spawn(async move {
            // Blocks a worker thread until the test releases it.
            r.wait();
        });
        std::thread::sleep(Duration::from_millis(20));
        let start = Instant::now();
        ex.shutdown_timeout(Duration::from_millis(200));
        assert!(start.elapsed() < Duration::from_secs(5));
        release.wait();
    });
}

#[test]
fn shutdown_background_returns_at_once() {
    let ex = executor(2);
    ex.spawn(std::future::pending::<()>());
    let start = Instant::now();
    ex.shutdown_background();
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn dropping_the_executor_from_its_own_task_panics_not_deadlocks() {
    with_watchdog(30, || {
        let ex = Arc::new(Mutex::new(Some(executor(1))));
        let inner = ex.clone();
        let spawner = ex.lock().unwrap().as_ref().unwrap().spawner();
        let task = spawner.spawn(async move {
            let owned = inner.lock().unwrap().take();
            drop(owned);
        });
        let result = spawner.block_on(task);
        let payload = result.unwrap_err().into_panic();
        let message = payload.downcast_ref::<&str>().copied().unwrap_or_default();
        assert!(
            message.contains("from inside one of its own tasks"),
            "{message}"
        );
        // The workers stopped anyway: spawning is cancelled.
        let start = Instant::now();
        while !spawner.is_shut_down() && start.elapsed() < Duration::from_secs(5) {
            std::thread::yield_now();
        }
        assert!(spawner.is_shut_down());
    });
}
