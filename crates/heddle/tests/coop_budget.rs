//! The cooperative budget: a task that keeps getting `Ready` from heddle resources yields
//! after its budget, so it cannot starve the others; `unconstrained` lifts it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use heddle::sync::mpsc;

const MESSAGES: usize = 10_000;
/// The documented default budget (`heddle_task::coop::BUDGET`).
const BUDGET: usize = 128;

/// Spawns a consumer that drains `MESSAGES` ready messages in a tight loop, then a task that
/// records how far the consumer got when it first ran.
async fn consumed_when_other_task_ran(unconstrained: bool) -> usize {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for i in 0..MESSAGES {
        tx.send(i).unwrap();
    }
    drop(tx);
    let consumed = Arc::new(AtomicUsize::new(0));
    let c = consumed.clone();
    let drain = async move {
        while rx.recv().await.is_some() {
            c.fetch_add(1, Ordering::SeqCst);
        }
    };
    let consumer = if unconstrained {
        heddle::spawn(heddle::task::unconstrained(drain))
    } else {
        heddle::spawn(drain)
    };
    let seen = consumed.clone();
    let other = heddle::spawn(async move { seen.load(Ordering::SeqCst) });
    let at_other = other.await.unwrap();
    consumer.await.unwrap();
    assert_eq!(consumed.load(Ordering::SeqCst), MESSAGES);
    at_other
}

#[heddle::test]
async fn an_always_ready_channel_cannot_starve_other_tasks() {
    let at_other = consumed_when_other_task_ran(false).await;
    assert!(
        at_other <= 2 * BUDGET,
        "the other task ran only after {at_other} receives"
    );
}

#[heddle::test]
async fn unconstrained_lifts_the_budget() {
    let at_other = consumed_when_other_task_ran(true).await;
    assert_eq!(
        at_other, MESSAGES,
        "an unconstrained task runs until it would block"
    );
}

#[heddle::test]
async fn consume_budget_yields_eventually() {
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let spinner = heddle::spawn(async move {
        for _ in 0..10_000 {
            heddle::task::consume_budget().await;
            if r.load(Ordering::SeqCst) > 0 {
                return true;
            }
        }
        false
    });
    let other = heddle::spawn(async move {
        ran.fetch_add(1, Ordering::SeqCst);
    });
    other.await.unwrap();
    assert!(
        spinner.await.unwrap(),
        "the spinning task let the other one run"
    );
}
