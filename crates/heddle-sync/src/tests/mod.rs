//! Loom models of this crate's waiter queue and channels (run with `--cfg loom`, see
//! RELIABILITY.md section 0). Each model keeps to 2–3 threads.

mod loom_mpsc;
mod loom_oneshot;
mod loom_waiters;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Polls `fut` once with a waker that does nothing, then drops it: a cancelled waiter.
fn poll_once_then_drop<F: Future>(fut: F) -> Poll<F::Output> {
    let fut = pin!(fut);
    fut.poll(&mut Context::from_waker(Waker::noop()))
}
