//! SetOnce: one `set` wins and wakes every waiter; later sets hand their value back.

#![cfg(not(loom))]

mod support;

use futures::executor::block_on;
use heddle_sync::{SetOnce, SetOnceError};
use std::pin::pin;
use std::sync::Arc;
use support::{poll_once, poll_with, watchdog, CountWaker};

static READY: SetOnce<&str> = SetOnce::const_new();

#[test]
fn waiters_are_woken_by_the_one_set_that_wins() {
    let cell = SetOnce::new();
    let (wakes, waker) = CountWaker::new();
    let mut first = pin!(cell.wait());
    let mut second = pin!(cell.wait());
    assert!(poll_with(first.as_mut(), &waker).is_pending());
    assert!(poll_with(second.as_mut(), &waker).is_pending());
    assert_eq!(cell.set(1), Ok(()));
    assert_eq!(wakes.count(), 2);
    assert_eq!(cell.set(2), Err(SetOnceError(2)));
    assert!(matches!(poll_once(first), std::task::Poll::Ready(&1)));
    assert!(matches!(poll_once(second), std::task::Poll::Ready(&1)));
    assert_eq!(block_on(cell.wait()), &1);
}

#[test]
fn racing_sets_leave_exactly_one_value_for_every_waiter() {
    let cell = Arc::new(SetOnce::new());
    let results = watchdog({
        let cell = cell.clone();
        move || {
            let setters: Vec<_> = (0..4)
                .map(|i| {
                    let cell = cell.clone();
                    std::thread::spawn(move || cell.set(i).is_ok())
                })
                .collect();
            let waiter = {
                let cell = cell.clone();
                std::thread::spawn(move || *block_on(cell.wait()))
            };
            let wins = setters
                .into_iter()
                .map(|s| s.join().unwrap())
                .filter(|won| *won)
                .count();
            (wins, waiter.join().unwrap())
        }
    });
    assert_eq!(results.0, 1);
    assert_eq!(Some(&results.1), cell.get());
}

#[test]
fn a_static_set_once_and_the_value_traits() {
    assert!(!READY.initialized());
    READY.set("up").unwrap();
    assert_eq!(block_on(READY.wait()), &"up");

    let cell = SetOnce::from(3);
    assert_eq!(cell.clone(), cell);
    assert_ne!(cell, SetOnce::new());
    assert_eq!(format!("{cell:?}"), "SetOnce { value: Some(3) }");
    assert_eq!(SetOnce::<u8>::new_with(None).into_inner(), None);
    assert_eq!(cell.into_inner(), Some(3));
    let error: Box<dyn std::error::Error> = Box::new(SetOnceError(1));
    assert_eq!(error.to_string(), "SetOnceError");
}
