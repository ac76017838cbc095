//! `LocalSet`: `!Send` tasks on both runtime flavors, `spawn_local` routed to the set, awaiting
//! and `block_on`, fairness both ways, wake-ups from other threads, drop (exactly once, on the
//! set's thread, also with late and racing wake-ups) and panics.
//!
//! The tests named `plain_*` drive the set with a minimal `block_on` of their own, without a
//! runtime or an OS poller, so they also run under miri.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, ThreadId};
use std::time::Duration;

use heddle::sync::oneshot;
use heddle::task::{JoinHandle, JoinSet, LocalSet};
use heddle::Runtime;

/// Runs `f` on a fresh thread and fails the test if it does not finish in time.
fn with_watchdog<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(value)) => value,
        Ok(Err(payload)) => std::panic::resume_unwind(payload),
        Err(_) => panic!("watchdog: did not finish within 60 s"),
    }
}

fn multi_thread() -> Runtime {
    heddle::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

fn current_thread() -> Runtime {
    heddle::Builder::new_current_thread().build().unwrap()
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Polls `future` once with a waker that does nothing.
fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(Waker::noop()))
}

/// A `block_on` without a runtime: parks the thread until the future's waker unparks it.
fn plain_block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

/// Records, in drop order, the thread each token was dropped on.
#[derive(Clone, Default)]
struct Drops(Arc<Mutex<Vec<ThreadId>>>);

impl Drops {
    fn token(&self) -> DropToken {
        DropToken(self.clone())
    }

    fn threads(&self) -> Vec<ThreadId> {
        self.0.lock().unwrap().clone()
    }
}

struct DropToken(Drops);

impl Drop for DropToken {
    fn drop(&mut self) {
        (self.0).0.lock().unwrap().push(thread::current().id());
    }
}

/// A future that hands its waker to `waker_tx` on its first poll and then never completes;
/// it counts its polls.
async fn park_waker(waker_tx: mpsc::Sender<Waker>, polls: Arc<AtomicUsize>) {
    let mut sent = false;
    std::future::poll_fn(|cx| {
        polls.fetch_add(1, Ordering::SeqCst);
        if !sent {
            sent = true;
            let _ = waker_tx.send(cx.waker().clone());
        }
        Poll::<()>::Pending
    })
    .await;
}

/// `Rc` state, `spawn_local` inside `run_until`, a timer, and oneshots sent from a plain
/// thread and from a `Send` task: everything completes, on the set's thread.
fn rc_tasks_with_timers_and_remote_wakes(runtime: Runtime) {
    let local = LocalSet::new();
    let set_thread = thread::current().id();
    let log = Rc::new(RefCell::new(Vec::new()));
    let threads = Rc::new(RefCell::new(Vec::new()));
    local.block_on(&runtime, async {
        let sleeper = heddle::spawn_local({
            let (log, threads) = (log.clone(), threads.clone());
            async move {
                heddle::time::sleep(Duration::from_millis(5)).await;
                threads.borrow_mut().push(thread::current().id());
                log.borrow_mut().push("sleep");
            }
        });
        let (from_thread_tx, from_thread_rx) = oneshot::channel();
        let from_thread = heddle::spawn_local({
            let (log, threads) = (log.clone(), threads.clone());
            async move {
                let value: u32 = from_thread_rx.await.unwrap();
                threads.borrow_mut().push(thread::current().id());
                log.borrow_mut().push("thread");
                value
            }
        });
        let (from_task_tx, from_task_rx) = oneshot::channel();
        let from_task = heddle::task::spawn_local({
            let (log, threads) = (log.clone(), threads.clone());
            async move {
                let value: u32 = from_task_rx.await.unwrap();
                threads.borrow_mut().push(thread::current().id());
                log.borrow_mut().push("task");
                value
            }
        });
        let sender = thread::spawn(move || {
            thread::sleep(Duration::from_millis(10));
            from_thread_tx.send(1).unwrap();
        });
        heddle::spawn(async move {
            heddle::time::sleep(Duration::from_millis(5)).await;
            from_task_tx.send(2).unwrap();
        });
        sleeper.await.unwrap();
        assert_eq!(from_thread.await.unwrap(), 1);
        assert_eq!(from_task.await.unwrap(), 2);
        sender.join().unwrap();
    });
    let mut log = log.borrow().clone();
    log.sort_unstable();
    assert_eq!(log, ["sleep", "task", "thread"]);
    assert!(threads.borrow().iter().all(|&id| id == set_thread));
}

