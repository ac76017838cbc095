//! The blocking pool when things go wrong: a thread wrapper that panics, a thread the OS
//! refuses, a shutdown from one of the pool's own closures, a timeout too long to represent.

mod support;

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::executor::block_on;
use heddle_blocking::BlockingPool;
use support::{eventually, with_watchdog};

#[test]
fn a_wrapper_that_panics_before_the_loop_costs_no_thread() {
    with_watchdog(30, || {
        // The first thread's wrapper panics without running the loop: the thread must not
        // stay counted (with a cap of 1 nothing else could start), and the closure it was
        // started for must get another thread.
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let pool = BlockingPool::with_threads(
            1,
            Duration::from_secs(10),
            "faulty".to_owned(),
            None,
            Some(Arc::new(move |run: &mut dyn FnMut()| {
                if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("wrapper fails before the loop");
                }
                run();
            })),
        );
        assert_eq!(block_on(pool.spawn_blocking(|| 7)).unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        eventually("one thread left, idle", || {
            pool.threads() == 1 && pool.idle_threads() == 1
        });
        pool.shutdown(Some(Duration::from_secs(5)));
    });
}

#[test]
fn the_wrapper_runs_once_around_each_thread() {
    with_watchdog(30, || {
        thread_local! {
            static WRAPPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let pool = BlockingPool::with_threads(
            2,
            Duration::from_secs(10),
            "wrapped".to_owned(),
            None,
            Some(Arc::new(move |run: &mut dyn FnMut()| {
                counted.fetch_add(1, Ordering::SeqCst);
                WRAPPED.with(|w| w.set(true));
                run();
            })),
        );
        for _ in 0..10 {
            assert!(block_on(pool.spawn_blocking(|| WRAPPED.with(|w| w.get()))).unwrap());
        }
        // A thread started for a closure that another thread took may not be wrapped yet.
        eventually("every thread wrapped once", || {
            calls.load(Ordering::SeqCst) == pool.threads()
        });
        pool.shutdown(Some(Duration::from_secs(5)));
    });
}

#[test]
fn shutdown_from_a_closure_does_not_wait_for_its_own_thread() {
    with_watchdog(30, || {
        let pool = BlockingPool::new(2, Duration::from_secs(10));
        let inner = pool.clone();
        // Without a timeout, waiting for its own thread would never return.
        let task = pool.spawn_blocking(move || {
            inner.shutdown(None);
            "returned"
        });
        assert_eq!(block_on(task).unwrap(), "returned");
        assert!(block_on(pool.spawn_blocking(|| ()))
            .unwrap_err()
            .is_cancelled());
    });
}

#[test]
fn a_timeout_too_long_to_represent_waits_without_a_deadline() {
    with_watchdog(30, || {
        let pool = BlockingPool::new(1, Duration::from_secs(10));
        block_on(pool.spawn_blocking(|| ())).unwrap();
        pool.shutdown(Some(Duration::MAX));
        assert_eq!(pool.threads(), 0);
    });
}

#[test]
#[cfg_attr(miri, ignore)] // Miri does not reserve thread stacks, so no size is refused.
fn a_thread_the_os_refuses_fails_the_closure_with_the_error() {
    with_watchdog(30, || {
        let pool = BlockingPool::with_threads(
            1,
            Duration::from_secs(10),
            "huge".to_owned(),
            Some(usize::MAX),
            None,
        );
        // Every attempt fails the same way, and none leaves a thread counted or a closure
        // queued behind it.
        for _ in 0..2 {
            let err = block_on(pool.spawn_blocking(|| ())).unwrap_err();
            assert!(err.is_panic());
            let payload = err.into_panic();
            assert!(payload.downcast_ref::<io::Error>().is_some());
            assert_eq!((pool.threads(), pool.queue_depth()), (0, 0));
        }
        pool.shutdown(Some(Duration::from_secs(5)));
    });
}
