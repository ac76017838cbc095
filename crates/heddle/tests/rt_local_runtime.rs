//! `LocalRuntime`: a current-thread runtime bound to its thread, where `!Send` tasks spawn
//! from anywhere on that thread; built with `Builder::build_local`.

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use heddle::runtime::{LocalOptions, LocalRuntime};

#[test]
fn not_send_tasks_spawned_outside_block_on_run_inside_it() {
    support::with_watchdog(60, || {
        let runtime = LocalRuntime::new().unwrap();
        let log = Rc::new(RefCell::new(Vec::new()));
        let first = runtime.spawn_local({
            let log = log.clone();
            async move { log.borrow_mut().push("spawned before block_on") }
        });
        // Under an `enter` guard, the free function reaches it too.
        let second = {
            let _guard = runtime.enter();
            let log = log.clone();
            heddle::spawn_local(async move { log.borrow_mut().push("spawned under enter") })
        };
        runtime.block_on(async {
            first.await.unwrap();
            second.await.unwrap();
            let log = log.clone();
            heddle::spawn_local(async move { log.borrow_mut().push("spawned inside") })
                .await
                .unwrap();
        });
        assert_eq!(
            *log.borrow(),
            [
                "spawned before block_on",
                "spawned under enter",
                "spawned inside"
            ]
        );
    });
}

#[test]
fn send_tasks_blocking_closures_and_timers_work_too() {
    support::with_watchdog(60, || {
        let runtime = LocalRuntime::new().unwrap();
        let remote = runtime.handle().clone();
        let from_thread = std::thread::spawn(move || remote.spawn(async { 1 }))
            .join()
            .unwrap();
        let blocking = runtime.spawn_blocking(|| 2);
        let total = runtime.block_on(async {
            heddle::time::sleep(std::time::Duration::from_millis(1)).await;
            from_thread.await.unwrap() + blocking.await.unwrap()
        });
        assert_eq!(total, 3);
        assert_eq!(runtime.metrics().num_workers(), 1);
    });
}

#[test]
fn dropping_it_drops_every_task_future() {
    support::with_watchdog(60, || {
        let runtime = LocalRuntime::new().unwrap();
        let alive = Rc::new(());
        for _ in 0..3 {
            let alive = alive.clone();
            runtime.spawn_local(async move {
                std::future::pending::<()>().await;
                drop(alive);
            });
        }
        assert_eq!(Rc::strong_count(&alive), 4);
        runtime.shutdown_background();
        assert_eq!(Rc::strong_count(&alive), 1);
    });
}

#[test]
fn build_local_refuses_a_multi_thread_builder() {
    let err = heddle::Builder::new_multi_thread()
        .build_local(LocalOptions::default())
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("build_local"));
    // Nonsense settings are refused as `build` refuses them.
    let err = heddle::Builder::new_current_thread()
        .event_interval(0)
        .build_local(LocalOptions::default())
        .unwrap_err();
    assert!(err.to_string().contains("event_interval"));
}
