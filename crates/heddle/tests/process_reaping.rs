//! `heddle::process` reaping: no zombie is left by many children, awaited or dropped, on
//! both runtime flavors and under a foreign executor; a child outlives its runtime and is
//! waited for, or reaped, afterwards; children are waited for from several runtimes at once.

mod support;

use std::process::Stdio;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use heddle::process::{Child, Command};
use heddle::task::JoinSet;

/// Children spawned by [`spawn_then_drop_half`] in one batch.
const BATCH: usize = 100;

/// The zombie children of this process: pids whose `/proc/<pid>/stat` says state `Z` and
/// parent pid ours.
fn zombie_children() -> Vec<u32> {
    let me = std::process::id().to_string();
    let mut zombies = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|name| name.parse::<u32>().ok()) else {
            continue;
        };
        // A process may end between the listing and the read: skip it then.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": the command may hold spaces and parentheses, so the
        // fields are counted from the last ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        if fields.next() == Some("Z") && fields.next() == Some(me.as_str()) {
            zombies.push(pid);
        }
    }
    zombies
}

/// Waits (up to 30 s, checking every 20 ms) until no zombie child of this process is left,
/// and fails with the ones left otherwise. Other tests of this binary reap their own
/// children, so a zombie of theirs is only ever seen for a moment.
fn assert_no_zombie_left() {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let zombies = zombie_children();
        if zombies.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "zombie children left after 30 s: {zombies:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_zombie_scan_sees_an_unreaped_child() {
    // std's child is reaped only by its own `wait`, so until then it is a zombie.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !zombie_children().contains(&pid) {
        assert!(
            Instant::now() < deadline,
            "child {pid} never seen as a zombie"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(child.wait().unwrap().success());
}

/// Spawns a batch of `true` children, drops every other one unwaited and returns the rest.
fn spawn_then_drop_half() -> Vec<Child> {
    let mut kept = Vec::new();
    for i in 0..BATCH {
        let child = Command::new("true").stdin(Stdio::null()).spawn().unwrap();
        if i % 2 == 0 {
            kept.push(child);
        }
    }
    kept
}

#[test]
fn a_thousand_children_half_awaited_half_dropped_leave_no_zombie_on_both_flavors() {
    for (_, mut builder) in support::both_flavors() {
        support::with_watchdog(120, move || {
            let runtime = builder.build().unwrap();
            runtime.block_on(async {
                for _ in 0..1_000 / BATCH {
                    let mut waits = JoinSet::new();
                    for mut child in spawn_then_drop_half() {
                        waits.spawn(async move { child.wait().await });
                    }
                    while let Some(status) = waits.join_next().await {
                        assert!(status.unwrap().unwrap().success());
                    }
                }
            });
            drop(runtime);
            assert_no_zombie_left();
        });
    }
}

#[test]
fn a_thousand_children_half_awaited_half_dropped_leave_no_zombie_under_block_on() {
    support::with_watchdog(120, || {
        futures::executor::block_on(async {
            for _ in 0..1_000 / BATCH {
                let mut kept = spawn_then_drop_half();
                let statuses =
                    futures::future::join_all(kept.iter_mut().map(|child| child.wait())).await;
                assert!(statuses.into_iter().all(|status| status.unwrap().success()));
            }
        });
        assert_no_zombie_left();
    });
}

/// A child of `sh` that exits with `code` once it has slept a little.
fn exits_later(code: i32) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", &format!("sleep 0.2; exit {code}")]);
    command
}

#[test]
fn a_child_outlives_its_runtime_and_is_waited_for_from_another() {
    for (first, mut builder) in support::both_flavors() {
        support::with_watchdog(60, move || {
            let runtime = builder.build().unwrap();
            let (mut to_runtime, mut to_block_on) = runtime.block_on(async {
                let mut to_runtime = exits_later(5).spawn().unwrap();
                let to_block_on = exits_later(6).spawn().unwrap();
                // A wait started on this runtime and cancelled with it leaves nothing behind.
                let cut_short = heddle::time::timeout(Duration::from_millis(1), to_runtime.wait());
                let _ = cut_short.await;
                (to_runtime, to_block_on)
            });
            drop(runtime);
            for (second, mut builder) in support::both_flavors() {
                if second != first {
                    let status = builder
                        .build()
                        .unwrap()
                        .block_on(to_runtime.wait())
                        .unwrap();
                    assert_eq!(status.code(), Some(5));
                }
            }
            let status = futures::executor::block_on(to_block_on.wait()).unwrap();
            assert_eq!(status.code(), Some(6));
        });
    }
}

#[test]
fn a_child_dropped_after_its_runtime_is_reaped() {
    for (_, mut builder) in support::both_flavors() {
        support::with_watchdog(60, move || {
            let runtime = builder.build().unwrap();
            let child = runtime.block_on(async { exits_later(0).spawn().unwrap() });
            let pid = child.id().unwrap();
            drop(runtime);
            drop(child);
            let deadline = Instant::now() + Duration::from_secs(30);
            while zombie_children().contains(&pid) {
                assert!(Instant::now() < deadline, "child {pid} left a zombie");
                std::thread::sleep(Duration::from_millis(20));
            }
        });
    }
}

#[test]
fn children_are_waited_for_from_two_runtimes_and_block_on_at_once() {
    support::with_watchdog(60, || {
        let start = Arc::new(Barrier::new(3));
        let mut waiters = Vec::new();
        for (_, mut builder) in support::both_flavors() {
            let start = Arc::clone(&start);
            waiters.push(std::thread::spawn(move || {
                let runtime = builder.build().unwrap();
                runtime.block_on(async {
                    start.wait();
                    let mut waits = JoinSet::new();
                    for code in 0..20 {
                        let mut child = exits_later(code).spawn().unwrap();
                        waits.spawn(async move { (code, child.wait().await.unwrap()) });
                    }
                    while let Some(joined) = waits.join_next().await {
                        let (code, status) = joined.unwrap();
                        assert_eq!(status.code(), Some(code));
                    }
                });
            }));
        }
        let start = Arc::clone(&start);
        waiters.push(std::thread::spawn(move || {
            futures::executor::block_on(async {
                start.wait();
                let mut children: Vec<_> = (0..20)
                    .map(|code| exits_later(code).spawn().unwrap())
                    .collect();
                let statuses =
                    futures::future::join_all(children.iter_mut().map(|child| child.wait())).await;
                for (code, status) in (0..20).zip(statuses) {
                    assert_eq!(status.unwrap().code(), Some(code));
                }
            });
        }));
        for waiter in waiters {
            waiter.join().unwrap();
        }
    });
}
