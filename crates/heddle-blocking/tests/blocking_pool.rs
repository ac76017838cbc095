//! The blocking pool: values and panics come back, threads start on demand up to the cap and
//! exit when idle, the counters follow them, shutdown cancels what is queued.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::time::{Duration, Instant};

use futures::executor::block_on;
use heddle_blocking::BlockingPool;
use support::{eventually, with_watchdog};

#[test]
fn values_and_panics_come_back() {
    let pool = BlockingPool::new(4, Duration::from_secs(1));
    assert_eq!(block_on(pool.spawn_blocking(|| 40 + 2)).unwrap(), 42);
    let err = block_on(pool.spawn_blocking(|| panic!("blocking boom"))).unwrap_err();
    assert!(err.is_panic());
    pool.shutdown(Some(Duration::from_secs(5)));
}

/// Runs `n` closures that each wait until all `n` are running: they finish only if `n` threads
/// ran them at once.
fn run_meeting_closures(pool: &BlockingPool, n: usize) {
    let barrier = Arc::new(Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let b = barrier.clone();
            pool.spawn_blocking(move || {
                b.wait();
            })
        })
        .collect();
    for t in tasks {
        block_on(t).unwrap();
    }
}

#[test]
fn closures_run_concurrently_up_to_the_cap() {
    with_watchdog(30, || {
        let pool = BlockingPool::new(3, Duration::from_secs(1));
        // Three closures that only finish together prove three threads ran them at once.
        run_meeting_closures(&pool, 3);
        assert!(pool.threads() <= 3);
        pool.shutdown(Some(Duration::from_secs(5)));
    });
}

#[test]
fn every_closure_of_a_burst_gets_a_thread_when_all_block() {
    with_watchdog(60, || {
        // A burst is served by few woken threads while closures are short; when each one
        // blocks, every queued closure must still get a thread of its own, whether threads
        // are started (first round) or woken from idle (second round).
        const CLOSURES: usize = 12;
        let pool = BlockingPool::new(CLOSURES, Duration::from_secs(10));
        for round in 0..2 {
            run_meeting_closures(&pool, CLOSURES);
            assert_eq!(pool.threads(), CLOSURES, "round {round}");
        }
        pool.shutdown(Some(Duration::from_secs(5)));
    });
}

#[test]
fn queued_work_waits_for_a_free_thread() {
    with_watchdog(30, || {
        let pool = BlockingPool::new(1, Duration::from_secs(1));
        let ran = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let ran = ran.clone();
                pool.spawn_blocking(move || {
                    ran.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in tasks {
            block_on(t).unwrap();
        }
        assert_eq!(ran.load(Ordering::SeqCst), 20);
        assert_eq!(pool.threads(), 1);
        pool.shutdown(Some(Duration::from_secs(5)));
    });
}

#[test]
fn idle_threads_exit_after_keep_alive() {
    with_watchdog(30, || {
        let pool = BlockingPool::new(2, Duration::from_millis(20));
        block_on(pool.spawn_blocking(|| ())).unwrap();
        let start = Instant::now();
        while pool.threads() > 0 && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(pool.threads(), 0);
        pool.shutdown(Some(Duration::from_secs(5)));
    });
}

#[test]
fn shutdown_cancels_queued_closures_and_returns_within_the_timeout() {
    with_watchdog(30, || {
        let pool = BlockingPool::new(1, Duration::from_secs(10));
        let release = Arc::new(Barrier::new(2));
        let r = release.clone();
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let busy = pool.spawn_blocking(move || {
            started_tx.send(()).unwrap();
            r.wait();
        });
        // The single thread is now inside `busy`; the next closure can only queue.
        started_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        let queued = pool.spawn_blocking(|| "never");
        let start = Instant::now();
        pool.shutdown(Some(Duration::from_millis(100)));
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(block_on(queued).unwrap_err().is_cancelled());
        release.wait();
        block_on(busy).unwrap();
    });
}

#[test]
fn reports_idle_threads_and_queued_closures() {
    with_watchdog(120, || {
        let pool = BlockingPool::new(1, Duration::from_secs(60));
        let (started_tx, started_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let first = pool.spawn_blocking(move || {
            started_tx.send(()).unwrap();
            let _ = release_rx.recv();
        });
        started_rx.recv().unwrap();
        assert_eq!((pool.threads(), pool.idle_threads()), (1, 0));
        let queued: Vec<_> = (0..2).map(|_| pool.spawn_blocking(|| ())).collect();
        assert_eq!(pool.queue_depth(), 2);
        drop(release_tx);
        block_on(first).unwrap();
        for task in queued {
            block_on(task).unwrap();
        }
        assert_eq!(pool.queue_depth(), 0);
        eventually("the thread goes idle", || pool.idle_threads() == 1);
        pool.shutdown(Some(Duration::from_secs(10)));
    });
}
