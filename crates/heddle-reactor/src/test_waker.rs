//! A waker that counts its wake-ups, for this crate's unit tests.

use std::sync::Arc;
use std::task::{Wake, Waker};

use crate::loom::unmodelled::{AtomicUsize, Ordering};

/// Counts how often a waker made from it was woken.
pub(crate) struct Counter(pub(crate) AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A counter and a waker that bumps it.
pub(crate) fn counting_waker() -> (Arc<Counter>, Waker) {
    let counter = Arc::new(Counter(AtomicUsize::new(0)));
    (counter.clone(), Waker::from(counter))
}
