//! Runtime edge cases where heddle follows tokio's documented behaviour: shutdown with an
//! unbounded timeout, what a task's future and output see when they are dropped, the paused
//! clock beside the blocking pool, `block_in_place` in a `LocalSet`, park metrics, and the
//! auto traits of the runtime's types.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use heddle::task::{self, Id};

/// Sets its flag to `std::thread::panicking()` when dropped.
struct SeesPanicking(Arc<AtomicBool>);

impl Drop for SeesPanicking {
    fn drop(&mut self) {
        self.0.store(std::thread::panicking(), Ordering::SeqCst);
    }
}

/// A future that panics when polled; its field is dropped with the future, not by the
/// unwinding of `poll`'s own frame.
struct PanicsInPoll {
    _guard: SeesPanicking,
}

impl std::future::Future for PanicsInPoll {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        panic!("boom in poll");
    }
}

/// Panics when dropped.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("boom in drop");
    }
}

/// Records `task::try_id()` when dropped.
struct RecordsId(Arc<Mutex<Vec<Option<Id>>>>);

impl Drop for RecordsId {
    fn drop(&mut self) {
        self.0.lock().unwrap().push(task::try_id());
    }
}

#[test]
fn shutdown_timeout_duration_max_waits_without_overflow() {
    support::with_watchdog(30, || {
        for (flavor, mut builder) in support::both_flavors() {
            let runtime = builder.build().unwrap();
            let done = Arc::new(AtomicBool::new(false));
            let flag = done.clone();
            let (started_tx, started_rx) = std::sync::mpsc::channel();
            runtime.spawn_blocking(move || {
                started_tx.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(20));
                flag.store(true, Ordering::SeqCst);
            });
            // A closure that has not started is cancelled by shutdown, as in tokio.
            started_rx.recv().unwrap();
            runtime.shutdown_timeout(Duration::MAX);
            assert!(
                done.load(Ordering::SeqCst),
                "{flavor}: shutdown did not wait"
            );
        }
    });
}

#[test]
fn future_panicking_in_poll_is_dropped_while_unwinding() {
    support::on_both_flavors(30, || async {
        let saw_panicking = Arc::new(AtomicBool::new(false));
        let handle = heddle::spawn(PanicsInPoll {
            _guard: SeesPanicking(saw_panicking.clone()),
        });
        let error = handle.await.unwrap_err();
        assert!(error.is_panic());
        assert!(
            saw_panicking.load(Ordering::SeqCst),
            "the future was not dropped while the panic unwound"
        );
    });
}

#[test]
fn abort_of_task_whose_destructor_panics_reports_the_panic() {
    support::on_both_flavors(30, || async {
        let (started_tx, started_rx) = heddle::sync::oneshot::channel();
        let handle = heddle::spawn(async move {
            let _guard = PanicsOnDrop;
            started_tx.send(()).unwrap();
            std::future::pending::<()>().await;
        });
        // Once started, the task's future holds the guard.
        started_rx.await.unwrap();
        handle.abort();
        let error = handle.await.unwrap_err();
        assert!(error.is_panic(), "expected a panic, got {error:?}");
        assert_eq!(support::message(&*error.into_panic()), "boom in drop");
    });
}

#[test]
fn task_id_in_future_destructor_on_completion() {
    support::on_both_flavors(30, || async {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let guard = RecordsId(seen.clone());
        let handle = heddle::spawn(async move {
            let _guard = guard;
        });
        let id = handle.id();
        handle.await.unwrap();
        assert_eq!(*seen.lock().unwrap(), vec![Some(id)]);
    });
}

#[test]
fn task_id_in_future_destructor_on_abort() {
    support::on_both_flavors(30, || async {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let guard = RecordsId(seen.clone());
        let handle = heddle::spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
        let id = handle.id();
        handle.abort();
        assert!(handle.await.unwrap_err().is_cancelled());
        assert_eq!(*seen.lock().unwrap(), vec![Some(id)]);
    });
}

