//! `Builder::shutdown_on_panic`: off, a panicking task fails only its own `JoinHandle`; on,
//! the first panic out of a task's poll stops `run_until` with a panic, no task is polled
//! again, spawns are cancelled, and dropping the executor drops every task once.

mod support;

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use heddle_driver::ThreadParker;
use heddle_executor_local::{Builder, LocalExecutor};
use support::{scaled, DropCounter, Spin};

const SHUTDOWN_MESSAGE: &str =
    "a spawned task panicked and the runtime is configured to shut down on unhandled panic";

fn executor(shutdown_on_panic: bool) -> LocalExecutor<ThreadParker> {
    Builder::new()
        .shutdown_on_panic(shutdown_on_panic)
        .build(ThreadParker::new())
}

/// `run_until` of a future that never completes: returns the message it panicked with.
fn run_pending_panics(executor: &mut LocalExecutor<ThreadParker>) -> String {
    let payload = panic::catch_unwind(AssertUnwindSafe(|| {
        executor.run_until(std::future::pending::<()>())
    }))
    .expect_err("run_until returned from a future that never completes");
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn without_the_setting_a_panic_fails_only_its_task() {
    let mut ex = executor(false);
    let polls = Arc::new(AtomicUsize::new(0));
    let spinning = ex.spawn(Spin(polls.clone()));
    let failing = ex.spawn(async { panic!("boom") });
    let err = ex.run_until(failing).unwrap_err();
    assert!(err.is_panic());
    let before = polls.load(Ordering::SeqCst);
    ex.run_until(support::settle(10));
    assert!(
        polls.load(Ordering::SeqCst) > before,
        "the other task keeps running"
    );
    assert_eq!(ex.run_until(ex.spawn(async { 1 })).unwrap(), 1);
    spinning.abort();
}

#[test]
fn the_first_panic_stops_the_executor_and_drop_drops_every_task_once() {
    let drops = DropCounter::default();
    let n = scaled(100, 10);
    let mut ex = executor(true);
    let spawner = ex.spawner();
    let polls = Arc::new(AtomicUsize::new(0));
    let spinning = {
        let token = drops.token();
        let polls = polls.clone();
        ex.spawn(async move {
            let _token = token;
            Spin(polls).await;
        })
    };
    let idle: Vec<_> = (0..n)
        .map(|i| {
            let token = drops.token();
            if i % 2 == 0 {
                ex.spawn(async move {
                    let _token = token;
                    std::future::pending::<()>().await;
                })
            } else {
                let rc = std::rc::Rc::new(());
                ex.spawn_local(async move {
                    let _token = token;
                    let _rc = rc;
                    std::future::pending::<()>().await;
                })
            }
        })
        .collect();
    let failing = ex.spawn(async {
        support::settle(3).await;
        panic!("boom")
    });

    assert_eq!(run_pending_panics(&mut ex), SHUTDOWN_MESSAGE);
    assert!(spawner.is_closed());
    assert_eq!(drops.count(), 0, "tasks are dropped with the executor");

    // No task runs again; ready futures still complete.
    let polled = polls.load(Ordering::SeqCst);
    assert!(ex.run_until(failing).unwrap_err().is_panic());
    assert!(ex
        .run_until(spawner.spawn(async { 1 }))
        .unwrap_err()
        .is_cancelled());
    assert_eq!(run_pending_panics(&mut ex), SHUTDOWN_MESSAGE);
    assert_eq!(polls.load(Ordering::SeqCst), polled);

    drop(ex);
    assert_eq!(drops.count(), n + 1);
    for handle in idle.into_iter().chain([spinning]) {
        let mut handle = std::pin::pin!(handle);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let std::task::Poll::Ready(result) = std::future::Future::poll(handle.as_mut(), &mut cx)
        else {
            panic!("the task was not dropped");
        };
        assert!(result.unwrap_err().is_cancelled());
    }
}

#[test]
fn a_panic_the_task_catches_does_not_stop_the_executor() {
    let mut ex = executor(true);
    let caught = ex.spawn(async { panic::catch_unwind(|| panic!("caught inside")).is_err() });
    assert!(ex.run_until(caught).unwrap());
    ex.run_until(support::settle(3));
    assert_eq!(ex.run_until(ex.spawn(async { 2 })).unwrap(), 2);
}
