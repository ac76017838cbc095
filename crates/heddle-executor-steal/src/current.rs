//! Which worker runs on this thread: a thread-local entry, set by a worker's loop for its
//! duration and restored by a guard however the loop ends. The [`Scheduler`] reads it to put
//! a task woken by the running task straight onto that worker's core; `block_in_place` uses it
//! to hand the worker's core to a new thread.
//!
//! [`Scheduler`]: crate::shared::Scheduler

use std::cell::Cell;

use heddle_driver::Driver;

use crate::shared::Shared;
use crate::worker::Context;

/// Hands the worker's core to a new thread; see [`block_in_place`].
pub(crate) type HandOff = fn(*const ()) -> bool;

/// A thread's `CONTEXT` entry: the key of the worker's executor's `Shared` (0: not a worker),
/// a pointer to its `Context`, how to hand its core off, and the core's index.
pub(crate) type Entry = (usize, *const (), HandOff, usize);

/// The entry of a thread that is not a worker.
const NOT_A_WORKER: Entry = (0, std::ptr::null(), no_hand_off as HandOff, 0);

fn no_hand_off(_: *const ()) -> bool {
    false
}

#[cfg(not(loom))]
thread_local! {
    /// The worker running on this thread: the key of its executor's `Shared`, a pointer to
    /// its `Context`, and how to hand its core off. Key 0: not a worker.
    pub(crate) static CONTEXT: Cell<Entry> = const { Cell::new(NOT_A_WORKER) };
    /// The key of the executor whose worker this thread was until it handed its core off
    /// (`block_in_place`); 0 if none. Such a thread exits once its task returns, so a
    /// shutdown started on it must not wait for it.
    pub(crate) static HANDED_OFF: Cell<usize> = const { Cell::new(0) };
}

// Loom runs every model thread on one OS thread: the models need loom's per-model-thread
// storage to run the real worker loop (its macro takes no `const` initializer).
#[cfg(loom)]
loom::thread_local! {
    pub(crate) static CONTEXT: Cell<Entry> = Cell::new(NOT_A_WORKER);
    pub(crate) static HANDED_OFF: Cell<usize> = Cell::new(0);
}

/// Puts back the `CONTEXT` entry that was there before a worker's loop, when the loop ends
/// however it ends: after a panic, the entry must not point at the `Context` that unwinding
/// drops (`Scheduler::schedule` would write through it).
pub(crate) struct RestoreContext(pub(crate) Entry);

impl Drop for RestoreContext {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| c.set(self.0));
    }
}

/// Gives the core of the worker behind `context` to a new worker thread. Returns `false`
/// (and keeps the core) if no core is in the context or no thread could be started.
pub(crate) fn hand_off<D: Driver + Send + 'static>(context: *const ()) -> bool {
    // `hand_off::<D>` is stored in `CONTEXT` only by `run_worker::<D>`, next to a pointer to
    // that worker's live `Context<D>`, and called with that pointer while the worker's loop
    // (and so the context) is on this thread's stack.
    // SAFETY: so `context` points to a live `Context<D>` (see above).
    let context = unsafe { &*context.cast::<Context<D>>() };
    let Some(core) = context.core.borrow_mut().take() else {
        return false;
    };
    match crate::thread::start_worker(&context.shared, core) {
        Ok(()) => true,
        Err(core) => {
            *context.core.borrow_mut() = Some(core);
            false
        }
    }
}

/// Runs `f` on this thread after handing its worker's duties (queue, LIFO slot, driver
/// turns) to a new worker thread, so the executor keeps running tasks while `f` blocks.
/// On a thread that is not a worker, just runs `f`.
pub(crate) fn block_in_place<R>(f: impl FnOnce() -> R) -> R {
    let (key, context, hand_off, _) = CONTEXT.try_with(Cell::get).unwrap_or(NOT_A_WORKER);
    if key != 0 && hand_off(context) {
        // This thread is no longer a worker: its current task finishes here, then the
        // thread exits; wake-ups from here go through the injector.
        let _ = CONTEXT.try_with(|c| c.set(NOT_A_WORKER));
        let _ = HANDED_OFF.try_with(|h| h.set(key));
    }
    f()
}

pub(crate) fn key_of<D: Driver>(shared: &Shared<D>) -> usize {
    std::ptr::from_ref(shared).addr()
}

/// Whether the calling thread is a worker of the executor behind `shared`.
pub(crate) fn is_worker_of<D: Driver>(shared: &Shared<D>) -> bool {
    CONTEXT
        .try_with(|c| c.get().0 == key_of(shared))
        .unwrap_or(false)
}

/// Whether the calling thread was a worker of the executor behind `shared` and handed its
/// core off (`block_in_place`): it is counted as started and exits when its task returns.
pub(crate) fn handed_off_from<D: Driver>(shared: &Shared<D>) -> bool {
    HANDED_OFF
        .try_with(|h| h.get() == key_of(shared))
        .unwrap_or(false)
}

/// The index of the worker running on this thread, among its executor's workers (`0` to
/// `worker_threads - 1`); `None` on a thread that is not a worker (or no longer is: one whose
/// task called `block_in_place`). A task can move between workers at each `.await`.
///
/// # Examples
///
/// ```
/// use heddle_driver::ThreadParker;
/// use heddle_executor_steal::{worker_index, Builder};
///
/// assert_eq!(worker_index(), None);
/// let executor = Builder::new().worker_threads(2).build(ThreadParker::new())?;
/// let index = executor.block_on(executor.spawn(async { worker_index() }));
/// assert!(matches!(index, Ok(Some(0 | 1))));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn worker_index() -> Option<usize> {
    let (key, _, _, index) = CONTEXT.try_with(Cell::get).ok()?;
    (key != 0).then_some(index)
}
