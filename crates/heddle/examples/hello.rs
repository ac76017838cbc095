//! heddle doing its job: spawn tasks, join them, yield, catch a panic, and show how a seed
//! replays the same interleaving.
//!
//! Run with `cargo run --release --example hello`.

use std::sync::{Arc, Mutex};
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let runtime = heddle::Builder::new_current_thread().build()?;

    // Spawn and join.
    let sum = runtime.block_on(async {
        let tasks: Vec<_> = (1..=10u64)
            .map(|i| heddle::spawn(async move { i * i }))
            .collect();
        let mut sum = 0;
        for task in tasks {
            sum += task.await.expect("task failed");
        }
        sum
    });
    println!("sum of squares 1..=10, computed by 10 tasks: {sum}");

    // Yield: two tasks take turns.
    let turns = runtime.block_on(async {
        let log = Arc::new(Mutex::new(Vec::new()));
        let tasks: Vec<_> = ["ping", "pong"]
            .into_iter()
            .map(|name| {
                let log = log.clone();
                heddle::spawn(async move {
                    for _ in 0..3 {
                        log.lock().unwrap().push(name);
                        heddle::task::yield_now().await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task failed");
        }
        let turns = log.lock().unwrap().join(" ");
        turns
    });
    println!("yield_now interleaves tasks: {turns}");

    // A panic stays inside its task.
    let error =
        runtime.block_on(async { heddle::spawn(async { panic!("oops") }).await.unwrap_err() });
    println!("a panicking task gives a JoinError, the runtime carries on: {error}");

    // The same seed replays the same order; another seed shuffles differently.
    for seed in [7, 7, 8] {
        println!("seed {seed}: ready order {:?}", order_with_seed(seed)?);
    }

    // How fast: spawn and join many trivial tasks.
    let count = 100_000u64;
    let start = Instant::now();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..count)
            .map(|i| heddle::spawn(async move { i }))
            .collect();
        for task in tasks {
            task.await.expect("task failed");
        }
    });
    let elapsed = start.elapsed();
    println!(
        "spawned and joined {count} tasks in {:.1} ms ({:.0} ns per task)",
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_nanos() as f64 / count as f64
    );
    Ok(())
}

/// Runs eight tasks that each log their number, under a seeded shuffle.
fn order_with_seed(seed: u64) -> std::io::Result<Vec<u32>> {
    let runtime = heddle::Builder::new_current_thread().seed(seed).build()?;
    let log = Arc::new(Mutex::new(Vec::new()));
    runtime.block_on(async {
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let log = log.clone();
                heddle::spawn(async move { log.lock().unwrap().push(i) })
            })
            .collect();
        for task in tasks {
            task.await.expect("task failed");
        }
    });
    let order = log.lock().unwrap().clone();
    Ok(order)
}
