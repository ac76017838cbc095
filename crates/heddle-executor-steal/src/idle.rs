//! Which workers are parked, and how many are searching for work.
//!
//! # State word
//!
//! `state = unparked << 16 | searching`: how many workers are not parked, and how many of
//! those are searching (stealing) rather than running tasks. `sleepers` lists the parked
//! workers, under a mutex.
//!
//! # Rules (the liveness argument, checked by the loom model L2)
//!
//! 1. New work (a spawn, a wake-up, a push to a worker's queue) calls `worker_to_notify`: a
//!    parked worker is woken only if nobody is searching (a searcher will find the work)
//!    and not every worker is already awake.
//! 2. A woken worker starts as a searcher. At most half of the workers search at once
//!    (`transition_worker_to_searching`), so stealing does not thrash.
//! 3. The last searcher to stop searching, whether because it found work or because it is
//!    parking, re-checks every queue and wakes a worker if any has work
//!    (`Shared::notify_if_work_pending`). Without this, work pushed while it was searching
//!    (and so not announced, by rule 1) could sit unseen while everyone sleeps.
//!
//! Rule 1 reads the state with a SeqCst read-modify-write after the work is pushed, and a
//! parking worker decrements it with SeqCst before re-checking the queues: of the two, at
//! least one sees the other (the store-buffer pattern), which is why SeqCst is needed here.
//!
//! A worker that `worker_to_notify` takes off the sleepers list is counted as searching until
//! it says otherwise (`transition_worker_from_searching` or parking as a searcher), even if it
//! wakes with work of its own (`unpark_worker_by_id` then returns `false`).
//!
//! # Model
//!
//! Loom model L2 (`src/tests/loom_idle.rs`,
//! `loom_remote_spawn_runs_once_while_workers_search_and_park`): two workers run the real
//! worker loop over this module and `park`, a third thread spawns a task; loom reports a
//! deadlock if the workers can all sleep with the task queued. `docs/scheduler.md`
//! ("Searching and parking") has the numbers and loom's known false reports.

use crate::cache_padded::CachePadded;
use crate::loom::{AtomicUsize, Mutex, Ordering};

const UNPARKED_SHIFT: usize = 16;
const SEARCHING_MASK: usize = (1 << UNPARKED_SHIFT) - 1;

pub(crate) struct Idle {
    state: AtomicUsize,
    workers: usize,
    sleepers: Mutex<Vec<usize>>,
    /// `watchers << 16 | sleepers.len()`: parked workers watching busy ones (parked with a
    /// timeout; see `worker.rs`, "Watching a busy worker") and parked workers. Only workers
    /// write it, when they park and unpark, and it has a cache line of its own: busy workers
    /// read it on every local push that wakes nobody, while `state` takes a read-modify-write
    /// per spawn from outside.
    ///
    /// # Orderings
    ///
    /// The word is a hint, not part of the liveness argument of rules 1–3: a pusher that
    /// misses a watcher that just started wakes a sleeper needlessly (it parks again), and a
    /// watcher that misses a push looks again at its next timeout, at most `WATCH_INTERVAL`
    /// later. So no ordering is needed for correctness. It stays SeqCst because it costs
    /// nothing that matters: the read-modify-writes run only when a worker parks, unparks or
    /// starts or stops watching (never per task), and a SeqCst load is a plain load on x86
    /// and a load-acquire on AArch64. The sleepers count in its low bits mirrors
    /// `sleepers.len()` and is changed under the `sleepers` lock.
    watch: CachePadded<AtomicUsize>,
}

const WATCHER: usize = 1 << 16;
const ASLEEP_MASK: usize = WATCHER - 1;

impl Idle {
    pub(crate) fn new(workers: usize) -> Idle {
        Idle {
            // Every worker starts unparked, none searching.
            state: AtomicUsize::new(workers << UNPARKED_SHIFT),
            workers,
            sleepers: Mutex::new(Vec::with_capacity(workers)),
            watch: CachePadded(AtomicUsize::new(0)),
        }
    }

