//! `heddle::process` on both runtime flavors: a child's output streamed line by line, exit
//! codes, a child that outlives the runtime that spawned it, and `pre_exec`.

mod support;

use std::process::Stdio;

use heddle::io::{AsyncBufReadExt, BufReader};
use heddle::process::Command;

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

#[test]
fn pre_exec_runs_in_the_child_before_exec_on_both_flavors() {
    support::on_both_flavors(60, || async {
        let mut command = Command::new("sh");
        command.args(["-c", "umask"]);
        // SAFETY: umask(2) is async-signal-safe, and the closure allocates nothing.
        unsafe {
            command.pre_exec(|| {
                libc::umask(0o027);
                Ok(())
            })
        };
        let output = command.output().await.unwrap();
        assert!(output.status.success());
        assert_eq!(output.stdout, b"0027\n");
    });
}

#[test]
fn a_failing_pre_exec_makes_spawn_fail_with_its_error() {
    support::on_both_flavors(60, || async {
        let mut command = Command::new("true");
        // SAFETY: the closure only builds an error from a code: no allocation, no lock.
        unsafe { command.pre_exec(|| Err(std::io::Error::from_raw_os_error(libc::EACCES))) };
        let error = command.spawn().unwrap_err();
        assert_eq!(error.raw_os_error(), Some(libc::EACCES));
        // The spawn failed before exec: nothing is left to wait for, and the command
        // still spawns once the closure lets it.
        let mut command = Command::new("true");
        // SAFETY: as above; this closure does nothing.
        unsafe { command.pre_exec(|| Ok(())) };
        assert!(command.status().await.unwrap().success());
    });
}
