//! `Metrics` and `Spawner::dump_tasks` on the work-stealing executor: counts follow spawns,
//! completions and aborts; dumps list live tasks only, also from inside a task and while
//! tasks come and go on other threads.

mod support;

use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use heddle_driver::ThreadParker;
use heddle_executor_steal::{Builder, StealExecutor};
use support::{scaled, with_watchdog};

fn executor(workers: usize) -> StealExecutor<ThreadParker> {
    Builder::new()
        .worker_threads(workers)
        .build(ThreadParker::new())
        .unwrap()
}

/// Polls `condition` until it holds; fails after 10 s (a minute under miri).
fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let limit = Duration::from_secs(if cfg!(miri) { 60 } else { 10 });
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn counts_follow_spawns_completions_and_aborts() {
    with_watchdog(120, || {
        let executor = executor(2);
        let metrics = executor.metrics();
        assert_eq!(metrics.num_workers(), 2);
        let pending: Vec<_> = (0..3)
            .map(|_| executor.spawn(std::future::pending::<()>()))
            .collect();
        let done = executor.spawn(async { 1 });
        assert_eq!(metrics.spawned_tasks_count(), 4);
        assert_eq!(executor.block_on(done).unwrap(), 1);
        assert_eq!(metrics.num_alive_tasks(), 3);
        for task in pending {
            task.abort();
            assert!(executor.block_on(task).unwrap_err().is_cancelled());
        }
        assert_eq!(metrics.num_alive_tasks(), 0);
        assert_eq!(metrics.spawned_tasks_count(), 4);
        assert_eq!(metrics.global_queue_depth(), 0);
    });
}

#[test]
fn idle_workers_park_and_out_of_range_workers_panic() {
    with_watchdog(120, || {
        let executor = executor(2);
        let metrics = executor.metrics();
        executor.block_on(executor.spawn(async {})).unwrap();
        for worker in 0..2 {
            eventually("an idle worker parks", || {
                metrics.worker_park_unpark_count(worker) % 2 == 1
            });
            assert!(metrics.worker_park_count(worker) >= 1);
            assert_eq!(metrics.worker_local_queue_depth(worker), 0);
        }
        let payload = panic::catch_unwind(AssertUnwindSafe(|| metrics.worker_park_count(2)))
            .expect_err("worker 2 of 2");
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert!(message.contains("out of range"), "{message}");
    });
}

#[test]
fn dump_lists_live_tasks_only_even_from_inside_a_task() {
    with_watchdog(120, || {
        let executor = executor(2);
        let spawner = executor.spawner();
        let named = spawner.spawn_with(
            heddle_task::Builder::new().name("named"),
            std::future::pending::<()>(),
        );
        let unnamed = executor.spawn(std::future::pending::<()>());
        let finished = executor.spawn(async {});
        let finished_id = finished.id();
        executor.block_on(finished).unwrap();

        let mut tasks = spawner.dump_tasks();
        tasks.sort_by_key(|task| task.id());
        let listed: Vec<_> = tasks.iter().map(|task| (task.id(), task.name())).collect();
        let mut expected = vec![(named.id(), Some("named")), (unnamed.id(), None)];
        expected.sort();
        assert_eq!(listed, expected);
        assert!(tasks.iter().all(|task| task.id() != finished_id));
        assert!(tasks.iter().all(|task| task.location().file() == file!()));

        let inner = spawner.clone();
        let (me, seen) = executor
            .block_on(executor.spawn(async move { (heddle_task::id(), inner.dump_tasks()) }))
            .unwrap();
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(seen.iter().any(|task| task.id() == me));

        named.abort();
        unnamed.abort();
        let _ = executor.block_on(named);
        let _ = executor.block_on(unnamed);
        assert!(spawner.dump_tasks().is_empty());
    });
}

#[test]
fn dumps_race_with_tasks_finishing_on_other_threads() {
    with_watchdog(120, || {
        let executor = executor(2);
        let spawner = executor.spawner();
        let rounds = scaled(200, 10);
        let producer = {
            let spawner = spawner.clone();
            std::thread::spawn(move || {
                for _ in 0..rounds {
                    let tasks: Vec<_> = (0..4)
                        .map(|i| {
                            spawner.spawn_with(
                                heddle_task::Builder::new().name("short"),
                                async move {
                                    heddle_task::yield_now().await;
                                    i
                                },
                            )
                        })
                        .collect();
                    for task in tasks {
                        heddle_executor_steal::block_on(task).unwrap();
                    }
                }
            })
        };
        while !producer.is_finished() {
            for task in spawner.dump_tasks() {
                assert_eq!(task.name(), Some("short"));
            }
        }
        producer.join().unwrap();
        assert!(spawner.dump_tasks().is_empty());
        assert_eq!(executor.metrics().spawned_tasks_count(), 4 * rounds as u64);
    });
}
