//! `TimerDriver`: bounded parks, unparking for earlier deadlines registered from other
//! threads, and the `Driver` contract it keeps.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use heddle_driver::{Driver, ThreadParker, Unparker};
use heddle_timer::{sleep, Duration, Handle, Instant, TimerDriver};

#[test]
fn an_earlier_deadline_from_another_thread_unparks_the_driver() {
    let mut driver = TimerDriver::new(ThreadParker::new());
    let handle = driver.handle();
    let _guard = handle.enter();
    // The driver will park until this ten-second timer...
    let mut long = Box::pin(sleep(Duration::from_secs(10)));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(std::future::Future::poll(long.as_mut(), &mut cx).is_pending());

    // ...while another thread sleeps 5 ms on the same driver.
    let done = Arc::new(AtomicBool::new(false));
    let (done2, handle2, unparker) = (done.clone(), handle.clone(), driver.unparker());
    let start = std::time::Instant::now();
    let other = std::thread::spawn(move || {
        let _guard = handle2.enter();
        futures::executor::block_on(sleep(Duration::from_millis(5)));
        done2.store(true, Ordering::SeqCst);
        unparker.unpark();
    });
    while !done.load(Ordering::SeqCst) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "driver overslept"
        );
        driver.park();
    }
    other.join().unwrap();
    assert!(start.elapsed() >= std::time::Duration::from_millis(5));
}

#[test]
fn zero_timeout_park_never_blocks() {
    let mut driver = TimerDriver::new(ThreadParker::new());
    let _guard = driver.handle().enter();
    let _pending = sleep(Duration::from_secs(60));
    let start = std::time::Instant::now();
    for _ in 0..support::scaled(1_000, 10) {
        driver.park_timeout(Duration::ZERO);
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(5) || cfg!(miri));
}

#[test]
fn park_timeout_is_bounded_by_the_next_deadline() {
    let mut driver = TimerDriver::new(ThreadParker::new());
    let _guard = driver.handle().enter();
    let mut delay = Box::pin(sleep(Duration::from_millis(3)));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    // (Under miri the 3 ms may already be over by the first poll.)
    if std::future::Future::poll(delay.as_mut(), &mut cx).is_pending() {
        let start = Instant::now();
        driver.park_timeout(Duration::from_secs(30));
        assert!(start.elapsed() < Duration::from_secs(5) || cfg!(miri));
    }
    // Spurious returns are allowed, so loop until it fires.
    while std::future::Future::poll(delay.as_mut(), &mut cx).is_pending() {
        driver.park_timeout(Duration::from_secs(30));
    }
    assert!(Instant::now() >= delay.deadline());
}

#[test]
fn unpark_before_park_is_not_lost() {
    let mut driver = TimerDriver::new(ThreadParker::new());
    driver.unparker().unpark();
    let start = std::time::Instant::now();
    driver.park();
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    assert!(format!("{driver:?}").contains("TimerDriver"));
}

#[test]
fn enter_guards_nest_and_restore() {
    let a = TimerDriver::new(ThreadParker::new());
    let b = TimerDriver::new(ThreadParker::new());
    assert!(Handle::try_current().is_err());
    let ga = a.handle().enter();
    let gb = b.handle().enter();
    let _pending = sleep(Duration::from_secs(1));
    drop(gb);
    assert_eq!(
        b.handle().timer_count(),
        0,
        "lazy registration: nothing until polled"
    );
    let current = Handle::current();
    assert!(format!("{current:?}").contains("Handle"));
    drop(ga);
    assert!(Handle::try_current().is_err());
}

#[test]
#[should_panic(expected = "no heddle timer is entered on this thread")]
fn current_without_a_handle_panics() {
    let _ = Handle::current();
}
