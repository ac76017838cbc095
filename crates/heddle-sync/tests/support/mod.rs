//! Helpers shared by the integration tests: manual polling, counting and panicking wakers,
//! a watchdog for waits that could hang, drop-counted messages.

#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Wake, Waker};
use std::time::Duration;

/// Polls `fut` once with `waker`.
pub fn poll_with<F: Future + ?Sized>(fut: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(waker))
}

/// Polls `fut` once with a waker that does nothing.
pub fn poll_once<F: Future + ?Sized>(fut: Pin<&mut F>) -> Poll<F::Output> {
    poll_with(fut, Waker::noop())
}

/// A waker that counts its wakes.
#[derive(Default)]
pub struct CountWaker(AtomicUsize);

impl CountWaker {
    pub fn new() -> (Arc<Self>, Waker) {
        let count = Arc::new(CountWaker::default());
        (count.clone(), Waker::from(count))
    }

    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Wake for CountWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A waker whose `wake` panics.
pub struct PanicWaker;

impl Wake for PanicWaker {
    fn wake(self: Arc<Self>) {
        panic!("waker panicked on purpose");
    }
}

pub fn panic_waker() -> Waker {
    Waker::from(Arc::new(PanicWaker))
}

/// Runs `f`, expecting it to panic with the panicking waker's message.
pub fn expect_waker_panic(f: impl FnOnce()) {
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .expect_err("the panicking waker should have been called");
    let msg = err.downcast_ref::<&str>().copied().unwrap_or_default();
    assert_eq!(msg, "waker panicked on purpose");
}

/// A waker whose `clone` panics; waking or dropping it does nothing.
pub fn clone_panic_waker() -> Waker {
    unsafe fn clone(_: *const ()) -> RawWaker {
        panic!("waker clone panicked on purpose");
    }
    unsafe fn ignore(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, ignore, ignore, ignore);
    // The vtable's functions never read the data pointer, so a null one fulfils the
    // `RawWaker` contract, and they are safe to call from any thread.
    // SAFETY: as just said.
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

/// Polls `fut` once with [`clone_panic_waker`], expecting the poll to panic in the clone.
pub fn poll_expecting_clone_panic<F: Future + ?Sized>(fut: Pin<&mut F>) {
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = poll_with(fut, &clone_panic_waker());
    }))
    .expect_err("the poll should have cloned the waker");
    let msg = err.downcast_ref::<&str>().copied().unwrap_or_default();
    assert_eq!(msg, "waker clone panicked on purpose");
}

/// Runs `f` on a thread of its own and returns its result; panics with "hung" if it has not
/// returned after 10 s (a panic of `f` is passed on).
pub fn watchdog<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => panic!("hung"),
        Err(RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the thread sends before it returns"),
        },
    }
}

/// A message that counts how often values with the same counter are dropped.
#[derive(Debug)]
pub struct Tracked {
    pub id: usize,
    drops: Arc<AtomicUsize>,
}

impl Tracked {
    pub fn new(id: usize, drops: &Arc<AtomicUsize>) -> Self {
        Tracked {
            id,
            drops: drops.clone(),
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// Scales a test size down under miri.
pub const fn scaled(normal: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else {
        normal
    }
}
