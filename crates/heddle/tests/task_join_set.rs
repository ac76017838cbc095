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

#[test]
fn join_next_with_id_and_try_join_next_report_finished_tasks() {
    let rt = heddle::Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let mut set = heddle::task::JoinSet::new();
        assert!(set.try_join_next().is_none(), "an empty set has nothing");
        let a = set.spawn(async { 'a' });
        let (tx, rx) = heddle::sync::oneshot::channel::<()>();
        let b = set.spawn(async move {
            rx.await.unwrap();
            'b'
        });
        heddle::task::yield_now().await;
        let (id, output) = set.try_join_next_with_id().unwrap().unwrap();
        assert_eq!((id, output), (a.id(), 'a'));
        assert!(set.try_join_next().is_none(), "b waits for its message");
        tx.send(()).unwrap();
        let (id, output) = set.join_next_with_id().await.unwrap().unwrap();
        assert_eq!((id, output), (b.id(), 'b'));
        assert!(set.join_next_with_id().await.is_none());
    });
}

#[test]
fn join_all_collects_every_output_and_resumes_a_panic() {
    let rt = heddle::Runtime::new().unwrap();
    let mut outputs = rt.block_on(async {
        let set: heddle::task::JoinSet<u32> = (0..50).map(|i| async move { i }).collect();
        set.join_all().await
    });
    outputs.sort_unstable();
    assert_eq!(outputs, (0..50).collect::<Vec<_>>());

    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            let mut set = heddle::task::JoinSet::new();
            set.spawn(async { panic!("task failed") });
            set.spawn(async {});
            set.join_all().await
        })
    }));
    let payload = panicked.expect_err("the task's panic resumes in join_all");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"task failed"));
}

#[test]
fn detach_all_lets_the_tasks_run_on() {
    let rt = heddle::Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let (tx, mut rx) = heddle::sync::mpsc::channel(4);
        let mut set = heddle::task::JoinSet::new();
        for i in 0..3 {
            let tx = tx.clone();
            set.spawn(async move { tx.send(i).await.unwrap() });
        }
        drop(tx);
        set.detach_all();
        assert!(set.is_empty());
        drop(set);
        let mut got = Vec::new();
        while let Some(i) = rx.recv().await {
            got.push(i);
        }
        got.sort_unstable();
        assert_eq!(got, [0, 1, 2]);
    });
}

#[test]
fn spawn_blocking_and_spawn_on_add_to_the_set() {
    let rt = heddle::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let mut set = heddle::task::JoinSet::new();
    set.spawn_on(async { 1 }, &handle);
    let total = rt.block_on(async move {
        set.spawn_blocking(|| 2);
        set.extend([async { 3 }]);
        let mut total = 0;
        while let Some(result) = set.join_next().await {
            total += result.unwrap();
        }
        total
    });
    assert_eq!(total, 6);
}
