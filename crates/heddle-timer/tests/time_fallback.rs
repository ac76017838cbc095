//! The global fallback driver: timers work with no handle entered, its thread comes back after
//! stopping when idle, and a panicking waker does not take it down.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

use heddle_timer::{sleep, timeout, Duration, Instant};

#[test]
fn the_fallback_thread_comes_back_after_idling() {
    futures::executor::block_on(sleep(Duration::from_millis(1)));
    // Longer than the thread's one-second linger: it has exited by now (outside miri, where it
    // stops as soon as the last timer goes).
    std::thread::sleep(std::time::Duration::from_millis(1_200));
    let start = Instant::now();
    futures::executor::block_on(sleep(Duration::from_millis(2)));
    assert!(start.elapsed() >= Duration::from_millis(2));
    let result = futures::executor::block_on(timeout(
        Duration::from_millis(1),
        std::future::pending::<()>(),
    ));
    assert!(result.is_err());
}

struct PanickingWaker;

impl Wake for PanickingWaker {
    fn wake(self: Arc<Self>) {
        panic!("this waker panics on purpose");
    }
}

#[test]
fn a_panicking_waker_does_not_stop_other_timers() {
    let waker = Waker::from(Arc::new(PanickingWaker));
    let mut bad = Box::pin(sleep(Duration::from_millis(1)));
    // (Under miri the millisecond may already be over: then nothing registers.)
    let _ = Pin::new(&mut bad).poll(&mut Context::from_waker(&waker));
    // Fires after the panicking one, on the same fallback thread.
    futures::executor::block_on(sleep(Duration::from_millis(20)));
    futures::executor::block_on(sleep(Duration::from_millis(1)));
    drop(bad);
}
