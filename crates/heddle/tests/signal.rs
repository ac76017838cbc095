//! `heddle::signal` on both runtime flavors: a listener sees a signal sent to the process,
//! and `select!` over Ctrl-C and another signal works as in tokio; a listener outlives its
//! runtime, and listeners on several runtimes and a foreign executor all hear one signal.

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

/// Raises `signum` on this thread: its handler has run when this returns.
fn raise_here(signum: libc::c_int) {
    // SAFETY: raise(3) takes a signal number; each caller has installed a handler for it.
    assert_eq!(unsafe { libc::raise(signum) }, 0);
}

#[test]
fn a_listener_outlives_its_runtime_and_hears_under_block_on() {
    for (flavor, mut builder) in support::both_flavors() {
        // A real-time signal of its own per flavor, so the runs cannot see each other's.
        let signum = libc::SIGRTMIN() + if flavor == "current_thread" { 5 } else { 6 };
        support::with_watchdog(30, move || {
            let runtime = builder.build().unwrap();
            let mut listener = runtime.block_on(async {
                let mut listener = signal(SignalKind::from_raw(signum)).unwrap();
                raise_here(signum);
                assert_eq!(listener.recv().await, Some(()));
                listener
            });
            drop(runtime);
            // Waiting now needs the global reactor: the listener's runtime is gone. The
            // signal is raised only once the listener waits, so the pipe must wake it.
            let mut raiser = None;
            let delivered = futures::executor::block_on(std::future::poll_fn(|cx| {
                let poll = listener.poll_recv(cx);
                if poll.is_pending() && raiser.is_none() {
                    raiser = Some(std::thread::spawn(move || raise_here(signum)));
                }
                poll
            }));
            assert_eq!(delivered, Some(()));
            raiser.unwrap().join().unwrap();
        });
    }
}

#[test]
fn listeners_on_two_runtimes_and_block_on_all_hear_one_signal() {
    support::with_watchdog(30, || {
        let signum = libc::SIGRTMIN() + 7;
        let listening = std::sync::Arc::new(std::sync::Barrier::new(4));
        let mut waiters = Vec::new();
        for (_, mut builder) in support::both_flavors() {
            let listening = listening.clone();
            waiters.push(std::thread::spawn(move || {
                builder.build().unwrap().block_on(async {
                    let mut listener = signal(SignalKind::from_raw(signum)).unwrap();
                    listening.wait();
                    listener.recv().await
                })
            }));
        }
        let foreign = listening.clone();
        waiters.push(std::thread::spawn(move || {
            futures::executor::block_on(async {
                let mut listener = signal(SignalKind::from_raw(signum)).unwrap();
                foreign.wait();
                listener.recv().await
            })
        }));
        listening.wait();
        raise_here(signum);
        for waiter in waiters {
            assert_eq!(waiter.join().unwrap(), Some(()));
        }
    });
}
