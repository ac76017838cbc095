//! `Sleep`: zero, past and huge deadlines, exact `deadline()`, resets, waker handling and drop.

mod support;

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Waker};

use heddle_driver::{Driver, ThreadParker};
use heddle_timer::{advance, sleep, sleep_until, Clock, Duration, Instant, TimerDriver};
use support::{block_on, counting_waker};

fn paused_driver() -> TimerDriver<ThreadParker> {
    TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused())
}

#[test]
fn zero_duration_completes_on_first_poll() {
    let driver = paused_driver();
    let _guard = driver.handle().enter();
    let mut delay = pin!(sleep(Duration::ZERO));
    assert!(delay
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_ready());
    assert!(delay.is_elapsed());
    assert_eq!(driver.handle().timer_count(), 0);
}

#[test]
fn past_deadline_fires_at_once() {
    let driver = paused_driver();
    let handle = driver.handle();
    let _guard = handle.enter();
    futures::executor::block_on(advance(Duration::from_secs(10)));
    let past = Instant::now() - Duration::from_secs(5);
    let mut delay = pin!(sleep_until(past));
    assert!(delay
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_ready());
}

#[test]
fn duration_max_and_far_instants_never_fire_or_panic() {
    let mut driver = paused_driver();
    let handle = driver.handle();
    let _guard = handle.enter();
    let start = Instant::now();
    let mut forever = pin!(sleep(Duration::MAX));
    assert!(forever.deadline() > start + Duration::from_secs(86_400 * 365 * 20));
    let far = start
        .checked_add(Duration::from_secs(u64::MAX / 4))
        .unwrap_or(start + Duration::from_secs(86_400 * 365 * 1_000));
    let mut far = pin!(sleep_until(far));
    let (counter, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(forever.as_mut().poll(&mut cx).is_pending());
    assert!(far.as_mut().poll(&mut cx).is_pending());
    // Advance a long way, twice by the maximum: still nothing fires, nothing panics.
    futures::executor::block_on(advance(Duration::from_secs(86_400 * 400)));
    driver.park_timeout(Duration::ZERO);
    assert!(forever.as_mut().poll(&mut cx).is_pending());
    assert!(far.as_mut().poll(&mut cx).is_pending());
    assert_eq!(counter.wakes.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(handle.timer_count(), 2);
}

#[test]
fn deadline_is_the_instant_asked_for() {
    let driver = paused_driver();
    let _guard = driver.handle().enter();
    let at = Instant::now() + Duration::from_nanos(1_234_567);
    assert_eq!(sleep_until(at).deadline(), at);
    let d = sleep(Duration::from_micros(1_500));
    assert_eq!(d.deadline(), Instant::now() + Duration::from_micros(1_500));
}

#[test]
fn reset_earlier_later_and_after_firing() {
    let mut driver = paused_driver();
    let handle = driver.handle();
    let _guard = handle.enter();
    let start = Instant::now();
    let mut delay = pin!(sleep(Duration::from_secs(60)));

    // Earlier.
    delay.as_mut().reset(start + Duration::from_millis(10));
    block_on(&mut driver, delay.as_mut());
    assert_eq!(Instant::now(), start + Duration::from_millis(10));

    // After firing, later: pending again, fires at the new deadline only.
    delay.as_mut().reset(start + Duration::from_secs(5));
    assert!(!delay.is_elapsed());
    block_on(&mut driver, delay.as_mut());
    assert_eq!(Instant::now(), start + Duration::from_secs(5));

    // Registered, then moved later: does not fire at the old deadline.
    delay.as_mut().reset(start + Duration::from_secs(6));
    let (counter, waker) = counting_waker();
    assert!(delay
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    delay.as_mut().reset(start + Duration::from_secs(7));
    futures::executor::block_on(advance(Duration::from_millis(1_500)));
    assert_eq!(counter.wakes.load(std::sync::atomic::Ordering::SeqCst), 0);
    futures::executor::block_on(advance(Duration::from_millis(500)));
    assert_eq!(counter.wakes.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(delay.is_elapsed());
}

#[test]
fn one_million_resets_leave_one_entry() {
    let driver = paused_driver();
    let handle = driver.handle();
    let _guard = handle.enter();
    let start = Instant::now();
    let mut delay = Box::pin(sleep(Duration::from_secs(1)));
    assert!(delay
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending());
    let rounds = support::scaled(1_000_000, 200) as u64;
    for i in 0..rounds {
        let offset = Duration::from_micros(1 + (i * 7_919) % 100_000_000);
        delay.as_mut().reset(start + offset);
        assert_eq!(handle.timer_count(), 1);
    }
    drop(delay);
    assert_eq!(handle.timer_count(), 0);
}

#[test]
fn drop_cancels_and_releases_the_waker() {
    let driver = paused_driver();
    let handle = driver.handle();
    let _guard = handle.enter();
    let (counter, waker) = counting_waker();
    let mut delay = Box::pin(sleep(Duration::from_millis(5)));
    assert!(delay
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    drop(waker);
    assert_eq!(Arc::strong_count(&counter), 2, "the wheel holds one clone");
    drop(delay);
    assert_eq!(
        Arc::strong_count(&counter),
        1,
        "dropping the Sleep released the waker"
    );
    assert_eq!(handle.timer_count(), 0);
    futures::executor::block_on(advance(Duration::from_millis(10)));
    assert_eq!(counter.wakes.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[test]
fn waker_is_replaced_when_polled_with_another() {
    let driver = paused_driver();
    let _guard = driver.handle().enter();
    let (first, first_waker) = counting_waker();
    let (second, second_waker) = counting_waker();
    let mut delay = pin!(sleep(Duration::from_millis(5)));
    assert!(delay
        .as_mut()
        .poll(&mut Context::from_waker(&first_waker))
        .is_pending());
    assert!(delay
        .as_mut()
        .poll(&mut Context::from_waker(&second_waker))
        .is_pending());
    drop((first_waker, second_waker));
    assert_eq!(Arc::strong_count(&first), 1, "the old waker was dropped");
    futures::executor::block_on(advance(Duration::from_millis(5)));
    assert_eq!(first.wakes.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(second.wakes.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn works_under_a_foreign_executor_without_a_handle() {
    let start = std::time::Instant::now();
    futures::executor::block_on(async {
        sleep(Duration::from_millis(3)).await;
        let deadline = Instant::now() + Duration::from_millis(2);
        sleep_until(deadline).await;
        assert!(Instant::now() >= deadline);
    });
    let elapsed = start.elapsed();
    assert!(elapsed >= std::time::Duration::from_millis(5));
    assert!(elapsed < std::time::Duration::from_secs(5) || cfg!(miri));
}

#[test]
fn sleep_outliving_its_driver_moves_to_the_fallback() {
    let driver = TimerDriver::new(ThreadParker::new());
    let guard = driver.handle().enter();
    let mut delay = Box::pin(sleep(Duration::from_millis(100)));
    drop(guard);
    assert!(Pin::new(&mut delay)
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending());
    drop(driver);
    futures::executor::block_on(delay);
}

#[test]
fn never_before_the_deadline_on_the_real_clock() {
    let mut driver = TimerDriver::new(ThreadParker::new());
    let _guard = driver.handle().enter();
    for i in 0..support::scaled(20, 3) {
        let wanted = Duration::from_micros(300 + 137 * i as u64);
        let start = Instant::now();
        let delay = sleep(wanted);
        let deadline = delay.deadline();
        block_on(&mut driver, delay);
        assert!(Instant::now() >= deadline);
        assert!(start.elapsed() >= wanted);
        assert!(start.elapsed() < Duration::from_secs(1) || cfg!(miri));
    }
}

#[test]
fn send_sync_unpin_table() {
    fn is_send<T: Send>() {}
    fn is_sync<T: Sync>() {}
    fn is_unpin<T: Unpin>() {}
    is_send::<heddle_timer::Sleep>();
    is_sync::<heddle_timer::Sleep>();
    is_unpin::<heddle_timer::Sleep>();
    is_send::<heddle_timer::Interval>();
    is_sync::<heddle_timer::Interval>();
    is_unpin::<heddle_timer::Interval>();
    is_send::<heddle_timer::Timeout<std::future::Pending<()>>>();
    is_sync::<heddle_timer::Timeout<std::future::Pending<()>>>();
    is_send::<heddle_timer::Handle>();
    is_sync::<heddle_timer::Handle>();
    is_send::<heddle_timer::Clock>();
    is_sync::<heddle_timer::Clock>();
    is_send::<heddle_timer::Instant>();
    is_sync::<heddle_timer::Instant>();
    is_send::<heddle_timer::error::Elapsed>();
    is_sync::<heddle_timer::error::Elapsed>();
    is_send::<TimerDriver<ThreadParker>>();
    is_sync::<TimerDriver<ThreadParker>>();
}
