//! heddle-signal under a foreign executor (`futures::executor`), with signals sent to this
//! process by `kill(2)`. Each test uses signals of its own: the tests of this binary share the
//! process and run side by side.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use heddle_signal::unix::{signal, SignalKind};

/// Sends `signum` to this process.
fn raise(signum: libc::c_int) {
    // SAFETY: kill(2) on our own pid; each caller has installed a handler for `signum`.
    let sent = unsafe { libc::kill(libc::getpid(), signum) };
    assert_eq!(sent, 0, "kill failed");
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
        .expect("the signal was not seen within 30 s");
}

#[test]
fn a_listener_created_before_the_signal_sees_it() {
    run(async {
        let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
        raise(libc::SIGUSR1);
        assert_eq!(usr1.recv().await, Some(()));
    });
}

#[test]
fn every_listener_of_a_signal_sees_it() {
    run(async {
        let mut first = signal(SignalKind::user_defined2()).unwrap();
        let mut second = signal(SignalKind::user_defined2()).unwrap();
        let mut third = signal(SignalKind::user_defined2()).unwrap();
        raise(libc::SIGUSR2);
        assert_eq!(first.recv().await, Some(()));
        assert_eq!(second.recv().await, Some(()));
        assert_eq!(third.recv().await, Some(()));
    });
}

#[test]
fn a_signal_sent_while_nobody_polls_is_kept_for_the_next_recv() {
    run(async {
        let mut hangups = signal(SignalKind::hangup()).unwrap();
        for _ in 0..3 {
            raise(libc::SIGHUP);
            // Nobody polls while the delivering thread runs; the delivery waits.
            std::thread::sleep(Duration::from_millis(20));
            assert_eq!(hangups.recv().await, Some(()));
        }
    });
}

#[test]
fn a_listener_dropped_and_created_again_still_hears() {
    run(async {
        let first = signal(SignalKind::window_change()).unwrap();
        drop(first);
        let mut again = signal(SignalKind::window_change()).unwrap();
        raise(libc::SIGWINCH);
        assert_eq!(again.recv().await, Some(()));
    });
}

#[test]
fn ctrl_c_resolves_on_sigint() {
    // Keep a handler installed first, so that no SIGINT below can reach the default action.
    let _keep = signal(SignalKind::interrupt()).unwrap();
    let finished = Arc::new(AtomicBool::new(false));
    let sender = std::thread::spawn({
        let finished = finished.clone();
        move || {
            for _ in 0..600 {
                if finished.load(Ordering::SeqCst) {
                    return;
                }
                raise(libc::SIGINT);
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    });
    run(async {
        heddle_signal::ctrl_c().await.unwrap();
    });
    finished.store(true, Ordering::SeqCst);
    sender.join().unwrap();
}

#[test]
fn signals_that_cannot_be_handled_are_errors() {
    for signum in [
        libc::SIGKILL,
        libc::SIGSTOP,
        libc::SIGILL,
        libc::SIGFPE,
        libc::SIGSEGV,
        0,
        -1,
        100_000,
    ] {
        let error = signal(SignalKind::from_raw(signum)).unwrap_err();
        assert!(
            error.to_string().contains(&signum.to_string()),
            "{signum}: {error}"
        );
    }
}
