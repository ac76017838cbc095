//! `Builder::shutdown_on_panic`: off, a panicking task fails only its own `JoinHandle`; on,
//! the first panic out of a task's poll stops the workers, makes every `block_on` panic,
//! cancels spawns, and dropping the executor drops every task once.

mod support;

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use heddle_driver::ThreadParker;
use heddle_executor_steal::{Builder, StealExecutor};
use support::{scaled, with_watchdog, DropCounter};

const SHUTDOWN_MESSAGE: &str =
    "a spawned task panicked and the runtime is configured to shut down on unhandled panic";

fn executor(shutdown_on_panic: bool) -> StealExecutor<ThreadParker> {
    Builder::new()
        .worker_threads(2)
        .shutdown_on_panic(shutdown_on_panic)
        .build(ThreadParker::new())
        .unwrap()
}

/// `block_on` of a future that never completes: returns the message it panicked with.
fn block_on_pending_panics(executor: &StealExecutor<ThreadParker>) -> String {
    let payload = panic::catch_unwind(AssertUnwindSafe(|| {
        executor.block_on(std::future::pending::<()>())
    }))
    .expect_err("block_on returned from a future that never completes");
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn without_the_setting_a_panic_fails_only_its_task() {
    with_watchdog(30, || {
        let ex = executor(false);
        let failing = ex.spawn(async { panic!("boom") });
        assert!(ex.block_on(failing).unwrap_err().is_panic());
        let after = ex.spawn(async {
            heddle_task::yield_now().await;
            1
        });
        assert_eq!(ex.block_on(after).unwrap(), 1);
    });
}

#[test]
fn the_first_panic_stops_the_executor_and_drop_drops_every_task_once() {
    with_watchdog(30, || {
        let drops = DropCounter::default();
        let n = scaled(100, 10);
        let ex = executor(true);
        let spawner = ex.spawner();
        let polls = Arc::new(AtomicUsize::new(0));
        let wakers: Arc<Mutex<Vec<Waker>>> = Arc::default();
        let idle: Vec<_> = (0..n)
            .map(|_| {
                let token = drops.token();
                let polls = polls.clone();
                let wakers = wakers.clone();
                ex.spawn(async move {
                    let _token = token;
                    std::future::poll_fn(|cx| {
                        polls.fetch_add(1, Ordering::SeqCst);
                        wakers.lock().unwrap().push(cx.waker().clone());
                        Poll::<()>::Pending
                    })
                    .await;
                })
            })
            .collect();
        let failing = ex.spawn(async {
            heddle_task::yield_now().await;
            panic!("boom")
        });

        assert_eq!(block_on_pending_panics(&ex), SHUTDOWN_MESSAGE);
        assert!(spawner.is_shut_down());
        assert_eq!(drops.count(), 0, "tasks are dropped with the executor");

        // The workers have stopped: a woken task is not polled. Ready futures still complete.
        let polled = polls.load(Ordering::SeqCst);
        for waker in wakers.lock().unwrap().drain(..) {
            waker.wake();
        }
        assert!(ex.block_on(failing).unwrap_err().is_panic());
        assert!(ex
            .block_on(spawner.spawn(async { 1 }))
            .unwrap_err()
            .is_cancelled());
        assert_eq!(block_on_pending_panics(&ex), SHUTDOWN_MESSAGE);
        assert_eq!(polls.load(Ordering::SeqCst), polled);

        drop(ex);
        assert_eq!(drops.count(), n);
        for handle in idle {
            assert!(heddle_executor_steal::block_on(handle)
                .unwrap_err()
                .is_cancelled());
        }
    });
}

#[test]
fn a_panic_the_task_catches_does_not_stop_the_executor() {
    with_watchdog(30, || {
        let ex = executor(true);
        let caught = ex.spawn(async { panic::catch_unwind(|| panic!("caught inside")).is_err() });
        assert!(ex.block_on(caught).unwrap());
        let after = ex.spawn(async {
            heddle_task::yield_now().await;
            2
        });
        assert_eq!(ex.block_on(after).unwrap(), 2);
    });
}
