//! `heddle::signal` on both runtime flavors: a listener sees a signal sent to the process,
//! and `select!` over Ctrl-C and another signal works as in tokio.

mod support;

use heddle::signal::unix::{signal, SignalKind};

/// Sends `signum` to this process.
fn raise(signum: libc::c_int) {
    // SAFETY: kill(2) on our own pid; the caller has installed a handler for `signum`.
    assert_eq!(unsafe { libc::kill(libc::getpid(), signum) }, 0);
}

#[test]
fn a_signal_reaches_a_task_on_both_flavors() {
    for (_, mut builder) in support::both_flavors() {
        support::with_watchdog(30, move || {
            let runtime = builder.build().unwrap();
            runtime.block_on(async {
                let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
                let listener = heddle::spawn(async move { usr1.recv().await });
                heddle::task::yield_now().await;
                raise(libc::SIGUSR1);
                assert_eq!(listener.await.unwrap(), Some(()));
            });
        });
    }
}

#[test]
fn select_over_ctrl_c_and_sigusr2() {
    for (_, mut builder) in support::both_flavors() {
        support::with_watchdog(30, move || {
            let runtime = builder.build().unwrap();
            runtime.block_on(async {
                let _keep_sigint_handled = signal(SignalKind::interrupt()).unwrap();
                let mut usr2 = signal(SignalKind::user_defined2()).unwrap();
                raise(libc::SIGUSR2);
                heddle::select! {
                    _ = heddle::signal::ctrl_c() => panic!("no SIGINT was sent"),
                    got = usr2.recv() => assert_eq!(got, Some(())),
                }
            });
        });
    }
}
