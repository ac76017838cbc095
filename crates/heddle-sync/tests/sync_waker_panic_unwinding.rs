//! A handle dropped while its thread unwinds may wake a waker that panics. That second panic
//! must not abort the process: it is swallowed, and the primitive is left as the drop left it.

mod support;

use heddle_sync::{mpsc, oneshot, Mutex};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use support::{panic_waker, poll_once, poll_with};

/// Runs `f` after moving `held` into it, and drops `held` while `f`'s panic unwinds.
fn drop_while_unwinding<T>(held: T) {
    let err = catch_unwind(AssertUnwindSafe(move || {
        let _held = held;
        panic!("the holder panicked");
    }))
    .expect_err("the holder panics");
    assert_eq!(
        err.downcast_ref::<&str>().copied(),
        Some("the holder panicked"),
        "the first panic is the one passed on"
    );
}

#[test]
fn mpsc_sender_dropped_while_unwinding() {
    let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    assert!(poll_with(pin!(rx.recv()), &panic_waker()).is_pending());
    drop_while_unwinding(tx);
    assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));

    let (tx, mut rx) = mpsc::channel::<u8>(1);
    assert!(poll_with(pin!(rx.recv()), &panic_waker()).is_pending());
    drop_while_unwinding(tx);
    assert_eq!(poll_once(pin!(rx.recv())), std::task::Poll::Ready(None));
}

#[test]
fn oneshot_halves_dropped_while_unwinding() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    assert!(poll_with(pin!(&mut rx), &panic_waker()).is_pending());
    drop_while_unwinding(tx);
    assert_eq!(rx.try_recv(), Err(oneshot::error::TryRecvError::Closed));

    let (mut tx, rx) = oneshot::channel::<u8>();
    assert!(poll_with(pin!(tx.closed()), &panic_waker()).is_pending());
    drop_while_unwinding(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(1), Err(1));
}

#[test]
fn mutex_guard_dropped_while_unwinding() {
    let mutex = Mutex::new(0);
    let guard = mutex.try_lock().unwrap();
    let mut waiting = pin!(mutex.lock());
    assert!(poll_with(waiting.as_mut(), &panic_waker()).is_pending());
    drop_while_unwinding(guard);
    assert!(poll_once(waiting.as_mut()).is_ready());
}
