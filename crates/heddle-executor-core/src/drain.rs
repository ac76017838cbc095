//! [`drop_all_tasks`]: the shutdown drain both executors run, once their workers have stopped.

use concurrent_queue::ConcurrentQueue;
use heddle_task::Runnable;

use crate::Registry;

/// Drops every task of a closed executor exactly once, with no lock held while a task is
/// dropped.
///
/// Repeats until a round finds nothing: wake every task in `registry` (an idle task is
/// scheduled, so its runnable reaches a queue; a scheduled one is there already), then hand
/// every runnable that `drain_local` yields and every one `injector` holds to `dispose`
/// (normally `drop`, which drops the future). A destructor may wake tasks or spawn; spawns
/// must be cancelled by then ([`Registry::close`]), so each round drops at least one task and
/// the loop ends. Then the injector is closed, and what a last push put in is disposed of too.
///
/// `dispose` decides what dropping means: an executor whose `!Send` tasks may not be dropped
/// on this thread leaks them instead.
///
/// # Examples
///
/// ```
/// use concurrent_queue::ConcurrentQueue;
/// use heddle_executor_core::{drop_all_tasks, Registry};
///
/// let registry: Registry = Registry::new(1);
/// let injector = ConcurrentQueue::unbounded();
/// let (runnable, handle) = heddle_task::Builder::new().spawn(async {}, |_| {});
/// injector.push(runnable).unwrap();
/// registry.close();
/// drop_all_tasks(&registry, &injector, |_| {}, drop);
/// assert!(handle.is_finished());
/// assert!(injector.is_closed());
/// ```
pub fn drop_all_tasks<X>(
    registry: &Registry<X>,
    injector: &ConcurrentQueue<Runnable>,
    mut drain_local: impl FnMut(&mut dyn FnMut(Runnable)),
    mut dispose: impl FnMut(Runnable),
) {
    loop {
        for waker in registry.live_wakers() {
            waker.wake();
        }
        let mut found = 0usize;
        drain_local(&mut |runnable| {
            found += 1;
            dispose(runnable);
        });
        while let Ok(runnable) = injector.pop() {
            found += 1;
            dispose(runnable);
        }
        if found == 0 {
            break;
        }
    }
    injector.close();
    while let Ok(runnable) = injector.pop() {
        dispose(runnable);
    }
}
