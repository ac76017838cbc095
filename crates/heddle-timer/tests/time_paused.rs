//! The paused clock: auto-advance when idle, `pause`/`resume`/`advance`, level-boundary
//! deadlines and long idle stretches, all in virtual time.

mod support;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use heddle_driver::ThreadParker;
use heddle_timer::{
    advance, pause, resume, sleep, sleep_until, Clock, Duration, Instant, TimerDriver,
};
use support::block_on;

fn paused_driver() -> TimerDriver<ThreadParker> {
    TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused())
}

#[test]
fn an_hour_long_sleep_finishes_in_wall_milliseconds() {
    let mut driver = paused_driver();
    let _guard = driver.handle().enter();
    let wall = std::time::Instant::now();
    let start = Instant::now();
    let ((), parks) = block_on(&mut driver, async {
        sleep(Duration::from_secs(3_600)).await;
        sleep(Duration::from_secs(60)).await;
    });
    assert_eq!(Instant::now() - start, Duration::from_secs(3_660));
    assert!(parks <= 16, "{parks} idle parks");
    assert!(wall.elapsed() < std::time::Duration::from_secs(5) || cfg!(miri));
}

/// The wheel's tick in nanoseconds: 2^16 (see the wheel's module docs).
const TICK_NANOS: u64 = 1 << 16;

#[test]
fn level_boundaries_fire_exactly_on_time() {
    // The wheel's own level boundaries (2^6k ticks, and 2^36 ticks where the overflow list
    // starts), and the same powers of two in milliseconds.
    let mut boundaries: Vec<Duration> = Vec::new();
    for exponent in (6..=36).step_by(6).chain([30]) {
        boundaries.push(Duration::from_nanos(TICK_NANOS << exponent));
        boundaries.push(Duration::from_millis(1u64 << exponent));
    }
    for boundary in boundaries {
        for delta_us in [-1i64, 0, 1] {
            let mut driver = paused_driver();
            let _guard = driver.handle().enter();
            let wanted = boundary.checked_add_signed_us(delta_us);
            let start = Instant::now();
            let deadline = start + wanted;
            block_on(&mut driver, sleep_until(deadline));
            // The rounding rule: a timer fires at its exact deadline, never before, and the
            // paused clock jumps exactly there.
            assert_eq!(Instant::now(), deadline, "{boundary:?} {delta_us:+} us");
        }
    }
}

/// `Duration ± microseconds`, for the boundary offsets.
trait SignedMicros {
    fn checked_add_signed_us(self, us: i64) -> Duration;
}

impl SignedMicros for Duration {
    fn checked_add_signed_us(self, us: i64) -> Duration {
        if us >= 0 {
            self + Duration::from_micros(us as u64)
        } else {
            self - Duration::from_micros(us.unsigned_abs())
        }
    }
}

#[test]
fn short_timers_on_time_after_twelve_idle_days_with_a_far_timer() {
    let mut driver = paused_driver();
    let handle = driver.handle();
    let _guard = handle.enter();
    let start = Instant::now();
    let mut far = pin!(sleep(Duration::from_secs(86_400 * 500)));
    assert!(far
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending());
    block_on(&mut driver, sleep(Duration::from_secs(86_400 * 12 + 1)));
    assert_eq!(Instant::now() - start, Duration::from_secs(86_400 * 12 + 1));
    for wanted in [1u64, 5, 63, 64, 65, 4_095, 4_097] {
        let begin = Instant::now();
        block_on(&mut driver, sleep(Duration::from_millis(wanted)));
        assert_eq!(Instant::now() - begin, Duration::from_millis(wanted));
    }
    assert!(!far.is_elapsed());
    assert_eq!(handle.timer_count(), 1);
}

#[test]
fn advance_fires_due_timers_in_order() {
    let driver = paused_driver();
    let _guard = driver.handle().enter();
    let order = std::sync::Mutex::new(Vec::new());
    futures::executor::block_on(async {
        let a = async {
            sleep(Duration::from_millis(30)).await;
            order.lock().unwrap().push(30);
        };
        let b = async {
            sleep(Duration::from_millis(10)).await;
            order.lock().unwrap().push(10);
        };
        let c = async {
            advance(Duration::from_millis(5)).await;
            assert!(order.lock().unwrap().is_empty());
            advance(Duration::from_millis(20)).await;
            advance(Duration::from_millis(5)).await;
        };
        futures::join!(a, b, c);
    });
    assert_eq!(*order.lock().unwrap(), vec![10, 30]);
}

#[test]
fn pause_and_resume_on_a_real_clock() {
    let mut driver = TimerDriver::new(ThreadParker::new());
    let _guard = driver.handle().enter();
    pause();
    let frozen = Instant::now();
    std::thread::sleep(std::time::Duration::from_millis(2));
    assert_eq!(Instant::now(), frozen);
    // Idle with a timer pending: the clock jumps instead of the thread sleeping.
    block_on(&mut driver, sleep(Duration::from_secs(600)));
    assert_eq!(Instant::now(), frozen + Duration::from_secs(600));
    resume();
    let resumed = Instant::now();
    std::thread::sleep(std::time::Duration::from_millis(1));
    assert!(Instant::now() > resumed);
    block_on(&mut driver, sleep(Duration::from_millis(1)));
}

#[test]
#[should_panic(expected = "heddle_timer::pause() needs a timer handle")]
fn pause_without_a_handle_panics() {
    pause();
}

#[test]
#[should_panic(expected = "heddle_timer::advance(): the clock is not paused")]
fn advance_on_a_running_clock_panics() {
    let driver = TimerDriver::new(ThreadParker::new());
    let _guard = driver.handle().enter();
    drop(advance(Duration::from_secs(1)));
}

#[test]
#[should_panic(expected = "the clock is already paused")]
fn pause_twice_panics() {
    let driver = paused_driver();
    let _guard = driver.handle().enter();
    pause();
}

#[test]
#[should_panic(expected = "the clock is not paused")]
fn resume_a_running_clock_panics() {
    let driver = TimerDriver::new(ThreadParker::new());
    let _guard = driver.handle().enter();
    resume();
}

#[test]
fn advance_by_duration_max_saturates() {
    let driver = paused_driver();
    let _guard = driver.handle().enter();
    let before = Instant::now();
    futures::executor::block_on(advance(Duration::MAX));
    assert!(Instant::now() > before);
    futures::executor::block_on(advance(Duration::MAX));
}

#[test]
fn instant_now_follows_the_entered_clock() {
    let clock = Clock::new_paused();
    let driver = TimerDriver::with_clock(ThreadParker::new(), clock.clone());
    let guard = driver.handle().enter();
    assert_eq!(Instant::now(), clock.now());
    let t = Instant::now();
    futures::executor::block_on(advance(Duration::from_secs(1)));
    assert_eq!(t.elapsed(), Duration::from_secs(1));
    drop(guard);
    // Without a handle, the real clock.
    assert_ne!(Instant::now(), clock.now());
}
