//! L5, the drain's wait for an in-flight push: a `!Send` task's runnable must reach the
//! injector before the drain closes it, even when another thread woke the task just before the
//! drain's own wake (which then finds the task scheduled and does nothing).
//!
//! One idle `!Send` task (a thread-checked `LocalRunnable`, entered in the registry through a
//! real `Tracked`/`Entry`); a thread wakes it while the model's main thread, its home, closes
//! the registry and runs `drop_all_tasks` with `outstanding` saying whether a task is alive.
//! The future is dropped exactly once, on the main thread, its `JoinHandle` resolves to
//! cancelled, and the registry ends empty. The task's scheduler leaks a runnable the closed
//! injector refuses, as `heddle-executor-local` does, so a lost push shows as a future never
//! dropped.
//!
//! loom cannot see async-task's atomics; the handoffs the model relies on (the registry's
//! lock, the injector) are loom's.

use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use concurrent_queue::ConcurrentQueue;
use heddle_task::{JoinHandle, LocalRunnable};

use crate::loom::{Arc, Mutex};
use crate::{drop_all_tasks, Entry, Host, Registry, Tracked};

struct Executor {
    registry: Registry,
    injector: ConcurrentQueue<LocalRunnable>,
}

impl Host for Executor {
    type Extra = ();

    fn registry(&self) -> &Registry {
        &self.registry
    }

    fn on_task_panic(&self) {}
}

/// A future that stays pending; records the thread that drops it.
struct Idle {
    drops: Arc<Mutex<Vec<loom::thread::ThreadId>>>,
}

impl Future for Idle {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl Drop for Idle {
    fn drop(&mut self) {
        self.drops.lock().push(loom::thread::current().id());
    }
}

/// Spawns the idle task and runs it once; returns its handle.
fn spawn_idle(
    executor: &Arc<Executor>,
    drops: &Arc<Mutex<Vec<loom::thread::ThreadId>>>,
) -> JoinHandle<()> {
    let future = Idle {
        drops: drops.clone(),
    };
    let mut shard = executor.registry.shard(0);
    let key = shard.vacant_key();
    // SAFETY: the task's scheduler below holds an `Arc` of the executor.
    let entry = unsafe { Entry::new(&**executor, 0, key, true) };
    let scheduler = executor.clone();
    let (runnable, handle) = heddle_task::Builder::new().spawn_local_checked(
        Tracked::new(future, entry),
        move |runnable: LocalRunnable| {
            if let Err(refused) = scheduler.injector.push(runnable) {
                mem::forget(refused.into_inner());
            }
        },
    );
    shard.insert_local_task(key, &runnable);
    drop(shard);
    runnable.run();
    handle
}

/// Spawns the task, wakes it from another thread while the main thread drains with
/// `outstanding`, and checks every promise of the module docs.
fn wake_during_drain(outstanding: impl Fn(&Executor) -> bool) {
    let executor = Arc::new(Executor {
        registry: Registry::new(1),
        injector: ConcurrentQueue::unbounded(),
    });
    let drops = Arc::new(Mutex::new(Vec::new()));
    let mut handle = spawn_idle(&executor, &drops);
    // Another thread wakes the task with a clone of its waker, taken from the registry: the
    // registry's lock is a handoff loom sees, so loom places the wake anywhere among the
    // drain's rounds, including between the task's state change and its push.
    let waking = {
        let executor = executor.clone();
        loom::thread::spawn(move || {
            for waker in executor.registry.live_wakers() {
                waker.wake();
            }
        })
    };
    executor.registry.close();
    drop_all_tasks(
        &executor.registry,
        &executor.injector,
        |_| {},
        drop,
        || outstanding(&executor),
    );
    waking.join().unwrap();

    assert_eq!(
        *drops.lock(),
        [loom::thread::current().id()],
        "the future is dropped once, on its home thread"
    );
    let mut cx = Context::from_waker(Waker::noop());
    match Pin::new(&mut handle).poll(&mut cx) {
        Poll::Ready(Err(error)) => assert!(error.is_cancelled(), "{error}"),
        other => panic!("the JoinHandle did not resolve to cancelled: {other:?}"),
    }
    assert!(executor.registry.is_empty());
}

#[test]
fn loom_drain_waits_for_a_wake_in_flight() {
    loom::model(|| wake_during_drain(|executor| !executor.registry.is_empty()));
}

/// The model explores the race it claims to: a drain that does not wait for the in-flight
/// push closes the injector under it, and the task is never dropped (run with
/// `--cfg loom --cfg loom_selftest`).
#[cfg(loom_selftest)]
#[test]
#[should_panic(expected = "the future is dropped once, on its home thread")]
fn loom_selftest_finds_a_push_after_the_close() {
    loom::model(|| wake_during_drain(|_| false));
}
