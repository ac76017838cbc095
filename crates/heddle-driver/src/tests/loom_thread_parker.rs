//! L9: the `ThreadParker` protocol. An unpark that happens before or during a park is never
//! lost: the park returns, whatever the interleaving.

use crate::loom::{Arc, AtomicUsize, Ordering};
use crate::{Driver, ThreadParker, Unparker};

#[test]
fn loom_unpark_before_or_during_park_is_not_lost() {
    loom::model(|| {
        let mut parker = ThreadParker::new();
        let unparker = parker.unparker();
        let data = Arc::new(AtomicUsize::new(0));
        let data2 = data.clone();
        let t = loom::thread::spawn(move || {
            data2.store(1, Ordering::Relaxed);
            unparker.unpark();
        });
        // Park until the flag is seen; a lost unpark would deadlock the model, which loom
        // reports as a failure.
        while data.load(Ordering::Relaxed) == 0 {
            parker.park();
        }
        t.join().unwrap();
    });
}

#[test]
fn loom_two_unparkers_one_park() {
    loom::model(|| {
        let mut parker = ThreadParker::new();
        let a = parker.unparker();
        let b = parker.unparker();
        let done = Arc::new(AtomicUsize::new(0));
        let (d1, d2) = (done.clone(), done.clone());
        let t1 = loom::thread::spawn(move || {
            d1.fetch_add(1, Ordering::Relaxed);
            a.unpark();
        });
        let t2 = loom::thread::spawn(move || {
            d2.fetch_add(1, Ordering::Relaxed);
            b.unpark();
        });
        while done.load(Ordering::Relaxed) < 2 {
            parker.park();
        }
        t1.join().unwrap();
        t2.join().unwrap();
    });
}
