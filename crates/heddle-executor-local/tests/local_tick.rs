//! `LocalExecutor::tick`: driving the executor by polling, from a future, without blocking.

mod support;

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use heddle_driver::ThreadParker;
use heddle_executor_local::{Builder, LocalExecutor};
use support::{scaled, DropCounter};

fn polled() -> LocalExecutor<ThreadParker> {
    Builder::new().poll_driven(true).build(ThreadParker::new())
}

/// A waker that counts its wake-ups.
#[derive(Default)]
struct CountWakes(AtomicUsize);

impl Wake for CountWakes {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// The message of a panic payload (`&str` or `String`).
fn message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

fn counting_waker() -> (Arc<CountWakes>, Waker) {
    let wakes = Arc::new(CountWakes::default());
    (wakes.clone(), Waker::from(wakes))
}

#[test]
fn a_tick_runs_a_bounded_batch_and_wakes_the_caller_while_tasks_remain() {
    let mut executor = polled();
    let (wakes, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let ran = Rc::new(Cell::new(0));
    for _ in 0..10 {
        let ran = ran.clone();
        executor.spawn_local(async move { ran.set(ran.get() + 1) });
    }
    assert!(executor.tick(4, &mut cx));
    assert_eq!(ran.get(), 4);
    assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
    assert!(executor.tick(4, &mut cx));
    assert!(!executor.tick(4, &mut cx));
    assert_eq!(ran.get(), 10);
    // Nothing queued: the waker is registered, not woken.
    assert_eq!(wakes.0.load(Ordering::SeqCst), 2);
    assert_eq!(executor.alive_tasks(), 0);
}

#[test]
fn a_wake_from_another_thread_wakes_the_registered_waker() {
    let mut executor = polled();
    let (wakes, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let rounds = scaled(20, 5);
    let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
    let got = Rc::new(Cell::new(0));
    let task = executor.spawn_local({
        let got = got.clone();
        async move {
            for _ in 0..rounds {
                let mut sent = false;
                std::future::poll_fn(|cx| {
                    if sent {
                        return Poll::Ready(());
                    }
                    sent = true;
                    waker_tx.send(cx.waker().clone()).unwrap();
                    Poll::Pending
                })
                .await;
                got.set(got.get() + 1);
            }
        }
    });
    for round in 0..rounds {
        let before = wakes.0.load(Ordering::SeqCst);
        assert!(
            !executor.tick(8, &mut cx),
            "round {round}: nothing stays queued"
        );
        let task_waker = waker_rx.recv().unwrap();
        thread::spawn(move || task_waker.wake()).join().unwrap();
        assert_eq!(wakes.0.load(Ordering::SeqCst), before + 1, "round {round}");
    }
    assert!(!executor.tick(8, &mut cx));
    assert_eq!(got.get(), rounds);
    assert!(task.is_finished());

    // A spawn from another thread wakes it too.
    let before = wakes.0.load(Ordering::SeqCst);
    let spawner = executor.spawner();
    let remote = thread::spawn(move || spawner.spawn(async { 7 }))
        .join()
        .unwrap();
    assert_eq!(wakes.0.load(Ordering::SeqCst), before + 1);
    assert!(!executor.tick(8, &mut cx));
    assert!(remote.is_finished());
}

#[test]
fn tick_without_poll_driven_panics_with_advice() {
    let mut executor = LocalExecutor::new(ThreadParker::new());
    let mut cx = Context::from_waker(Waker::noop());
    let payload = panic::catch_unwind(AssertUnwindSafe(|| executor.tick(1, &mut cx))).unwrap_err();
    let message = message(payload);
    assert!(message.contains("poll_driven(true)"), "{message}");
}

#[test]
fn a_panicking_task_only_reports_the_panic() {
    let mut executor = polled();
    let mut cx = Context::from_waker(Waker::noop());
    let failing = executor.spawn_local(async { panic!("tick boom") });
    let fine = executor.spawn_local(async { 1 });
    assert!(!executor.tick(8, &mut cx));
    assert!(executor.run_until(failing).unwrap_err().is_panic());
    assert_eq!(executor.run_until(fine).unwrap(), 1);
}

#[test]
fn with_shutdown_on_panic_tick_stops_and_panics() {
    let mut executor = Builder::new()
        .poll_driven(true)
        .shutdown_on_panic(true)
        .build(ThreadParker::new());
    let mut cx = Context::from_waker(Waker::noop());
    let drops = DropCounter::default();
    executor.spawn_local(async { panic!("tick boom") });
    let token = drops.token();
    let after = executor.spawn_local(async move { drop(token) });
    let payload = panic::catch_unwind(AssertUnwindSafe(|| executor.tick(8, &mut cx))).unwrap_err();
    let message = message(payload);
    assert!(
        message.contains("shut down on unhandled panic"),
        "{message}"
    );
    // The task after the panicking one never ran; dropping the executor drops it.
    assert!(!after.is_finished());
    drop(executor);
    assert_eq!(drops.count(), 1);
}

#[test]
fn dropping_the_executor_drops_idle_local_tasks_on_this_thread() {
    let mut executor = polled();
    let mut cx = Context::from_waker(Waker::noop());
    let drops = DropCounter::default();
    let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
    for _ in 0..4 {
        let (token, waker_tx) = (drops.token(), waker_tx.clone());
        executor.spawn_local(async move {
            let _token = token;
            let rc = Rc::new(());
            std::future::poll_fn(|cx| {
                let _ = waker_tx.send(cx.waker().clone());
                Poll::<()>::Pending
            })
            .await;
            drop(rc);
        });
    }
    assert!(!executor.tick(8, &mut cx));
    let wakers: Vec<Waker> = waker_rx.try_iter().collect();
    assert_eq!(wakers.len(), 4);
    // Another thread keeps waking them while the executor is dropped.
    let waking = thread::spawn(move || {
        for _ in 0..scaled(1_000, 10) {
            for waker in &wakers {
                waker.wake_by_ref();
            }
        }
    });
    drop(executor);
    waking.join().unwrap();
    assert_eq!(drops.count(), 4);
}
