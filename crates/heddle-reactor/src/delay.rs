//! Wake-ups at an instant, served by the reactor's own wait: the back-off of
//! [`Incoming`](crate::net::Incoming) after `accept` ran out of descriptors.
//!
//! This crate sits beside `heddle-timer`, not above it, so it cannot sleep on the timer wheel.
//! A descriptor-based timer (a `timerfd` registered as a source) would need a descriptor,
//! which is exactly what is missing when the back-off starts, and exists on Linux only. So
//! the reactor bounds its own `Poller::wait` by the earliest deadline held here and wakes the
//! entries that have expired after each wait. It is not a general timer: there is one entry
//! per stream that is backing off, and entries are scanned linearly.
//!
//! # Who touches what
//!
//! All entries sit in one slab behind one mutex.
//!
//! * A [`Delay`] (owned by one stream) inserts its entry on its first `Pending` poll,
//!   replaces the entry's waker on later polls, and removes the entry when it elapses or is
//!   dropped. Inserting notifies the poller, so a reactor already waiting with a longer
//!   timeout returns and bounds its next wait by the new deadline.
//! * The thread that turns the reactor reads the earliest deadline of the entries that still
//!   hold a waker before it waits ([`Delays::bound`]), and takes the wakers of the expired
//!   ones after the wait ([`Delays::expire`]). An entry whose waker was taken no longer
//!   bounds the wait, so the reactor does not spin while the task it woke has yet to run.
//!
//! A wake-up is never lost: the entry is inserted (and the poller notified) before the poll
//! that inserted it returns `Pending`, and a reactor that reads the entries after that
//! returns from its wait by the deadline; one that read them before is woken by the
//! notification.

use std::fmt;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use slab::Slab;

use crate::loom::{Mutex, MutexGuard};
use crate::reactor::{release_quietly, Handle};

#[derive(Debug)]
struct Entry {
    deadline: Instant,
    /// Stored by [`Delay::poll_elapsed`], taken by [`Delays::expire`] (to wake) or by
    /// [`Delay`]'s removal of the entry (to drop).
    waker: Option<Waker>,
}

/// The pending wake-ups of one reactor.
#[derive(Debug, Default)]
pub(crate) struct Delays {
    entries: Mutex<Table>,
}

#[derive(Debug, Default)]
struct Table {
    slab: Slab<Entry>,
    /// Set once by [`Delays::close`] (the reactor shut down): every delay counts as elapsed.
    closed: bool,
}

impl Delays {
    /// No wake-ups pending.
    pub(crate) fn new() -> Delays {
        Delays::default()
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // Only slab operations and waker clones run under this lock; a panic there leaves the
        // slab consistent, so recover from poisoning.
        self.entries.lock()
    }

    /// `timeout` shortened so that a wait ends by the earliest deadline of an entry that still
    /// holds a waker (`None` waits without limit).
    pub(crate) fn bound(&self, timeout: Option<Duration>) -> Option<Duration> {
        let table = self.lock();
        if table.slab.is_empty() {
            return timeout;
        }
        let earliest = table
            .slab
            .iter()
            .filter(|(_, entry)| entry.waker.is_some())
            .map(|(_, entry)| entry.deadline)
            .min();
        drop(table);
        match earliest {
            None => timeout,
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                Some(timeout.map_or(left, |timeout| timeout.min(left)))
            }
        }
    }

    /// Moves the wakers of the entries whose deadline has passed onto `wakers`, for the caller
    /// to wake after releasing every lock.
    pub(crate) fn expire(&self, wakers: &mut Vec<Waker>) {
        let mut table = self.lock();
        if table.slab.is_empty() {
            return;
        }
        let now = Instant::now();
        for (_, entry) in table.slab.iter_mut() {
            if entry.deadline <= now {
                wakers.extend(entry.waker.take());
            }
        }
    }

    /// The reactor shut down: moves every waker onto `wakers` (for the caller to wake after
    /// releasing every lock), and from now on every delay counts as elapsed, since no wait
    /// will serve its deadline.
    pub(crate) fn close(&self, wakers: &mut Vec<Waker>) {
        let mut table = self.lock();
        table.closed = true;
        for (_, entry) in table.slab.iter_mut() {
            wakers.extend(entry.waker.take());
        }
    }

    /// Stores `waker` for the entry `key`, inserting one for `deadline` (and writing `key`)
    /// if there is none. Returns whether it inserted, and the waker it replaced, which the
    /// caller drops after the lock is released; `None` once the delays are closed.
    fn register(
        &self,
        key: &mut Option<usize>,
        deadline: Instant,
        waker: &Waker,
    ) -> Option<(bool, Option<Waker>)> {
        let mut table = self.lock();
        if table.closed {
            return None;
        }
        if let Some(entry) = key.and_then(|key| table.slab.get_mut(key)) {
            let old = match &entry.waker {
                Some(stored) if stored.will_wake(waker) => None,
                _ => entry.waker.replace(waker.clone()),
            };
            return Some((false, old));
        }
        *key = Some(table.slab.insert(Entry {
            deadline,
            waker: Some(waker.clone()),
        }));
        Some((true, None))
    }

    /// Removes the entry `key` and returns its waker, which the caller drops after the lock
    /// is released.
    fn remove(&self, key: usize) -> Option<Waker> {
        self.lock().slab.try_remove(key)?.waker
    }

    /// How many entries there are.
    #[cfg(all(test, not(loom)))]
    fn len(&self) -> usize {
        self.lock().slab.len()
    }
}

