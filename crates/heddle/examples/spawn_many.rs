//! Spawns and joins 10,000 trivial tasks inside the runtime, many times, and prints the
//! median cost per task: the `spawn_many_local` workload of docs/benchmarks.md, on its own.
//!
//! Run with `cargo run --release --example spawn_many`.

use std::time::Instant;

const TASKS: usize = 10_000;
const ROUNDS: usize = 50;

fn main() -> std::io::Result<()> {
    let runtime = heddle::Builder::new_current_thread().build()?;
    let mut samples = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        runtime.block_on(async {
            let mut handles = Vec::with_capacity(TASKS);
            for i in 0..TASKS {
                handles.push(heddle::spawn(async move { i }));
            }
            for handle in handles {
                handle.await.expect("task failed");
            }
        });
        samples.push(start.elapsed().as_nanos() as f64 / TASKS as f64);
    }
    samples.sort_by(f64::total_cmp);
    println!(
        "spawn_many_local: median {:.0} ns/task (min {:.0}, max {:.0}) over {ROUNDS} rounds of {TASKS}",
        samples[ROUNDS / 2],
        samples[0],
        samples[ROUNDS - 1]
    );
    Ok(())
}
