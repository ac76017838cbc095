//! Panics that escape into the scheduler never wedge it: a driver whose park panics (as a
//! reactor does when a waker it wakes panics), and an `around_worker` wrapper that panics
//! before or after running the worker's loop. Afterwards tasks still run and dropping the
//! executor returns.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use heddle_driver::{Driver, ThreadParker};
use heddle_executor_steal::{Builder, StealExecutor};
use support::{scaled, with_watchdog};

/// A `ThreadParker` whose first `panics` parks panic (after parking, as a reactor panics
/// while waking the tasks of a turn).
struct PanickyDriver {
    inner: ThreadParker,
    panics: Arc<AtomicUsize>,
}

impl PanickyDriver {
    fn new(panics: usize) -> (PanickyDriver, Arc<AtomicUsize>) {
        let left = Arc::new(AtomicUsize::new(panics));
        let driver = PanickyDriver {
            inner: ThreadParker::new(),
            panics: left.clone(),
        };
        (driver, left)
    }

    fn maybe_panic(&self) {
        let took = self
            .panics
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if took.is_ok() {
            panic!("a waker panicked while the driver woke it");
        }
    }
}

impl Driver for PanickyDriver {
    type Unparker = <ThreadParker as Driver>::Unparker;

    fn park(&mut self) {
        self.inner.park_timeout(Duration::from_millis(1));
        self.maybe_panic();
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.inner
            .park_timeout(timeout.min(Duration::from_millis(1)));
        self.maybe_panic();
    }

    fn unparker(&self) -> Self::Unparker {
        self.inner.unparker()
    }
}

fn round_trips<D>(executor: &StealExecutor<D>, n: usize)
where
    D: Driver + Send + 'static,
    D::Unparker: Send + Sync,
{
    for i in 0..n {
        let task = executor.spawn(async move {
            heddle_task::yield_now().await;
            i
        });
        assert_eq!(executor.block_on(task).unwrap(), i);
    }
}

#[test]
fn a_driver_that_panics_while_parking_costs_no_worker() {
    for workers in [1, 2] {
        with_watchdog(60, move || {
            let (driver, left) = PanickyDriver::new(5);
            let executor = Builder::new()
                .worker_threads(workers)
                .build(driver)
                .unwrap();
            round_trips(&executor, scaled(20, 5));
            // Wait (bounded) for the idle workers to park through every panic.
            for _ in 0..2_000 {
                if left.load(Ordering::SeqCst) == 0 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            assert_eq!(left.load(Ordering::SeqCst), 0, "the driver never parked");
            round_trips(&executor, scaled(20, 5));
            drop(executor);
        });
    }
}

#[test]
fn an_around_worker_wrapper_that_panics_never_wedges_shutdown() {
    with_watchdog(60, || {
        // One wrapper panics after the loop (as a failing stop hook would): shutdown must
        // still count the thread as exited.
        let executor = Builder::new()
            .worker_threads(2)
            .around_worker(|run| {
                run();
                panic!("stop hook fails");
            })
            .build(ThreadParker::new())
            .unwrap();
        round_trips(&executor, scaled(20, 5));
        drop(executor);

        // The other panics before running the loop on one of two workers: that worker
        // retires, the other runs everything.
        let first = Arc::new(AtomicUsize::new(0));
        let executor = Builder::new()
            .worker_threads(2)
            .around_worker(move |run| {
                if first.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("start hook fails");
                }
                run();
            })
            .build(ThreadParker::new())
            .unwrap();
        round_trips(&executor, scaled(20, 5));
        drop(executor);
    });
}

/// A driver whose unparker panics (after unparking) the first time a worker thread uses it,
/// on a scheduling path outside any task poll or park.
struct PanickyUnparkDriver {
    inner: ThreadParker,
    armed: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct PanickyUnparker {
    inner: <ThreadParker as Driver>::Unparker,
    armed: Arc<AtomicUsize>,
}

impl heddle_driver::Unparker for PanickyUnparker {
    fn unpark(&self) {
        let on_worker = std::thread::current()
            .name()
            .is_some_and(|name| name.starts_with("heddle-worker"));
        // It does unpark first: an unparker that loses wake-ups can wedge any scheduler.
        self.inner.unpark();
        if on_worker && self.armed.swap(0, Ordering::SeqCst) == 1 {
            panic!("the unparker failed");
        }
    }
}

impl Driver for PanickyUnparkDriver {
    type Unparker = PanickyUnparker;

    fn park(&mut self) {
        self.inner.park();
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.inner.park_timeout(timeout);
    }

    fn unparker(&self) -> PanickyUnparker {
        PanickyUnparker {
            inner: self.inner.unparker(),
            armed: self.armed.clone(),
        }
    }
}

#[test]
fn an_unparker_that_panics_costs_no_worker_and_no_task() {
    with_watchdog(60, || {
        let armed = Arc::new(AtomicUsize::new(1));
        let executor = Builder::new()
            .worker_threads(2)
            .build(PanickyUnparkDriver {
                inner: ThreadParker::new(),
                armed: armed.clone(),
            })
            .unwrap();
        // Bursts of tasks make the workers wake each other (through the unparker) until the
        // armed panic has fired on one of them.
        for _ in 0..scaled(200, 20) {
            let tasks: Vec<_> = (0..8)
                .map(|i| {
                    executor.spawn(async move {
                        heddle_task::yield_now().await;
                        i
                    })
                })
                .collect();
            for (i, task) in tasks.into_iter().enumerate() {
                assert_eq!(executor.block_on(task).unwrap(), i);
            }
            if armed.load(Ordering::SeqCst) == 0 {
                break;
            }
        }
        round_trips(&executor, scaled(20, 5));
        drop(executor);
    });
}
