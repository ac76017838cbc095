//! The `const_new` constructors: every primitive can live in a `static`, and works from there
//! as one made with `new`. `OnceCell::take` and `From` are here too, with the cells.

#![cfg(not(loom))]

mod support;

use futures::executor::block_on;
use heddle_sync::{Mutex, Notify, OnceCell, RwLock, Semaphore};
use std::pin::pin;
use support::poll_once;

static MUTEX: Mutex<Vec<u32>> = Mutex::const_new(Vec::new());
static LOCK: RwLock<u32> = RwLock::const_new(0);
static PAIR_LOCK: RwLock<()> = RwLock::const_with_max_readers((), 2);
static SEMAPHORE: Semaphore = Semaphore::const_new(1);
static NOTIFY: Notify = Notify::const_new();
static CELL: OnceCell<String> = OnceCell::const_new();

#[test]
fn a_static_mutex_and_rwlock_lock_in_turn() {
    let guard = block_on(MUTEX.lock());
    let mut waiting = pin!(MUTEX.lock());
    assert!(poll_once(waiting.as_mut()).is_pending());
    drop(guard);
    assert!(poll_once(waiting.as_mut()).is_ready());

    *block_on(LOCK.write()) += 1;
    assert_eq!(*block_on(LOCK.read()), 1);
    let (a, b) = (PAIR_LOCK.try_read().unwrap(), PAIR_LOCK.try_read().unwrap());
    assert!(PAIR_LOCK.try_read().is_err());
    drop((a, b));
    assert!(PAIR_LOCK.try_write().is_ok());
}

#[test]
fn a_static_semaphore_and_notify_wait_and_wake() {
    let permit = SEMAPHORE.try_acquire().unwrap();
    let mut second = pin!(SEMAPHORE.acquire());
    assert!(poll_once(second.as_mut()).is_pending());
    drop(permit);
    assert!(matches!(
        poll_once(second.as_mut()),
        std::task::Poll::Ready(Ok(_))
    ));

    let mut notified = pin!(NOTIFY.notified());
    assert!(poll_once(notified.as_mut()).is_pending());
    NOTIFY.notify_one();
    assert!(poll_once(notified.as_mut()).is_ready());
}

#[test]
fn a_static_once_cell_initialises_once() {
    let first = block_on(CELL.get_or_init(|| async { String::from("a") }));
    let second = block_on(CELL.get_or_init(|| async { String::from("b") }));
    assert_eq!((first.as_str(), second.as_str()), ("a", "a"));
}

#[test]
fn a_taken_once_cell_can_be_initialised_again() {
    let mut cell = OnceCell::from(1);
    assert_eq!(cell.get(), Some(&1));
    assert!(cell.set(2).unwrap_err().is_already_init_err());
    assert_eq!(cell.take(), Some(1));
    assert_eq!(cell.take(), None);
    assert_eq!(block_on(cell.get_or_init(|| async { 3 })), &3);
}

#[test]
#[should_panic(expected = "between 1 and")]
fn a_zero_reader_limit_is_refused() {
    let _ = RwLock::const_with_max_readers((), 0);
}

static PRESET: OnceCell<String> = OnceCell::const_new_with(String::new());

#[test]
fn a_static_once_cell_built_with_a_value_holds_it() {
    assert!(PRESET.initialized());
    assert_eq!(PRESET.get().map(String::as_str), Some(""));
    // The initialiser never runs: the cell is already set.
    let value = block_on(PRESET.get_or_init(|| async { unreachable!("already set") }));
    assert_eq!(value, "");
    let refused = PRESET.set(String::from("x")).unwrap_err();
    assert!(refused.is_already_init_err());
    assert_eq!(refused.into_inner(), "x");
}

#[test]
fn a_once_cell_built_with_a_value_can_be_taken_and_set_again() {
    let mut cell = OnceCell::const_new_with(1);
    *cell.get_mut().unwrap() += 1;
    assert_eq!(cell.take(), Some(2));
    assert!(!cell.initialized());
    cell.set(3).unwrap();
    assert_eq!(cell.into_inner(), Some(3));
    assert_eq!(OnceCell::const_new_with(4).into_inner(), Some(4));
}
