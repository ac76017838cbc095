//! What a runtime says about itself (id, name, flavor) and the errors of asking outside one;
//! a seed on a multi-thread runtime is refused, not ignored.

use heddle::runtime::{Handle, RuntimeFlavor};

#[test]
fn ids_are_unique_and_names_and_flavors_are_reported() {
    let current = heddle::Builder::new_current_thread()
        .name("first")
        .build()
        .unwrap();
    let multi = heddle::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    assert_ne!(current.handle().id(), multi.handle().id());
    assert_eq!(current.handle().name(), Some("first"));
    assert_eq!(multi.handle().name(), None);
    assert_eq!(
        current.handle().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
    assert_eq!(multi.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    let inside = current.block_on(async { Handle::current().id() });
    assert_eq!(inside, current.handle().id());
    assert!(!format!("{}", inside).is_empty());
}

#[test]
fn a_seed_on_a_multi_thread_runtime_is_refused() {
    let error = heddle::Builder::new_multi_thread()
        .seed(7)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("seed"), "{error}");
}

#[test]
fn try_current_outside_a_runtime_is_a_missing_context() {
    let error = Handle::try_current().unwrap_err();
    assert!(error.is_missing_context());
    assert!(!error.is_thread_local_destroyed());
}

#[test]
fn worker_index_names_the_worker_and_nothing_else() {
    use heddle::runtime::worker_index;

    assert_eq!(worker_index(), None);
    let runtime = heddle::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let seen = runtime.block_on(async {
        let mut seen = Vec::new();
        for _ in 0..16 {
            seen.push(heddle::spawn(async { worker_index() }).await.unwrap());
        }
        let blocking = heddle::spawn_blocking(worker_index).await.unwrap();
        (seen, blocking, worker_index())
    });
    assert!(seen.0.iter().all(|index| matches!(index, Some(0 | 1))));
    assert_eq!(seen.1, None, "a blocking-pool thread is no worker");
    assert_eq!(
        seen.2, None,
        "block_on's thread is no worker of the multi-thread flavor"
    );

    let runtime = heddle::Builder::new_current_thread().build().unwrap();
    let (in_block_on, in_task, blocking) = runtime.block_on(async {
        let in_task = heddle::spawn(async { worker_index() }).await.unwrap();
        let blocking = heddle::spawn_blocking(worker_index).await.unwrap();
        (worker_index(), in_task, blocking)
    });
    assert_eq!((in_block_on, in_task, blocking), (Some(0), Some(0), None));
    let _entered = runtime.enter();
    assert_eq!(worker_index(), None, "entered, but not running the tasks");
}
