//! The cooperative budget: a task that keeps getting `Ready` from heddle resources yields
//! after its budget, so it cannot starve the others; `unconstrained` lifts it; the
//! `task::coop` module lets resources from other crates take part.

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use heddle::task::coop::{self, cooperative, Coop, RestoreOnPending};

use heddle::sync::mpsc;

const MESSAGES: usize = 10_000;
/// The documented default budget (`heddle_task::coop::BUDGET`).
const BUDGET: usize = 128;

/// Spawns a consumer that drains `MESSAGES` ready messages in a tight loop, then a task that
/// records how far the consumer got when it first ran.
async fn consumed_when_other_task_ran(unconstrained: bool) -> usize {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for i in 0..MESSAGES {
        tx.send(i).unwrap();
    }
    drop(tx);
    let consumed = Arc::new(AtomicUsize::new(0));
    let c = consumed.clone();
    let drain = async move {
        while rx.recv().await.is_some() {
            c.fetch_add(1, Ordering::SeqCst);
        }
    };
    let consumer = if unconstrained {
        heddle::spawn(heddle::task::unconstrained(drain))
    } else {
        heddle::spawn(drain)
    };
    let seen = consumed.clone();
    let other = heddle::spawn(async move { seen.load(Ordering::SeqCst) });
    let at_other = other.await.unwrap();
    consumer.await.unwrap();
    assert_eq!(consumed.load(Ordering::SeqCst), MESSAGES);
    at_other
}

#[heddle::test]
async fn an_always_ready_channel_cannot_starve_other_tasks() {
    let at_other = consumed_when_other_task_ran(false).await;
    assert!(
        at_other <= 2 * BUDGET,
        "the other task ran only after {at_other} receives"
    );
}

#[heddle::test]
async fn unconstrained_lifts_the_budget() {
    let at_other = consumed_when_other_task_ran(true).await;
    assert_eq!(
        at_other, MESSAGES,
        "an unconstrained task runs until it would block"
    );
}

#[heddle::test]
async fn consume_budget_yields_eventually() {
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let spinner = heddle::spawn(async move {
        for _ in 0..10_000 {
            heddle::task::consume_budget().await;
            if r.load(Ordering::SeqCst) > 0 {
                return true;
            }
        }
        false
    });
    let other = heddle::spawn(async move {
        ran.fetch_add(1, Ordering::SeqCst);
    });
    other.await.unwrap();
    assert!(
        spinner.await.unwrap(),
        "the spinning task let the other one run"
    );
}

/// A resource from outside heddle that is always ready and never yields on its own.
struct AlwaysReady;

impl Future for AlwaysReady {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        Poll::Ready(())
    }
}

/// Spawns a task that awaits `MESSAGES` always-ready foreign futures (made cooperative or
/// not), and returns how many it had awaited when a task spawned after it first ran.
async fn foreign_loop_when_other_task_ran(cooperate: bool) -> usize {
    let done = Arc::new(AtomicUsize::new(0));
    let d = done.clone();
    let spinner = heddle::spawn(async move {
        for _ in 0..MESSAGES {
            if cooperate {
                let future: Coop<AlwaysReady> = cooperative(AlwaysReady);
                future.await;
            } else {
                AlwaysReady.await;
            }
            d.fetch_add(1, Ordering::SeqCst);
        }
    });
    let seen = done.clone();
    let at_other = heddle::spawn(async move { seen.load(Ordering::SeqCst) })
        .await
        .unwrap();
    spinner.await.unwrap();
    at_other
}

#[test]
fn cooperative_makes_a_foreign_future_yield_on_both_flavors() {
    // Both tasks are spawned from a task on the one worker, so neither starts before the
    // spawning task waits: spawned from outside, the worker could run the whole loop before
    // the second spawn, and the test would depend on the OS scheduler.
    support::with_watchdog(60, || {
        let mut multi = heddle::Builder::new_multi_thread();
        multi.worker_threads(1);
        for mut builder in [heddle::Builder::new_current_thread(), multi] {
            let runtime = builder.build().unwrap();
            let at_other = runtime
                .block_on(runtime.spawn(foreign_loop_when_other_task_ran(true)))
                .unwrap();
            assert!(
                at_other < MESSAGES,
                "the other task waited for the whole loop"
            );
        }
    });
    // Without `cooperative` the loop never yields: on one thread, the other task runs after.
    let runtime = heddle::Builder::new_current_thread().build().unwrap();
    let at_other = runtime.block_on(foreign_loop_when_other_task_ran(false));
    assert_eq!(at_other, MESSAGES);
}

#[test]
fn poll_proceed_spends_the_budget_and_gives_back_unused_units() {
    support::on_both_flavors(60, || async {
        heddle::spawn(async {
            std::future::poll_fn(|cx| {
                // Taken and not marked as progress: the unit comes back.
                for _ in 0..10 * BUDGET {
                    let restore: RestoreOnPending = match coop::poll_proceed(cx) {
                        Poll::Ready(restore) => restore,
                        Poll::Pending => panic!("units given back ran out"),
                    };
                    drop(restore);
                }
                assert!(coop::has_budget_remaining());
                // Spent: the budget runs out after BUDGET units, and the task is woken.
                let mut spent = 0;
                while let Poll::Ready(restore) = coop::poll_proceed(cx) {
                    restore.made_progress();
                    spent += 1;
                }
                assert_eq!(spent, BUDGET);
                assert!(!coop::has_budget_remaining());
                Poll::Ready(())
            })
            .await;
            // The next poll has a fresh budget.
            heddle::task::yield_now().await;
            assert!(coop::has_budget_remaining());
        })
        .await
        .unwrap();
    });
}

