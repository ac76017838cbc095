//! `unblock`: blocking work on the global pool, awaited under a foreign executor or started
//! from a plain thread with no executor at all.
//!
//! The global pool's idle threads outlive the tests, and miri fails a process whose main
//! thread exits while other threads still exist unless leaks are allowed: under miri these
//! tests are ignored in the run of the whole crate and run on their own with
//! `-Zmiri-ignore-leaks` (`.ci/run`, `--ignored`).

mod support;

use std::sync::mpsc;
use std::time::Duration;

use futures::executor::block_on;
use heddle_blocking::unblock;
use support::with_watchdog;

#[test]
#[cfg_attr(miri, ignore)] // See the module docs.
fn values_and_panics_come_back_under_a_foreign_executor() {
    with_watchdog(30, || {
        block_on(async {
            let (value, thread) =
                unblock(|| (6 * 7, std::thread::current().name().map(str::to_owned)))
                    .await
                    .unwrap();
            assert_eq!(value, 42);
            assert!(thread.unwrap().starts_with("heddle-blocking-"));
            let err = unblock(|| panic!("unblock boom")).await.unwrap_err();
            assert!(err.is_panic());
            // The pool is still usable after a panic.
            assert_eq!(unblock(|| 1).await.unwrap(), 1);
        });
    });
}

#[test]
#[cfg_attr(miri, ignore)] // See the module docs.
fn blocking_closures_do_not_block_the_executor() {
    with_watchdog(30, || {
        // The executor thread waits for the first closure while the closure itself waits for
        // a second one: both must be on pool threads for this to finish.
        let (tx, rx) = mpsc::channel();
        let waiting = unblock(move || rx.recv_timeout(Duration::from_secs(10)));
        let sending = unblock(move || tx.send(5).unwrap());
        block_on(async {
            sending.await.unwrap();
            assert_eq!(waiting.await.unwrap(), Ok(5));
        });
    });
}

#[test]
#[cfg_attr(miri, ignore)] // See the module docs.
fn works_from_plain_threads_with_no_executor() {
    with_watchdog(30, || {
        // Several threads use the pool at once, maybe the first ever use: each closure runs
        // even though its handle is dropped at once (detached) and nothing polls it.
        let (tx, rx) = mpsc::channel();
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    drop(unblock(move || tx.send(i).unwrap()));
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(tx);
        let mut got: Vec<_> = rx.iter().collect();
        got.sort_unstable();
        assert_eq!(got, [0, 1, 2, 3]);
    });
}
