//! Test-clock controls acting on the current handle's clock: [`pause`], [`resume`] and
//! [`advance`].
//!
//! They follow tokio's `time::{pause, resume, advance}`. Each needs a timer handle entered on
//! the calling thread (a heddle runtime, or [`Handle::enter`](crate::Handle::enter)); the global
//! fallback driver's clock is real and cannot be paused.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::Handle;

/// The current handle, or a panic naming the function that needed it.
#[track_caller]
fn current_for(function: &str) -> Handle {
    match Handle::try_current() {
        Ok(handle) => handle,
        Err(_) => panic!(
            "heddle_timer::{function}() needs a timer handle on this thread: call it inside a \
             heddle runtime or after `Handle::enter`"
        ),
    }
}

/// Pauses the current handle's clock: from now on it only moves through [`advance`] or when
/// the driver is idle with timers pending (it then jumps to the next deadline).
///
/// # Panics
///
/// Panics if no timer handle is entered on this thread, or if the clock is already paused.
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_timer::{pause, resume, Instant, TimerDriver};
///
/// let driver = TimerDriver::new(ThreadParker::new());
/// let _guard = driver.handle().enter();
/// pause();
/// let a = Instant::now();
/// std::thread::sleep(std::time::Duration::from_millis(1));
/// assert_eq!(Instant::now(), a);
/// resume();
/// ```
#[track_caller]
pub fn pause() {
    let handle = current_for("pause");
    if !handle.clock().pause() {
        panic!("heddle_timer::pause(): the clock is already paused");
    }
    // The driver may be blocked on a real-time deadline; let it re-plan with a paused clock.
    handle.shared.unpark();
}

/// Lets the current handle's paused clock run again, from its current reading.
///
/// # Panics
///
/// Panics if no timer handle is entered on this thread, or if the clock is not paused.
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_timer::{resume, Clock, TimerDriver};
///
/// let driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
/// let _guard = driver.handle().enter();
/// resume();
/// assert!(!driver.clock().is_paused());
/// ```
#[track_caller]
pub fn resume() {
    let handle = current_for("resume");
    if !handle.clock().resume() {
        panic!("heddle_timer::resume(): the clock is not paused");
    }
    handle.shared.unpark();
}

/// Moves the current handle's paused clock forward by `duration` and fires every timer that
/// became due, in deadline order. The clock moves when `advance` is called; awaiting the
/// returned future yields once, so tasks woken by those timers get to run first.
///
/// Advancing by `Duration::MAX` saturates at the latest representable instant.
///
/// # Panics
///
/// Panics if no timer handle is entered on this thread, or if its clock is not paused.
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_timer::{advance, sleep, Clock, Duration, TimerDriver};
/// use std::future::Future;
/// use std::pin::pin;
/// use std::task::{Context, Waker};
///
/// let driver = TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused());
/// let _guard = driver.handle().enter();
/// let mut cx = Context::from_waker(Waker::noop());
/// let mut hour = pin!(sleep(Duration::from_secs(3_600)));
/// assert!(hour.as_mut().poll(&mut cx).is_pending());
/// futures::executor::block_on(advance(Duration::from_secs(3_600)));
/// assert!(hour.as_mut().poll(&mut cx).is_ready());
/// ```
#[track_caller]
pub fn advance(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
    let handle = current_for("advance");
    if !handle.clock().advance(duration) {
        panic!(
            "heddle_timer::advance(): the clock is not paused; call `pause()` first or build \
             the runtime with a paused clock"
        );
    }
    handle.shared.fire_due_now();
    YieldOnce { yielded: false }
}

/// Returns `Pending` once (waking itself), then `Ready`.
#[derive(Debug)]
struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
