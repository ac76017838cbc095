//! Spawning and running on the work-stealing executor: exactly once, from inside and outside,
//! under wake storms, with fairness.

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use heddle_driver::ThreadParker;
use heddle_executor_steal::{Builder, StealExecutor};
use support::{scaled, stress, with_watchdog};

fn executor(workers: usize) -> StealExecutor<ThreadParker> {
    Builder::new()
        .worker_threads(workers)
        .build(ThreadParker::new())
        .unwrap()
}

/// A bitset that records each id once and fails on a second record.
struct ExactlyOnce(Vec<AtomicBool>);

impl ExactlyOnce {
    fn new(n: usize) -> Arc<ExactlyOnce> {
        Arc::new(ExactlyOnce(
            (0..n).map(|_| AtomicBool::new(false)).collect(),
        ))
    }
    fn record(&self, id: usize) {
        assert!(
            !self.0[id].swap(true, Ordering::SeqCst),
            "task {id} ran twice"
        );
    }
    fn all_set(&self) -> bool {
        self.0.iter().all(|b| b.load(Ordering::SeqCst))
    }
}

#[test]
fn tasks_spawned_inside_run_exactly_once() {
    with_watchdog(60, || {
        let ex = executor(2);
        let n = stress(200_000, 1_000_000, 200);
        let seen = ExactlyOnce::new(n);
        let s = seen.clone();
        let spawner = ex.spawner();
        let root = ex.spawn(async move {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    let s = s.clone();
                    spawner.spawn(async move { s.record(i) })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        });
        ex.block_on(root).unwrap();
        assert!(seen.all_set());
        assert_eq!(ex.alive_tasks(), 0);
    });
}

