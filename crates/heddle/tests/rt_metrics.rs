//! Runtime metrics and task dumps on both flavors: worker counts, live and spawned task
//! counts, the global queue, park counters, the blocking pool, and dumps (named tasks, no
//! finished ones, taken from inside a task).
//!
//! Tasks are held in place with channels, never with sleeps, and every wait is a bounded
//! poll with a 10 s deadline: the assertions are about behaviour, not timing.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use heddle::runtime::{Handle, RuntimeMetrics};
use heddle::sync::oneshot;
use heddle::task::{Id, JoinHandle};
use heddle::Runtime;

const DEADLINE: Duration = Duration::from_secs(10);

fn current_thread() -> Runtime {
    heddle::Builder::new_current_thread()
        .enable_all()
        .thread_keep_alive(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn multi_thread() -> Runtime {
    heddle::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_keep_alive(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A way to build a runtime, named for failure messages.
type Flavor = (&'static str, fn() -> Runtime);

/// A per-worker metric, named for failure messages.
type WorkerMetric = (&'static str, fn(&RuntimeMetrics, usize));

/// Both flavors.
fn flavors() -> [Flavor; 2] {
    [
        ("current_thread", current_thread),
        ("multi_thread", multi_thread),
    ]
}

/// Runs `f` on a thread and fails if it does not finish within 30 s (a hang is a failure,
/// never a stuck test run).
fn with_watchdog<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Ok(v)) => v,
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(_) => panic!("watchdog: did not finish within 30 s"),
    }
}

/// Polls `condition` every millisecond until it holds; fails after `DEADLINE`.
fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !condition() {
        assert!(Instant::now() < deadline, "{what}: not within {DEADLINE:?}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Spawns a task that waits for its oneshot; returns the sender that releases it.
fn held(runtime: &Runtime) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let (tx, rx) = oneshot::channel::<()>();
    let task = runtime.spawn(async move {
        let _ = rx.await;
    });
    (tx, task)
}

/// Occupies every worker of a multi-thread runtime: each runs a task that blocks its thread
/// until the returned sender is dropped (or 10 s pass). Returns once all of them run.
fn occupy_workers(runtime: &Runtime, workers: usize) -> (mpsc::Sender<()>, Vec<JoinHandle<()>>) {
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = std::sync::Arc::new(std::sync::Mutex::new(release_rx));
    let blockers = (0..workers)
        .map(|_| {
            let started = started_tx.clone();
            let release = release_rx.clone();
            runtime.spawn(async move {
                started.send(()).unwrap();
                // Blocks the worker thread on purpose; dropping the sender ends it.
                let _ = release.lock().unwrap().recv_timeout(DEADLINE);
            })
        })
        .collect();
    for _ in 0..workers {
        started_rx
            .recv_timeout(DEADLINE)
            .expect("every worker picks up a blocker");
    }
    (release_tx, blockers)
}

#[test]
fn num_workers_per_flavor_and_out_of_range_workers_panic() {
    with_watchdog(|| {
        assert_eq!(current_thread().metrics().num_workers(), 1);
        assert_eq!(multi_thread().metrics().num_workers(), 2);
        for (flavor, build) in flavors() {
            let runtime = build();
            let metrics = runtime.metrics();
            let workers = metrics.num_workers();
            let calls: [WorkerMetric; 4] = [
                ("worker_park_count", |m, w| {
                    let _ = m.worker_park_count(w);
                }),
                ("worker_park_unpark_count", |m, w| {
                    let _ = m.worker_park_unpark_count(w);
                }),
                ("worker_local_queue_depth", |m, w| {
                    let _ = m.worker_local_queue_depth(w);
                }),
                ("worker_total_busy_duration", |m, w| {
                    let _ = m.worker_total_busy_duration(w);
                }),
            ];
            for (name, call) in calls {
                call(&metrics, workers - 1);
                let payload = panic::catch_unwind(AssertUnwindSafe(|| call(&metrics, workers)))
                    .expect_err(name);
                let message = panic_message(&*payload);
                assert!(
                    message.contains("out of range"),
                    "{flavor} {name}: unclear panic message {message:?}"
                );
            }
        }
    });
}

#[test]
fn alive_tasks_follow_spawns_completions_and_aborts() {
    with_watchdog(|| {
        for (flavor, build) in flavors() {
            let runtime = build();
            let metrics = runtime.metrics();
            assert_eq!(metrics.num_alive_tasks(), 0, "{flavor}");
            let held: Vec<_> = (0..3).map(|_| held(&runtime)).collect();
            let pending: Vec<_> = (0..2)
                .map(|_| runtime.spawn(std::future::pending::<()>()))
                .collect();
            assert_eq!(metrics.num_alive_tasks(), 5, "{flavor}: after spawning");

            for (tx, task) in held {
                tx.send(()).unwrap();
                runtime.block_on(task).unwrap();
            }
            assert_eq!(metrics.num_alive_tasks(), 2, "{flavor}: after completions");

            for task in pending {
                task.abort();
                assert!(runtime.block_on(task).unwrap_err().is_cancelled());
            }
            assert_eq!(metrics.num_alive_tasks(), 0, "{flavor}: after aborts");
        }
    });
}

#[test]
fn spawned_tasks_count_counts_every_spawn() {
    with_watchdog(|| {
        for (flavor, build) in flavors() {
            let runtime = build();
            let metrics = runtime.metrics();
            assert_eq!(metrics.spawned_tasks_count(), 0, "{flavor}");
            for _ in 0..5 {
                runtime.block_on(runtime.spawn(async {})).unwrap();
            }
            assert_eq!(metrics.spawned_tasks_count(), 5, "{flavor}");
            // Spawns from inside a task count too; blocking closures do not.
            runtime.block_on(async {
                heddle::spawn(async {
                    heddle::spawn(async {}).await.unwrap();
                })
                .await
                .unwrap();
                heddle::spawn_blocking(|| ()).await.unwrap();
            });
            assert_eq!(metrics.spawned_tasks_count(), 7, "{flavor}");
            assert_eq!(metrics.num_alive_tasks(), 0, "{flavor}");
        }
    });
}

#[test]
fn global_queue_depth_counts_tasks_spawned_from_outside() {
    with_watchdog(|| {
        // Current thread: nobody is inside `block_on`, so spawns wait in the global queue.
        let runtime = current_thread();
        let metrics = runtime.metrics();
        assert_eq!(metrics.global_queue_depth(), 0);
        let tasks: Vec<_> = (0..4).map(|_| runtime.spawn(async {})).collect();
        assert_eq!(metrics.global_queue_depth(), 4);
        for task in tasks {
            runtime.block_on(task).unwrap();
        }
        assert_eq!(metrics.global_queue_depth(), 0);

        // Multi-thread: with every worker held inside a task, nobody takes them.
        let runtime = multi_thread();
        let metrics = runtime.metrics();
        let (release, blockers) = occupy_workers(&runtime, metrics.num_workers());
        assert_eq!(metrics.global_queue_depth(), 0);
        let tasks: Vec<_> = (0..4).map(|_| runtime.spawn(async {})).collect();
        assert_eq!(metrics.global_queue_depth(), 4);
        drop(release);
        for task in blockers.into_iter().chain(tasks) {
            runtime.block_on(task).unwrap();
        }
        eventually("the global queue empties", || {
            metrics.global_queue_depth() == 0
        });
        for worker in 0..metrics.num_workers() {
            eventually("the local queues empty", || {
                metrics.worker_local_queue_depth(worker) == 0
            });
        }
    });
}

#[test]
fn workers_count_their_parks_and_busy_time() {
    with_watchdog(|| {
        // Current thread: the worker parks while `block_on` waits for the timer.
        let runtime = current_thread();
        let metrics = runtime.metrics();
        assert_eq!(metrics.worker_park_unpark_count(0), 0);
        assert_eq!(metrics.worker_total_busy_duration(0), Duration::ZERO);
        runtime.block_on(heddle::time::sleep(Duration::from_millis(5)));
        let parks = metrics.worker_park_count(0);
        assert!(parks >= 1);
        // Not parked now: every park was followed by an unpark.
        assert_eq!(metrics.worker_park_unpark_count(0), 2 * parks);
        assert!(metrics.worker_total_busy_duration(0) > Duration::ZERO);
        let busy = metrics.worker_total_busy_duration(0);
        // Outside `block_on` nobody works: the total stays put.
        assert_eq!(metrics.worker_total_busy_duration(0), busy);

        // Multi-thread: idle workers park, and stay parked (odd count) while idle.
        let runtime = multi_thread();
        let metrics = runtime.metrics();
        runtime.block_on(runtime.spawn(async {})).unwrap();
        for worker in 0..metrics.num_workers() {
            eventually("an idle worker parks", || {
                metrics.worker_park_count(worker) >= 1
            });
            eventually("a parked worker has an odd park/unpark count", || {
                metrics.worker_park_unpark_count(worker) % 2 == 1
            });
            let count = metrics.worker_park_unpark_count(worker);
            assert!(count >= metrics.worker_park_count(worker));
        }
        eventually("a worker was busy", || {
            (0..metrics.num_workers())
                .any(|worker| metrics.worker_total_busy_duration(worker) > Duration::ZERO)
        });
    });
}

#[test]
fn blocking_pool_threads_idle_threads_and_queue() {
    with_watchdog(|| {
        let builders = [
            ("current_thread", heddle::Builder::new_current_thread()),
            ("multi_thread", heddle::Builder::new_multi_thread()),
        ];
        for (flavor, mut builder) in builders {
            let runtime = builder
                .max_blocking_threads(1)
                .thread_keep_alive(Duration::from_secs(60))
                .build()
                .unwrap();
            let metrics = runtime.metrics();
            assert_eq!(metrics.num_blocking_threads(), 0, "{flavor}");
            assert_eq!(metrics.blocking_queue_depth(), 0, "{flavor}");

            // One closure holds the only thread; the next two wait in the queue.
            let (started_tx, started_rx) = mpsc::channel();
            let (release_tx, release_rx) = mpsc::channel::<()>();
            let first = runtime.spawn_blocking(move || {
                started_tx.send(()).unwrap();
                let _ = release_rx.recv_timeout(DEADLINE);
            });
            started_rx.recv_timeout(DEADLINE).unwrap();
            assert_eq!(metrics.num_blocking_threads(), 1, "{flavor}");
            assert_eq!(metrics.num_idle_blocking_threads(), 0, "{flavor}");
            let queued: Vec<_> = (0..2).map(|_| runtime.spawn_blocking(|| ())).collect();
            assert_eq!(metrics.blocking_queue_depth(), 2, "{flavor}");

            drop(release_tx);
            runtime.block_on(first).unwrap();
            for task in queued {
                runtime.block_on(task).unwrap();
            }
            assert_eq!(metrics.blocking_queue_depth(), 0, "{flavor}");
            // The thread stays for its keep-alive, idle.
            eventually("the blocking thread goes idle", || {
                metrics.num_idle_blocking_threads() == 1
            });
            assert_eq!(metrics.num_blocking_threads(), 1, "{flavor}");
        }
    });
}

/// The ids in a dump.
fn dumped_ids(handle: &Handle) -> Vec<Id> {
    handle.dump().tasks().iter().map(|task| task.id()).collect()
}

#[test]
fn dump_lists_live_named_tasks_and_not_finished_ones() {
    with_watchdog(|| {
        for (flavor, build) in flavors() {
            let runtime = build();
            let handle = runtime.handle();
            assert!(runtime.dump().tasks().is_empty(), "{flavor}");

            let line = line!() + 3;
            let alpha = heddle::task::Builder::new()
                .name("alpha")
                .spawn_on(std::future::pending::<()>(), handle)
                .unwrap();
            let (beta_tx, beta_rx) = oneshot::channel::<()>();
            let beta = heddle::task::Builder::new()
                .name("beta")
                .spawn_on(
                    async move {
                        let _ = beta_rx.await;
                    },
                    handle,
                )
                .unwrap();
            let unnamed = runtime.spawn(std::future::pending::<()>());
            let done = heddle::task::Builder::new()
                .name("done")
                .spawn_on(async {}, handle)
                .unwrap();
            let done_id = done.id();
            runtime.block_on(done).unwrap();

            let dump = runtime.dump();
            let tasks = dump.tasks();
            assert_eq!(tasks.len(), 3, "{flavor}: {dump:?}");
            assert!(!tasks.is_empty());
            let mut expected = [alpha.id(), beta.id(), unnamed.id()];
            expected.sort();
            let ids: Vec<_> = tasks.iter().map(|task| task.id()).collect();
            assert_eq!(
                ids, expected,
                "{flavor}: sorted by id, the finished one left out"
            );
            assert!(!ids.contains(&done_id), "{flavor}");

            let find = |id: Id| tasks.iter().find(|task| task.id() == id).unwrap();
            assert_eq!(find(alpha.id()).name(), Some("alpha"), "{flavor}");
            assert_eq!(find(beta.id()).name(), Some("beta"), "{flavor}");
            assert_eq!(find(unnamed.id()).name(), None, "{flavor}");
            let location = find(alpha.id()).location();
            assert_eq!((location.file(), location.line()), (file!(), line));
            let trace = find(alpha.id()).trace().to_string();
            assert!(
                trace.starts_with(&format!(
                    "task {} \"alpha\" spawned at {}",
                    alpha.id(),
                    file!()
                )),
                "{flavor}: {trace}"
            );
            let mut through_ref = 0;
            for task in tasks {
                assert!(task.trace().to_string().contains("spawned at"));
                through_ref += 1;
            }
            assert_eq!(through_ref, 3);

            // Finishing and aborting take tasks out of later dumps.
            beta_tx.send(()).unwrap();
            runtime.block_on(beta).unwrap();
            alpha.abort();
            assert!(runtime.block_on(alpha).unwrap_err().is_cancelled());
            assert_eq!(dumped_ids(handle), [unnamed.id()], "{flavor}");
            unnamed.abort();
            let _ = runtime.block_on(unnamed);
            assert!(runtime.dump().tasks().is_empty(), "{flavor}");
        }
    });
}

#[test]
fn dump_from_inside_a_task_lists_the_running_task_and_awaits() {
    with_watchdog(|| {
        for (flavor, build) in flavors() {
            let runtime = build();
            let idle = heddle::task::Builder::new()
                .name("idle")
                .spawn_on(std::future::pending::<()>(), runtime.handle())
                .unwrap();
            let (me, names) = runtime.block_on(async {
                heddle::task::Builder::new()
                    .name("dumper")
                    .spawn(async {
                        // `Handle::dump` is taken at once and awaits as tokio's does.
                        assert!(!Handle::current().dump().await.tasks().is_empty());
                        let dump = Handle::current().dump().await;
                        let names: Vec<_> = dump
                            .tasks()
                            .iter()
                            .map(|task| (task.id(), task.name().map(str::to_owned)))
                            .collect();
                        (heddle::task::id(), names)
                    })
                    .unwrap()
                    .await
                    .unwrap()
            });
            assert_eq!(names.len(), 2, "{flavor}: {names:?}");
            assert!(
                names.contains(&(me, Some("dumper".to_owned()))),
                "{flavor}: the running task is listed: {names:?}"
            );
            assert!(
                names.contains(&(idle.id(), Some("idle".to_owned()))),
                "{flavor}: the idle task is listed: {names:?}"
            );
            // The dumping task has finished since.
            assert_eq!(dumped_ids(runtime.handle()), [idle.id()], "{flavor}");
            // Metrics are readable from inside a task too.
            let alive = runtime.block_on(async {
                heddle::spawn(async { Handle::current().metrics().num_alive_tasks() })
                    .await
                    .unwrap()
            });
            assert_eq!(alive, 2, "{flavor}: the idle task and the one asking");
        }
    });
}

#[test]
fn metrics_and_dumps_are_send_and_sync() {
    fn is_send_sync<T: Send + Sync + Clone + std::fmt::Debug>() {}
    is_send_sync::<RuntimeMetrics>();
    is_send_sync::<heddle::runtime::dump::Dump>();
    is_send_sync::<heddle::runtime::dump::Tasks>();
    is_send_sync::<heddle::runtime::dump::Task>();
    is_send_sync::<heddle::runtime::dump::Trace>();

    // A clone reads the same runtime from another thread.
    let runtime = multi_thread();
    let metrics = runtime.metrics();
    let _task = runtime.spawn(std::future::pending::<()>());
    let alive = std::thread::spawn(move || metrics.num_alive_tasks())
        .join()
        .unwrap();
    assert_eq!(alive, 1);
}
