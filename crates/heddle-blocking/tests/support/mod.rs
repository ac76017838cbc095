//! Helpers for the blocking pool's integration tests.

#![allow(dead_code, unreachable_pub)]

use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Runs `f` on a thread; fails the test if it takes longer than `secs` (a hang is a failure).
pub fn with_watchdog<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
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

/// Waits until `condition` holds, failing the test with `what` after 10 s (60 s under miri).
pub fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let limit = Duration::from_secs(if cfg!(miri) { 60 } else { 10 });
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(1));
    }
}
