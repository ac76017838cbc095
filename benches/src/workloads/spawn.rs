//! Spawning and scheduling: `spawn_many_local`, `spawn_many_remote`, `spawn_many_unsend`,
//! `remote_spawn_contended`, `yield_many`, `chained_spawn`, `spawn_blocking`.

use std::hint::black_box;
use std::rc::Rc;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use super::{ns_per, Countdown, Scale};
use crate::rt::{run, Remote, Rt};

/// Inside the runtime, spawns 10,000 trivial tasks and awaits each handle: ns/task.
pub fn spawn_many_local<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let tasks = scale.light(10_000);
    let elapsed = run(&rt, async move {
        let start = Instant::now();
        let mut joins = Vec::with_capacity(tasks);
        for i in 0..tasks {
            joins.push(R::spawn(async move { i }));
        }
        for join in joins {
            black_box(join.await);
        }
        start.elapsed()
    });
    Some(vec![ns_per(elapsed, tasks)])
}

/// Inside `block_on_local`, spawns 10,000 `!Send` tasks and awaits each: ns/task.
pub fn spawn_many_unsend<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let tasks = scale.light(10_000);
    let elapsed = rt.block_on_local(async move {
        let shared = Rc::new(0usize);
        let start = Instant::now();
        let mut joins = Vec::with_capacity(tasks);
        for i in 0..tasks {
            let shared = shared.clone();
            joins.push(R::spawn_local(async move { *shared + i }));
        }
        for join in joins {
            black_box(join.await);
        }
        start.elapsed()
    })?;
    Some(vec![ns_per(elapsed, tasks)])
}

/// Spawns `total` no-op tasks through the remote handle from `threads` outside threads
/// released together, while `block_on` waits for the last task; returns the time from
/// the release to the last task's signal arriving in `block_on`.
fn spawn_from_threads<R: Rt>(rt: &R, threads: usize, total: usize) -> Duration {
    let remote = rt.remote();
    let per_thread = total / threads;
    let (countdown, done) = Countdown::<R>::new(per_thread * threads);
    let barrier = Barrier::new(threads + 1);
    std::thread::scope(|scope| {
        let spawners: Vec<_> = (0..threads)
            .map(|_| {
                let remote = remote.clone();
                let countdown = countdown.clone();
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..per_thread {
                        let countdown = countdown.clone();
                        remote.spawn_detached(async move { countdown.arrive() });
                    }
                    start
                })
            })
            .collect();
        let end = rt.block_on(async {
            // The runtime is running (about to park) when the spawners are released.
            barrier.wait();
            R::recv_once(done).await.expect("countdown dropped");
            Instant::now()
        });
        let start = spawners
            .into_iter()
            .map(|spawner| spawner.join().expect("spawner thread panicked"))
            .min()
            .expect("at least one spawner");
        end.duration_since(start)
    })
}

/// One outside thread spawns 10,000 tasks through a handle: ns/task.
pub fn spawn_many_remote<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let tasks = scale.light(10_000);
    let elapsed = spawn_from_threads(&rt, 1, tasks);
    Some(vec![ns_per(elapsed, tasks)])
}

/// 12,800 tasks from 1, 2, 4 and 8 outside threads at once, a fresh runtime for each:
/// ns/task for each thread count.
pub fn remote_spawn_contended<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let total = scale.light(12_800).max(8);
    let mut values = Vec::with_capacity(4);
    for threads in [1, 2, 4, 8] {
        let rt = R::build()?;
        let per_thread = total / threads;
        let elapsed = spawn_from_threads(&rt, threads, total);
        values.push(ns_per(elapsed, per_thread * threads));
    }
    Some(values)
}

/// 200 tasks each yield 1,000 times: ns/yield.
pub fn yield_many<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let tasks = scale.light(200);
    let yields = scale.light(1_000);
    let elapsed = run(&rt, async move {
        let start = Instant::now();
        let mut joins = Vec::with_capacity(tasks);
        for _ in 0..tasks {
            joins.push(R::spawn(async move {
                for _ in 0..yields {
                    R::yield_now().await;
                }
            }));
        }
        for join in joins {
            join.await;
        }
        start.elapsed()
    });
    Some(vec![ns_per(elapsed, tasks * yields)])
}

/// Spawns the next link of the chain, or signals the end.
fn chain<R: Rt>(done: R::OnceSender<()>, left: usize) {
    if left == 0 {
        R::send_once(done, ());
    } else {
        R::spawn_detached(async move { chain::<R>(done, left - 1) });
    }
}

/// Each task spawns the next, depth 1,000: ns/spawn.
pub fn chained_spawn<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let depth = scale.light(1_000);
    let elapsed = run(&rt, async move {
        let (done, finished) = R::oneshot();
        let start = Instant::now();
        chain::<R>(done, depth);
        R::recv_once(finished).await.expect("chain broken");
        start.elapsed()
    });
    Some(vec![ns_per(elapsed, depth)])
}

/// 16 tasks × 100 batches × 16 no-op blocking calls, each batch awaited: ns/call.
pub fn spawn_blocking<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    const TASKS: usize = 16;
    const CALLS: usize = 16;
    let rt = R::build()?;
    let batches = scale.light(100);
    let available = rt.block_on(async { R::spawn_blocking(|| ()).is_some() });
    if !available {
        return None;
    }
    let elapsed = run(&rt, async move {
        let start = Instant::now();
        let mut joins = Vec::with_capacity(TASKS);
        for _ in 0..TASKS {
            joins.push(R::spawn(async move {
                for _ in 0..batches {
                    let mut calls = Vec::with_capacity(CALLS);
                    for _ in 0..CALLS {
                        calls.push(R::spawn_blocking(|| black_box(())).expect("checked above"));
                    }
                    for call in calls {
                        call.await;
                    }
                }
            }));
        }
        for join in joins {
            join.await;
        }
        start.elapsed()
    });
    Some(vec![ns_per(elapsed, TASKS * batches * CALLS)])
}
