//! L5: shutdown vs spawn vs wake-from-`Drop`. One thread shuts down as
//! `StealExecutor::shutdown` does once the workers have exited (`begin_shutdown`: flag,
//! registry closed, workers unparked; then `drop_tasks`: wake every registered task, drain
//! the queues, repeat until a round finds nothing, close the injector). Meanwhile one thread
//! spawns through the real path, and another wakes an idle task whose future's destructor
//! wakes a second idle task and spawns a third.
//!
//! Every future is dropped exactly once, every `JoinHandle` resolves (to cancelled: nothing
//! runs), the registry ends empty, and no thread blocks for good. Nothing leaks either: loom
//! fails the model if a waker or a task outlives it (they hold `Arc`s of the executor).
//!
//! The tasks are real (async-task through `heddle_task`), but loom cannot see async-task's
//! atomics: the model relies only on handoffs loom sees (mutexes, the injector), so the
//! protocol checked is the registry's and the drain's, with async-task taken as correct.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use heddle_driver::ThreadParker;
use heddle_task::JoinHandle;

use crate::executor;
use crate::loom::{Arc, AtomicUsize, Mutex, Ordering};
use crate::shared::create_with_defaults;

/// Counts the drops of the future that owns it.
struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// A future that leaves its waker in `waker` and stays pending; on drop it runs `on_drop`.
struct Idle {
    waker: Arc<Mutex<Option<Waker>>>,
    on_drop: Option<Box<dyn FnOnce() + Send>>,
    _count: DropCount,
}

impl Future for Idle {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.waker.lock() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for Idle {
    fn drop(&mut self) {
        if let Some(on_drop) = self.on_drop.take() {
            on_drop();
        }
    }
}

fn assert_cancelled(name: &str, handle: JoinHandle<()>) {
    let mut handle = handle;
    let mut cx = Context::from_waker(Waker::noop());
    match Pin::new(&mut handle).poll(&mut cx) {
        Poll::Ready(Err(error)) => assert!(error.is_cancelled(), "{name}: {error}"),
        Poll::Ready(Ok(())) => panic!("{name} ran, but no worker runs tasks in this model"),
        Poll::Pending => panic!("{name}'s JoinHandle never resolves"),
    }
}

#[test]
fn loom_shutdown_drops_each_future_once_despite_spawns_and_wakes_from_drop() {
    loom::model(|| {
        // One worker, already exited: its core is back with the shared state.
        let (shared, cores) = create_with_defaults(ThreadParker::new(), 1);
        shared.cores.lock().extend(cores);
        let counts: [Arc<AtomicUsize>; 4] = std::array::from_fn(|_| Arc::new(AtomicUsize::new(0)));
        let [first, second, spawned, late] = counts.clone();
        let spawn = |future| executor::spawn(&shared, heddle_task::Builder::new(), future);

        // Two idle tasks: each polled once, its waker held outside the executor. Dropping
        // the first wakes the second and spawns a third (after the registry closed, so the
        // spawn is cancelled; its handle is kept to check it resolves).
        let second_waker = Arc::new(Mutex::new(None));
        let second_task = spawn(Idle {
            waker: second_waker.clone(),
            on_drop: None,
            _count: DropCount(second),
        });
        let first_waker = Arc::new(Mutex::new(None));
        let late_handle = Arc::new(Mutex::new(None));
        let on_drop = {
            let (shared, late_handle) = (shared.clone(), late_handle.clone());
            move || {
                if let Some(waker) = second_waker.lock().take() {
                    waker.wake();
                }
                let count = DropCount(late);
                let handle = executor::spawn(&shared, heddle_task::Builder::new(), async move {
                    drop(count);
                });
                *late_handle.lock() = Some(handle);
            }
        };
        let first_task = spawn(Idle {
            waker: first_waker.clone(),
            on_drop: Some(Box::new(on_drop)),
            _count: DropCount(first),
        });
        while let Ok(runnable) = shared.injector.pop() {
            runnable.run();
        }

        let waking = loom::thread::spawn(move || {
            let waker = first_waker.lock().take();
            waker.expect("the first task is idle").wake();
        });
        let spawning = {
            let shared = shared.clone();
            loom::thread::spawn(move || {
                let count = DropCount(spawned);
                executor::spawn(&shared, heddle_task::Builder::new(), async move {
                    drop(count);
                })
            })
        };

        let shutting_down = {
            let shared = shared.clone();
            loom::thread::spawn(move || {
                assert!(shared.begin_shutdown());
                shared.drop_tasks();
            })
        };

        shutting_down.join().unwrap();
        waking.join().unwrap();
        let spawned_task = spawning.join().unwrap();
        for (name, count) in ["first", "second", "spawned", "late"].iter().zip(&counts) {
            assert_eq!(count.load(Ordering::Relaxed), 1, "{name} future drops");
        }
        assert_cancelled("first", first_task);
        assert_cancelled("second", second_task);
        assert_cancelled("spawned", spawned_task);
        let late_task = late_handle.lock().take();
        assert_cancelled("late", late_task.expect("the first future's drop spawned"));
        assert_eq!(shared.registry.len(), 0);
    });
}
