//! `task::Builder`'s blocking and local spawns, `JoinSet::spawn_blocking_on`, and the
//! task-local accessors (`LocalKey::try_get`, `TaskLocalFuture::take_value`), on both
//! flavors where both apply.

mod support;

use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use heddle::task::{futures::TaskLocalFuture, join_set, Builder, LocalSet};

heddle::task_local! {
    static REQUEST: u32;
}

fn thread_name() -> Option<String> {
    std::thread::current().name().map(str::to_owned)
}

#[test]
fn builder_spawn_blocking_runs_on_the_blocking_pool() {
    support::on_both_flavors(60, || async {
        let name = Builder::new()
            .name("hash")
            .spawn_blocking(thread_name)
            .unwrap()
            .await
            .unwrap();
        assert!(name.unwrap().contains("blocking"));
        let failed = Builder::new()
            .spawn_blocking(|| panic!("blocking fault"))
            .unwrap()
            .await
            .unwrap_err();
        assert!(failed.is_panic());
    });
}

#[test]
fn builder_spawn_blocking_outside_a_runtime_is_an_error() {
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let err = Builder::new()
        .spawn_blocking(move || r.store(true, Ordering::SeqCst))
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::Other);
    assert!(!ran.load(Ordering::SeqCst));
}

#[test]
fn builder_spawn_blocking_on_uses_the_given_runtime() {
    support::with_watchdog(60, || {
        for (flavor, mut builder) in support::both_flavors() {
            let runtime = builder.thread_name(flavor).build().unwrap();
            // From outside any runtime: the handle says where it runs.
            let task = Builder::new()
                .spawn_blocking_on(thread_name, runtime.handle())
                .unwrap();
            let name = runtime.block_on(task).unwrap().unwrap();
            assert!(name.starts_with(&format!("{flavor}-blocking")), "{name}");
        }
    });
}

#[test]
fn builder_spawn_local_on_runs_in_the_local_set_on_both_flavors() {
    support::with_watchdog(60, || {
        for (flavor, mut builder) in support::both_flavors() {
            let runtime = builder.build().unwrap();
            let local = LocalSet::new();
            let rc = Rc::new(21);
            let task = Builder::new()
                .name("ui")
                .spawn_local_on(async move { *rc * 2 }, &local)
                .unwrap();
            let home = std::thread::current().id();
            let (value, same_thread) = local.block_on(&runtime, async move {
                let value = task.await.unwrap();
                (value, std::thread::current().id() == home)
            });
            assert_eq!(value, 42, "{flavor}");
            assert!(same_thread, "{flavor}");
        }
    });
}

#[test]
fn join_set_spawn_blocking_on_joins_the_closure() {
    support::with_watchdog(60, || {
        for (flavor, mut builder) in support::both_flavors() {
            let runtime = builder.build().unwrap();
            let mut set: join_set::JoinSet<u32> = join_set::JoinSet::new();
            set.spawn_blocking_on(|| 6 * 7, runtime.handle());
            set.spawn_blocking_on(|| panic!("blocking fault"), runtime.handle());
            let (mut values, mut panics) = (Vec::new(), 0);
            runtime.block_on(async {
                while let Some(result) = set.join_next().await {
                    match result {
                        Ok(value) => values.push(value),
                        Err(err) => {
                            assert!(err.is_panic(), "{flavor}");
                            panics += 1;
                        }
                    }
                }
            });
            assert_eq!((values, panics), (vec![42], 1), "{flavor}");
        }
    });
}

#[test]
fn try_get_reads_the_value_only_inside_a_scope() {
    support::on_both_flavors(60, || async {
        assert!(REQUEST.try_get().is_err());
        let inside = REQUEST
            .scope(7, async {
                heddle::task::yield_now().await;
                REQUEST.try_get()
            })
            .await;
        assert_eq!(inside, Ok(7));
        assert!(REQUEST.try_get().is_err());
    });
}

#[test]
fn take_value_gives_the_value_back_once() {
    support::on_both_flavors(60, || async {
        let mut done: std::pin::Pin<&mut TaskLocalFuture<u32, _>> =
            pin!(REQUEST.scope(3, async { REQUEST.get() }));
        assert_eq!(done.as_mut().await, 3);
        // After completion the value is still there to take, once.
        assert_eq!(done.as_mut().take_value(), Some(3));
        assert_eq!(done.as_mut().take_value(), None);

        // Taken before the future runs, the value is gone inside it.
        let mut early = pin!(REQUEST.scope(4, async { REQUEST.try_get() }));
        assert_eq!(early.as_mut().take_value(), Some(4));
        assert!(early.await.is_err());
    });
}
