//! The self-pipe is served by whoever polls a listener, not by a thread: deliveries are
//! coalesced, a listener created after a delivery does not see it, and no thread of this
//! crate exists. Signals are raised with `raise(3)`, whose handler has run when it returns,
//! and each test uses a real-time signal of its own.

use std::future::poll_fn;
use std::sync::mpsc;
use std::task::{Context, Waker};
use std::time::Duration;

use heddle_signal::unix::{signal, Signal, SignalKind};

/// The real-time signal `SIGRTMIN + n`.
fn rt(n: libc::c_int) -> libc::c_int {
    libc::SIGRTMIN() + n
}

/// Raises `signum` on this thread: its handler has run when this returns.
fn raise_here(signum: libc::c_int) {
    // SAFETY: raise(3) takes a signal number; each caller has installed a handler for it.
    assert_eq!(unsafe { libc::raise(signum) }, 0);
}

/// Whether `listener` has a delivery it has not returned yet, without waiting.
fn has_delivery(listener: &mut Signal) -> bool {
    listener
        .poll_recv(&mut Context::from_waker(Waker::noop()))
        .is_ready()
}

/// Runs `body` under `futures::executor::block_on` on its own thread, failing the test after
/// 30 s instead of hanging.
fn run(body: impl std::future::Future<Output = ()> + Send + 'static) {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        futures::executor::block_on(body);
        let _ = done.send(());
    });
    finished
        .recv_timeout(Duration::from_secs(30))
        .expect("the test did not finish within 30 s");
}

#[test]
fn deliveries_between_two_receives_are_coalesced() {
    run(async {
        let mut listener = signal(SignalKind::from_raw(rt(1))).unwrap();
        for _ in 0..3 {
            raise_here(rt(1));
        }
        assert_eq!(listener.recv().await, Some(()));
        assert!(!has_delivery(&mut listener));
        raise_here(rt(1));
        assert_eq!(listener.recv().await, Some(()));
    });
}

#[test]
fn a_listener_created_after_a_delivery_does_not_see_it() {
    run(async {
        let mut early = signal(SignalKind::from_raw(rt(2))).unwrap();
        raise_here(rt(2));
        // Still in the pipe: nobody has polled since. It is the early listener's only.
        let mut late = signal(SignalKind::from_raw(rt(2))).unwrap();
        assert!(!has_delivery(&mut late));
        assert_eq!(early.recv().await, Some(()));
        raise_here(rt(2));
        assert_eq!(late.recv().await, Some(()));
        assert_eq!(early.recv().await, Some(()));
    });
}

#[test]
fn a_waiting_listener_is_woken_by_a_signal_raised_on_another_thread() {
    run(async {
        let mut listener = signal(SignalKind::from_raw(rt(3))).unwrap();
        let mut raiser = None;
        let delivered = poll_fn(|cx| {
            let poll = listener.poll_recv(cx);
            if poll.is_pending() && raiser.is_none() {
                raiser = Some(std::thread::spawn(|| raise_here(rt(3))));
            }
            poll
        })
        .await;
        assert_eq!(delivered, Some(()));
        raiser.unwrap().join().unwrap();
    });
}

#[test]
fn no_thread_serves_the_pipe() {
    run(async {
        let mut listener = signal(SignalKind::from_raw(rt(4))).unwrap();
        raise_here(rt(4));
        assert_eq!(listener.recv().await, Some(()));
    });
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        // A thread may end between the listing and the read: skip it then.
        if let Ok(name) = std::fs::read_to_string(task.path().join("comm")) {
            assert_ne!(name.trim_end(), "heddle-signal");
        }
    }
}
