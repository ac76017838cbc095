//! Faults around the driver: a waker that panics when a timer fires never unwinds out of
//! `park`, dropping the driver or out of `advance`; every other waker of the same batch is
//! still woken and the driver stays usable.

mod support;

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Wake, Waker};

use heddle_driver::{Driver, ThreadParker};
use heddle_timer::{advance, sleep, Clock, Duration, Sleep, TimerDriver};

use support::counting_waker;

/// Counts its wakes, then panics.
struct PanickingWaker {
    wakes: AtomicUsize,
}

impl Wake for PanickingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        panic!("this waker panics on purpose");
    }
}

fn panicking_waker() -> (Arc<PanickingWaker>, Waker) {
    let counter = Arc::new(PanickingWaker {
        wakes: AtomicUsize::new(0),
    });
    (counter.clone(), Waker::from(counter))
}

/// Runs `f` on a thread and fails if it does not finish within ten seconds.
fn with_watchdog(f: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(panic::catch_unwind(AssertUnwindSafe(f)));
    });
    match finished.recv_timeout(std::time::Duration::from_secs(10)) {
        Ok(Ok(())) => {}
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(_) => panic!("hung"),
    }
}

/// A sleep of `duration` on the entered driver, polled once with `waker`.
fn registered(duration: Duration, waker: &Waker) -> Pin<Box<Sleep>> {
    let mut delay = Box::pin(sleep(duration));
    assert!(delay
        .as_mut()
        .poll(&mut Context::from_waker(waker))
        .is_pending());
    delay
}

#[test]
fn a_panicking_waker_does_not_unwind_out_of_park() {
    with_watchdog(|| {
        let mut driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
        let _guard = driver.handle().enter();
        let (bad, bad_waker) = panicking_waker();
        let (good, good_waker) = counting_waker();
        // The same deadline: both fire in one batch, the panicking one first.
        let bad_sleep = registered(Duration::from_millis(1), &bad_waker);
        let good_sleep = registered(Duration::from_millis(1), &good_waker);

        let parked = panic::catch_unwind(AssertUnwindSafe(|| driver.park()));
        assert!(parked.is_ok(), "the waker's panic unwound out of park");
        assert_eq!(bad.wakes.load(Ordering::SeqCst), 1);
        assert_eq!(good.wakes.load(Ordering::SeqCst), 1);
        assert!(bad_sleep.is_elapsed() && good_sleep.is_elapsed());

        // The driver still fires timers.
        let (later, later_waker) = counting_waker();
        let later_sleep = registered(Duration::from_millis(5), &later_waker);
        while later.wakes.load(Ordering::SeqCst) == 0 {
            driver.park();
        }
        assert!(later_sleep.is_elapsed());
        assert_eq!(driver.handle().timer_count(), 3, "fired, not yet dropped");
        drop((bad_sleep, good_sleep, later_sleep));
        assert_eq!(driver.handle().timer_count(), 0);
    });
}

#[test]
fn a_panicking_waker_does_not_unwind_out_of_a_real_clock_park() {
    with_watchdog(|| {
        let mut driver = TimerDriver::new(ThreadParker::new());
        let _guard = driver.handle().enter();
        let (bad, bad_waker) = panicking_waker();
        let (good, good_waker) = counting_waker();
        let deadline = heddle_timer::Instant::now() + Duration::from_millis(2);
        let mut bad_sleep = Box::pin(heddle_timer::sleep_until(deadline));
        let mut good_sleep = Box::pin(heddle_timer::sleep_until(deadline));
        // (Under miri the two milliseconds may already be over: then nothing registers.)
        if bad_sleep
            .as_mut()
            .poll(&mut Context::from_waker(&bad_waker))
            .is_ready()
        {
            return;
        }
        let _ = good_sleep
            .as_mut()
            .poll(&mut Context::from_waker(&good_waker));
        while good.wakes.load(Ordering::SeqCst) == 0 {
            let parked = panic::catch_unwind(AssertUnwindSafe(|| driver.park()));
            assert!(parked.is_ok(), "the waker's panic unwound out of park");
        }
        assert_eq!(bad.wakes.load(Ordering::SeqCst), 1);
        assert!(bad_sleep.is_elapsed());
    });
}

#[test]
fn dropping_the_driver_wakes_every_timer_despite_a_panicking_waker() {
    with_watchdog(|| {
        let driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
        let guard = driver.handle().enter();
        let (bad, bad_waker) = panicking_waker();
        let (good, good_waker) = counting_waker();
        let bad_sleep = registered(Duration::from_millis(1), &bad_waker);
        let good_sleep = registered(Duration::from_millis(2), &good_waker);
        drop(guard);

        let dropped = panic::catch_unwind(AssertUnwindSafe(move || drop(driver)));
        assert!(dropped.is_ok(), "the waker's panic unwound out of the drop");
        assert_eq!(bad.wakes.load(Ordering::SeqCst), 1);
        assert_eq!(good.wakes.load(Ordering::SeqCst), 1);
        drop((bad_sleep, good_sleep));
    });
}

#[test]
fn advance_wakes_every_timer_despite_a_panicking_waker() {
    with_watchdog(|| {
        let driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
        let _guard = driver.handle().enter();
        let (bad, bad_waker) = panicking_waker();
        let (good, good_waker) = counting_waker();
        let bad_sleep = registered(Duration::from_millis(1), &bad_waker);
        let good_sleep = registered(Duration::from_millis(2), &good_waker);

        let advanced = panic::catch_unwind(AssertUnwindSafe(|| {
            futures::executor::block_on(advance(Duration::from_millis(5)));
        }));
        assert!(advanced.is_ok(), "the waker's panic unwound out of advance");
        assert_eq!(bad.wakes.load(Ordering::SeqCst), 1);
        assert_eq!(good.wakes.load(Ordering::SeqCst), 1);
        assert!(bad_sleep.is_elapsed() && good_sleep.is_elapsed());
    });
}