#[test]
fn multi_thread_run_until_runs_rc_tasks_with_timers_and_remote_wakes() {
    with_watchdog(|| rc_tasks_with_timers_and_remote_wakes(multi_thread()));
}

#[test]
fn current_thread_run_until_runs_rc_tasks_with_timers_and_remote_wakes() {
    with_watchdog(|| rc_tasks_with_timers_and_remote_wakes(current_thread()));
}

#[test]
fn spawn_local_inside_the_set_goes_to_the_set_on_a_current_thread_runtime() {
    with_watchdog(|| {
        let runtime = current_thread();

        // Awaiting the set waits for a task that `heddle::spawn_local` started from one of
        // its tasks; had it gone to the runtime, the set would be done before it finished.
        let mut local = LocalSet::new();
        let finished = Rc::new(Cell::new(false));
        local.spawn_local({
            let finished = finished.clone();
            async move {
                heddle::spawn_local(async move {
                    heddle::time::sleep(Duration::from_millis(20)).await;
                    finished.set(true);
                });
            }
        });
        runtime.block_on(&mut local);
        assert!(finished.get());

        // A pending task spawned with `heddle::spawn_local` inside `run_until` belongs to the
        // set: dropping the set, with the runtime alive, drops it.
        let drops = Drops::default();
        let local = LocalSet::new();
        // (Returned in an array: a future that yields a bare `JoinHandle` looks like a
        // forgotten `.await` to clippy.)
        let [handle] = local.block_on(&runtime, async {
            let token = drops.token();
            [heddle::spawn_local(async move {
                let _token = token;
                std::future::pending::<()>().await;
            })]
        });
        assert!(drops.threads().is_empty());
        drop(local);
        assert_eq!(drops.threads(), [thread::current().id()]);
        assert!(runtime.block_on(handle).unwrap_err().is_cancelled());
    });
}

#[test]
fn awaiting_the_set_runs_until_all_tasks_finish() {
    with_watchdog(|| {
        for runtime in [multi_thread(), current_thread()] {
            let local = LocalSet::new();
            let done = Rc::new(Cell::new(0));
            for i in 0..10u64 {
                let done = done.clone();
                local.spawn_local(async move {
                    heddle::time::sleep(Duration::from_millis(i)).await;
                    // Tasks spawned by the set's tasks belong to the set too.
                    let inner = done.clone();
                    heddle::spawn_local(async move {
                        heddle::task::yield_now().await;
                        inner.set(inner.get() + 1);
                    });
                    done.set(done.get() + 1);
                });
            }
            runtime.block_on(local);
            assert_eq!(done.get(), 20);
        }
        // An empty set is ready at once.
        current_thread().block_on(LocalSet::new());
    });
}

#[test]
fn block_on_runs_the_future_and_the_tasks() {
    with_watchdog(|| {
        let runtime = multi_thread();
        let local = LocalSet::new();
        let rc = Rc::new(6);
        let early = local.spawn_local({
            let rc = rc.clone();
            async move { *rc }
        });
        let value = local.block_on(&runtime, async {
            let late = heddle::spawn_local({
                let rc = rc.clone();
                async move { *rc + 1 }
            });
            early.await.unwrap() * late.await.unwrap()
        });
        assert_eq!(value, 42);
        // The set can be driven again.
        assert_eq!(local.block_on(&runtime, async { 1 }), 1);
    });
}

#[test]
fn ten_thousand_yielding_tasks_all_run() {
    with_watchdog(|| {
        let runtime = multi_thread();
        let local = LocalSet::new();
        let done = Rc::new(Cell::new(0usize));
        let handles: Vec<JoinHandle<()>> = (0..10_000)
            .map(|_| {
                let done = done.clone();
                local.spawn_local(async move {
                    for _ in 0..3 {
                        heddle::task::yield_now().await;
                    }
                    done.set(done.get() + 1);
                })
            })
            .collect();
        local.block_on(&runtime, async {
            for handle in handles {
                handle.await.unwrap();
            }
        });
        assert_eq!(done.get(), 10_000);
    });
}

