//! Measures the cost of one timer insert + cancel (create a `Sleep`, poll it once so it is
//! registered, drop it) with no other timers pending and with 1,000,000 pending.
//!
//! Run with `cargo run --release -p heddle-timer --example timer_churn`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};
use std::time::Instant as WallInstant;

use heddle_driver::ThreadParker;
use heddle_timer::{sleep, Duration, Sleep, TimerDriver};

const OPS: u64 = 2_000_000;
const PENDING: u64 = 1_000_000;

fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Nanoseconds per insert + cancel, best of three rounds.
fn churn(seed: &mut u64) -> f64 {
    let mut cx = Context::from_waker(Waker::noop());
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = WallInstant::now();
        for _ in 0..OPS {
            // Deadlines from 1 ms to about 70 minutes, so every level of the wheel is used.
            let ms = 1 + next(seed) % (1 << 22);
            let mut delay = sleep(Duration::from_millis(ms));
            assert!(Pin::new(&mut delay).poll(&mut cx).is_pending());
            drop(delay);
        }
        best = best.min(start.elapsed().as_nanos() as f64 / OPS as f64);
    }
    best
}

fn main() {
    let driver = TimerDriver::new(ThreadParker::new());
    let handle = driver.handle();
    let _guard = handle.enter();
    let mut seed = 0x2545_F491_4F6C_DD1D;

    let empty = churn(&mut seed);
    assert_eq!(handle.timer_count(), 0);

    let mut cx = Context::from_waker(Waker::noop());
    let pending: Vec<Sleep> = (0..PENDING)
        .map(|_| {
            let ms = 1_000 + next(&mut seed) % (1 << 30);
            let mut delay = sleep(Duration::from_millis(ms));
            assert!(Pin::new(&mut delay).poll(&mut cx).is_pending());
            delay
        })
        .collect();
    assert_eq!(handle.timer_count(), PENDING as usize);
    let loaded = churn(&mut seed);
    drop(pending);
    assert_eq!(handle.timer_count(), 0);

    println!("timer_churn: insert+cancel with 0 pending:         {empty:.1} ns/op");
    println!("timer_churn: insert+cancel with {PENDING} pending: {loaded:.1} ns/op");
    println!("timer_churn: ratio loaded/empty: {:.2}", loaded / empty);
}
