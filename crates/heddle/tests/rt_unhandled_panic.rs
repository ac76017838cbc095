//! `Builder::unhandled_panic` on both flavors: by default a panicking task only fails its own
//! `JoinHandle`; with `ShutdownRuntime` it makes `block_on` panic, stops the tasks, cancels
//! later spawns, and every other task is dropped once when the runtime is dropped. Panics the
//! task catches itself, panics in `spawn_blocking` closures and panics in the `block_on`
//! future do not shut the runtime down.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use heddle::runtime::UnhandledPanic;
use heddle::task::{JoinError, JoinHandle};
use heddle::Runtime;

const SHUTDOWN_MESSAGE: &str =
    "a spawned task panicked and the runtime is configured to shut down on unhandled panic";

#[derive(Debug, Clone, Copy)]
enum Flavor {
    CurrentThread,
    MultiThread,
}

const FLAVORS: [Flavor; 2] = [Flavor::CurrentThread, Flavor::MultiThread];

/// A runtime of `flavor`; `behavior` `None` leaves the setting at its default.
fn rt(flavor: Flavor, behavior: Option<UnhandledPanic>) -> Runtime {
    let mut builder = match flavor {
        Flavor::CurrentThread => heddle::Builder::new_current_thread(),
        Flavor::MultiThread => {
            let mut builder = heddle::Builder::new_multi_thread();
            builder.worker_threads(2);
            builder
        }
    };
    if let Some(behavior) = behavior {
        builder.unhandled_panic(behavior);
    }
    builder.build().unwrap()
}

fn shutting_down(flavor: Flavor) -> Runtime {
    rt(flavor, Some(UnhandledPanic::ShutdownRuntime))
}

/// Runs `f` on a thread and fails if it does not finish within `secs` (a hang is a failure,
/// never a stuck test run).
fn with_watchdog<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(Ok(v)) => v,
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(_) => panic!("watchdog: did not finish within {secs} s"),
    }
}

fn message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// `block_on` of a future that never completes: returns the message it panicked with.
fn block_on_pending_panics(rt: &Runtime) -> String {
    let payload = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(std::future::pending::<()>())
    }))
    .expect_err("block_on returned from a future that never completes");
    message(&*payload)
}

/// Polls a finished task's handle once, outside any runtime.
fn finished<T>(handle: JoinHandle<T>) -> Result<T, JoinError> {
    let handle = std::pin::pin!(handle);
    match Future::poll(handle, &mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => panic!("the task has not finished"),
    }
}

/// Counts its drops.
struct Token(Arc<AtomicUsize>);

