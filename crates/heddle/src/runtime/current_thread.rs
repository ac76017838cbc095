//! The current-thread flavor: one `LocalExecutor`, run by whichever thread is inside
//! `block_on`; other `block_on` callers wait for it (driving their own future meanwhile).

use std::future::Future;
use std::mem;
use std::pin::pin;
use std::sync::Arc;

use heddle_loom::unmodelled::{AtomicU64, Ordering};
use heddle_loom::{Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};

use heddle_driver::{Driver, ThreadParker, ThreadUnparker, Unparker};
use heddle_executor_local::{LocalExecutor, Metrics, Spawner};

use super::drivers::{RuntimeDriver, RuntimeUnparker};

pub(crate) struct CurrentThread {
    pub(crate) spawner: Spawner<RuntimeUnparker>,
    pub(crate) metrics: Metrics<RuntimeUnparker>,
    core: Mutex<Core>,
    /// The `heddle_task::thread_index` of the thread whose `block_on` runs the executor, or 0.
    driver: AtomicU64,
}

/// The executor, which one `block_on` at a time takes out to run.
struct Core {
    /// `None` while a `block_on` runs it, and after shutdown.
    executor: Option<LocalExecutor<RuntimeDriver>>,
    /// `block_on` calls on other threads waiting for the executor to come back.
    waiters: Vec<Waker>,
    /// Set when the runtime shuts down while a `block_on` holds the executor: that
    /// `block_on` drops it when done.
    shut_down: bool,
}

impl CurrentThread {
    pub(crate) fn new(executor: LocalExecutor<RuntimeDriver>) -> CurrentThread {
        CurrentThread {
            spawner: executor.spawner(),
            metrics: executor.metrics(),
            core: Mutex::new(Core {
                executor: Some(executor),
                waiters: Vec::new(),
                shut_down: false,
            }),
            driver: AtomicU64::new(0),
        }
    }

    /// Whether this thread's `block_on` is the one running the executor (`worker_index`).
    pub(crate) fn drives_here(&self) -> bool {
        self.driver.load(Ordering::Relaxed) == heddle_task::thread_index()
    }

    fn core(&self) -> MutexGuard<'_, Core> {
        self.core.lock()
    }

    /// Runs `future`, running the tasks if the executor is free, else waiting for it.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        let mut parker = ThreadParker::new();
        let waker = Waker::from(Arc::new(Waiter(parker.unparker())));
        let mut cx = Context::from_waker(&waker);
        loop {
            let executor = {
                let mut core = self.core();
                match core.executor.take() {
                    Some(executor) => Some(executor),
                    None if core.shut_down => {
                        drop(core);
                        panic!("the heddle runtime was shut down while `block_on` waited for it");
                    }
                    None => {
                        if !core.waiters.iter().any(|w| w.will_wake(&waker)) {
                            core.waiters.push(waker.clone());
                        }
                        None
                    }
                }
            };
            match executor {
                Some(executor) => {
                    self.driver
                        .store(heddle_task::thread_index(), Ordering::Relaxed);
                    let mut slot = ExecutorSlot {
                        flavor: self,
                        executor: Some(executor),
                    };
                    let executor = slot.executor.as_mut().expect("just stored");
                    return executor.run_until(future.as_mut());
                }
                None => {
                    let poll = heddle_task::coop::with_budget(|| future.as_mut().poll(&mut cx));
                    if let Poll::Ready(output) = poll {
                        return output;
                    }
                    parker.park();
                }
            }
        }
    }

    /// Drops every task (and the drivers), unless a `block_on` holds the executor, in which
    /// case that `block_on` does it when it returns.
    pub(crate) fn shutdown(&self) {
        let executor = {
            let mut core = self.core();
            core.shut_down = true;
            core.executor.take()
        };
        // Dropped outside the lock: task destructors may use the runtime's handle.
        drop(executor);
    }

    pub(crate) fn alive_tasks(&self) -> Option<usize> {
        self.core()
            .executor
            .as_ref()
            .map(LocalExecutor::alive_tasks)
    }
}

/// Gives the executor back when `block_on` returns or unwinds, and wakes the `block_on`
/// calls waiting for it. After shutdown, drops it instead.
struct ExecutorSlot<'a> {
    flavor: &'a CurrentThread,
    executor: Option<LocalExecutor<RuntimeDriver>>,
}

impl Drop for ExecutorSlot<'_> {
    fn drop(&mut self) {
        let Some(executor) = self.executor.take() else {
            return;
        };
        self.flavor.driver.store(0, Ordering::Relaxed);
        let (to_drop, waiters) = {
            let mut core = self.flavor.core();
            let waiters = mem::take(&mut core.waiters);
            if core.shut_down {
                (Some(executor), waiters)
            } else {
                core.executor = Some(executor);
                (None, waiters)
            }
        };
        drop(to_drop);
        for waker in waiters {
            waker.wake();
        }
    }
}

/// Wakes a `block_on` that is waiting without the executor.
struct Waiter(ThreadUnparker);

impl Wake for Waiter {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}