#[test]
fn tasks_spawned_from_eight_outside_threads_run_exactly_once() {
    with_watchdog(60, || {
        let ex = executor(2);
        let per_thread = stress(20_000, 125_000, 25);
        let seen = ExactlyOnce::new(8 * per_thread);
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let spawner = ex.spawner();
                let seen = seen.clone();
                std::thread::spawn(move || {
                    (0..per_thread)
                        .map(|i| {
                            let seen = seen.clone();
                            let id = t * per_thread + i;
                            spawner.spawn(async move { seen.record(id) })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let handles: Vec<_> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        ex.block_on(async move {
            for h in handles {
                h.await.unwrap();
            }
        });
        assert!(seen.all_set());
    });
}

#[test]
fn wake_storm_from_foreign_threads_loses_nothing() {
    let reps = scaled(20, 1);
    for _ in 0..reps {
        with_watchdog(30, || {
            let ex = executor(2);
            let n = stress(5_000, 50_000, 20);
            let wakers: Arc<Mutex<Vec<Waker>>> = Arc::default();
            let registered = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..n)
                .map(|_| {
                    let wakers = wakers.clone();
                    let registered = registered.clone();
                    ex.spawn(async move {
                        let mut first = true;
                        std::future::poll_fn(|cx| {
                            if first {
                                first = false;
                                wakers.lock().unwrap().push(cx.waker().clone());
                                registered.fetch_add(1, Ordering::SeqCst);
                                Poll::Pending
                            } else {
                                Poll::Ready(())
                            }
                        })
                        .await;
                    })
                })
                .collect();
            while registered.load(Ordering::SeqCst) < n {
                std::thread::yield_now();
            }
            let all = std::mem::take(&mut *wakers.lock().unwrap());
            let chunk = all.len().div_ceil(4);
            let threads: Vec<_> = all
                .chunks(chunk)
                .map(|c| {
                    let c = c.to_vec();
                    std::thread::spawn(move || c.into_iter().for_each(Waker::wake))
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
            ex.block_on(async move {
                for h in handles {
                    h.await.unwrap();
                }
            });
        });
    }
}

/// Wakes itself and stays pending forever.
struct Spin;

impl Future for Spin {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Tasks that block their worker until a sibling runs: the sibling waits in the blocked
/// worker's short queue (too short to wake a sleeping worker), so a watching worker must see
/// the blocked one make no progress and steal it.
#[test]
fn a_task_queued_behind_a_blocked_worker_is_stolen() {
    with_watchdog(60, || {
        let ex = executor(2);
        let spawner = ex.spawner();
        for round in 0..20 {
            let started = Arc::new(AtomicUsize::new(0));
            let spawner = spawner.clone();
            let root = ex.spawn(async move {
                // Let the other worker find nothing and go to sleep first.
                std::thread::sleep(Duration::from_millis(20));
                let handles: Vec<_> = (0..2)
                    .map(|_| {
                        let started = started.clone();
                        spawner.spawn(async move {
                            started.fetch_add(1, Ordering::SeqCst);
                            // Blocks this worker until the sibling runs (bounded: the
                            // watchdog fails the test long before this gives up).
                            let deadline = std::time::Instant::now() + Duration::from_secs(50);
                            while started.load(Ordering::SeqCst) < 2 {
                                assert!(std::time::Instant::now() < deadline, "sibling never ran");
                                std::hint::spin_loop();
                            }
                        })
                    })
                    .collect();
                for h in handles {
                    h.await.unwrap();
                }
            });
            ex.block_on(root)
                .unwrap_or_else(|e| panic!("round {round}: {e:?}"));
        }
    });
}

#[test]
fn self_waking_tasks_cannot_starve_ten_thousand_others() {
    with_watchdog(60, || {
        let ex = executor(2);
        let spinners: Vec<_> = (0..2).map(|_| ex.spawn(Spin)).collect();
        let n = scaled(10_000, 50);
        let handles: Vec<_> = (0..n).map(|i| ex.spawn(async move { i })).collect();
        let done = ex.block_on(async move {
            let mut done = 0;
            for h in handles {
                h.await.unwrap();
                done += 1;
            }
            done
        });
        assert_eq!(done, n);
        for s in spinners {
            s.abort();
        }
    });
}

#[test]
fn a_ping_pong_pair_in_the_lifo_slot_cannot_starve_the_queue() {
    with_watchdog(60, || {
        let ex = executor(1);
        let stop = Arc::new(AtomicBool::new(false));
        // Two tasks that keep waking each other (each wake lands in the LIFO slot).
        let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
        let pair: Vec<_> = (0..2)
            .map(|_| {
                let slot = slot.clone();
                let stop = stop.clone();
                ex.spawn(std::future::poll_fn(move |cx| {
                    if stop.load(Ordering::SeqCst) {
                        return Poll::Ready(());
                    }
                    let other = slot.lock().unwrap().replace(cx.waker().clone());
                    if let Some(other) = other {
                        other.wake();
                    }
                    Poll::Pending
                }))
            })
            .collect();
        let victim = ex.spawn(async { 7 });
        assert_eq!(ex.block_on(victim).unwrap(), 7);
        stop.store(true, Ordering::SeqCst);
        if let Some(w) = slot.lock().unwrap().take() {
            w.wake();
        }
        for p in pair {
            p.abort();
        }
    });
}

#[test]
fn panicking_tasks_do_not_take_workers_down() {
    with_watchdog(30, || {
        let ex = executor(2);
        let failures: Vec<_> = (0..10)
            .map(|_| ex.spawn(async { panic!("boom") }))
            .collect();
        let ok = ex.spawn(async { 1 });
        ex.block_on(async move {
            for f in failures {
                assert!(f.await.unwrap_err().is_panic());
            }
            assert_eq!(ok.await.unwrap(), 1);
        });
        // Both workers still run tasks.
        let n = scaled(1_000, 10);
        let handles: Vec<_> = (0..n).map(|i| ex.spawn(async move { i })).collect();
        ex.block_on(async move {
            for h in handles {
                h.await.unwrap();
            }
        });
    });
}

#[test]
fn block_on_inside_a_worker_panics_with_advice() {
    with_watchdog(30, || {
        let ex = executor(1);
        let spawner = ex.spawner();
        let err = ex
            .block_on(ex.spawn(async move { spawner.block_on(async {}) }))
            .unwrap_err();
        let payload = err.into_panic();
        let message = payload.downcast_ref::<&str>().copied().unwrap_or_default();
        assert!(message.contains("Use `.await` instead"), "{message}");
    });
}

#[test]
fn zero_workers_and_zero_intervals_are_rejected() {
    for builder in [
        Builder::new().worker_threads(0),
        Builder::new().global_queue_interval(0),
        Builder::new().event_interval(0),
    ] {
        let err = builder.build(ThreadParker::new()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    }
}
