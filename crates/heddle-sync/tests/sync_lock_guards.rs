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

mod rwlock {
    use super::support::{poll_once, watchdog};
    use heddle_sync::{
        OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
        RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
    };
    use std::pin::pin;
    use std::sync::Arc;

    #[test]
    fn with_max_readers_bounds_the_readers_and_a_writer_takes_them_all() {
        let lock = RwLock::with_max_readers(0, 2);
        let a = lock.try_read().unwrap();
        let b = lock.try_read().unwrap();
        assert!(lock.try_read().is_err());
        drop(a);
        let mut write = pin!(lock.write());
        assert!(poll_once(write.as_mut()).is_pending());
        // The queued writer is served before a later reader.
        assert!(lock.try_read().is_err());
        drop(b);
        assert!(poll_once(write.as_mut()).is_ready());
        let panic = std::panic::catch_unwind(|| RwLock::with_max_readers((), 0)).unwrap_err();
        assert!(panic
            .downcast_ref::<String>()
            .unwrap()
            .contains("between 1 and"));
        assert!(std::panic::catch_unwind(|| RwLock::with_max_readers((), u32::MAX)).is_err());
    }

    #[test]
    fn downgrade_lets_readers_in_and_keeps_writers_out() {
        let lock = RwLock::with_max_readers(vec![1, 2], 3);
        let mut write = lock.try_write().unwrap();
        write.push(3);
        let mut reader = pin!(lock.read());
        assert!(poll_once(reader.as_mut()).is_pending());
        let last = RwLockWriteGuard::downgrade_map(write, |v| &v[2]);
        assert_eq!(*last, 3);
        assert!(poll_once(reader.as_mut()).is_ready());
        assert!(lock.try_write().is_err());
        drop(last);
        assert!(lock.try_write().is_ok());

        let write = lock.try_write().unwrap();
        let write = RwLockWriteGuard::try_downgrade_map(write, |v| v.get(7)).unwrap_err();
        assert!(
            lock.try_read().is_err(),
            "a declined downgrade stays exclusive"
        );
        let read = write.downgrade();
        let read = RwLockReadGuard::try_map(read, |v| v.get(9)).unwrap_err();
        let first = RwLockReadGuard::map(read, |v| &v[0]);
        assert_eq!(
            (*first, format!("{first:?}"), first.to_string()),
            (1, "1".into(), "1".into())
        );
        assert!(lock.try_write().is_err());
        drop(first);
        assert!(lock.try_write().is_ok());
    }

    #[test]
    fn mapped_write_guards_keep_the_lock_until_dropped() {
        let lock = RwLock::new((0, [0u8; 2]));
        let array = RwLockWriteGuard::map(lock.try_write().unwrap(), |t| &mut t.1);
        let array = RwLockMappedWriteGuard::try_map(array, |a| a.get_mut(5)).unwrap_err();
        let mut slot = RwLockMappedWriteGuard::map(array, |a| &mut a[1]);
        *slot = 4;
        assert!(lock.try_read().is_err());
        drop(slot);
        let whole = RwLockWriteGuard::into_mapped(lock.try_write().unwrap());
        assert_eq!(whole.1, [0, 4]);
        assert!(lock.try_read().is_err());
        drop(whole);
        let write = lock.try_write().unwrap();
        let write = RwLockWriteGuard::try_map(write, |_| None::<&mut u8>).unwrap_err();
        assert!(lock.try_read().is_err());
        drop(write);
        assert!(lock.try_read().is_ok());
    }

    #[test]
    fn owned_guards_map_downgrade_and_cross_threads() {
        let lock = Arc::new(RwLock::with_max_readers((1, vec![2]), 4));
        let read = lock.clone().try_read_owned().unwrap();
        assert!(lock.clone().try_write_owned().is_err());
        let read = OwnedRwLockReadGuard::try_map(read, |t| t.1.get(3)).unwrap_err();
        let list = OwnedRwLockReadGuard::map(read, |t| &t.1);
        assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&list), &lock));
        let len = std::thread::spawn(move || list.len()).join().unwrap();
        assert_eq!(len, 1);

        let write = lock.clone().try_write_owned().unwrap();
        assert!(lock.clone().try_read_owned().is_err());
        let write = OwnedRwLockWriteGuard::try_map(write, |_| None::<&mut u8>).unwrap_err();
        let mut list = OwnedRwLockWriteGuard::map(write, |t| &mut t.1);
        let list_again = OwnedRwLockMappedWriteGuard::try_map(list, |v| v.get_mut(9));
        list = list_again.unwrap_err();
        let mut first = OwnedRwLockMappedWriteGuard::map(list, |v| &mut v[0]);
        *first = 5;
        assert!(Arc::ptr_eq(
            OwnedRwLockMappedWriteGuard::rwlock(&first),
            &lock
        ));
        let first = std::thread::spawn(move || {
            *first += 1;
            first
        })
        .join()
        .unwrap();
        assert!(lock.try_read().is_err());
        drop(first);

        let write = lock.clone().try_write_owned().unwrap();
        assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&write), &lock));
        let write = OwnedRwLockWriteGuard::try_downgrade_map(write, |t| t.1.get(4)).unwrap_err();
        let number = OwnedRwLockWriteGuard::downgrade_map(write, |t| &t.0);
        assert_eq!(*number, 1);
        assert!(lock.try_read().is_ok());
        assert!(lock.try_write().is_err());
        drop(number);
        let read = lock.clone().try_write_owned().unwrap().downgrade();
        assert_eq!(read.1, [6]);
        drop(read);
        let mut whole = OwnedRwLockWriteGuard::into_mapped(lock.clone().try_write_owned().unwrap());
        whole.0 = 0;
        drop(whole);
        assert_eq!(*lock.try_read().unwrap(), (0, vec![6]));
    }

    #[test]
    fn a_rwlock_holds_unsized_values_and_blocks_in_turn() {
        let lock: Arc<RwLock<[u8]>> = Arc::new(RwLock::new([1, 2]));
        lock.try_write().unwrap()[0] = 3;
        assert_eq!(&*lock.try_read().unwrap(), [3, 2]);
        let held = lock.clone().try_write_owned().unwrap();
        let sum = watchdog(move || {
            let reader = {
                let lock = lock.clone();
                std::thread::spawn(move || lock.blocking_read().iter().sum::<u8>())
            };
            drop(held);
            reader.join().unwrap()
        });
        assert_eq!(sum, 5);
    }
}
