//! `shutdown_timeout` and `shutdown_background` while a worker is stuck in a long poll: once
//! the worker comes back it polls nothing more, drops every task it held exactly once, and
//! the runtime's descriptors are all closed. A test binary of its own, because it counts the
//! process's open descriptors.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use support::with_watchdog;

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Counts drops of the future it lives in.
struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Waits (bounded) until `done` holds.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "never happened: {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn stuck_worker_case(background: bool) {
    let baseline = open_descriptors();
    let runtime = heddle::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let drops = Arc::new(AtomicUsize::new(0));
    let shutting_down = Arc::new(AtomicBool::new(false));
    let polled_after_shutdown = Arc::new(AtomicBool::new(false));
    let (stuck_tx, stuck_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    const IDLE: usize = 8;

    runtime.block_on({
        let drops = drops.clone();
        let shutting_down = shutting_down.clone();
        let polled_after_shutdown = polled_after_shutdown.clone();
        async move {
            // Idle tasks that hold sockets: only the drain can drop them.
            for _ in 0..IDLE {
                let counter = DropCounter(drops.clone());
                heddle::spawn(async move {
                    let _counter = counter;
                    let _listener = heddle::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    std::future::pending::<()>().await;
                });
            }
            // A task that the stuck task wakes into the worker's LIFO slot.
            let (wake_tx, wake_rx) = heddle::sync::oneshot::channel::<()>();
            let counter = DropCounter(drops.clone());
            let flags = (shutting_down.clone(), polled_after_shutdown.clone());
            heddle::spawn(async move {
                let _counter = counter;
                let _socket = heddle::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
                let _ = wake_rx.await;
                if flags.0.load(Ordering::SeqCst) {
                    flags.1.store(true, Ordering::SeqCst);
                }
                std::future::pending::<()>().await;
            });
            let counter = DropCounter(drops.clone());
            heddle::spawn(async move {
                let _counter = counter;
                // Let the others start and park first.
                for _ in 0..20 {
                    heddle::task::yield_now().await;
                }
                wake_tx.send(()).unwrap();
                stuck_tx.send(()).unwrap();
                // Stuck in a synchronous call until the test releases it.
                let _ = release_rx.recv_timeout(Duration::from_secs(20));
                std::future::pending::<()>().await;
            });
        }
    });
    stuck_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    shutting_down.store(true, Ordering::SeqCst);
    if background {
        runtime.shutdown_background();
    } else {
        runtime.shutdown_timeout(Duration::from_millis(20));
    }
    // The tasks the stuck worker holds are still alive: it has not come back yet.
    assert!(drops.load(Ordering::SeqCst) < IDLE + 2);
    release_tx.send(()).unwrap();
    eventually("every task dropped", || {
        drops.load(Ordering::SeqCst) == IDLE + 2
    });
    eventually("descriptors back to their count before the runtime", || {
        open_descriptors() <= baseline
    });
    assert_eq!(
        drops.load(Ordering::SeqCst),
        IDLE + 2,
        "a task dropped twice"
    );
    assert!(
        !polled_after_shutdown.load(Ordering::SeqCst),
        "a task was polled after shutdown"
    );
}

#[test]
fn a_stuck_worker_drops_what_it_held_once_it_returns_after_shutdown() {
    with_watchdog(60, || {
        stuck_worker_case(false);
        stuck_worker_case(true);
    });
}