#[test]
fn run_until_future_and_tasks_do_not_starve_each_other() {
    with_watchdog(|| {
        for runtime in [multi_thread(), current_thread()] {
            let local = LocalSet::new();

            // A task that yields in a loop until told to stop, and a `run_until` future that
            // waits for a message from it, then tells it to stop.
            let stop = Rc::new(Cell::new(false));
            let (tx, rx) = oneshot::channel();
            let spinner = local.spawn_local({
                let stop = stop.clone();
                async move {
                    let mut tx = Some(tx);
                    for round in 0..1_000_000u32 {
                        if stop.get() {
                            return true;
                        }
                        if round == 100 {
                            let _ = tx.take().unwrap().send(());
                        }
                        heddle::task::yield_now().await;
                    }
                    false
                }
            });
            local.block_on(&runtime, async {
                rx.await.unwrap();
                stop.set(true);
                assert!(spinner.await.unwrap(), "the spinner was never told to stop");
            });

            // The other way round: a `run_until` future that yields in a loop until a task
            // (which itself keeps yielding) has run enough.
            let progress = Rc::new(Cell::new(0u32));
            let stop = Rc::new(Cell::new(false));
            local.spawn_local({
                let (progress, stop) = (progress.clone(), stop.clone());
                async move {
                    while !stop.get() && progress.get() < 1_000_000 {
                        progress.set(progress.get() + 1);
                        heddle::task::yield_now().await;
                    }
                }
            });
            let seen = local.block_on(&runtime, async {
                for _ in 0..1_000_000u32 {
                    if progress.get() >= 100 {
                        break;
                    }
                    heddle::task::yield_now().await;
                }
                stop.set(true);
                progress.get()
            });
            assert!(seen >= 100, "the set's task made no progress: {seen}");
            runtime.block_on(local);
        }
    });
}

#[test]
fn dropping_the_set_drops_idle_and_queued_futures_once_on_its_thread() {
    with_watchdog(|| {
        let runtime = multi_thread();
        let drops = Drops::default();
        let local = LocalSet::new();
        let started = Rc::new(Cell::new(0));
        let mut handles = Vec::new();
        // Idle: polled once, then waiting for ever.
        for _ in 0..5 {
            let (token, started) = (drops.token(), started.clone());
            handles.push(local.spawn_local(async move {
                let _token = token;
                started.set(started.get() + 1);
                std::future::pending::<()>().await;
            }));
        }
        local.block_on(&runtime, async {
            for _ in 0..1_000 {
                if started.get() == 5 {
                    break;
                }
                heddle::task::yield_now().await;
            }
        });
        assert_eq!(started.get(), 5);
        // Queued: spawned, never polled.
        for _ in 0..5 {
            let token = drops.token();
            handles.push(local.spawn_local(async move {
                let _token = token;
            }));
        }
        assert!(drops.threads().is_empty());
        drop(local);
        assert_eq!(drops.threads(), vec![thread::current().id(); 10]);
        for mut handle in handles {
            match poll_once(&mut handle) {
                Poll::Ready(Err(err)) => assert!(err.is_cancelled()),
                other => panic!("expected a cancelled JoinError, got {other:?}"),
            }
        }
    });
}

#[test]
fn a_task_woken_after_the_set_is_dropped_neither_runs_nor_crashes() {
    with_watchdog(|| {
        let runtime = current_thread();
        let drops = Drops::default();
        let polls = Arc::new(AtomicUsize::new(0));
        let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        // Another thread keeps the task's waker and wakes it once the set is gone.
        let waker_thread = thread::spawn(move || {
            let waker = waker_rx.recv().unwrap();
            go_rx.recv().unwrap();
            waker.wake_by_ref();
            waker.wake();
        });
        let local = LocalSet::new();
        let handle = local.spawn_local({
            let (token, polls) = (drops.token(), polls.clone());
            async move {
                let _token = token;
                park_waker(waker_tx, polls).await;
            }
        });
        local.block_on(&runtime, heddle::task::yield_now());
        assert_eq!(polls.load(Ordering::SeqCst), 1);
        drop(local);
        assert_eq!(drops.threads(), [thread::current().id()]);
        go_tx.send(()).unwrap();
        waker_thread.join().unwrap();
        assert_eq!(polls.load(Ordering::SeqCst), 1);
        assert_eq!(drops.threads().len(), 1);
        assert!(runtime.block_on(handle).unwrap_err().is_cancelled());
    });
}

