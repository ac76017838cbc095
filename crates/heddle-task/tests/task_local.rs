//! `task_local!`: scoped per future, restored after each poll, nested and panic-safe.

mod support;

use std::task::Poll;

use heddle_task::{Builder, Runnable};
use support::{poll_once, Queue};

heddle_task::task_local! {
    static NUMBER: u32;
    static NAME: String;
}

#[test]
fn scope_is_visible_inside_and_not_outside() {
    let q = Queue::default();
    let (r, mut h) = Builder::new().spawn(
        NUMBER.scope(7, async {
            let before = NUMBER.get();
            heddle_task::yield_now().await;
            (before, NUMBER.get())
        }),
        q.schedule(),
    );
    r.run();
    assert!(
        NUMBER.try_with(|_| ()).is_err(),
        "not visible between polls"
    );
    q.run_all();
    assert!(matches!(poll_once(&mut h), Poll::Ready(Ok((7, 7)))));
}

#[test]
fn two_interleaved_tasks_see_their_own_values() {
    let q = Queue::default();
    let mk = |v: &str| {
        let v = v.to_owned();
        NAME.scope(v.clone(), async move {
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push(NAME.with(|n| n == &v));
                heddle_task::yield_now().await;
            }
            seen
        })
    };
    let (ra, mut ha) = Builder::new().spawn(mk("a"), q.schedule());
    let (rb, mut hb) = Builder::new().spawn(mk("b"), q.schedule());
    ra.run();
    rb.run();
    q.run_all();
    assert!(matches!(poll_once(&mut ha), Poll::Ready(Ok(v)) if v.iter().all(|b| *b)));
    assert!(matches!(poll_once(&mut hb), Poll::Ready(Ok(v)) if v.iter().all(|b| *b)));
}

#[test]
fn nested_scopes_restore_the_outer_value() {
    NUMBER.sync_scope(1, || {
        NUMBER.sync_scope(2, || assert_eq!(NUMBER.get(), 2));
        assert_eq!(NUMBER.get(), 1);
    });
    assert!(NUMBER.try_with(|_| ()).is_err());
}

#[test]
fn scope_is_restored_after_a_panic() {
    let result = std::panic::catch_unwind(|| NUMBER.sync_scope(3, || panic!("inside")));
    assert!(result.is_err());
    assert!(NUMBER.try_with(|_| ()).is_err());
}

#[test]
#[should_panic(expected = "task-local value that is not set")]
fn with_outside_scope_panics_with_a_clear_message() {
    NUMBER.with(|_| ());
}

#[test]
fn scoped_future_sees_the_value_in_its_drop() {
    struct ReadOnDrop(std::sync::Arc<std::sync::Mutex<Option<u32>>>);
    impl Drop for ReadOnDrop {
        fn drop(&mut self) {
            *self.0.lock().unwrap() = NUMBER.try_with(|n| *n).ok();
        }
    }
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let guard = ReadOnDrop(seen.clone());
    let q = Queue::default();
    let (r, h) = Builder::new().spawn(
        NUMBER.scope(9, async move {
            let _g = guard;
            std::future::pending::<()>().await;
        }),
        q.schedule(),
    );
    let _: &Runnable = &r;
    r.run();
    h.abort();
    q.run_all();
    assert_eq!(*seen.lock().unwrap(), Some(9));
}
