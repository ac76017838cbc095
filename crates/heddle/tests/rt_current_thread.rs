//! The current-thread runtime as a user sees it: spawning, joining, context errors, nested
//! `block_on`, sharing across threads, and dropping.

mod support;

use support::{message, with_watchdog};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use heddle::runtime::Handle;
use heddle::Runtime;

fn rt() -> Runtime {
    heddle::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `f` on a thread and fails if it does not finish within `secs` (a hang is a failure,
/// never a stuck test run).
#[test]
fn spawn_join_and_yield() {
    let rt = rt();
    let out = rt.block_on(async {
        let a = heddle::spawn(async {
            heddle::task::yield_now().await;
            1
        });
        let b = heddle::spawn_local(async { 2 });
        a.await.unwrap() + b.await.unwrap()
    });
    assert_eq!(out, 3);
}

#[test]
fn tasks_spawned_before_block_on_run_inside_it() {
    let rt = rt();
    let counter = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let c = counter.clone();
            rt.spawn(async move {
                c.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    assert_eq!(
        counter.load(Ordering::SeqCst),
        0,
        "nothing runs outside block_on"
    );
    rt.block_on(async {
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(counter.load(Ordering::SeqCst), 10);
}

#[test]
fn panicking_task_reports_join_error_and_runtime_continues() {
    let rt = rt();
    let (err, after) = rt.block_on(async {
        let err = heddle::spawn(async { panic!("in a task") })
            .await
            .unwrap_err();
        let after = heddle::spawn(async { "still running" }).await.unwrap();
        (err, after)
    });
    assert!(err.is_panic());
    assert_eq!(message(&*err.into_panic()), "in a task");
    assert_eq!(after, "still running");
}

#[test]
fn spawn_outside_a_runtime_panics_with_advice() {
    let payload = std::panic::catch_unwind(|| drop(heddle::spawn(async {}))).unwrap_err();
    let message = message(&*payload);
    assert!(message.contains("no heddle runtime"), "{message}");
    assert!(message.contains("new_current_thread"), "{message}");
    let err = Handle::try_current().unwrap_err();
    assert!(err.to_string().contains("no heddle runtime"));
}

#[test]
fn handle_current_inside_block_on_and_enter() {
    let rt = rt();
    rt.block_on(async {
        assert!(Handle::try_current().is_ok());
    });
    assert!(Handle::try_current().is_err());
    {
        let _g = rt.enter();
        let h = heddle::spawn(async { 5 });
        drop(_g);
        assert_eq!(rt.block_on(h).unwrap(), 5);
    }
    assert!(Handle::try_current().is_err());
}

#[test]
fn nested_block_on_panics_and_never_hangs() {
    let message = with_watchdog(5, || {
        let rt = Arc::new(rt());
        let rt2 = rt.clone();
        let payload = rt
            .block_on(async move {
                heddle::spawn(async move {
                    rt2.block_on(async {});
                })
                .await
            })
            .unwrap_err()
            .into_panic();
        message(&*payload)
    });
    assert!(message.contains("from within a runtime"), "{message}");
}

#[test]
fn nested_block_on_in_the_main_future_panics() {
    let payload = with_watchdog(5, || {
        let rt = rt();
        let other = self::rt();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(async { other.block_on(async {}) })
        }))
        .unwrap_err()
    });
    assert!(message(&*payload).contains("`block_on`"));
}

#[test]
fn runtime_is_send_and_sync_and_moves_between_threads() {
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<Runtime>();
    is_send_sync::<Handle>();
    is_send_sync::<heddle::task::JoinHandle<u8>>();
    is_send_sync::<heddle::task::JoinError>();
    is_send_sync::<heddle::task::AbortHandle>();
    let rt = rt();
    let h = rt.spawn(async { 11 });
    let v = std::thread::spawn(move || rt.block_on(h).unwrap())
        .join()
        .unwrap();
    assert_eq!(v, 11);
}

#[test]
fn handle_spawn_from_another_thread_while_running() {
    let rt = rt();
    let handle = rt.handle().clone();
    let v = with_watchdog(10, move || {
        rt.block_on(async move {
            let t = std::thread::spawn(move || handle.spawn(async { 8 }));
            let join = loop {
                if t.is_finished() {
                    break t.join().unwrap();
                }
                heddle::task::yield_now().await;
            };
            join.await.unwrap()
        })
    });
    assert_eq!(v, 8);
}

#[test]
fn two_threads_block_on_the_same_runtime() {
    let rt = Arc::new(rt());
    let rt2 = rt.clone();
    let (tx, rx) = mpsc::channel::<()>();
    let task = rt.spawn(async move {
        // Waits until the main thread's block_on has finished, so the second thread
        // must take over running tasks.
        loop {
            if rx.try_recv().is_ok() {
                break 1;
            }
            heddle::task::yield_now().await;
        }
    });
    let second = std::thread::spawn(move || rt2.block_on(task).unwrap());
    rt.block_on(async {
        for _ in 0..100 {
            heddle::task::yield_now().await;
        }
    });
    tx.send(()).unwrap();
    let v = with_watchdog(10, move || second.join().unwrap());
    assert_eq!(v, 1);
}

#[test]
fn dropping_the_runtime_drops_every_task_once() {
    struct Token(Arc<AtomicUsize>);
    impl Drop for Token {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let rt = rt();
    let mut handles = Vec::new();
    for _ in 0..50 {
        let t = Token(drops.clone());
        handles.push(rt.spawn(async move {
            let _t = t;
            std::future::pending::<()>().await;
        }));
    }
    rt.block_on(async {
        for _ in 0..10 {
            heddle::task::yield_now().await;
        }
    });
    for _ in 0..50 {
        let t = Token(drops.clone());
        handles.push(rt.spawn(async move { drop(t) })); // never polled
    }
    let handle = rt.handle().clone();
    drop(rt);
    assert_eq!(drops.load(Ordering::SeqCst), 100);
    // JoinHandles resolve to cancelled; spawning afterwards is cancelled, not a panic.
    let late = handle.spawn(async { 1 });
    let results = futures_block_on(async move {
        let mut cancelled = 0;
        for h in handles {
            if h.await.unwrap_err().is_cancelled() {
                cancelled += 1;
            }
        }
        (cancelled, late.await.unwrap_err().is_cancelled())
    });
    assert_eq!(results, (100, true));
}

/// Polls a future to completion with a no-op waker (every future here is ready at once).
fn futures_block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..1_000 {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("future did not complete");
}

#[test]
fn build_rejects_zero_intervals_with_the_setting_named() {
    let err = heddle::Builder::new_current_thread()
        .global_queue_interval(0)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("global_queue_interval"));
}

#[test]
fn seeded_runtimes_replay_the_same_order() {
    fn order(seed: u64) -> Vec<u32> {
        let rt = heddle::Builder::new_current_thread()
            .seed(seed)
            .build()
            .unwrap();
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        rt.block_on(async {
            let handles: Vec<_> = (0..10)
                .map(|i| {
                    let log = log.clone();
                    heddle::spawn(async move { log.lock().unwrap().push(i) })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        });
        let order = log.lock().unwrap().clone();
        order
    }
    assert_eq!(order(3), order(3));
    assert_eq!(order(3).len(), 10);
}

heddle::task_local! {
    static USER: &'static str;
}

#[test]
fn task_locals_through_the_facade() {
    let rt = rt();
    let seen = rt.block_on(async {
        let a = heddle::spawn(USER.scope("alice", async {
            heddle::task::yield_now().await;
            USER.get()
        }));
        let b = heddle::spawn(USER.scope("bob", async {
            heddle::task::yield_now().await;
            USER.get()
        }));
        (a.await.unwrap(), b.await.unwrap())
    });
    assert_eq!(seen, ("alice", "bob"));
}

#[test]
fn named_tasks_and_ids() {
    let rt = rt();
    rt.block_on(async {
        let task = heddle::task::Builder::new()
            .name("named")
            .spawn(async { heddle::task::id() })
            .unwrap();
        let id = task.id();
        assert_eq!(task.await.unwrap(), id);
        assert!(
            heddle::task::try_id().is_none(),
            "block_on's future is not a task"
        );
    });
}

#[test]
fn abort_through_the_facade() {
    let rt = rt();
    let err = rt.block_on(async {
        let task = heddle::spawn(std::future::pending::<()>());
        heddle::task::yield_now().await;
        task.abort();
        task.await.unwrap_err()
    });
    assert!(err.is_cancelled());
}

#[test]
fn a_timer_fires_while_the_runtime_never_runs_out_of_tasks() {
    // A task that always yields keeps the executor from ever parking for long, so the timer
    // must be fired by the executor's periodic zero-timeout park.
    let woke_after = with_watchdog(20, || {
        let rt = rt();
        rt.block_on(async {
            let fired = Arc::new(AtomicUsize::new(0));
            let spinner = heddle::spawn({
                let fired = fired.clone();
                async move {
                    let start = std::time::Instant::now();
                    let mut yields = 0u64;
                    while fired.load(Ordering::Acquire) == 0
                        && start.elapsed() < Duration::from_secs(10)
                    {
                        heddle::task::yield_now().await;
                        yields += 1;
                    }
                    yields
                }
            });
            let start = std::time::Instant::now();
            heddle::time::sleep(Duration::from_millis(5)).await;
            let waited = start.elapsed();
            fired.store(1, Ordering::Release);
            let yields = spinner.await.unwrap();
            assert!(yields > 0, "the spinner ran while the timer was pending");
            waited
        })
    });
    assert!(
        woke_after < Duration::from_secs(5),
        "the sleep ended after {woke_after:?}, not soon after its 5 ms"
    );
}