/// One stream's back-off: elapsed until [`start`](Delay::start)ed, then pending until its
/// deadline, woken by the reactor of `handle`.
pub(crate) struct Delay<'a> {
    handle: &'a Handle,
    deadline: Option<Instant>,
    /// # Invariant
    ///
    /// `Some` exactly while this delay has an entry in the reactor's [`Delays`].
    key: Option<usize>,
}

impl fmt::Debug for Delay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delay")
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl<'a> Delay<'a> {
    /// An elapsed delay on the reactor of `handle`.
    pub(crate) fn new(handle: &'a Handle) -> Delay<'a> {
        Delay {
            handle,
            deadline: None,
            key: None,
        }
    }

    /// Starts the delay over: it elapses `after` from now.
    pub(crate) fn start(&mut self, after: Duration) {
        self.release();
        self.deadline = Some(Instant::now() + after);
    }

    /// `Ready` once the deadline has passed (at once if the delay is not running); otherwise
    /// stores the waker with the reactor, which wakes it by the deadline.
    pub(crate) fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(deadline) = self.deadline else {
            return Poll::Ready(());
        };
        if Instant::now() >= deadline {
            self.deadline = None;
            self.release();
            return Poll::Ready(());
        }
        let shared = &self.handle.shared;
        let Some((inserted, old)) = shared.delays.register(&mut self.key, deadline, cx.waker())
        else {
            // The reactor shut down: no wait will serve the deadline.
            self.deadline = None;
            self.release();
            return Poll::Ready(());
        };
        release_quietly(old);
        if inserted {
            // `notify` fails only if the notification pipe is broken; the reactor then still
            // sees the deadline at its next wait, which the runtime starts after this task.
            let _ = shared.poller.notify();
        }
        Poll::Pending
    }

    /// Removes this delay's entry, if it has one.
    fn release(&mut self) {
        if let Some(key) = self.key.take() {
            release_quietly(self.handle.shared.delays.remove(key));
        }
    }
}

impl Drop for Delay<'_> {
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::loom::unmodelled::{AtomicUsize, Ordering};
    use crate::test_waker::Counter;
    use std::sync::Arc;

    #[test]
    fn bound_expire_and_remove() {
        let delays = Delays::new();
        assert_eq!(delays.bound(None), None);
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());

        let mut late = None;
        let far = Instant::now() + Duration::from_secs(3600);
        let (inserted, old) = delays.register(&mut late, far, &waker).unwrap();
        assert!(inserted && old.is_none());
        let mut soon = None;
        let near = Instant::now() + Duration::from_millis(1);
        assert!(delays.register(&mut soon, near, &waker).unwrap().0);
        assert!(
            !delays.register(&mut soon, near, &waker).unwrap().0,
            "an update"
        );
        assert!(delays.bound(None).unwrap() <= Duration::from_millis(1));
        assert_eq!(
            delays.bound(Some(Duration::ZERO)),
            Some(Duration::ZERO),
            "a shorter timeout stays"
        );

        std::thread::sleep(Duration::from_millis(2));
        let mut wakers = Vec::new();
        delays.expire(&mut wakers);
        assert_eq!(wakers.len(), 1, "only the passed deadline expires");
        wakers.into_iter().for_each(Waker::wake);
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        // The woken entry no longer bounds the wait; the far one does.
        assert!(delays.bound(None).unwrap() > Duration::from_secs(3000));

        assert!(
            delays.remove(soon.unwrap()).is_none(),
            "its waker was taken"
        );
        assert!(delays.remove(late.unwrap()).is_some());
        assert_eq!(delays.len(), 0);
        assert_eq!(
            delays.bound(Some(Duration::from_secs(1))),
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn close_hands_back_every_waker_and_refuses_new_entries() {
        let delays = Delays::new();
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());
        let far = Instant::now() + Duration::from_secs(3600);
        let mut key = None;
        assert!(delays.register(&mut key, far, &waker).is_some());
        let mut wakers = Vec::new();
        delays.close(&mut wakers);
        assert_eq!(wakers.len(), 1, "the far deadline is handed back too");
        wakers.into_iter().for_each(Waker::wake);
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        assert!(delays.register(&mut None, far, &waker).is_none());
        assert!(delays.remove(key.unwrap()).is_none(), "its waker was taken");
    }
}
