//! A driver whose park panics (as a reactor does when a waker it wakes panics) never unwinds
//! into `block_on`: the executor treats it as a spurious wake-up and goes on.

use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use heddle_driver::{Driver, ThreadParker};
use heddle_executor_local::LocalExecutor;

/// A `ThreadParker` whose first `panics` parks panic after parking.
struct PanickyDriver {
    inner: ThreadParker,
    panics: Arc<AtomicUsize>,
}

impl Driver for PanickyDriver {
    type Unparker = <ThreadParker as Driver>::Unparker;

    fn park(&mut self) {
        self.park_timeout(Duration::from_millis(1));
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.inner
            .park_timeout(timeout.min(Duration::from_millis(1)));
        let took = self
            .panics
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if took.is_ok() {
            panic!("a waker panicked while the driver woke it");
        }
    }

    fn unparker(&self) -> Self::Unparker {
        self.inner.unparker()
    }
}

#[test]
fn a_driver_that_panics_while_parking_never_unwinds_into_block_on() {
    let left = Arc::new(AtomicUsize::new(3));
    let mut executor = LocalExecutor::new(PanickyDriver {
        inner: ThreadParker::new(),
        panics: left.clone(),
    });
    for i in 0..20 {
        // A task that another thread completes: the executor parks until then.
        let flag = Arc::new(AtomicBool::new(false));
        let task = executor.spawn(poll_fn(move |cx| {
            if flag.load(Ordering::SeqCst) {
                return Poll::Ready(i);
            }
            let (flag, waker) = (flag.clone(), cx.waker().clone());
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(2));
                flag.store(true, Ordering::SeqCst);
                waker.wake();
            });
            Poll::Pending
        }));
        assert_eq!(executor.block_on(task).unwrap(), i);
    }
    assert_eq!(left.load(Ordering::SeqCst), 0, "the driver never parked");
}
