//! L6: a timer entry fired by the driver thread while another thread cancels or resets it and
//! the owner polls it with a new waker. Invariants: it fires at most once; a timer cancelled
//! while pending never wakes anyone; a waker replaced by a poll that returned `Pending` is never
//! woken (the latest waker is used); every waker is released in the end.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::atomic::{AtomicUsize, Ordering};

use crate::handle::{FireBuffer, Shared};
use crate::loom::{Arc, Mutex};
use crate::{Clock, Handle, Sleep};

/// Counts its wakes. Held in a std `Arc` because `Waker::from` needs one.
struct CountingWaker {
    wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (std::sync::Arc<CountingWaker>, Waker) {
    let counter = std::sync::Arc::new(CountingWaker {
        wakes: AtomicUsize::new(0),
    });
    let waker = Waker::from(counter.clone());
    (counter, waker)
}

fn paused_handle() -> Handle {
    Handle {
        shared: Arc::new(Shared::new(Clock::new_paused(), Box::new(|| {}))),
    }
}

/// Fires everything due by `now_ns`, as the driver's thread does after a park.
fn fire(handle: &Handle, now_ns: u64) {
    let mut buffer = FireBuffer::default();
    let _ = handle.shared.process(now_ns, &mut buffer, |_| None);
}

const MS: u64 = 1_000_000;

#[test]
fn loom_fire_vs_cancel() {
    loom::model(|| {
        let handle = paused_handle();
        let (counter, waker) = counting_waker();
        let key = handle.shared.register(2 * MS, waker).unwrap();
        let driver = handle.clone();
        let t = loom::thread::spawn(move || fire(&driver, 5 * MS));
        let had_fired = handle.shared.cancel(key);
        t.join().unwrap();
        let wakes = counter.wakes.load(Ordering::SeqCst);
        assert!(wakes <= 1, "fired {wakes} times");
        if !had_fired {
            assert_eq!(wakes, 0, "woken after a cancel that found it pending");
        }
        assert_eq!(handle.timer_count(), 0);
        assert_eq!(std::sync::Arc::strong_count(&counter), 1, "waker leaked");
    });
}

#[test]
fn loom_fire_vs_poll_with_new_waker() {
    loom::model(|| {
        let handle = paused_handle();
        let deadline = handle.now() + std::time::Duration::from_millis(2);
        let mut sleep = Sleep::new(handle.clone(), deadline);
        let (first, first_waker) = counting_waker();
        let (second, second_waker) = counting_waker();
        let poll = Pin::new(&mut sleep).poll(&mut Context::from_waker(&first_waker));
        assert!(poll.is_pending());
        drop(first_waker);

        let driver = handle.clone();
        let fire_thread = loom::thread::spawn(move || fire(&driver, 5 * MS));
        let second_poll = Pin::new(&mut sleep).poll(&mut Context::from_waker(&second_waker));
        fire_thread.join().unwrap();

        let (w1, w2) = (
            first.wakes.load(Ordering::SeqCst),
            second.wakes.load(Ordering::SeqCst),
        );
        assert!(w1 + w2 <= 1, "fired more than once: {w1} + {w2}");
        if second_poll == Poll::Pending {
            // The fire came after the poll stored the new waker: only that one is woken.
            assert_eq!((w1, w2), (0, 1), "the latest waker was not the one woken");
        } else {
            assert_eq!(w2, 0, "a poll that completed left its waker registered");
        }
        drop(sleep);
        drop(second_waker);
        assert_eq!(handle.timer_count(), 0);
        assert_eq!(
            std::sync::Arc::strong_count(&first),
            1,
            "first waker leaked"
        );
        assert_eq!(
            std::sync::Arc::strong_count(&second),
            1,
            "second waker leaked"
        );
    });
}

#[test]
fn loom_fire_vs_reset_from_another_thread() {
    loom::model(|| {
        let handle = paused_handle();
        let deadline = handle.now() + std::time::Duration::from_millis(2);
        let sleep = Arc::new(Mutex::new(Sleep::new(handle.clone(), deadline)));
        let (first, first_waker) = counting_waker();
        {
            let mut sleep = sleep.lock();
            let poll = Pin::new(&mut *sleep).poll(&mut Context::from_waker(&first_waker));
            assert!(poll.is_pending());
        }
        drop(first_waker);

        let driver = handle.clone();
        let fire_thread = loom::thread::spawn(move || fire(&driver, 5 * MS));
        let resetter = sleep.clone();
        let later = deadline + std::time::Duration::from_millis(8);
        let reset_thread = loom::thread::spawn(move || {
            let mut sleep = resetter.lock();
            Pin::new(&mut *sleep).reset(later);
        });
        fire_thread.join().unwrap();
        reset_thread.join().unwrap();
        assert!(first.wakes.load(Ordering::SeqCst) <= 1);

        // Whichever came first, the sleep is now pending for the later deadline, and the next
        // fire wakes exactly the waker of the latest poll.
        let (third, third_waker) = counting_waker();
        let mut sleep = Arc::try_unwrap(sleep).ok().unwrap().into_inner();
        assert!(!sleep.is_elapsed());
        let poll = Pin::new(&mut sleep).poll(&mut Context::from_waker(&third_waker));
        assert!(poll.is_pending());
        fire(&handle, 9 * MS);
        assert_eq!(
            third.wakes.load(Ordering::SeqCst),
            0,
            "fired before the new deadline"
        );
        fire(&handle, 10 * MS);
        assert_eq!(third.wakes.load(Ordering::SeqCst), 1);
        assert!(sleep.is_elapsed());
        drop(sleep);
        drop(third_waker);
        assert_eq!(handle.timer_count(), 0);
        assert_eq!(
            std::sync::Arc::strong_count(&first),
            1,
            "first waker leaked"
        );
        assert_eq!(
            std::sync::Arc::strong_count(&third),
            1,
            "third waker leaked"
        );
    });
}

#[test]
fn loom_drop_sleep_vs_fire() {
    loom::model(|| {
        let handle = paused_handle();
        let deadline = handle.now() + std::time::Duration::from_millis(1);
        let mut sleep = Sleep::new(handle.clone(), deadline);
        let (counter, waker) = counting_waker();
        assert!(Pin::new(&mut sleep)
            .poll(&mut Context::from_waker(&waker))
            .is_pending());
        drop(waker);
        let driver = handle.clone();
        let t = loom::thread::spawn(move || fire(&driver, 5 * MS));
        drop(sleep);
        t.join().unwrap();
        assert!(counter.wakes.load(Ordering::SeqCst) <= 1);
        assert_eq!(handle.timer_count(), 0);
        assert_eq!(std::sync::Arc::strong_count(&counter), 1, "waker leaked");
    });
}

/// Self-test of the model's power: claims that the fire always wins the race with a cancel.
/// Loom must find the interleaving where the cancel comes first (run with
/// `--cfg loom --cfg loom_selftest`).
#[cfg(loom_selftest)]
#[test]
#[should_panic(expected = "cancel won the race")]
fn loom_selftest_finds_cancel_before_fire() {
    loom::model(|| {
        let handle = paused_handle();
        let (_counter, waker) = counting_waker();
        let key = handle.shared.register(2 * MS, waker).unwrap();
        let driver = handle.clone();
        let t = loom::thread::spawn(move || fire(&driver, 5 * MS));
        let had_fired = handle.shared.cancel(key);
        t.join().unwrap();
        assert!(had_fired, "cancel won the race");
    });
}
