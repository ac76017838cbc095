//! Lock guards: unsized values, mapped guards (they keep the lock until dropped, and a
//! declined `try_map` hands the guard back), `blocking_lock_owned` and guard formatting.

mod support;

use heddle_sync::{MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard};
use std::pin::pin;
use std::sync::Arc;
use support::{poll_once, watchdog};

#[test]
fn a_mutex_holds_unsized_values() {
    let slice: Arc<Mutex<[u8]>> = Arc::new(Mutex::new([1, 2, 3]));
    slice.try_lock().unwrap()[0] = 9;
    assert_eq!(&*slice.try_lock().unwrap(), [9, 2, 3]);
    let mut owned = slice.clone().try_lock_owned().unwrap();
    owned[2] = 7;
    drop(owned);
    assert_eq!(format!("{:?}", slice), "Mutex { data: [9, 2, 7] }");

    let shown: Box<Mutex<dyn std::fmt::Display>> = Box::new(Mutex::new(5));
    assert_eq!(shown.try_lock().unwrap().to_string(), "5");
}

#[test]
fn a_mapped_guard_keeps_the_lock_until_dropped() {
    let mutex = Mutex::new((1, String::from("a")));
    let guard = MutexGuard::map(mutex.try_lock().unwrap(), |p| &mut p.1);
    let mut guard = MappedMutexGuard::map(guard, String::as_mut_str);
    assert!(mutex.try_lock().is_err());
    let mut waiting = pin!(mutex.lock());
    assert!(poll_once(waiting.as_mut()).is_pending());
    guard.make_ascii_uppercase();
    assert_eq!(
        (format!("{guard:?}"), guard.to_string()),
        ("\"A\"".into(), "A".into())
    );
    drop(guard);
    assert!(poll_once(waiting.as_mut()).is_ready());
}

#[test]
fn a_declined_try_map_hands_back_a_guard_that_still_locks() {
    let mutex = Mutex::new(vec![1]);
    let guard = MutexGuard::try_map(mutex.try_lock().unwrap(), |v| v.get_mut(3)).unwrap_err();
    assert!(std::ptr::eq(MutexGuard::mutex(&guard), &mutex));
    let first = MutexGuard::try_map(guard, |v| v.first_mut()).unwrap();
    let first = MappedMutexGuard::try_map(first, |_| None::<&mut u8>).unwrap_err();
    assert!(mutex.try_lock().is_err());
    drop(first);
    assert!(mutex.try_lock().is_ok());

    let shared = Arc::new(Mutex::new((0, vec![0u8])));
    let owned = shared.clone().try_lock_owned().unwrap();
    let owned = OwnedMutexGuard::try_map(owned, |_| None::<&mut u8>).unwrap_err();
    assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&owned), &shared));
    let list = OwnedMutexGuard::map(owned, |t| &mut t.1);
    let list = OwnedMappedMutexGuard::try_map(list, |v| v.get_mut(9)).unwrap_err();
    let mut first = OwnedMappedMutexGuard::map(list, |v| &mut v[0]);
    *first = 4;
    assert!(Arc::ptr_eq(OwnedMappedMutexGuard::mutex(&first), &shared));
    assert!(shared.try_lock().is_err());
    let moved = std::thread::spawn(move || {
        *first += 1;
        first
    })
    .join()
    .unwrap();
    drop(moved);
    assert_eq!(shared.try_lock().unwrap().1, [5]);
}

#[test]
fn blocking_lock_owned_waits_its_turn() {
    let mutex = Arc::new(Mutex::new(0));
    let held = mutex.clone().try_lock_owned().unwrap();
    let total = watchdog(move || {
        let waiter = {
            let mutex = mutex.clone();
            std::thread::spawn(move || *mutex.blocking_lock_owned() += 1)
        };
        drop(held);
        waiter.join().unwrap();
        *mutex.blocking_lock_owned()
    });
    assert_eq!(total, 1);
}
