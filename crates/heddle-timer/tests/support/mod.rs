//! Test support: a tiny single-threaded executor over any `Driver`, counting wakers, and
//! sizes scaled down under miri.

#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use heddle_driver::{Driver, Unparker};

/// `full` normally, `miri` under miri.
pub fn scaled(full: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else {
        full
    }
}

/// Wakes the executor: marks it runnable and unparks its driver.
struct ExecutorWaker<U> {
    woken: AtomicBool,
    unparker: U,
}

impl<U: Unparker> Wake for ExecutorWaker<U> {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.unparker.unpark();
    }
}

/// Runs `future` to completion on this thread, parking `driver` (with no timeout) only when
/// the future was not woken since its last poll, as a real executor does when it is idle.
/// Returns the output and how many times the driver was parked idle.
pub fn block_on<D: Driver, F: Future>(driver: &mut D, future: F) -> (F::Output, usize) {
    let state = Arc::new(ExecutorWaker {
        woken: AtomicBool::new(false),
        unparker: driver.unparker(),
    });
    let waker = Waker::from(state.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    let mut idle_parks = 0;
    loop {
        state.woken.store(false, Ordering::SeqCst);
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, idle_parks);
        }
        if state.woken.load(Ordering::SeqCst) {
            driver.park_timeout(std::time::Duration::ZERO);
        } else {
            idle_parks += 1;
            assert!(idle_parks < 1_000_000, "executor parked a million times");
            driver.park();
        }
    }
}

/// A waker that counts its wakes and lets tests see how many clones are alive.
pub struct CountingWaker {
    pub wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

/// A counting waker and the `Arc` that observes it.
pub fn counting_waker() -> (Arc<CountingWaker>, Waker) {
    let counter = Arc::new(CountingWaker {
        wakes: AtomicUsize::new(0),
    });
    (counter.clone(), Waker::from(counter))
}