    fn sleepers(&self) -> crate::loom::MutexGuard<'_, Vec<usize>> {
        self.sleepers.lock()
    }

    /// Rule 1: picks a parked worker to wake for new work, marking it unparked and
    /// searching. `None` when a searcher exists or everyone is awake.
    pub(crate) fn worker_to_notify(&self) -> Option<usize> {
        if !self.notify_should_wake() {
            return None;
        }
        let mut sleepers = self.sleepers();
        if !self.notify_should_wake() {
            return None;
        }
        let worker = sleepers.pop()?;
        self.watch.fetch_sub(1, Ordering::SeqCst);
        // One more unparked worker, and it is searching.
        self.state
            .fetch_add((1 << UNPARKED_SHIFT) | 1, Ordering::SeqCst);
        Some(worker)
    }

    fn notify_should_wake(&self) -> bool {
        // A read-modify-write, not a load: it is ordered after the caller's push of work in
        // the single SeqCst order (see the module docs).
        let state = self.state.fetch_add(0, Ordering::SeqCst);
        state & SEARCHING_MASK == 0 && (state >> UNPARKED_SHIFT) < self.workers
    }

    /// Rule 2: becomes a searcher unless half the workers already are.
    pub(crate) fn transition_worker_to_searching(&self) -> bool {
        let state = self.state.load(Ordering::SeqCst);
        if 2 * (state & SEARCHING_MASK) >= self.workers {
            return false;
        }
        self.state.fetch_add(1, Ordering::SeqCst);
        true
    }

    /// Stops searching. Returns whether this was the last searcher (rule 3 applies).
    pub(crate) fn transition_worker_from_searching(&self) -> bool {
        let previous = self.state.fetch_sub(1, Ordering::SeqCst);
        debug_assert!(previous & SEARCHING_MASK > 0);
        previous & SEARCHING_MASK == 1
    }

    /// Parks `worker`. Returns whether it was the last searcher (rule 3 applies).
    pub(crate) fn transition_worker_to_parked(&self, worker: usize, searching: bool) -> bool {
        let mut sleepers = self.sleepers();
        let decrement = (1 << UNPARKED_SHIFT) | usize::from(searching);
        let previous = self.state.fetch_sub(decrement, Ordering::SeqCst);
        sleepers.push(worker);
        self.watch.fetch_add(1, Ordering::SeqCst);
        searching && previous & SEARCHING_MASK == 1
    }

    /// Marks `worker` unparked (not searching) if it is in the sleepers list; for a worker
    /// that returned from park on its own and found work. `false` if it was not listed:
    /// `worker_to_notify` took it off and already counted it as unparked and searching.
    pub(crate) fn unpark_worker_by_id(&self, worker: usize) -> bool {
        let mut sleepers = self.sleepers();
        match sleepers.iter().position(|&w| w == worker) {
            Some(index) => {
                sleepers.swap_remove(index);
                self.watch.fetch_sub(1, Ordering::SeqCst);
                self.state.fetch_add(1 << UNPARKED_SHIFT, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// Removes `worker` from scheduling for good (its thread died): off the sleepers list if
    /// it is there, else no longer counted as unparked (nor as searching, if `searching`).
    /// Either way it is counted as parked from now on and never picked to wake.
    pub(crate) fn retire_worker(&self, worker: usize, searching: bool) {
        let mut sleepers = self.sleepers();
        match sleepers.iter().position(|&w| w == worker) {
            Some(index) => {
                sleepers.swap_remove(index);
                self.watch.fetch_sub(1, Ordering::SeqCst);
            }
            None => {
                let decrement = (1 << UNPARKED_SHIFT) | usize::from(searching);
                self.state.fetch_sub(decrement, Ordering::SeqCst);
            }
        }
    }

    /// Whether any worker is unparked (for a parked worker: any other one).
    pub(crate) fn any_unparked(&self) -> bool {
        self.state.load(Ordering::SeqCst) >> UNPARKED_SHIFT > 0
    }

    /// A parked worker starts (`true`) or stops watching busy ones.
    pub(crate) fn set_watching(&self, on: bool) {
        if on {
            self.watch.fetch_add(WATCHER, Ordering::SeqCst);
        } else {
            self.watch.fetch_sub(WATCHER, Ordering::SeqCst);
        }
    }

    /// A sleeping worker to wake (without unparking it) so that it parks again as a watcher;
    /// `None` if one watches already or none sleeps.
    pub(crate) fn worker_to_watch(&self) -> Option<usize> {
        // One load of a quiet line first: this runs on every push that wakes nobody.
        let watch = self.watch.load(Ordering::SeqCst);
        if watch >= WATCHER || watch & ASLEEP_MASK == 0 {
            return None;
        }
        self.sleepers().last().copied()
    }

    /// Whether `worker` is still listed as parked (its wake-up was spurious).
    pub(crate) fn is_parked(&self, worker: usize) -> bool {
        self.sleepers().contains(&worker)
    }
}
