//! Helpers for the executor's integration tests.

#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Counts drops of the tokens it hands out.
#[derive(Clone, Default)]
pub struct DropCounter(Arc<AtomicUsize>);

impl DropCounter {
    pub fn token(&self) -> DropToken {
        DropToken(self.0.clone())
    }
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Increments its counter when dropped.
pub struct DropToken(Arc<AtomicUsize>);

impl Drop for DropToken {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

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

/// Scales a count down under miri.
pub fn scaled(full: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else {
        full
    }
}

/// The size of a stress test: `reduced` in the normal suite, `full` under
/// `HEDDLE_STRESS=full` (what `cargo xtask stress` sets), `miri` under miri.
pub fn stress(reduced: usize, full: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else if std::env::var_os("HEDDLE_STRESS").is_some_and(|v| v == "full") {
        full
    } else {
        reduced
    }
}