#[test]
fn task_id_in_output_destructor_handle_dropped_before_completion() {
    support::on_both_flavors(30, || async {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let output = RecordsId(seen.clone());
        let (go_tx, go_rx) = heddle::sync::oneshot::channel::<()>();
        let handle = heddle::spawn(async move {
            let _ = go_rx.await;
            output
        });
        let id = handle.id();
        drop(handle);
        go_tx.send(()).unwrap();
        for _ in 0..1000 {
            if !seen.lock().unwrap().is_empty() {
                break;
            }
            heddle::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(*seen.lock().unwrap(), vec![Some(id)]);
    });
}

#[test]
fn task_id_in_output_destructor_handle_dropped_after_completion() {
    support::on_both_flavors(30, || async {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let output = RecordsId(seen.clone());
        let handle = heddle::spawn(async move { output });
        let id = handle.id();
        for _ in 0..1000 {
            if handle.is_finished() {
                break;
            }
            heddle::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(handle.is_finished());
        drop(handle);
        assert_eq!(*seen.lock().unwrap(), vec![Some(id)]);
    });
}

fn paused_runtime() -> heddle::Runtime {
    heddle::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

#[test]
fn paused_clock_does_not_advance_while_blocking_closure_runs() {
    support::with_watchdog(30, || {
        paused_runtime().block_on(async {
            let blocking =
                heddle::spawn_blocking(|| std::thread::sleep(Duration::from_millis(100)));
            let result = heddle::time::timeout(Duration::from_secs(3), blocking).await;
            assert!(
                result.is_ok(),
                "the paused clock advanced past a running closure"
            );
        });
    });
}

#[test]
fn finishing_blocking_closure_wakes_runtime_on_paused_clock() {
    support::with_watchdog(30, || {
        paused_runtime().block_on(async {
            let value = heddle::spawn_blocking(|| {
                std::thread::sleep(Duration::from_millis(20));
                7
            })
            .await
            .unwrap();
            assert_eq!(value, 7);
        });
    });
}

#[test]
fn panicking_blocking_closure_wakes_runtime_on_paused_clock() {
    support::with_watchdog(30, || {
        paused_runtime().block_on(async {
            let error = heddle::spawn_blocking(|| {
                std::thread::sleep(Duration::from_millis(20));
                panic!("boom in closure");
            })
            .await
            .unwrap_err();
            assert!(error.is_panic());
        });
    });
}

#[test]
fn block_in_place_in_local_set_panics() {
    support::with_watchdog(30, || {
        let runtime = heddle::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let result = runtime.block_on(async {
            let local = task::LocalSet::new();
            local
                .run_until(async { task::spawn_local(async { task::block_in_place(|| ()) }).await })
                .await
        });
        let error = result.unwrap_err();
        assert!(error.is_panic());
        let message = support::message(&*error.into_panic());
        assert!(
            message.contains("can call blocking only when running on the multi-threaded runtime"),
            "unexpected message: {message}"
        );
    });
}

#[test]
fn idle_workers_park_once_after_start_up() {
    support::with_watchdog(30, || {
        let runtime = heddle::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let metrics = runtime.metrics();
        for _ in 0..300 {
            if (0..2).all(|w| metrics.worker_park_unpark_count(w) >= 1) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(metrics.worker_park_unpark_count(0), 1);
        assert_eq!(metrics.worker_park_unpark_count(1), 1);

        // A task unparks one worker, which parks again afterwards.
        runtime.block_on(runtime.spawn(async {})).unwrap();
        for _ in 0..300 {
            if (0..2).any(|w| metrics.worker_park_unpark_count(w) >= 3) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!((0..2).any(|w| metrics.worker_park_unpark_count(w) >= 3));
    });
}

#[test]
fn current_thread_parks_and_unparks_in_block_on() {
    support::with_watchdog(30, || {
        let runtime = heddle::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let metrics = runtime.metrics();
        // Waiting for the blocking closure parks the thread; its completion unparks it.
        runtime.block_on(async {
            heddle::spawn_blocking(|| std::thread::sleep(Duration::from_millis(5)))
                .await
                .unwrap();
        });
        drop(runtime);
        assert!(metrics.worker_park_unpark_count(0) >= 2);
    });
}

const fn assert_sync<T: Sync>() {}
const fn assert_unwind_safe<T: std::panic::UnwindSafe>() {}

// tokio's auto traits, checked at compile time: this file does not build if one is lost.
const _: () = {
    assert_unwind_safe::<heddle::Runtime>();
    assert_unwind_safe::<heddle::sync::mpsc::Permit<'static, u8>>();
    assert_sync::<heddle::runtime::EnterGuard<'static>>();
    assert_sync::<task::JoinHandle<u8>>();
    assert_sync::<task::JoinSet<u8>>();
};

/// Compiles only if `T` is not `Sync`: two blanket impls become ambiguous for a `Sync` type.
trait AmbiguousIfSync<A> {
    fn some_item() {}
}

impl<T: ?Sized> AmbiguousIfSync<()> for T {}

struct Invalid;

impl<T: ?Sized + Sync> AmbiguousIfSync<Invalid> for T {}

type NotSend = std::rc::Rc<u8>;

#[test]
fn join_handle_and_join_set_are_sync_only_for_send_outputs() {
    <task::JoinHandle<NotSend> as AmbiguousIfSync<_>>::some_item();
    <task::JoinSet<NotSend> as AmbiguousIfSync<_>>::some_item();
}
