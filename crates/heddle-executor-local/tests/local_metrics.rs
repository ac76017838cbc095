//! `Metrics` and `Spawner::dump_tasks` on `LocalExecutor`: counts follow spawns, completions
//! and aborts; the worker's parks and busy time are counted inside `run_until` only; dumps
//! list live tasks only, also from inside a task and from another thread while it runs.

mod support;

use std::panic::{self, AssertUnwindSafe};
use std::task::{Poll, Waker};
use std::time::Duration;

use heddle_driver::ThreadParker;
use heddle_executor_local::LocalExecutor;
use support::scaled;

fn executor() -> LocalExecutor<ThreadParker> {
    LocalExecutor::new(ThreadParker::new())
}

#[test]
fn counts_follow_spawns_completions_and_aborts() {
    let mut executor = executor();
    let metrics = executor.metrics();
    assert_eq!(metrics.num_workers(), 1);
    let pending: Vec<_> = (0..3)
        .map(|_| executor.spawn(std::future::pending::<()>()))
        .collect();
    let local = executor.spawn_local(async { 2 });
    assert_eq!(metrics.spawned_tasks_count(), 4);
    // Spawned from outside `run_until`: they wait in the injector.
    assert_eq!(metrics.global_queue_depth(), 4);
    assert_eq!(executor.run_until(local).unwrap(), 2);
    assert_eq!(metrics.global_queue_depth(), 0);
    assert_eq!(metrics.num_alive_tasks(), 3);
    for task in pending {
        task.abort();
        assert!(executor.run_until(task).unwrap_err().is_cancelled());
    }
    assert_eq!(metrics.num_alive_tasks(), 0);
    assert_eq!(metrics.worker_local_queue_depth(0), 0);
}

#[test]
fn parks_and_busy_time_are_counted_inside_run_until() {
    let mut executor = executor();
    let metrics = executor.metrics();
    assert_eq!(metrics.worker_park_unpark_count(0), 0);
    assert_eq!(metrics.worker_total_busy_duration(0), Duration::ZERO);

    // A future woken by another thread once the worker is parked (odd count).
    let watcher = metrics.clone();
    let (tx, rx) = std::sync::mpsc::channel::<Waker>();
    let waker_thread = std::thread::spawn(move || {
        let waker = rx.recv().unwrap();
        while watcher.worker_park_unpark_count(0) % 2 == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        waker.wake();
    });
    let mut tx = Some(tx);
    executor.run_until(std::future::poll_fn(move |cx| match tx.take() {
        Some(tx) => {
            tx.send(cx.waker().clone()).unwrap();
            Poll::Pending
        }
        None => Poll::Ready(()),
    }));
    waker_thread.join().unwrap();
    let parks = metrics.worker_park_count(0);
    assert!(parks >= 1);
    assert_eq!(metrics.worker_park_unpark_count(0), 2 * parks);
    let busy = metrics.worker_total_busy_duration(0);
    assert!(busy > Duration::ZERO);
    assert_eq!(
        metrics.worker_total_busy_duration(0),
        busy,
        "idle outside run_until"
    );

    let payload = panic::catch_unwind(AssertUnwindSafe(|| metrics.worker_park_count(1)))
        .expect_err("worker 1 of 1");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("out of range"), "{message}");
}

#[test]
fn dump_lists_live_tasks_only_even_from_inside_a_task() {
    let mut executor = executor();
    let spawner = executor.spawner();
    let named = spawner.spawn_with(
        heddle_task::Builder::new().name("named"),
        std::future::pending::<()>(),
    );
    let local = spawner.spawn_local_with(
        heddle_task::Builder::new().name("local"),
        std::future::pending::<()>(),
    );
    let finished = executor.spawn(async {});
    let finished_id = finished.id();
    executor.run_until(finished).unwrap();

    let mut tasks = spawner.dump_tasks();
    tasks.sort_by_key(|task| task.id());
    let listed: Vec<_> = tasks.iter().map(|task| (task.id(), task.name())).collect();
    let mut expected = vec![(named.id(), Some("named")), (local.id(), Some("local"))];
    expected.sort();
    assert_eq!(listed, expected);
    assert!(tasks.iter().all(|task| task.id() != finished_id));

    let inner = spawner.clone();
    let (me, seen) = executor
        .run_until(executor.spawn(async move { (heddle_task::id(), inner.dump_tasks()) }))
        .unwrap();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.iter().any(|task| task.id() == me));

    named.abort();
    local.abort();
    let _ = executor.run_until(named);
    let _ = executor.run_until(local);
    assert!(spawner.dump_tasks().is_empty());
}

#[test]
fn dumps_from_another_thread_race_with_tasks_finishing() {
    let mut executor = executor();
    let spawner = executor.spawner();
    let rounds = scaled(200, 10);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let dumper = {
        let spawner = spawner.clone();
        std::thread::spawn(move || {
            let mut dumps = 0usize;
            loop {
                for task in spawner.dump_tasks() {
                    assert_eq!(task.name(), Some("short"));
                }
                dumps += 1;
                if done_rx.try_recv().is_ok() {
                    break dumps;
                }
            }
        })
    };
    for _ in 0..rounds {
        let tasks: Vec<_> = (0..4)
            .map(|i| {
                spawner.spawn_with(heddle_task::Builder::new().name("short"), async move {
                    heddle_task::yield_now().await;
                    i
                })
            })
            .collect();
        executor.run_until(async {
            for task in tasks {
                task.await.unwrap();
            }
        });
    }
    done_tx.send(()).unwrap();
    assert!(dumper.join().unwrap() >= 1);
    assert!(spawner.dump_tasks().is_empty());
    assert_eq!(executor.metrics().spawned_tasks_count(), 4 * rounds as u64);
}
