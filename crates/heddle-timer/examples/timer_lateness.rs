//! Measures how late sleeps complete on an idle `TimerDriver<ThreadParker>`: 100 sequential
//! sleeps of 1–10 ms, lateness = the instant the future completes minus its deadline.
//!
//! Run with `cargo run --release -p heddle-timer --example timer_lateness`.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use heddle_driver::{Driver, ThreadParker};
use heddle_timer::{sleep, Duration, Instant, TimerDriver};

const SLEEPS: usize = 100;

fn main() {
    let mut driver = TimerDriver::new(ThreadParker::new());
    let _guard = driver.handle().enter();
    let mut cx = Context::from_waker(Waker::noop());
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut lateness_us = Vec::with_capacity(SLEEPS);
    for _ in 0..SLEEPS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wanted = Duration::from_micros(1_000 + seed % 9_001);
        let mut delay = pin!(sleep(wanted));
        let deadline = delay.deadline();
        // A one-future executor: poll, and park the driver while pending.
        while delay.as_mut().poll(&mut cx).is_pending() {
            driver.park();
        }
        let late = Instant::now().saturating_duration_since(deadline);
        lateness_us.push(late.as_secs_f64() * 1e6);
    }
    lateness_us.sort_by(f64::total_cmp);
    let pct = |p: f64| lateness_us[((lateness_us.len() - 1) as f64 * p).round() as usize];
    let mean = lateness_us.iter().sum::<f64>() / lateness_us.len() as f64;
    println!(
        "timer_lateness: {SLEEPS} sleeps of 1-10 ms: p50 {:.1} us, p99 {:.1} us, mean {mean:.1} us, max {:.1} us",
        pct(0.50),
        pct(0.99),
        lateness_us[lateness_us.len() - 1]
    );
}
