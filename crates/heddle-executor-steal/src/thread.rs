//! Worker threads: starting one for a core (at build time, or as `block_in_place`'s
//! replacement), running the worker's loop inside the `around_worker` wrapper, and the exit
//! bookkeeping that runs however the thread ends (`WorkerExit`), so that shutdown never waits
//! for a thread that is gone.

use std::io;
use std::sync::Arc as StdArc;
use std::thread;

use heddle_driver::Driver;

use crate::loom::{Arc, Ordering};
use crate::shared::Shared;
use crate::worker::{Context, Core};

/// Starts a worker thread running `core`. On failure gives the core back.
#[allow(clippy::type_complexity)]
pub(crate) fn spawn_worker_thread<D: Driver + Send + 'static>(
    shared: &Arc<Shared<D>>,
    core: Box<Core<D>>,
) -> Result<thread::JoinHandle<()>, (io::Error, Box<Core<D>>)> {
    let id = shared.threads.next_id.fetch_add(1, Ordering::Relaxed);
    let name = match &shared.threads.name_fn {
        Some(name_fn) => name_fn().replace('\0', ""),
        None => format!("{}-{id}", shared.threads.name),
    };
    let mut builder = thread::Builder::new().name(name);
    if let Some(bytes) = shared.threads.stack_size {
        builder = builder.stack_size(bytes);
    }
    // Counted before the thread starts, so that shutdown waits for it.
    shared.started.fetch_add(1, Ordering::AcqRel);
    let worker_shared = shared.clone();
    // The core travels through a slot so that a failed spawn can give it back.
    let slot = StdArc::new(crate::loom::unmodelled::Mutex::new(Some(core)));
    let thread_slot = slot.clone();
    let spawned = builder.spawn(move || {
        let core = thread_slot.lock().take();
        if let Some(core) = core {
            run_worker_thread(worker_shared, core);
        }
    });
    spawned.map_err(|error| {
        shared.started.fetch_sub(1, Ordering::AcqRel);
        let core = slot
            .lock()
            .take()
            .expect("the thread never started, so the core is still here");
        (error, core)
    })
}

/// `block_in_place`: starts a replacement worker for `core`; gives it back on failure.
pub(crate) fn start_worker<D: Driver + Send + 'static>(
    shared: &Arc<Shared<D>>,
    core: Box<Core<D>>,
) -> Result<(), Box<Core<D>>> {
    spawn_worker_thread(shared, core)
        .map(drop)
        .map_err(|(_, core)| core)
}

fn run_worker_thread<D: Driver + Send + 'static>(shared: Arc<Shared<D>>, core: Box<Core<D>>) {
    let index = core.index;
    let mut exit = WorkerExit {
        shared: &shared,
        index,
        core: Some(core),
        ran: false,
    };
    let around = shared.threads.around.clone();
    let mut run = || {
        if let Some(core) = exit.core.take() {
            exit.ran = true;
            exit.core = Context::run_worker(shared.clone(), core);
        }
    };
    match &around {
        Some(around) => around(&mut run),
        None => run(),
    }
}

/// A worker thread's exit, run however the thread ends (its `around` wrapper may panic):
/// hands the core back for the shutdown drain and counts the thread as exited, so shutdown
/// never waits for a thread that is gone.
struct WorkerExit<'a, D: Driver + Send + 'static> {
    shared: &'a Arc<Shared<D>>,
    index: usize,
    /// The core while the loop does not hold it: before it ran, and after it returned it.
    /// `None` after a hand-off (`block_in_place`) or a retirement.
    core: Option<Box<Core<D>>>,
    /// Whether the loop was entered at all.
    ran: bool,
}

impl<D: Driver + Send + 'static> Drop for WorkerExit<'_, D> {
    fn drop(&mut self) {
        let shared = &**self.shared;
        let core = self.core.take();
        if !self.ran && !shared.is_shutdown() {
            // The wrapper never ran the loop (it panicked, or broke its contract): the
            // worker retires, so that nobody waits for it to pick up work.
            shared.retire_worker(self.index, core);
        } else {
            let mut cores = shared.cores.lock();
            cores.extend(core);
        }
        let mut exited = shared.exited.lock();
        *exited += 1;
        let last = *exited == shared.started.load(Ordering::Acquire);
        shared.exited_cv.notify_all();
        drop(exited);
        if last {
            shared.on_workers_stopped();
        }
        if last && shared.drain_on_exit.load(Ordering::Acquire) {
            // Shutdown could not wait for this thread (it was shut down from a task, or
            // this worker was stuck past the timeout, or it had handed its core off): the
            // last worker out drops the tasks.
            shared.drop_tasks();
        }
    }
}
