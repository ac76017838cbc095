//! Where `heddle::fs` work runs: on the blocking pool of the runtime it is called from (under
//! its `max_blocking_threads` and its shutdown), and on the global pool outside any runtime.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use heddle::runtime::Handle;

/// A fresh path in the temporary directory for `test` on `flavor`.
fn temp_path(test: &str, flavor: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "heddle-fs-pool-{test}-{flavor}-{}",
        std::process::id()
    ))
}

/// A named pipe at `path`: opening it for reading blocks until a writer opens it, which
/// keeps a file operation in flight on its pool thread for as long as the test wants.
fn fifo(path: &Path) -> PathBuf {
    let _ = std::fs::remove_file(path);
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {} failed", path.display());
    path.to_owned()
}

/// Waits (at most 10 s, in 5 ms steps) until `condition` holds; panics with `what` if not.
fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..2_000 {
        if condition() {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("gave up waiting until {what}");
}

/// Opens the named pipe for writing (which waits for its reader), writes `data` and closes it.
fn feed(path: &Path, data: &[u8]) {
    use std::io::Write;
    let mut writer = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    writer.write_all(data).unwrap();
}

/// Spawns a task reading the named pipe `path`, and returns once the read waits on a
/// blocking thread of `runtime`.
fn start_read(runtime: &heddle::Runtime, path: &Path) -> heddle::task::JoinHandle<Vec<u8>> {
    let path = path.to_owned();
    runtime.block_on(async {
        let read = heddle::spawn(async move { heddle::fs::read(path).await.unwrap() });
        let metrics = Handle::current().metrics();
        for _ in 0..2_000 {
            if metrics.num_blocking_threads() == 1 && metrics.num_idle_blocking_threads() == 0 {
                return read;
            }
            heddle::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the read never reached a blocking thread of the runtime");
    })
}

#[test]
fn fs_inside_a_runtime_runs_on_its_pool_within_max_blocking_threads() {
    for (flavor, mut builder) in support::both_flavors() {
        support::with_watchdog(60, move || {
            let runtime = builder
                .max_blocking_threads(1)
                .thread_keep_alive(Duration::from_secs(60))
                .build()
                .unwrap();
            let path = temp_path("limit", flavor);
            runtime.block_on(async {
                let metrics = Handle::current().metrics();
                assert_eq!(metrics.num_blocking_threads(), 0);
                heddle::fs::write(&path, "pooled").await.unwrap();
                // The write started the runtime's first blocking thread.
                assert_eq!(metrics.num_blocking_threads(), 1);

                // Occupy the only blocking thread; a read from a task (on a worker of the
                // multi-thread flavor) must then wait in the runtime's queue.
                let (release, wait) = std::sync::mpsc::channel::<()>();
                let blocker = heddle::spawn_blocking(move || wait.recv().unwrap());
                let read = heddle::spawn(heddle::fs::read(path.clone()));
                let mut queued = false;
                for _ in 0..2_000 {
                    if metrics.blocking_queue_depth() == 1 {
                        queued = true;
                        break;
                    }
                    heddle::time::sleep(Duration::from_millis(5)).await;
                }
                assert!(
                    queued,
                    "{flavor}: the read never queued on the runtime's pool"
                );
                assert_eq!(metrics.num_blocking_threads(), 1, "{flavor}: over the cap");
                assert!(!read.is_finished());

                release.send(()).unwrap();
                blocker.await.unwrap();
                assert_eq!(read.await.unwrap().unwrap(), b"pooled");
                assert_eq!(metrics.num_blocking_threads(), 1, "{flavor}: over the cap");
                heddle::fs::remove_file(&path).await.unwrap();
            });
        });
    }
}

#[test]
fn a_blocking_closure_that_uses_fs_stays_on_the_runtime_pool() {
    for (flavor, mut builder) in support::both_flavors() {
        support::with_watchdog(60, move || {
            let runtime = builder
                .max_blocking_threads(2)
                .thread_name("fsnest")
                .build()
                .unwrap();
            let path = temp_path("nested", flavor);
            std::fs::write(&path, "nested").unwrap();
            let outcome = runtime.block_on(runtime.spawn_blocking(move || {
                let data = futures::executor::block_on(heddle::fs::read(&path)).unwrap();
                std::fs::remove_file(&path).unwrap();
                let metrics = Handle::current().metrics();
                (data, metrics.num_blocking_threads())
            }));
            let (data, threads) = outcome.unwrap();
            assert_eq!(data, b"nested");
            // The closure's thread and the one that ran the read: both the runtime's.
            assert_eq!(threads, 2, "{flavor}");
        });
    }
}

#[test]
fn runtime_enter_sends_fs_work_to_the_runtime_pool() {
    support::with_watchdog(60, || {
        let runtime = heddle::Builder::new_current_thread().build().unwrap();
        let path = temp_path("enter", "current_thread");
        let guard = runtime.enter();
        futures::executor::block_on(heddle::fs::write(&path, "entered")).unwrap();
        drop(guard);
        assert_eq!(runtime.metrics().num_blocking_threads(), 1);
        assert_eq!(std::fs::read(&path).unwrap(), b"entered");
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn fs_works_outside_any_runtime_and_after_one_shut_down() {
    support::with_watchdog(60, || {
        let path = temp_path("outside", "none");
        futures::executor::block_on(heddle::fs::write(&path, "global")).unwrap();

        let runtime = heddle::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        runtime.block_on(async { heddle::fs::read(&path).await.unwrap() });
        let handle = runtime.handle().clone();
        drop(runtime);

        // A plain thread: the global pool, untouched by the runtime's shutdown.
        let read_path = path.clone();
        let data = std::thread::spawn(move || {
            futures::executor::block_on(heddle::fs::read(read_path)).unwrap()
        })
        .join()
        .unwrap();
        assert_eq!(data, b"global");

        // Inside the shut-down runtime's context: a clear error, not a hang.
        let _guard = handle.enter();
        let error = futures::executor::block_on(heddle::fs::read(&path)).unwrap_err();
        assert!(error.to_string().contains("blocking pool"), "{error}");
        drop(_guard);
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn shutdown_timeout_detaches_fs_work_in_flight() {
    for (flavor, mut builder) in support::both_flavors() {
        support::with_watchdog(60, move || {
            let runtime = builder.build().unwrap();
            let handle = runtime.handle().clone();
            let pipe = fifo(&temp_path("detach", flavor));
            let read = start_read(&runtime, &pipe);

            runtime.shutdown_timeout(Duration::from_millis(50));
            // The read still waits in `open` on its detached thread; the task that awaited
            // it is gone.
            assert_eq!(handle.metrics().num_blocking_threads(), 1, "{flavor}");
            drop(read);
            feed(&pipe, b"late");
            wait_until("the detached thread exits", || {
                handle.metrics().num_blocking_threads() == 0
            });
            std::fs::remove_file(&pipe).unwrap();
        });
    }
}

#[test]
fn dropping_the_runtime_waits_for_fs_work_in_flight() {
    for (flavor, mut builder) in support::both_flavors() {
        support::with_watchdog(60, move || {
            let runtime = builder.build().unwrap();
            let handle = runtime.handle().clone();
            let pipe = fifo(&temp_path("drop", flavor));
            let read = start_read(&runtime, &pipe);

            let writer_pipe = pipe.clone();
            let writer = std::thread::spawn(move || feed(&writer_pipe, b"in time"));
            drop(read);
            drop(runtime);
            // Drop returned only once the read had finished and its thread had exited.
            assert_eq!(handle.metrics().num_blocking_threads(), 0, "{flavor}");
            writer.join().unwrap();
            std::fs::remove_file(&pipe).unwrap();
        });
    }
}
