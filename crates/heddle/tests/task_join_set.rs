//! `JoinSet`: outputs in completion order, panics and aborts reported, drop aborts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use heddle::task::JoinSet;

#[heddle::test]
async fn outputs_come_in_completion_order() {
    let mut set = JoinSet::new();
    for (i, ms) in [(0u32, 30u64), (1, 10), (2, 20)] {
        set.spawn(async move {
            heddle::time::sleep(Duration::from_millis(ms)).await;
            i
        });
    }
    let mut order = Vec::new();
    while let Some(result) = set.join_next().await {
        order.push(result.unwrap());
    }
    assert_eq!(order, [1, 2, 0]);
    assert!(set.is_empty());
}

#[heddle::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_on_the_multi_thread_runtime() {
    let mut set = JoinSet::new();
    for i in 0..10_000u64 {
        set.spawn(async move { i });
    }
    assert_eq!(set.len(), 10_000);
    let mut sum = 0;
    while let Some(result) = set.join_next().await {
        sum += result.unwrap();
    }
    assert_eq!(sum, 10_000 * 9_999 / 2);
}

#[heddle::test]
async fn panics_and_aborts_are_reported() {
    let mut set = JoinSet::new();
    set.spawn(async { panic!("in the set") });
    let pending = set.spawn(std::future::pending::<()>());
    pending.abort();
    let mut panics = 0;
    let mut cancels = 0;
    while let Some(result) = set.join_next().await {
        let err = result.unwrap_err();
        panics += usize::from(err.is_panic());
        cancels += usize::from(err.is_cancelled());
    }
    assert_eq!((panics, cancels), (1, 1));
}

#[heddle::test]
async fn dropping_the_set_aborts_its_tasks() {
    struct Token(Arc<AtomicUsize>);
    impl Drop for Token {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for _ in 0..5 {
        let t = Token(drops.clone());
        set.spawn(async move {
            let _t = t;
            std::future::pending::<()>().await;
        });
    }
    heddle::task::yield_now().await;
    drop(set);
    for _ in 0..10 {
        heddle::task::yield_now().await;
    }
    assert_eq!(drops.load(Ordering::SeqCst), 5);
}

#[heddle::test]
async fn join_next_is_cancel_safe() {
    let mut set = JoinSet::new();
    set.spawn(async {
        heddle::time::sleep(Duration::from_millis(20)).await;
        7
    });
    // Give up waiting once; the output must still come on the next call.
    let gave_up = heddle::time::timeout(Duration::from_millis(1), set.join_next()).await;
    assert!(gave_up.is_err());
    assert_eq!(set.join_next().await.unwrap().unwrap(), 7);
}

#[heddle::test]
async fn shutdown_aborts_and_waits() {
    let mut set = JoinSet::new();
    for _ in 0..3 {
        set.spawn(std::future::pending::<()>());
    }
    set.shutdown().await;
    assert!(set.is_empty());
}
