//! Faults that must never wedge a runtime: panicking thread hooks, dropping a runtime from a
//! blocking context, a task woken while its worker blocks. Each test runs under a watchdog,
//! so a hang fails instead of stalling the run.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use support::{both_flavors, message, round_trips, with_watchdog};

#[test]
fn a_panicking_thread_start_hook_is_contained_on_workers_and_blocking_threads() {
    for (flavor, mut builder) in both_flavors() {
        with_watchdog(30, move || {
            let calls = Arc::new(AtomicUsize::new(0));
            let counted = calls.clone();
            let runtime = builder
                .on_thread_start(move || {
                    counted.fetch_add(1, Ordering::SeqCst);
                    panic!("start hook fails");
                })
                .build()
                .unwrap();
            round_trips(&runtime, 20);
            // Several closures at once need several blocking threads, each with the hook.
            runtime.block_on(async {
                let closures: Vec<_> = (0..4)
                    .map(|i| {
                        heddle::spawn_blocking(move || {
                            std::thread::sleep(Duration::from_millis(20));
                            i
                        })
                    })
                    .collect();
                for (i, closure) in closures.into_iter().enumerate() {
                    assert_eq!(closure.await.unwrap(), i);
                }
            });
            assert!(
                calls.load(Ordering::SeqCst) >= 1,
                "{flavor}: hook never ran"
            );
            drop(runtime);
        });
    }
}

#[test]
fn a_panicking_thread_stop_hook_does_not_wedge_shutdown() {
    for (_flavor, mut builder) in both_flavors() {
        with_watchdog(30, move || {
            let runtime = builder
                .on_thread_stop(|| panic!("stop hook fails"))
                .thread_keep_alive(Duration::from_millis(1))
                .build()
                .unwrap();
            round_trips(&runtime, 5);
            // The blocking threads exit (keep-alive) and run the failing hook; the pool still
            // starts new ones afterwards.
            std::thread::sleep(Duration::from_millis(50));
            round_trips(&runtime, 20);
            drop(runtime);
        });
    }
}

#[test]
fn dropping_a_multi_thread_runtime_inside_block_in_place_finishes() {
    for workers in [1, 2] {
        with_watchdog(30, move || {
            let runtime = heddle::Builder::new_multi_thread()
                .worker_threads(workers)
                .enable_all()
                .build()
                .unwrap();
            let (tx, rx) = std::sync::mpsc::channel::<heddle::Runtime>();
            let handle = runtime.handle().clone();
            tx.send(runtime).unwrap();
            let dropped = handle.block_on(async move {
                heddle::spawn(async move {
                    heddle::task::block_in_place(move || drop(rx.recv().unwrap()));
                    true
                })
                .await
            });
            // The task may or may not report back: its runtime is gone once it returns.
            assert!(dropped.unwrap_or(true));
        });
    }
}

#[test]
fn dropping_a_runtime_inside_its_own_spawn_blocking_closure_finishes() {
    for (flavor, mut builder) in both_flavors() {
        with_watchdog(30, move || {
            let runtime = builder.build().unwrap();
            let (tx, rx) = std::sync::mpsc::channel::<heddle::Runtime>();
            let (done_tx, done_rx) = std::sync::mpsc::channel();
            let closure = runtime.spawn_blocking(move || {
                let runtime = rx.recv().unwrap();
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    drop(runtime);
                }));
                let _ = done_tx.send(result.map_err(|p| message(&*p)));
            });
            drop(closure);
            tx.send(runtime).unwrap();
            let result = done_rx
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("{flavor}: the drop did not finish"));
            assert_eq!(result, Ok(()), "{flavor}: dropping the runtime panicked");
        });
    }
}

#[test]
fn a_task_woken_into_the_lifo_slot_does_not_wait_for_its_blocked_worker() {
    with_watchdog(30, || {
        let runtime = heddle::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let blocker_done = Arc::new(AtomicBool::new(false));
        let seen = blocker_done.clone();
        let woken_first = runtime.block_on(async move {
            let (tx, rx) = heddle::sync::oneshot::channel::<()>();
            let waiter = heddle::spawn(async move {
                rx.await.unwrap();
                // Did this run before the blocked worker came back?
                !seen.load(Ordering::SeqCst)
            });
            let flag = blocker_done.clone();
            let blocker = heddle::spawn(async move {
                // Let the waiter park on its channel first.
                for _ in 0..10 {
                    heddle::task::yield_now().await;
                }
                heddle::time::sleep(Duration::from_millis(20)).await;
                // Wakes the waiter while this task runs: the waiter goes to this worker's
                // LIFO slot. Then this worker blocks.
                tx.send(()).unwrap();
                std::thread::sleep(Duration::from_secs(2));
                flag.store(true, Ordering::SeqCst);
            });
            let woken_first = waiter.await.unwrap();
            blocker.await.unwrap();
            woken_first
        });
        assert!(
            woken_first,
            "the woken task waited for its worker to finish a 2 s blocking call"
        );
    });
}

#[test]
fn a_zero_keep_alive_lets_blocking_threads_exit_at_once_and_start_again() {
    with_watchdog(30, || {
        let runtime = heddle::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_keep_alive(Duration::ZERO)
            .build()
            .unwrap();
        round_trips(&runtime, 20);
        let metrics = runtime.metrics();
        for _ in 0..1_000 {
            if metrics.num_blocking_threads() == 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(metrics.num_blocking_threads(), 0, "idle threads lingered");
        round_trips(&runtime, 5);
    });
}

/// A waker that panics when woken.
struct PanicOnWake;

impl std::task::Wake for PanicOnWake {
    fn wake(self: Arc<Self>) {
        panic!("this waker panics when woken");
    }
}

#[test]
fn a_waker_that_panics_in_the_runtimes_reactor_costs_nothing() {
    for (flavor, mut builder) in both_flavors() {
        with_watchdog(30, move || {
            let runtime = builder.build().unwrap();
            let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
            let a = runtime.block_on(async move {
                let a = heddle::reactor::Async::new(a).unwrap();
                // Register the panicking waker for readability, from inside the runtime.
                let waker = std::task::Waker::from(Arc::new(PanicOnWake));
                let mut cx = std::task::Context::from_waker(&waker);
                assert!(a.poll_readable(&mut cx).is_pending(), "{flavor}");
                a
            });
            // The reactor wakes the panicking waker on a runtime thread.
            std::io::Write::write_all(&mut &b, b"x").unwrap();
            round_trips(&runtime, 20);
            drop(a);
            drop(runtime);
        });
    }
}

#[test]
fn shutdown_timeout_with_duration_max_waits_instead_of_overflowing() {
    for (_flavor, mut builder) in both_flavors() {
        with_watchdog(30, move || {
            let runtime = builder.build().unwrap();
            round_trips(&runtime, 2);
            let closure = runtime.spawn_blocking(|| std::thread::sleep(Duration::from_millis(20)));
            drop(closure);
            runtime.shutdown_timeout(Duration::MAX);
        });
    }
}
