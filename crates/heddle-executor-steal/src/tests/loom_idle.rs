//! L2: searching, parking and waking. Two workers run the real worker loop
//! (`Context::run_worker`: `next_task`, `steal_work`, `transition_to_parked` with the last
//! searcher's re-check, `Parker::park` on the driver or on the condvar,
//! `transition_from_parked`), while a third thread spawns one task through the real path
//! (registry, `Scheduler`, `schedule_remote`: injector push, then `notify_parked`). The model's
//! main thread only joins them, so loom may start the threads in any order for free.
//!
//! When it runs, the task shuts the executor down (`begin_shutdown`: flag, then unpark every
//! worker), so the workers stop only after it ran. If every worker could sleep while the
//! task sits in the injector, every thread would block for good, and loom reports that
//! interleaving as a deadlock. The task must also run exactly once.
//!
//! Loom 0.7's false reports, and what the code does so that this model runs it unchanged
//! (an atomic try-lock for the driver, loom's `thread_local!` for the worker context), are in
//! `docs/scheduler.md` ("Searching and parking").

use heddle_driver::ThreadParker;

use crate::executor;
use crate::loom::{Arc, AtomicUsize, Ordering};
use crate::shared::create_with_defaults;
use crate::worker::Context;

#[test]
fn loom_remote_spawn_runs_once_while_workers_search_and_park() {
    loom::model(|| {
        let (shared, cores) = create_with_defaults(ThreadParker::new(), 2);
        let workers: Vec<_> = cores
            .into_iter()
            .map(|core| {
                let shared = shared.clone();
                loom::thread::spawn(move || Context::run_worker(shared, core))
            })
            .collect();

        let runs = Arc::new(AtomicUsize::new(0));
        let spawner = {
            let (shared, runs) = (shared.clone(), runs.clone());
            loom::thread::spawn(move || {
                let stop = shared.clone();
                let task = executor::spawn(&shared, heddle_task::Builder::new(), async move {
                    runs.fetch_add(1, Ordering::Relaxed);
                    stop.begin_shutdown();
                });
                drop(task);
            })
        };

        spawner.join().unwrap();
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(runs.load(Ordering::Relaxed), 1);
    });
}