impl Drop for Token {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn ignore_is_the_default_and_keeps_the_other_tasks_running() {
    with_watchdog(30, || {
        for flavor in FLAVORS {
            for behavior in [None, Some(UnhandledPanic::Ignore)] {
                let rt = rt(flavor, behavior);
                let slow = rt.spawn(async {
                    for _ in 0..10 {
                        heddle::task::yield_now().await;
                    }
                    "slow"
                });
                let (err, slow, after) = rt.block_on(async {
                    let err = heddle::spawn(async { panic!("boom") }).await.unwrap_err();
                    let after = heddle::spawn(async { "after" }).await.unwrap();
                    (err, slow.await.unwrap(), after)
                });
                assert!(err.is_panic(), "{flavor:?} {behavior:?}");
                assert_eq!(message(&*err.into_panic()), "boom");
                assert_eq!((slow, after), ("slow", "after"));
                // The runtime is still fully usable.
                assert_eq!(rt.block_on(rt.spawn(async { 7 })).unwrap(), 7);
            }
        }
    });
}

#[test]
fn shutdown_runtime_makes_block_on_panic_and_drops_the_other_tasks_once() {
    with_watchdog(30, || {
        for flavor in FLAVORS {
            let rt = shutting_down(flavor);
            let drops = Arc::new(AtomicUsize::new(0));
            let others: Vec<_> = (0..10)
                .map(|_| {
                    let token = Token(drops.clone());
                    rt.spawn(async move {
                        let _token = token;
                        std::future::pending::<()>().await;
                    })
                })
                .collect();
            let failing = rt.spawn(async {
                heddle::task::yield_now().await;
                panic!("boom")
            });

            assert_eq!(block_on_pending_panics(&rt), SHUTDOWN_MESSAGE, "{flavor:?}");
            assert_eq!(
                drops.load(Ordering::SeqCst),
                0,
                "{flavor:?}: dropped too early"
            );

            // The panic is still in the task's JoinHandle; ready futures still complete.
            let err = rt.block_on(failing).unwrap_err();
            assert!(err.is_panic(), "{flavor:?}");
            assert_eq!(message(&*err.into_panic()), "boom");
            // Spawns after the shutdown are cancelled, from outside and from inside.
            let late = rt.spawn(async { 1 });
            assert!(rt.block_on(late).unwrap_err().is_cancelled(), "{flavor:?}");
            let inner = rt.block_on(async { heddle::spawn(async { 2 }).await });
            assert!(inner.unwrap_err().is_cancelled(), "{flavor:?}");
            // A later block_on on a pending future panics again.
            assert_eq!(block_on_pending_panics(&rt), SHUTDOWN_MESSAGE, "{flavor:?}");

            drop(rt);
            assert_eq!(drops.load(Ordering::SeqCst), 10, "{flavor:?}");
            for other in others {
                assert!(finished(other).unwrap_err().is_cancelled(), "{flavor:?}");
            }
        }
    });
}

#[test]
fn a_panic_counts_even_when_its_join_handle_is_awaited() {
    with_watchdog(30, || {
        for flavor in FLAVORS {
            let rt = shutting_down(flavor);
            let payload = panic::catch_unwind(AssertUnwindSafe(|| {
                rt.block_on(async {
                    let err = heddle::spawn(async { panic!("awaited") })
                        .await
                        .unwrap_err();
                    assert!(err.is_panic());
                    std::future::pending::<()>().await;
                })
            }))
            .unwrap_err();
            assert_eq!(message(&*payload), SHUTDOWN_MESSAGE, "{flavor:?}");
        }
    });
}

#[test]
fn a_panic_the_task_catches_itself_does_not_shut_down() {
    with_watchdog(30, || {
        for flavor in FLAVORS {
            let rt = shutting_down(flavor);
            let (caught, after) = rt.block_on(async {
                let caught = heddle::spawn(async {
                    heddle::task::yield_now().await;
                    panic::catch_unwind(|| panic!("caught inside")).is_err()
                })
                .await
                .unwrap();
                heddle::task::yield_now().await;
                (caught, heddle::spawn(async { "after" }).await.unwrap())
            });
            assert!(caught, "{flavor:?}");
            assert_eq!(after, "after", "{flavor:?}");
            assert_eq!(rt.block_on(rt.spawn(async { 3 })).unwrap(), 3, "{flavor:?}");
        }
    });
}

#[test]
fn spawn_blocking_panics_do_not_shut_down() {
    with_watchdog(30, || {
        for flavor in FLAVORS {
            let rt = shutting_down(flavor);
            let (err, after) = rt.block_on(async {
                let err = heddle::spawn_blocking(|| panic!("blocking"))
                    .await
                    .unwrap_err();
                heddle::task::yield_now().await;
                (err, heddle::spawn(async { "after" }).await.unwrap())
            });
            assert!(err.is_panic(), "{flavor:?}");
            assert_eq!(message(&*err.into_panic()), "blocking");
            assert_eq!(after, "after", "{flavor:?}");
            assert_eq!(rt.block_on(rt.spawn(async { 4 })).unwrap(), 4, "{flavor:?}");
        }
    });
}

#[test]
fn a_panic_in_the_block_on_future_propagates_without_shutting_down() {
    with_watchdog(30, || {
        for flavor in FLAVORS {
            let rt = shutting_down(flavor);
            let payload = panic::catch_unwind(AssertUnwindSafe(|| {
                rt.block_on(async { panic!("in block_on") })
            }))
            .unwrap_err();
            assert_eq!(message(&*payload), "in block_on", "{flavor:?}");
            assert_eq!(rt.block_on(rt.spawn(async { 5 })).unwrap(), 5, "{flavor:?}");
        }
    });
}

#[test]
fn every_waiting_block_on_panics_on_a_multi_thread_runtime() {
    with_watchdog(30, || {
        let rt = Arc::new(shutting_down(Flavor::MultiThread));
        let (started_tx, started_rx) = mpsc::channel();
        let other = {
            let rt = rt.clone();
            std::thread::spawn(move || {
                panic::catch_unwind(AssertUnwindSafe(|| {
                    rt.block_on(async {
                        started_tx.send(()).unwrap();
                        std::future::pending::<()>().await;
                    })
                }))
                .map_err(|payload| message(&*payload))
            })
        };
        started_rx.recv().unwrap();
        let (release_tx, release_rx) = heddle::sync::oneshot::channel::<()>();
        rt.spawn(async move {
            let _ = release_rx.await;
            panic!("boom");
        });
        let here = panic::catch_unwind(AssertUnwindSafe(|| {
            rt.block_on(async move {
                release_tx.send(()).unwrap();
                std::future::pending::<()>().await;
            })
        }))
        .unwrap_err();
        assert_eq!(message(&*here), SHUTDOWN_MESSAGE);
        assert_eq!(other.join().unwrap().unwrap_err(), SHUTDOWN_MESSAGE);
    });
}

#[test]
fn unhandled_panic_is_a_plain_value_at_both_paths() {
    fn is_plain<T: Send + Sync + Unpin + Copy + Default + std::fmt::Debug + 'static>() {}
    is_plain::<UnhandledPanic>();
    assert_eq!(heddle::UnhandledPanic::default(), UnhandledPanic::Ignore);
    assert_ne!(UnhandledPanic::ShutdownRuntime, UnhandledPanic::Ignore);
}