/// Runs `op` (always ready) `MESSAGES` times in one task, and returns how many had completed
/// when a second task first ran.
async fn ready_ops_before_other_task_ran<F, Fut>(mut op: F) -> usize
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let done = Arc::new(AtomicUsize::new(0));
    let d = done.clone();
    let looping = heddle::spawn(async move {
        for _ in 0..MESSAGES {
            op().await;
            d.fetch_add(1, Ordering::SeqCst);
        }
    });
    let seen = done.clone();
    let other = heddle::spawn(async move { seen.load(Ordering::SeqCst) });
    let at_other = other.await.unwrap();
    looping.await.unwrap();
    assert_eq!(done.load(Ordering::SeqCst), MESSAGES);
    at_other
}

#[heddle::test]
async fn locks_semaphores_notify_and_broadcast_channels_spend_the_budget() {
    use heddle::sync::{broadcast, watch, Mutex, Notify, RwLock, Semaphore};

    let mutex = Arc::new(Mutex::new(0));
    let rwlock = Arc::new(RwLock::new(0));
    let semaphore = Arc::new(Semaphore::new(1));
    let notify = Arc::new(Notify::new());
    let (btx, brx) = broadcast::channel(MESSAGES);
    for i in 0..MESSAGES {
        btx.send(i).unwrap();
    }
    let (wtx, wrx) = watch::channel(0);
    let brx = Arc::new(heddle::sync::Mutex::new(brx));
    let wrx = Arc::new(heddle::sync::Mutex::new(wrx));
    let wtx = Arc::new(wtx);

    let counts = [
        (
            "Mutex::lock",
            ready_ops_before_other_task_ran(move || {
                let mutex = mutex.clone();
                async move { *mutex.lock().await += 1 }
            })
            .await,
        ),
        (
            "RwLock::read",
            ready_ops_before_other_task_ran(move || {
                let rwlock = rwlock.clone();
                async move { drop(rwlock.read().await) }
            })
            .await,
        ),
        (
            "Semaphore::acquire",
            ready_ops_before_other_task_ran(move || {
                let semaphore = semaphore.clone();
                async move { drop(semaphore.acquire().await.unwrap()) }
            })
            .await,
        ),
        (
            "Notify::notified",
            ready_ops_before_other_task_ran(move || {
                let notify = notify.clone();
                async move {
                    notify.notify_one();
                    notify.notified().await;
                }
            })
            .await,
        ),
        (
            "broadcast::Receiver::recv",
            ready_ops_before_other_task_ran(move || {
                let brx = brx.clone();
                async move {
                    // The lock is uncontended: its unit and the receive's both count.
                    brx.try_lock().unwrap().recv().await.unwrap();
                }
            })
            .await,
        ),
        (
            "watch::Receiver::changed",
            ready_ops_before_other_task_ran(move || {
                let (wtx, wrx) = (wtx.clone(), wrx.clone());
                async move {
                    wtx.send_modify(|v| *v += 1);
                    wrx.try_lock().unwrap().changed().await.unwrap();
                }
            })
            .await,
        ),
    ];
    for (name, at_other) in counts {
        assert!(
            at_other <= 2 * BUDGET,
            "{name}: the other task ran only after {at_other} ready polls"
        );
    }
}

#[test]
fn the_block_on_future_has_a_budget_on_both_flavors() {
    support::on_both_flavors(60, || async {
        let (tx, mut rx) = mpsc::unbounded_channel();
        for i in 0..1_000 {
            tx.send(i).unwrap();
        }
        // All within one poll of the `block_on` future: the receives proceed until the
        // budget is spent, then one is `Pending` although a message is there.
        let mut ready = 0;
        let mut pending = 0;
        for _ in 0..1_000 {
            std::future::poll_fn(|cx| {
                match rx.poll_recv(cx) {
                    Poll::Ready(_) => ready += 1,
                    Poll::Pending => pending += 1,
                }
                Poll::Ready(())
            })
            .await;
        }
        assert_eq!(ready, BUDGET, "receives before the budget ran out");
        assert_eq!(pending, 1_000 - BUDGET);
        // Awaited, the rest arrive: the spent budget yields, it does not stall.
        for _ in 0..1_000 - BUDGET {
            assert!(rx.recv().await.is_some());
        }
    });
}

#[test]
fn block_in_place_lifts_the_budget() {
    support::with_watchdog(60, || {
        let runtime = heddle::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let drained = runtime.block_on(runtime.spawn(async {
            let (tx, mut rx) = mpsc::unbounded_channel();
            for i in 0..1_000 {
                tx.send(i).unwrap();
            }
            drop(tx);
            // Spend the task's budget first, then drain from a foreign `block_on`.
            while coop::has_budget_remaining() {
                let _ = rx.recv().await;
            }
            heddle::task::block_in_place(|| {
                futures::executor::block_on(async {
                    let mut drained = 0;
                    while rx.recv().await.is_some() {
                        drained += 1;
                    }
                    drained
                })
            })
        }));
        assert!(drained.unwrap() > 0);
    });
}
