//! A timer whose waker panics when it fires, on both runtime flavors: the panic stays inside
//! the timer driver, so the runtime keeps running tasks and shuts down normally.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Wake, Waker};
use std::time::Duration;

use heddle::Runtime;

#[derive(Debug, Clone, Copy)]
enum Flavor {
    CurrentThread,
    MultiThread,
}

const FLAVORS: [Flavor; 2] = [Flavor::CurrentThread, Flavor::MultiThread];

fn rt(flavor: Flavor) -> Runtime {
    match flavor {
        Flavor::CurrentThread => heddle::Builder::new_current_thread().build().unwrap(),
        Flavor::MultiThread => heddle::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    }
}

/// Runs `f` on a thread and fails if it does not finish within ten seconds.
fn with_watchdog(f: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(panic::catch_unwind(AssertUnwindSafe(f)));
    });
    match finished.recv_timeout(Duration::from_secs(10)) {
        Ok(Ok(())) => {}
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(_) => panic!("hung"),
    }
}

/// Counts its wakes, then panics.
struct PanickingWaker {
    wakes: AtomicUsize,
}

impl Wake for PanickingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        panic!("this waker panics on purpose");
    }
}

#[test]
fn a_panicking_timer_waker_does_not_take_the_runtime_down() {
    for flavor in FLAVORS {
        with_watchdog(move || {
            let runtime = rt(flavor);
            let wakes = runtime.block_on(async {
                let task = heddle::spawn(async {
                    let waker = Arc::new(PanickingWaker {
                        wakes: AtomicUsize::new(0),
                    });
                    let mut bad = Box::pin(heddle::time::sleep(Duration::from_millis(5)));
                    let polled = bad
                        .as_mut()
                        .poll(&mut Context::from_waker(&Waker::from(waker.clone())));
                    assert!(polled.is_pending());
                    // Keep the sleep registered past its deadline, so the driver fires it and
                    // calls the panicking waker while this task waits on a sleep of its own.
                    heddle::time::sleep(Duration::from_millis(30)).await;
                    assert!(bad.is_elapsed());
                    waker.wakes.load(Ordering::SeqCst)
                });
                let wakes = task.await.expect("the task itself does not panic");
                for i in 0..20_u32 {
                    let round_trip = heddle::spawn(async move { i + 1 }).await;
                    assert_eq!(round_trip.expect("round trip"), i + 1);
                }
                wakes
            });
            assert_eq!(wakes, 1, "{flavor:?}: the panicking waker was called once");
            drop(runtime);
        });
    }
}
