//! Loom models of this crate's waiter queue, waker cell and channels (run with `--cfg loom`,
//! see docs/verification.md). Each model keeps to 2–3 threads.

mod loom_atomic_waker;
mod loom_mpsc;
mod loom_oneshot;
mod loom_waiters;

use crate::loom::{Arc, AtomicUsize, Ordering};
use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Wake, Waker};

/// Polls `fut` once with a waker that does nothing.
fn poll_once<F: Future + ?Sized>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}

/// Polls `fut` once with a waker that does nothing, then drops it: a cancelled waiter.
fn poll_once_then_drop<F: Future>(fut: F) -> Poll<F::Output> {
    poll_once(pin!(fut))
}

/// A waker whose `wake` panics. It unwinds with `resume_unwind`, which skips the panic hook,
/// so thousands of model iterations print nothing.
struct PanicWaker;

impl Wake for PanicWaker {
    fn wake(self: std::sync::Arc<Self>) {
        std::panic::resume_unwind(Box::new("waker panicked on purpose"));
    }
}

fn panic_waker() -> Waker {
    Waker::from(std::sync::Arc::new(PanicWaker))
}

/// A waker whose `clone` panics (quietly, as [`PanicWaker`] does); waking or dropping it does
/// nothing.
fn clone_panic_waker() -> Waker {
    unsafe fn clone(_: *const ()) -> RawWaker {
        std::panic::resume_unwind(Box::new("waker clone panicked on purpose"));
    }
    unsafe fn ignore(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, ignore, ignore, ignore);
    // The vtable's functions never read the data pointer, so a null one fulfils the
    // `RawWaker` contract, and they are safe to call from any thread.
    // SAFETY: as just said.
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

/// Polls `fut` once with [`clone_panic_waker`] and drops it; the poll must panic.
fn poll_with_clone_panic_then_drop<F: Future>(fut: F) {
    let mut fut = pin!(fut);
    let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = fut
            .as_mut()
            .poll(&mut Context::from_waker(&clone_panic_waker()));
    }));
    assert!(polled.is_err(), "the poll cloned the waker");
}

/// A message that counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}