#[test]
fn a_panicking_task_reports_the_panic_and_the_others_keep_running() {
    with_watchdog(|| {
        let runtime = multi_thread();
        let local = LocalSet::new();
        let after = Rc::new(Cell::new(0));
        let survivor = local.spawn_local({
            let after = after.clone();
            async move {
                for _ in 0..10 {
                    heddle::task::yield_now().await;
                    after.set(after.get() + 1);
                }
                "survived"
            }
        });
        let failing = local.spawn_local(async {
            heddle::task::yield_now().await;
            panic!("local boom");
        });
        let (failed, survived) =
            local.block_on(&runtime, async { (failing.await, survivor.await) });
        let payload = failed.unwrap_err().into_panic();
        assert_eq!(panic_message(&*payload), "local boom");
        assert_eq!(survived.unwrap(), "survived");
        assert_eq!(after.get(), 10);
        // The set still runs new tasks.
        let again = local.spawn_local(async { 3 });
        assert_eq!(local.block_on(&runtime, again).unwrap(), 3);
    });
}

#[test]
fn join_set_spawn_local_inside_a_local_set_on_a_multi_thread_runtime() {
    with_watchdog(|| {
        let runtime = multi_thread();
        let local = LocalSet::new();
        let shared = Rc::new(Cell::new(0u32));
        let sum = local.block_on(&runtime, async {
            let mut set = JoinSet::new();
            for i in 1..=10u32 {
                let shared = shared.clone();
                set.spawn_local(async move {
                    heddle::task::yield_now().await;
                    shared.set(shared.get() + i);
                    i
                });
            }
            let rc = Rc::new(100u32);
            set.spawn_local_on(async move { *rc }, &local);
            let mut sum = 0;
            while let Some(result) = set.join_next().await {
                sum += result.unwrap();
            }
            sum
        });
        assert_eq!(sum, 155);
        assert_eq!(shared.get(), 55);
    });
}

#[test]
fn outside_a_local_set_spawn_local_still_needs_a_current_thread_runtime() {
    with_watchdog(|| {
        let runtime = multi_thread();
        let local = LocalSet::new();
        local.block_on(&runtime, async {
            heddle::spawn_local(async {}).await.unwrap();
        });
        let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(async {
                drop(heddle::spawn_local(async {}));
            })
        }))
        .unwrap_err();
        let message = panic_message(&*payload);
        assert!(message.contains("current-thread"), "{message}");
        assert!(message.contains("LocalSet"), "{message}");
    });
}

#[test]
fn a_task_aborted_from_another_thread_is_cancelled() {
    with_watchdog(|| {
        let runtime = multi_thread();
        let drops = Drops::default();
        let local = LocalSet::new();
        let handle = local.spawn_local({
            let token = drops.token();
            async move {
                let _token = token;
                std::future::pending::<()>().await;
            }
        });
        let abort = handle.abort_handle();
        let result = local.block_on(&runtime, async move {
            heddle::task::yield_now().await;
            thread::spawn(move || abort.abort()).join().unwrap();
            handle.await
        });
        assert!(result.unwrap_err().is_cancelled());
        assert_eq!(drops.threads(), [thread::current().id()]);
    });
}

