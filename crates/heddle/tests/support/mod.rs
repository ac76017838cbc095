//! Helpers shared by the facade's integration tests.
#![allow(dead_code)] // each test binary uses its own subset

use std::sync::mpsc;
use std::time::Duration;

/// Runs `f` on its own thread and fails the test if it has not finished within `secs`
/// seconds (a hang becomes a failure, not a stuck test run). A panic in `f` is resumed.
pub(crate) fn with_watchdog<T: Send + 'static>(
    secs: u64,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(Ok(v)) => v,
        Ok(Err(payload)) => std::panic::resume_unwind(payload),
        Err(_) => panic!("watchdog: did not finish within {secs} s"),
    }
}

/// The message of a panic payload (`&str` or `String`), or an empty string.
pub(crate) fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Both runtime flavors, named, with I/O and timers enabled.
pub(crate) fn both_flavors() -> Vec<(&'static str, heddle::Builder)> {
    let mut current = heddle::Builder::new_current_thread();
    current.enable_all();
    let mut multi = heddle::Builder::new_multi_thread();
    multi.worker_threads(2).enable_all();
    vec![("current_thread", current), ("multi_thread", multi)]
}

/// Runs `test` to completion on a runtime of each flavor, under a watchdog of `secs` seconds
/// for the whole run.
pub(crate) fn on_both_flavors<F, Fut>(secs: u64, test: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    with_watchdog(secs, move || {
        for (_, mut builder) in both_flavors() {
            builder.build().unwrap().block_on(test());
        }
    });
}

/// Spawns and joins `n` tasks one after another on `runtime`, each also running a closure on
/// the blocking pool: proof that the workers and the pool still serve work.
pub(crate) fn round_trips(runtime: &heddle::Runtime, n: usize) {
    runtime.block_on(async {
        for i in 0..n {
            assert_eq!(heddle::spawn(async move { i }).await.unwrap(), i);
            assert_eq!(heddle::spawn_blocking(move || i).await.unwrap(), i);
        }
    });
}
