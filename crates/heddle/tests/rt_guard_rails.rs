//! tokio's guard rails where they prevent a misuse, with tokio's messages: dropping a
//! runtime in an async context, `block_in_place` on a current-thread runtime, and
//! `time::pause()` on a multi-thread runtime. `shutdown_background` stays allowed anywhere.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use support::{message, with_watchdog};

/// Sets its flag when dropped.
struct Flag(Arc<AtomicBool>);

impl Drop for Flag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn dropping_a_runtime_inside_another_runtimes_task_panics_and_still_shuts_it_down() {
    for (name, mut builder) in support::both_flavors() {
        with_watchdog(30, move || {
            let outer = heddle::Builder::new_current_thread().build().unwrap();
            let inner = builder.build().unwrap();
            let dropped = Arc::new(AtomicBool::new(false));
            let flag = Flag(dropped.clone());
            inner.spawn(async move {
                let _flag = flag;
                std::future::pending::<()>().await;
            });
            let payload = outer
                .block_on(async move { heddle::spawn(async move { drop(inner) }).await })
                .unwrap_err()
                .into_panic();
            let text = message(&*payload);
            assert!(
                text.contains("Cannot drop a runtime in a context where blocking is not allowed"),
                "{name}: {text}"
            );
            // Shut down without waiting: its task's future goes soon after (bounded wait).
            let start = std::time::Instant::now();
            while !dropped.load(Ordering::SeqCst) {
                assert!(
                    start.elapsed() < std::time::Duration::from_secs(10),
                    "{name}"
                );
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        });
    }
}

#[test]
fn shutdown_background_is_allowed_in_an_async_context() {
    for (_, mut builder) in support::both_flavors() {
        with_watchdog(30, move || {
            let outer = heddle::Builder::new_current_thread().build().unwrap();
            let inner = builder.build().unwrap();
            outer.block_on(async move {
                heddle::spawn(async move { inner.shutdown_background() })
                    .await
                    .unwrap();
            });
        });
    }
}

#[test]
fn block_in_place_on_a_current_thread_runtime_panics_with_tokios_words() {
    let runtime = heddle::Builder::new_current_thread().build().unwrap();
    let payload = runtime
        .block_on(async { heddle::spawn(async { heddle::task::block_in_place(|| 1) }).await })
        .unwrap_err()
        .into_panic();
    let text = message(&*payload);
    assert!(
        text.contains("can call blocking only when running on the multi-threaded runtime"),
        "{text}"
    );
}

#[test]
fn time_pause_on_a_multi_thread_runtime_panics() {
    let runtime = heddle::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let payload = runtime
        .block_on(async { heddle::spawn(async { heddle::time::pause() }).await })
        .unwrap_err()
        .into_panic();
    let text = message(&*payload);
    assert!(
        text.contains("requires the `current_thread` runtime"),
        "{text}"
    );
}
