//! `Interval`: schedule without drift, reset, and the three missed-tick policies (tokio's
//! semantics), in virtual time.

mod support;

use std::future::Future;
use std::task::{Context, Waker};

use heddle_driver::ThreadParker;
use heddle_timer::{
    advance, interval, interval_at, Clock, Duration, Instant, MissedTickBehavior, TimerDriver,
};
use support::block_on;

fn paused_driver() -> TimerDriver<ThreadParker> {
    TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused())
}

const MS: Duration = Duration::from_millis(1);

#[test]
fn ticks_every_period_without_drift() {
    let mut driver = paused_driver();
    let _guard = driver.handle().enter();
    let start = Instant::now();
    let mut ticks = interval(MS * 100);
    for i in 0..5u32 {
        let (at, _) = block_on(&mut driver, ticks.tick());
        assert_eq!(at, start + MS * 100 * i);
        assert_eq!(Instant::now(), at);
    }
}

#[test]
fn interval_at_starts_at_start() {
    let mut driver = paused_driver();
    let _guard = driver.handle().enter();
    let start = Instant::now() + MS * 7;
    let mut ticks = interval_at(start, MS * 3);
    assert_eq!(block_on(&mut driver, ticks.tick()).0, start);
    assert_eq!(block_on(&mut driver, ticks.tick()).0, start + MS * 3);
}

#[test]
#[should_panic(expected = "`period` must be non-zero.")]
fn zero_period_panics() {
    let _ = interval(Duration::ZERO);
}

/// Ticks due at 100, 200, 300 ... ms (relative to `start`); the task observes the tick due at
/// 200 only at 350 ms. Returns the instants the next three ticks were scheduled for, and
/// when they completed.
fn missed(behavior: MissedTickBehavior) -> (Vec<Duration>, Vec<Duration>) {
    let mut driver = paused_driver();
    let _guard = driver.handle().enter();
    let start = Instant::now();
    let mut ticks = interval_at(start + MS * 100, MS * 100);
    ticks.set_missed_tick_behavior(behavior);
    assert_eq!(block_on(&mut driver, ticks.tick()).0, start + MS * 100);
    futures::executor::block_on(advance(MS * 250));
    let (mut scheduled, mut observed) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let (at, _) = block_on(&mut driver, ticks.tick());
        scheduled.push(at - start);
        observed.push(Instant::now() - start);
    }
    (scheduled, observed)
}

#[test]
fn burst_catches_up_keeping_the_schedule() {
    let (scheduled, observed) = missed(MissedTickBehavior::Burst);
    assert_eq!(scheduled, [MS * 200, MS * 300, MS * 400]);
    assert_eq!(observed, [MS * 350, MS * 350, MS * 400]);
}

#[test]
fn delay_restarts_from_the_late_tick() {
    let (scheduled, observed) = missed(MissedTickBehavior::Delay);
    assert_eq!(scheduled, [MS * 200, MS * 450, MS * 550]);
    assert_eq!(observed, [MS * 350, MS * 450, MS * 550]);
}

#[test]
fn skip_goes_to_the_next_multiple() {
    let (scheduled, observed) = missed(MissedTickBehavior::Skip);
    assert_eq!(scheduled, [MS * 200, MS * 400, MS * 500]);
    assert_eq!(observed, [MS * 350, MS * 400, MS * 500]);
}

#[test]
fn reset_variants() {
    let mut driver = paused_driver();
    let _guard = driver.handle().enter();
    let start = Instant::now();
    let mut ticks = interval(MS * 10);
    ticks.reset();
    assert_eq!(block_on(&mut driver, ticks.tick()).0, start + MS * 10);
    ticks.reset_immediately();
    assert_eq!(block_on(&mut driver, ticks.tick()).0, start + MS * 10);
    ticks.reset_at(start + MS * 13);
    assert_eq!(block_on(&mut driver, ticks.tick()).0, start + MS * 13);
    assert_eq!(block_on(&mut driver, ticks.tick()).0, start + MS * 23);
    assert_eq!(ticks.period(), MS * 10);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(ticks.poll_tick(&mut cx).is_pending());
    assert!(std::pin::pin!(ticks.tick()).poll(&mut cx).is_pending());
    assert!(format!("{ticks:?}").contains("Interval"));
}

#[test]
fn reset_after_moves_the_next_tick_and_keeps_the_period_after_it() {
    let mut driver = paused_driver();
    let _guard = driver.handle().enter();
    let mut ticks = interval(MS * 100);
    let (first, _) = block_on(&mut driver, ticks.tick());
    ticks.reset_after(MS * 30);
    let (second, _) = block_on(&mut driver, ticks.tick());
    assert_eq!(second, first + MS * 30);
    let (third, _) = block_on(&mut driver, ticks.tick());
    assert_eq!(third, second + MS * 100);
}