#[test]
fn nested_sets_each_get_their_own_tasks() {
    with_watchdog(|| {
        let runtime = current_thread();
        let outer = LocalSet::new();
        let order = Rc::new(RefCell::new(Vec::new()));
        outer.block_on(&runtime, async {
            let inner = LocalSet::new();
            let o = order.clone();
            let [leftover] = inner
                .run_until(async move {
                    heddle::spawn_local(async move { o.borrow_mut().push("inner") })
                        .await
                        .unwrap();
                    // Still inside `inner`: this task stays there, pending.
                    [heddle::spawn_local(std::future::pending::<()>())]
                })
                .await;
            // Back in `outer`.
            let o = order.clone();
            heddle::spawn_local(async move { o.borrow_mut().push("outer") })
                .await
                .unwrap();
            drop(inner);
            assert!(leftover.await.unwrap_err().is_cancelled());
        });
        assert_eq!(*order.borrow(), ["inner", "outer"]);
    });
}

#[test]
fn plain_enter_routes_spawn_local_to_the_set_without_a_runtime() {
    with_watchdog(|| {
        let local = LocalSet::new();
        let rc = Rc::new(Cell::new(0));
        let handle = {
            let _guard = local.enter();
            let rc = rc.clone();
            heddle::spawn_local(async move {
                rc.set(rc.get() + 1);
                heddle::task::spawn_local(async { 41 }).await.unwrap() + 1
            })
        };
        assert_eq!(plain_block_on(local.run_until(handle)).unwrap(), 42);
        assert_eq!(rc.get(), 1);
        // Outside the guard and the set, `heddle::spawn_local` has no runtime to use.
        assert!(std::panic::catch_unwind(|| drop(heddle::spawn_local(async {}))).is_err());
        assert!(heddle::task::Builder::new().spawn_local(async {}).is_err());
        let _guard = local.enter();
        let named = heddle::task::Builder::new()
            .name("in the set")
            .spawn_local(async { 2 })
            .unwrap();
        assert_eq!(plain_block_on(local.run_until(named)).unwrap(), 2);
    });
}

#[test]
fn plain_wakes_from_another_thread_reach_the_idle_set() {
    with_watchdog(|| {
        let local = LocalSet::new();
        let rounds = 20;
        let (to_thread, from_set) = mpsc::channel::<oneshot::Sender<u32>>();
        let echo = thread::spawn(move || {
            for (i, reply) in from_set.iter().enumerate() {
                reply.send(i as u32).unwrap();
            }
        });
        let total = plain_block_on(local.run_until(async move {
            let mut total = 0;
            for _ in 0..rounds {
                let (tx, rx) = oneshot::channel();
                to_thread.send(tx).unwrap();
                total += heddle::spawn_local(async move { rx.await.unwrap() })
                    .await
                    .unwrap();
            }
            total
        }));
        echo.join().unwrap();
        assert_eq!(total, (0..rounds).sum::<u32>());

        // Awaiting the set while its only task waits for another thread.
        let (tx, rx) = oneshot::channel::<u32>();
        let got = Rc::new(Cell::new(0));
        local.spawn_local({
            let got = got.clone();
            async move { got.set(rx.await.unwrap()) }
        });
        let sender = thread::spawn(move || tx.send(7).unwrap());
        let mut local = local;
        plain_block_on(&mut local);
        sender.join().unwrap();
        assert_eq!(got.get(), 7);
    });
}

#[test]
fn plain_drop_counts_queued_idle_and_late_woken_tasks() {
    with_watchdog(|| {
        let drops = Drops::default();
        let polls = Arc::new(AtomicUsize::new(0));
        let local = LocalSet::new();
        let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
        let idle = local.spawn_local({
            let (token, polls) = (drops.token(), polls.clone());
            async move {
                let _token = token;
                park_waker(waker_tx, polls).await;
            }
        });
        plain_block_on(local.run_until(heddle::task::yield_now()));
        assert_eq!(polls.load(Ordering::SeqCst), 1);
        let waker = waker_rx.recv().unwrap();
        let queued = local.spawn_local({
            let token = drops.token();
            async move {
                let _token = token;
            }
        });
        drop(local);
        assert_eq!(drops.threads(), vec![thread::current().id(); 2]);
        // Woken on another thread after the drop: nothing runs, nothing is dropped again.
        thread::spawn(move || waker.wake()).join().unwrap();
        assert_eq!(polls.load(Ordering::SeqCst), 1);
        assert_eq!(drops.threads().len(), 2);
        for mut handle in [idle, queued] {
            assert!(matches!(poll_once(&mut handle), Poll::Ready(Err(e)) if e.is_cancelled()));
        }
    });
}

