//! `Builder::seed`: the same seed replays the same ready order; FIFO without a seed.

mod support;

use std::sync::{Arc, Mutex};

use heddle_driver::ThreadParker;
use heddle_executor_local::{Builder, LocalExecutor};

/// Spawns tasks that record their id at each of three steps, and returns the trace.
fn trace(mut ex: LocalExecutor<ThreadParker>) -> Vec<(u32, u32)> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = (0..16)
        .map(|task| {
            let log = log.clone();
            ex.spawn(async move {
                for step in 0..3 {
                    log.lock().unwrap().push((task, step));
                    heddle_task::yield_now().await;
                }
            })
        })
        .collect();
    ex.run_until(async move {
        for h in handles {
            h.await.unwrap();
        }
    });
    let trace = log.lock().unwrap().clone();
    trace
}

#[test]
fn same_seed_same_order() {
    let a = trace(Builder::new().seed(0xDEAD_BEEF).build(ThreadParker::new()));
    let b = trace(Builder::new().seed(0xDEAD_BEEF).build(ThreadParker::new()));
    assert_eq!(a.len(), 48);
    assert_eq!(a, b);
}

#[test]
fn different_seeds_shuffle_differently_and_fifo_without_seed() {
    let fifo = trace(LocalExecutor::new(ThreadParker::new()));
    let expected: Vec<(u32, u32)> = (0..3).flat_map(|s| (0..16).map(move |t| (t, s))).collect();
    assert_eq!(fifo, expected, "without a seed the order is FIFO");
    let orders: std::collections::HashSet<Vec<(u32, u32)>> = (1..6)
        .map(|seed| trace(Builder::new().seed(seed).build(ThreadParker::new())))
        .collect();
    assert!(orders.len() > 1, "seeds should give different orders");
    assert!(!orders.contains(&fifo));
}
