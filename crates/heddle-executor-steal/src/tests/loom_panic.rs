//! Shutdown on a task panic (`Builder::shutdown_on_panic`): the panicking worker stops the
//! executor and, as the last worker out, wakes the `block_on` calls, while a `block_on`
//! registers its waker and then checks the flag. Either the `block_on` sees the flag or its
//! waker is woken: it never sleeps through the shutdown.

use std::task::{Wake, Waker};

use heddle_driver::ThreadParker;

use crate::loom::{Arc, AtomicBool, AtomicUsize, Ordering};
use crate::shared::{self, Config};
use crate::worker::ThreadConfig;

struct Flag(Arc<AtomicBool>);

impl Wake for Flag {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.store(true, Ordering::Release);
    }
}

#[test]
fn loom_block_on_never_misses_a_panic_shutdown() {
    loom::model(|| {
        let config = Config {
            global_queue_interval: 1,
            event_interval: 1,
            shutdown_on_panic: true,
        };
        let threads = ThreadConfig {
            name: String::new(),
            name_fn: None,
            on_park: None,
            on_unpark: None,
            stack_size: None,
            around: None,
            next_id: AtomicUsize::new(0),
        };
        let (shared, _cores) = shared::create(ThreadParker::new(), 1, config, threads);

        let worker = {
            let shared = shared.clone();
            loom::thread::spawn(move || {
                shared.on_task_panic();
                shared.on_workers_stopped();
            })
        };

        let woken = Arc::new(AtomicBool::new(false));
        let key = shared.add_panic_waiter(Waker::from(std::sync::Arc::new(Flag(woken.clone()))));
        let seen = shared.stopped_by_panic();
        worker.join().unwrap();
        shared.remove_panic_waiter(key);

        assert!(shared.is_shutdown());
        assert!(
            seen || woken.load(Ordering::Acquire),
            "block_on neither saw the shutdown nor was woken"
        );
    });
}
