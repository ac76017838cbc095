//! Semaphore permits: `merge` and `split` move permits between permit values without
//! touching the semaphore, and every permit is released exactly once.

use heddle_sync::Semaphore;
use std::sync::Arc;

#[test]
fn merged_and_split_permits_release_exactly_what_they_hold() {
    let semaphore = Semaphore::new(5);
    let mut permit = semaphore.try_acquire_many(2).unwrap();
    permit.merge(semaphore.try_acquire_many(3).unwrap());
    assert_eq!(
        (permit.num_permits(), semaphore.available_permits()),
        (5, 0)
    );
    let mut part = permit.split(4).unwrap();
    assert!(permit.split(2).is_none());
    assert_eq!(permit.num_permits(), 1);
    let empty = part.split(0).unwrap();
    assert_eq!(empty.num_permits(), 0);
    drop(empty);
    assert_eq!(semaphore.available_permits(), 0);
    drop(part);
    assert_eq!(semaphore.available_permits(), 4);
    drop(permit);
    assert_eq!(semaphore.available_permits(), 5);
}

#[test]
fn owned_permits_merge_and_split_across_threads() {
    let semaphore = Arc::new(Semaphore::new(3));
    let mut permit = semaphore.clone().try_acquire_owned().unwrap();
    permit.merge(semaphore.clone().try_acquire_many_owned(2).unwrap());
    let half = permit.split(2).unwrap();
    assert!(Arc::ptr_eq(half.semaphore(), &semaphore));
    std::thread::spawn(move || drop(half)).join().unwrap();
    assert_eq!(semaphore.available_permits(), 2);
    assert!(permit.split(2).is_none());
    drop(permit);
    assert_eq!(semaphore.available_permits(), 3);
}

#[test]
fn merging_permits_of_two_semaphores_panics_and_releases_both() {
    let (a, b) = (Semaphore::new(1), Semaphore::new(1));
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut permit = a.try_acquire().unwrap();
        permit.merge(b.try_acquire().unwrap());
    }))
    .unwrap_err();
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"merging permits from different semaphore instances")
    );
    assert_eq!((a.available_permits(), b.available_permits()), (1, 1));

    let (a, b) = (Arc::new(Semaphore::new(1)), Arc::new(Semaphore::new(1)));
    let mut permit = a.clone().try_acquire_owned().unwrap();
    let other = b.clone().try_acquire_owned().unwrap();
    let merged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| permit.merge(other)));
    assert!(merged.is_err());
    drop(permit);
    assert_eq!((a.available_permits(), b.available_permits()), (1, 1));
}
