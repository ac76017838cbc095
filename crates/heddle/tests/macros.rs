//! `#[heddle::main]` and `#[heddle::test]` on real functions.

use std::time::Duration;

#[heddle::test]
async fn test_defaults_to_current_thread() {
    let rc = std::rc::Rc::new(5);
    // spawn_local only works on a current-thread runtime.
    let value = heddle::spawn_local(async move { *rc }).await.unwrap();
    assert_eq!(value, 5);
}

#[heddle::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_on_the_multi_thread_flavor() {
    let name = heddle::spawn(async { std::thread::current().name().map(str::to_owned) })
        .await
        .unwrap()
        .unwrap();
    assert!(name.starts_with("heddle-worker"), "{name}");
}

#[heddle::test(start_paused = true)]
async fn test_with_a_paused_clock() {
    let wall = std::time::Instant::now();
    heddle::time::sleep(Duration::from_secs(3_600)).await;
    assert!(wall.elapsed() < Duration::from_secs(30));
}

#[heddle::test]
async fn test_returning_a_result() -> std::io::Result<()> {
    heddle::task::yield_now().await;
    Ok(())
}

#[heddle::main(flavor = "current_thread")]
async fn helper(x: u32) -> u32 {
    heddle::spawn(async move { x * 2 }).await.unwrap()
}

#[test]
fn main_works_on_any_async_fn_with_arguments() {
    assert_eq!(helper(21), 42);
}

#[heddle::test(unhandled_panic = "shutdown_runtime")]
#[should_panic(expected = "a spawned task panicked")]
async fn unhandled_panic_shutdown_runtime_stops_the_test() {
    heddle::spawn(async { panic!("boom") });
    std::future::pending::<()>().await;
}

#[heddle::test(rng_seed = 42)]
async fn rng_seed_is_accepted_and_tasks_still_run() {
    let handles: Vec<_> = (0..10u32)
        .map(|i| heddle::spawn(async move { i }))
        .collect();
    let mut total = 0;
    for handle in handles {
        total += handle.await.unwrap();
    }
    assert_eq!(total, 45);
}

/// `flavor = "local"`: a `LocalRuntime`, where `!Send` tasks spawn from the body.
#[heddle::main(flavor = "local")]
async fn local_main() -> usize {
    let shared = std::rc::Rc::new(5);
    let task = heddle::spawn_local({
        let shared = shared.clone();
        async move { *shared * 2 }
    });
    task.await.unwrap() + std::rc::Rc::strong_count(&shared)
}

#[test]
fn main_with_the_local_flavor_runs_not_send_tasks() {
    assert_eq!(local_main(), 11);
}

#[heddle::test(flavor = "local", start_paused = true)]
async fn test_with_the_local_flavor_and_a_paused_clock() {
    let start = heddle::time::Instant::now();
    let rc = std::rc::Rc::new(());
    heddle::spawn_local(async move {
        heddle::time::sleep(std::time::Duration::from_secs(60)).await;
        drop(rc);
    })
    .await
    .unwrap();
    assert!(start.elapsed() >= std::time::Duration::from_secs(60));
}
