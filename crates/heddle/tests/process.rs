//! `heddle::process` on both runtime flavors: a child's output streamed line by line, exit
//! codes, and a child that outlives the runtime that spawned it.

mod support;

use std::process::Stdio;

use heddle::process::Command;
use tokio::io::{AsyncBufReadExt, BufReader};

#[test]
fn a_childs_output_streams_line_by_line_on_both_flavors() {
    for (_, mut builder) in support::both_flavors() {
        support::with_watchdog(60, move || {
            let runtime = builder.build().unwrap();
            runtime.block_on(async {
                let mut child = Command::new("sh")
                    .args(["-c", "for i in 1 2 3; do echo line $i; done; exit 7"])
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap();
                let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
                let mut seen = Vec::new();
                while let Some(line) = lines.next_line().await.unwrap() {
                    seen.push(line);
                }
                assert_eq!(seen, ["line 1", "line 2", "line 3"]);
                assert_eq!(child.wait().await.unwrap().code(), Some(7));
            });
        });
    }
}

#[test]
fn a_child_outlives_its_runtime() {
    for (_, mut builder) in support::both_flavors() {
        support::with_watchdog(60, move || {
            let runtime = builder.build().unwrap();
            let mut child = runtime
                .block_on(async { Command::new("sh").args(["-c", "sleep 0.2; exit 3"]).spawn() })
                .unwrap();
            drop(runtime);
            let status = futures::executor::block_on(child.wait()).unwrap();
            assert_eq!(status.code(), Some(3));
        });
    }
}