#[test]
fn plain_wakes_racing_with_the_drop_are_harmless() {
    with_watchdog(|| {
        for _ in 0..20 {
            let drops = Drops::default();
            let polls = Arc::new(AtomicUsize::new(0));
            let local = LocalSet::new();
            let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
            for _ in 0..4 {
                let (token, polls, waker_tx) = (drops.token(), polls.clone(), waker_tx.clone());
                local.spawn_local(async move {
                    let _token = token;
                    park_waker(waker_tx, polls).await;
                });
            }
            drop(waker_tx);
            plain_block_on(local.run_until(heddle::task::yield_now()));
            let wakers: Vec<Waker> = waker_rx.iter().take(4).collect();
            assert_eq!(wakers.len(), 4);
            // A thread wakes the tasks over and over while the set is dropped.
            let stop = Arc::new(AtomicBool::new(false));
            let waking = thread::spawn({
                let stop = stop.clone();
                move || {
                    for _ in 0..100_000 {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        for waker in &wakers {
                            waker.wake_by_ref();
                        }
                        thread::yield_now();
                    }
                }
            });
            drop(local);
            stop.store(true, Ordering::SeqCst);
            waking.join().unwrap();
            assert_eq!(drops.threads(), vec![thread::current().id(); 4]);
        }
    });
}

#[test]
fn plain_one_poll_runs_a_bounded_batch_then_wakes_itself() {
    struct CountWakes(AtomicUsize);
    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let wakes = Arc::new(CountWakes(AtomicUsize::new(0)));
    let waker = Waker::from(wakes.clone());
    let mut cx = Context::from_waker(&waker);

    let mut local = LocalSet::new();
    let ran = Rc::new(Cell::new(0));
    for _ in 0..200 {
        let ran = ran.clone();
        local.spawn_local(async move { ran.set(ran.get() + 1) });
    }
    assert!(Pin::new(&mut local).poll(&mut cx).is_pending());
    let first_batch = ran.get();
    assert!(first_batch > 0 && first_batch < 200, "{first_batch}");
    assert!(wakes.0.load(Ordering::SeqCst) >= 1);
    for _ in 0..200 {
        if Pin::new(&mut local).poll(&mut cx).is_ready() {
            break;
        }
    }
    assert_eq!(ran.get(), 200);

    // `run_until` polls its future first, then a batch of tasks, on every poll.
    let log = Rc::new(RefCell::new(Vec::new()));
    for _ in 0..3 {
        let log = log.clone();
        local.spawn_local(async move { log.borrow_mut().push("task") });
    }
    let mut run = pin!(local.run_until({
        let log = log.clone();
        std::future::poll_fn(move |_| {
            log.borrow_mut().push("future");
            Poll::<()>::Pending
        })
    }));
    assert!(run.as_mut().poll(&mut cx).is_pending());
    assert!(run.as_mut().poll(&mut cx).is_pending());
    assert_eq!(*log.borrow(), ["future", "task", "task", "task", "future"]);
}

#[test]
fn send_sync_unpin_table() {
    fn is_unpin<T: Unpin>() {}
    fn is_send_sync<T: Send + Sync>() {}
    // `LocalSet` and `LocalEnterGuard` are `!Send` and `!Sync` (compile_fail doctests);
    // a set is `Unpin`, so `&mut LocalSet` can be awaited.
    is_unpin::<LocalSet>();
    is_unpin::<heddle::task::LocalEnterGuard>();
    // A `JoinHandle` of a `!Send` task may leave the thread when its output may.
    is_send_sync::<JoinHandle<u8>>();
}

#[test]
fn debug_and_default() {
    let local = LocalSet::default();
    drop(local.spawn_local(async {}));
    let text = format!("{local:?}");
    assert!(
        text.contains("LocalSet") && text.contains("alive_tasks: 1"),
        "{text}"
    );
    let guard = local.enter();
    assert!(format!("{guard:?}").contains("LocalEnterGuard"));
}
