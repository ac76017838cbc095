//! The multi-thread runtime as a user sees it: building (and refusing nonsense), spawning
//! from everywhere, hooks and thread names, the blocking pool, timers, sockets, shutdown.

mod support;

use support::{message, with_watchdog};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use heddle::runtime::Handle;
use heddle::Runtime;

fn rt() -> Runtime {
    heddle::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A named way to build a runtime.
type Case = (&'static str, Box<dyn Fn() -> std::io::Result<Runtime>>);

#[test]
fn build_rejects_nonsense_naming_the_setting() {
    let cases: Vec<Case> = vec![
        (
            "worker_threads",
            Box::new(|| {
                heddle::Builder::new_multi_thread()
                    .worker_threads(0)
                    .build()
            }),
        ),
        (
            "max_blocking_threads",
            Box::new(|| {
                heddle::Builder::new_multi_thread()
                    .max_blocking_threads(0)
                    .build()
            }),
        ),
        (
            "global_queue_interval",
            Box::new(|| {
                heddle::Builder::new_multi_thread()
                    .global_queue_interval(0)
                    .build()
            }),
        ),
        (
            "event_interval",
            Box::new(|| {
                heddle::Builder::new_multi_thread()
                    .event_interval(0)
                    .build()
            }),
        ),
        (
            "thread_name",
            Box::new(|| {
                heddle::Builder::new_multi_thread()
                    .thread_name("a\0b")
                    .build()
            }),
        ),
        (
            "thread_stack_size",
            Box::new(|| {
                heddle::Builder::new_multi_thread()
                    .thread_stack_size(0)
                    .build()
            }),
        ),
        (
            "start_paused",
            Box::new(|| {
                heddle::Builder::new_multi_thread()
                    .start_paused(true)
                    .build()
            }),
        ),
    ];
    for (setting, build) in cases {
        let err = build().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{setting}");
        assert!(err.to_string().contains(setting), "{setting}: {err}");
    }
}

#[test]
fn an_impossible_stack_size_is_an_error_not_an_abort() {
    let result = heddle::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_stack_size(usize::MAX)
        .build();
    assert!(result.is_err());
}

#[test]
fn spawn_join_from_inside_outside_and_other_threads() {
    with_watchdog(30, || {
        let rt = rt();
        let handle = rt.handle().clone();
        let from_thread = std::thread::spawn(move || handle.spawn(async { 1 }))
            .join()
            .unwrap();
        let from_rt = rt.spawn(async { 2 });
        let total = rt.block_on(async move {
            let inner = heddle::spawn(async { 3 });
            from_thread.await.unwrap() + from_rt.await.unwrap() + inner.await.unwrap()
        });
        assert_eq!(total, 6);
    });
}

#[test]
fn tasks_run_on_named_workers_with_the_runtime_current() {
    with_watchdog(30, || {
        let rt = heddle::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("heddle-test")
            .build()
            .unwrap();
        let (name, has_handle) = rt.block_on(async {
            heddle::spawn(async {
                (
                    std::thread::current().name().map(str::to_owned),
                    Handle::try_current().is_ok(),
                )
            })
            .await
            .unwrap()
        });
        assert!(name.unwrap().starts_with("heddle-test-"));
        assert!(has_handle);
    });
}

#[test]
fn thread_hooks_run_on_every_worker() {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let (s1, s2) = (started.clone(), stopped.clone());
    let rt = heddle::Builder::new_multi_thread()
        .worker_threads(3)
        .on_thread_start(move || {
            s1.fetch_add(1, Ordering::SeqCst);
        })
        .on_thread_stop(move || {
            s2.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    rt.block_on(async {});
    drop(rt);
    assert_eq!(started.load(Ordering::SeqCst), 3);
    assert_eq!(stopped.load(Ordering::SeqCst), 3);
}

#[test]
fn spawn_blocking_runs_off_the_workers_with_the_runtime_current() {
    with_watchdog(30, || {
        let rt = rt();
        let (name, current) = rt.block_on(async {
            heddle::spawn_blocking(|| {
                (
                    std::thread::current().name().map(str::to_owned),
                    Handle::try_current().is_ok(),
                )
            })
            .await
            .unwrap()
        });
        assert!(name.unwrap().contains("blocking"));
        assert!(current, "spawn_blocking closures can use the runtime");
        // The current-thread flavor has a blocking pool too.
        let ct = heddle::Builder::new_current_thread().build().unwrap();
        assert_eq!(
            ct.block_on(async { heddle::spawn_blocking(|| 5).await })
                .unwrap(),
            5
        );
    });
}

#[test]
fn nested_block_on_in_a_worker_task_panics_with_advice() {
    let message = with_watchdog(10, || {
        let rt = Arc::new(rt());
        let rt2 = rt.clone();
        let err = rt
            .block_on(rt.spawn(async move { rt2.block_on(async {}) }))
            .unwrap_err();
        message(&*err.into_panic())
    });
    assert!(message.contains("from within a runtime"), "{message}");
}

#[test]
fn dropping_the_runtime_from_its_own_task_panics_instead_of_deadlocking() {
    let message = with_watchdog(10, || {
        let rt = rt();
        let handle = rt.handle().clone();
        let slot = Arc::new(std::sync::Mutex::new(Some(rt)));
        let s = slot.clone();
        let task = handle.spawn(async move {
            let runtime = s.lock().unwrap().take();
            drop(runtime);
        });
        let err = heddle_block_on_outside(task).unwrap_err();
        message(&*err.into_panic())
    });
    assert!(
        message.contains("Cannot drop a runtime in a context where blocking is not allowed"),
        "{message}"
    );
}

/// Waits for a `JoinHandle` from a plain thread (the runtime may be gone).
fn heddle_block_on_outside<T: Send + 'static>(
    handle: heddle::task::JoinHandle<T>,
) -> Result<T, heddle::task::JoinError> {
    let waker_thread = std::thread::current();
    struct W(std::thread::Thread);
    impl std::task::Wake for W {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(Arc::new(W(waker_thread)));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut handle = std::pin::pin!(handle);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let std::task::Poll::Ready(v) = handle.as_mut().poll(&mut cx) {
            return v;
        }
        assert!(Instant::now() < deadline, "the task never finished");
        std::thread::park_timeout(Duration::from_millis(10));
    }
}

use std::future::Future;

#[test]
fn dropping_the_runtime_drops_every_task_once_and_later_spawns_are_cancelled() {
    with_watchdog(30, || {
        struct Token(Arc<AtomicUsize>);
        impl Drop for Token {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let drops = Arc::new(AtomicUsize::new(0));
        let rt = rt();
        let mut handles = Vec::new();
        for _ in 0..100 {
            let t = Token(drops.clone());
            handles.push(rt.spawn(async move {
                let _t = t;
                std::future::pending::<()>().await;
            }));
        }
        let handle = rt.handle().clone();
        drop(rt);
        assert_eq!(drops.load(Ordering::SeqCst), 100);
        for h in handles {
            assert!(heddle_block_on_outside(h).unwrap_err().is_cancelled());
        }
        let late = handle.spawn(async { 1 });
        assert!(heddle_block_on_outside(late).unwrap_err().is_cancelled());
    });
}

#[test]
fn shutdown_timeout_returns_while_a_blocking_closure_runs() {
    with_watchdog(30, || {
        let rt = rt();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let (started_tx, started_rx) = mpsc::channel::<()>();
        rt.spawn_blocking(move || {
            started_tx.send(()).unwrap();
            let _ = release_rx.recv_timeout(Duration::from_secs(20));
        });
        started_rx.recv().unwrap();
        let start = Instant::now();
        rt.shutdown_timeout(Duration::from_millis(100));
        assert!(start.elapsed() < Duration::from_secs(5));
        release_tx.send(()).unwrap();
    });
}

#[test]
fn free_block_on_uses_a_fresh_multi_thread_runtime() {
    let threads = heddle::block_on(async {
        let tasks: Vec<_> = (0..50)
            .map(|_| heddle::spawn(async { std::thread::current().name().map(str::to_owned) }))
            .collect();
        let mut names = Vec::new();
        for t in tasks {
            names.push(t.await.unwrap().unwrap_or_default());
        }
        names
    });
    assert!(threads.iter().all(|n| n.starts_with("heddle-worker")));
}

#[test]
fn spawn_local_on_a_multi_thread_runtime_panics_with_advice() {
    let rt = rt();
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        drop(rt.spawn_local(async {}));
    }))
    .unwrap_err();
    assert!(message(&*payload).contains("current-thread"));
}

#[test]
fn timers_on_both_flavors_and_the_paused_clock() {
    with_watchdog(30, || {
        for rt in [rt(), heddle::Builder::new_current_thread().build().unwrap()] {
            let elapsed = rt.block_on(async {
                let start = heddle::time::Instant::now();
                heddle::time::sleep(Duration::from_millis(10)).await;
                let timed_out =
                    heddle::time::timeout(Duration::from_millis(5), std::future::pending::<()>())
                        .await;
                assert!(timed_out.is_err());
                start.elapsed()
            });
            assert!(
                elapsed >= Duration::from_millis(15),
                "never early: {elapsed:?}"
            );
        }
        let paused = heddle::Builder::new_current_thread()
            .start_paused(true)
            .build()
            .unwrap();
        let wall = Instant::now();
        let virtual_elapsed = paused.block_on(async {
            let start = heddle::time::Instant::now();
            let task = heddle::spawn(heddle::time::sleep(Duration::from_secs(3_600)));
            heddle::time::sleep(Duration::from_secs(7_200)).await;
            task.await.unwrap();
            start.elapsed()
        });
        assert!(virtual_elapsed >= Duration::from_secs(7_200));
        assert!(
            wall.elapsed() < Duration::from_secs(10),
            "the paused clock jumped"
        );
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn sockets_on_the_multi_thread_runtime() {
    use heddle::io::{AsyncReadExt, AsyncWriteExt};
    use heddle::net::{TcpListener, TcpStream};
    with_watchdog(30, || {
        let rt = rt();
        let echoed = rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            heddle::spawn(async move {
                for _ in 0..20 {
                    let (mut s, _) = listener.accept().await.unwrap();
                    heddle::spawn(async move {
                        let mut buf = [0u8; 32];
                        while let Ok(n @ 1..) = s.read(&mut buf).await {
                            s.write_all(&buf[..n]).await.unwrap();
                        }
                    });
                }
            });
            let clients: Vec<_> = (0..20u8)
                .map(|i| {
                    heddle::spawn(async move {
                        let mut c = TcpStream::connect(addr).await.unwrap();
                        for _ in 0..10 {
                            c.write_all(&[i; 8]).await.unwrap();
                            let mut back = [0u8; 8];
                            c.read_exact(&mut back).await.unwrap();
                            assert_eq!(back, [i; 8]);
                        }
                        10
                    })
                })
                .collect();
            let mut total = 0;
            for c in clients {
                total += c.await.unwrap();
            }
            total
        });
        assert_eq!(echoed, 200);
    });
}

#[test]
fn block_in_place_keeps_a_single_worker_runtime_running_and_shuts_down_cleanly() {
    with_watchdog(30, || {
        let rt = heddle::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let done = rt.block_on(async {
            let tasks: Vec<_> = (0..8)
                .map(|i| {
                    heddle::spawn(async move {
                        heddle::task::block_in_place(|| {
                            std::thread::sleep(Duration::from_millis(5));
                        });
                        // The task goes on after the blocking part, and can still spawn.
                        heddle::spawn(async move { i }).await.unwrap()
                    })
                })
                .collect();
            let mut sum = 0;
            for t in tasks {
                sum += t.await.unwrap();
            }
            sum
        });
        assert_eq!(done, 28);
        let start = Instant::now();
        drop(rt);
        assert!(start.elapsed() < Duration::from_secs(10));
    });
}

#[test]
fn block_in_place_on_a_current_thread_runtime_panics_with_advice() {
    let rt = heddle::Builder::new_current_thread().build().unwrap();
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { heddle::task::block_in_place(|| ()) })
    }))
    .unwrap_err();
    assert!(message(&*payload).contains("spawn_blocking"));
    // Outside any runtime it just runs the closure.
    assert_eq!(heddle::task::block_in_place(|| 3), 3);
}
