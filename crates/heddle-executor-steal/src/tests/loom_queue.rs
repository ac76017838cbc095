//! L3: the local queue. The owner pushes (overflowing to the injector) and pops while one or
//! two stealers take halves; every task comes out exactly once.

use crate::loom::{Arc, Mutex};
use crate::queue::{self, Overflow, CAPACITY};

struct Injector(Arc<Mutex<Vec<usize>>>);

impl Overflow<usize> for Injector {
    fn push_overflow(&self, tasks: impl Iterator<Item = usize>) {
        self.0.lock().extend(tasks);
    }
}

fn check_exactly_once(mut seen: Vec<usize>, total: usize) {
    seen.sort_unstable();
    assert_eq!(
        seen,
        (0..total).collect::<Vec<_>>(),
        "a task was lost or duplicated"
    );
}

#[test]
fn loom_owner_push_pop_vs_one_stealer_with_overflow() {
    loom::model(|| {
        let (mut owner, steal) = queue::new::<usize>();
        let spilled = Arc::new(Mutex::new(Vec::new()));
        let injector = Injector(spilled.clone());
        let total = CAPACITY + 2;

        let thief = loom::thread::spawn(move || {
            let (mut mine, _) = queue::new::<usize>();
            let mut got = Vec::new();
            if let Some(task) = steal.steal_into(&mut mine) {
                got.push(task);
            }
            while let Some(task) = mine.pop() {
                got.push(task);
            }
            got
        });

        let mut got = Vec::new();
        for task in 0..total {
            owner.push_back(task, &injector);
        }
        got.extend(owner.pop());
        let stolen = thief.join().unwrap();
        while let Some(task) = owner.pop() {
            got.push(task);
        }
        got.extend(stolen);
        got.extend(spilled.lock().drain(..));
        check_exactly_once(got, total);
    });
}

#[test]
fn loom_two_stealers_race_the_owner() {
    loom::model(|| {
        let (mut owner, steal) = queue::new::<usize>();
        let spilled = Arc::new(Mutex::new(Vec::new()));
        let injector = Injector(spilled.clone());
        let total = 3;
        for task in 0..total {
            owner.push_back(task, &injector);
        }
        let thieves: Vec<_> = (0..2)
            .map(|_| {
                let steal = steal.clone();
                loom::thread::spawn(move || {
                    let (mut mine, _) = queue::new::<usize>();
                    let mut got = Vec::new();
                    got.extend(steal.steal_into(&mut mine));
                    while let Some(task) = mine.pop() {
                        got.push(task);
                    }
                    got
                })
            })
            .collect();
        let mut got = Vec::new();
        got.extend(owner.pop());
        for thief in thieves {
            got.extend(thief.join().unwrap());
        }
        while let Some(task) = owner.pop() {
            got.push(task);
        }
        got.extend(spilled.lock().drain(..));
        check_exactly_once(got, total);
    });
}
