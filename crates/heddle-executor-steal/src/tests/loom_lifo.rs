//! The LIFO slot (`src/lifo.rs`): the owner puts, replaces and takes while a watcher steals.
//! Every runnable put in comes out exactly once: taken, displaced by a later put, or stolen.

use heddle_task::{Id, Runnable};

use crate::lifo::{LifoOwner, LifoSlot};
use crate::loom::Arc;

fn runnable() -> Runnable {
    heddle_task::Builder::new()
        .spawn(async {}, |_: Runnable| {})
        .0
}

fn check_exactly_once(mut got: Vec<Id>, mut put: Vec<Id>) {
    got.sort_unstable();
    put.sort_unstable();
    assert_eq!(got, put, "a runnable was lost or duplicated");
}

#[test]
fn loom_owner_put_replace_take_vs_a_stealer() {
    loom::model(|| {
        let slot = Arc::new(LifoSlot::new());
        let mut owner = LifoOwner::default();
        let (first, second) = (runnable(), runnable());
        let put = vec![first.id(), second.id()];

        let thief = {
            let slot = slot.clone();
            loom::thread::spawn(move || slot.steal().map(|r| r.id()))
        };

        let mut got = Vec::new();
        // The first put finds the slot empty (a plain store); the second may find it filled
        // or stolen from (a swap).
        assert!(slot.put(&mut owner, first).is_none());
        got.extend(slot.put(&mut owner, second).map(|r| r.id()));
        got.extend(slot.take(&mut owner).map(|r| r.id()));
        got.extend(thief.join().unwrap());
        // Nothing is left behind either.
        assert!(slot.take(&mut owner).is_none());
        assert!(!slot.is_filled());
        check_exactly_once(got, put);
    });
}

#[test]
fn loom_two_stealers_race_the_owners_take() {
    loom::model(|| {
        let slot = Arc::new(LifoSlot::new());
        let mut owner = LifoOwner::default();
        let task = runnable();
        let put = vec![task.id()];
        assert!(slot.put(&mut owner, task).is_none());

        let thieves: Vec<_> = (0..2)
            .map(|_| {
                let slot = slot.clone();
                loom::thread::spawn(move || slot.steal().map(|r| r.id()))
            })
            .collect();
        let mut got: Vec<Id> = slot.take(&mut owner).map(|r| r.id()).into_iter().collect();
        for thief in thieves {
            got.extend(thief.join().unwrap());
        }
        check_exactly_once(got, put);
    });
}

/// The model explores the race it claims to: asserting that the owner always gets its own
/// task back must fail, since a stealer can come first (run with
/// `--cfg loom --cfg loom_selftest`).
#[cfg(loom_selftest)]
#[test]
#[should_panic(expected = "the stealer won the race")]
fn loom_selftest_finds_a_steal_before_the_take() {
    loom::model(|| {
        let slot = Arc::new(LifoSlot::new());
        let mut owner = LifoOwner::default();
        assert!(slot.put(&mut owner, runnable()).is_none());
        let thief = {
            let slot = slot.clone();
            loom::thread::spawn(move || slot.steal().is_some())
        };
        let taken = slot.take(&mut owner).is_some();
        let stolen = thief.join().unwrap();
        assert!(taken && !stolen, "the stealer won the race");
    });
}
