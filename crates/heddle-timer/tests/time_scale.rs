//! Scale: many concurrent sleeps on one driver, each completing exactly once and never early;
//! many inserts and cancels leaving the wheel empty.

mod support;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

use futures::stream::{FuturesUnordered, StreamExt};
use heddle_driver::ThreadParker;
use heddle_timer::{sleep, Clock, Duration, Instant, TimerDriver};
use support::{block_on, scaled};

/// A small deterministic generator (xorshift) for spreading deadlines.
fn spread(seed: &mut u64, range: u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed % range
}

#[test]
fn one_hundred_thousand_concurrent_sleeps_complete() {
    let mut driver = TimerDriver::new(ThreadParker::new());
    let handle = driver.handle();
    let _guard = handle.enter();
    let count = scaled(100_000, 50);
    let mut seed = 0x9E37_79B9_7F4A_7C15;
    let wall = std::time::Instant::now();
    let sleeps: FuturesUnordered<_> = (0..count)
        .map(|_| {
            let wanted = Duration::from_micros(1_000 + spread(&mut seed, 9_000));
            let delay = sleep(wanted);
            let deadline = delay.deadline();
            async move {
                delay.await;
                assert!(Instant::now() >= deadline, "fired before its deadline");
            }
        })
        .collect();
    let (done, _) = block_on(&mut driver, sleeps.count());
    assert_eq!(done, count);
    assert_eq!(handle.timer_count(), 0);
    assert!(wall.elapsed() < std::time::Duration::from_secs(20) || cfg!(miri));
}

#[test]
fn half_cancelled_timers_never_fire_and_the_rest_fire_once() {
    let mut driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
    let handle = driver.handle();
    let _guard = handle.enter();
    let count = scaled(10_000, 40);
    let mut seed = 42;
    let mut kept = Vec::new();
    let mut counters = Vec::new();
    for i in 0..count {
        let mut delay = Box::pin(sleep(Duration::from_millis(spread(&mut seed, 50))));
        let (counter, waker) = support::counting_waker();
        if Pin::new(&mut delay)
            .poll(&mut Context::from_waker(&waker))
            .is_ready()
        {
            continue;
        }
        if i % 2 == 0 {
            kept.push(delay);
            counters.push((counter, true));
        } else {
            drop(delay);
            counters.push((counter, false));
        }
    }
    block_on(&mut driver, sleep(Duration::from_millis(60)));
    for (counter, kept) in &counters {
        let wakes = counter.wakes.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(wakes, usize::from(*kept));
    }
    drop(kept);
    assert_eq!(handle.timer_count(), 0);
}

#[test]
fn insert_and_cancel_churn_leaves_the_wheel_empty() {
    let driver = TimerDriver::new(ThreadParker::new());
    let handle = driver.handle();
    let _guard = handle.enter();
    let mut cx = Context::from_waker(Waker::noop());
    for i in 0..scaled(100_000, 100) as u64 {
        let mut delay = sleep(Duration::from_secs(1) + Duration::from_millis(i % 10_000));
        assert!(Pin::new(&mut delay).poll(&mut cx).is_pending());
    }
    assert_eq!(handle.timer_count(), 0);
}
