//! Builder settings around the runtime's threads: `thread_name_fn`, the park and unpark
//! hooks, and `max_io_events_per_tick`, on both flavors.

mod support;

use support::{both_flavors, with_watchdog};

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use heddle::io::{AsyncReadExt, AsyncWriteExt};
use heddle::net::{TcpListener, TcpStream};

thread_local! {
    /// Whether this thread is between its park hook and its unpark hook.
    static PARKED: Cell<bool> = const { Cell::new(false) };
}

/// Counts park and unpark hook calls, and calls out of order (an unpark without a park
/// before it on the same thread, or two parks in a row).
#[derive(Default)]
struct ParkLog {
    parks: AtomicUsize,
    unparks: AtomicUsize,
    out_of_order: AtomicUsize,
}

fn with_park_hooks(builder: &mut heddle::Builder, log: &Arc<ParkLog>) {
    let on_park = log.clone();
    let on_unpark = log.clone();
    builder
        .on_thread_park(move || {
            on_park.parks.fetch_add(1, Ordering::SeqCst);
            if PARKED.with(|parked| parked.replace(true)) {
                on_park.out_of_order.fetch_add(1, Ordering::SeqCst);
            }
        })
        .on_thread_unpark(move || {
            on_unpark.unparks.fetch_add(1, Ordering::SeqCst);
            if !PARKED.with(|parked| parked.replace(false)) {
                on_unpark.out_of_order.fetch_add(1, Ordering::SeqCst);
            }
        });
}

#[test]
fn park_hooks_run_around_each_park_on_both_flavors() {
    with_watchdog(60, || {
        for (flavor, mut builder) in both_flavors() {
            let log = Arc::new(ParkLog::default());
            with_park_hooks(&mut builder, &log);
            let runtime = builder.build().unwrap();
            runtime.block_on(async {
                // A task that waits for a timer leaves its thread with nothing to do.
                heddle::spawn(heddle::time::sleep(Duration::from_millis(20)))
                    .await
                    .unwrap();
            });
            drop(runtime);
            let parks = log.parks.load(Ordering::SeqCst);
            assert!(parks >= 1, "{flavor}: no park hook ran");
            assert!(
                log.unparks.load(Ordering::SeqCst) >= 1,
                "{flavor}: no unpark hook"
            );
            assert_eq!(log.out_of_order.load(Ordering::SeqCst), 0, "{flavor}");
        }
    });
}

#[test]
fn a_panicking_park_hook_costs_no_thread() {
    with_watchdog(60, || {
        for (flavor, mut builder) in both_flavors() {
            builder.on_thread_park(|| panic!("park hook fault"));
            builder.on_thread_unpark(|| panic!("unpark hook fault"));
            let runtime = builder.build().unwrap();
            for i in 0..3u64 {
                let got = runtime.block_on(async move {
                    heddle::time::sleep(Duration::from_millis(5)).await;
                    heddle::spawn(async move { i }).await.unwrap()
                });
                assert_eq!(got, i, "{flavor}");
            }
            support::round_trips(&runtime, 3);
        }
    });
}

fn thread_name() -> Option<String> {
    std::thread::current().name().map(str::to_owned)
}

#[test]
fn thread_name_fn_names_workers_and_blocking_threads() {
    with_watchdog(60, || {
        for (flavor, mut builder) in both_flavors() {
            let calls = Arc::new(AtomicUsize::new(0));
            let counter = calls.clone();
            builder.thread_name_fn(move || {
                format!("named-{}", counter.fetch_add(1, Ordering::SeqCst))
            });
            let runtime = builder.build().unwrap();
            let (task, blocking) = runtime.block_on(async {
                let task = heddle::spawn(async { thread_name() }).await.unwrap();
                let blocking = heddle::spawn_blocking(thread_name).await.unwrap();
                (task, blocking)
            });
            let blocking = blocking.expect("blocking threads are named");
            assert!(blocking.starts_with("named-"), "{flavor}: {blocking}");
            if flavor == "multi_thread" {
                let task = task.expect("workers are named");
                assert!(task.starts_with("named-"), "{flavor}: {task}");
            }
            // Two workers and at least one blocking thread were named by the function.
            let expected = if flavor == "multi_thread" { 3 } else { 1 };
            assert!(calls.load(Ordering::SeqCst) >= expected, "{flavor}");
        }
    });
}

#[test]
fn thread_name_fn_leaves_nul_bytes_out() {
    with_watchdog(60, || {
        let runtime = heddle::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name_fn(|| "a\0b".to_owned())
            .build()
            .unwrap();
        let names = runtime.block_on(async {
            let worker = heddle::spawn(async { thread_name() }).await.unwrap();
            let blocking = heddle::spawn_blocking(thread_name).await.unwrap();
            (worker, blocking)
        });
        assert_eq!(names, (Some("ab".to_owned()), Some("ab".to_owned())));
    });
}

#[test]
fn max_io_events_per_tick_rejects_zero() {
    for (flavor, mut builder) in both_flavors() {
        let err = builder.max_io_events_per_tick(0).build().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{flavor}");
        assert!(
            err.to_string().contains("max_io_events_per_tick"),
            "{flavor}"
        );
    }
}

#[test]
fn one_io_event_per_tick_still_serves_every_ready_socket() {
    with_watchdog(60, || {
        for (flavor, mut builder) in both_flavors() {
            let runtime = builder.max_io_events_per_tick(1).build().unwrap();
            runtime.block_on(async {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                let readers: Vec<_> = (0..4u8)
                    .map(|_| {
                        heddle::spawn(async move {
                            let mut stream = TcpStream::connect(addr).await.unwrap();
                            let mut byte = [0u8; 1];
                            stream.read_exact(&mut byte).await.unwrap();
                            byte[0]
                        })
                    })
                    .collect();
                let mut accepted = Vec::new();
                for _ in 0..4 {
                    accepted.push(listener.accept().await.unwrap().0);
                }
                // Every socket becomes readable at once; one event per wait still reaches all.
                for stream in &mut accepted {
                    stream.write_all(&[7]).await.unwrap();
                }
                for reader in readers {
                    assert_eq!(reader.await.unwrap(), 7, "{flavor}");
                }
            });
        }
    });
}
