//! [`drop_all_tasks`]: the shutdown drain both executors run, once their workers have stopped.

use concurrent_queue::ConcurrentQueue;

use crate::loom::Backoff;
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
/// A round can also find nothing while a task is still alive because another thread woke it
/// just before: the task is scheduled, but that thread has not pushed its runnable yet. For
/// tasks that only this thread may drop (`!Send` tasks at home), that push must not meet a
/// closed injector, so while `outstanding()` says such tasks are alive, the drain waits for
/// the push and looks again. It stops waiting when the thread is unwinding: the task harness
/// then leaks futures rather than dropping them, so their tasks stay alive.
///
/// `R` is whatever the executor queues (a `Runnable`, or an enum that also holds the
/// `LocalRunnable`s of `!Send` tasks); `dispose` decides what dropping means.
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
/// drop_all_tasks(&registry, &injector, |_| {}, drop, || false);
/// assert!(handle.is_finished());
/// assert!(injector.is_closed());
/// ```
pub fn drop_all_tasks<X, R>(
    registry: &Registry<X>,
    injector: &ConcurrentQueue<R>,
    mut drain_local: impl FnMut(&mut dyn FnMut(R)),
    mut dispose: impl FnMut(R),
    mut outstanding: impl FnMut() -> bool,
) {
    let mut backoff = Backoff::default();
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
            if !outstanding() || std::thread::panicking() {
                break;
            }
            // A push from another thread is in flight (see above).
            backoff.snooze();
        }
    }
    injector.close();
    while let Ok(runnable) = injector.pop() {
        dispose(runnable);
    }
}
