//! The multi-thread flavor: a `StealExecutor` over the driver stack.

use heddle_loom::Mutex;
use std::time::Duration;

use heddle_executor_steal::{Metrics, Spawner, StealExecutor};

use super::drivers::RuntimeDriver;

pub(crate) struct MultiThread {
    pub(crate) spawner: Spawner<RuntimeDriver>,
    pub(crate) metrics: Metrics<RuntimeDriver>,
    /// Taken by shutdown.
    executor: Mutex<Option<StealExecutor<RuntimeDriver>>>,
}

impl MultiThread {
    pub(crate) fn new(executor: StealExecutor<RuntimeDriver>) -> MultiThread {
        MultiThread {
            spawner: executor.spawner(),
            metrics: executor.metrics(),
            executor: Mutex::new(Some(executor)),
        }
    }

    pub(crate) fn shutdown(&self, timeout: Option<Duration>) {
        let executor = self.executor.lock().take();
        match (executor, timeout) {
            (Some(executor), Some(timeout)) => executor.shutdown_timeout(timeout),
            // Dropping shuts down and waits for the workers.
            (Some(executor), None) => drop(executor),
            (None, _) => {}
        }
    }

    pub(crate) fn alive_tasks(&self) -> Option<usize> {
        self.executor
            .lock()
            .as_ref()
            .map(StealExecutor::alive_tasks)
    }
}
