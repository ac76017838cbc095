//! `heddle::io::{stdin, stdout, stderr}` in a child process: each test runs this test binary
//! again with `HEDDLE_STDIO_CHILD` set to a mode, and the child's half of the test does the
//! I/O. Modes: `current_thread` and `multi_thread` create the streams inside a runtime (its
//! blocking pool serves them); `outside` creates them before any runtime exists (the global
//! pool serves them).

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use heddle::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Set in the child; its value is the mode.
const CHILD: &str = "HEDDLE_STDIO_CHILD";
/// Lines each child writes, or reads.
const LINES: usize = 2_000;
const MODES: [&str; 3] = ["current_thread", "multi_thread", "outside"];

/// The mode, in the child; `None` in the parent.
fn child_mode() -> Option<String> {
    std::env::var(CHILD).ok()
}

/// Runs `mode` on the runtime it names (a current-thread one for `outside`).
fn run_in_mode<F: std::future::Future<Output = ()>>(mode: &str, f: impl FnOnce() -> F) {
    let mut builder = match mode {
        "multi_thread" => heddle::Builder::new_multi_thread(),
        _ => heddle::Builder::new_current_thread(),
    };
    builder.enable_all();
    if mode == "outside" {
        // Created here, with no runtime current: the streams use the global pool.
        let future = f();
        builder.build().unwrap().block_on(future);
    } else {
        let runtime = builder.build().unwrap();
        runtime.block_on(async { f().await });
    }
}

/// Runs the test named `test` in a child in `mode`, feeding it `input` on standard input;
/// the child must exit successfully.
fn run_child(test: &str, mode: &str, input: Vec<u8>) -> Output {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env(CHILD, mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Fed from a thread so a child that does not read cannot block the parent; dropping
    // the pipe is the child's end of file.
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(
        output.status.success(),
        "the {mode} child failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn stdout_and_stderr_write_many_lines_in_order() {
    if let Some(mode) = child_mode() {
        run_in_mode(&mode, || {
            let mode = mode.clone();
            let mut stdout = heddle::io::stdout();
            let mut stderr = heddle::io::stderr();
            async move {
                // The test harness may have left a partial line: start on a fresh one.
                stdout.write_all(b"\n").await.unwrap();
                for i in 0..LINES {
                    let line = format!("line {i} {mode}\n");
                    stdout.write_all(line.as_bytes()).await.unwrap();
                }
                stdout.flush().await.unwrap();
                stderr.write_all(b"stderr done\n").await.unwrap();
                stderr.flush().await.unwrap();
            }
        });
        return;
    }
    support::with_watchdog(120, || {
        for mode in MODES {
            let output = run_child("stdout_and_stderr_write_many_lines_in_order", mode, vec![]);
            let stdout = String::from_utf8(output.stdout).unwrap();
            let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("line ")).collect();
            let expected: Vec<String> = (0..LINES).map(|i| format!("line {i} {mode}")).collect();
            assert_eq!(lines, expected, "{mode}: lines lost or out of order");
            let stderr = String::from_utf8(output.stderr).unwrap();
            assert!(stderr.contains("stderr done\n"), "{mode}: {stderr}");
        }
    });
}

#[test]
fn stdin_reads_lines_to_end_of_file() {
    if let Some(mode) = child_mode() {
        run_in_mode(&mode, || {
            let mut lines = BufReader::new(heddle::io::stdin()).lines();
            let mut stdout = heddle::io::stdout();
            async move {
                let mut count = 0;
                while let Some(line) = lines.next_line().await.unwrap() {
                    assert_eq!(line, format!("input {count}"));
                    count += 1;
                }
                // End of file stays end of file.
                assert_eq!(lines.next_line().await.unwrap(), None);
                let report = format!("\nread {count} lines\n");
                stdout.write_all(report.as_bytes()).await.unwrap();
                stdout.flush().await.unwrap();
            }
        });
        return;
    }
    support::with_watchdog(120, || {
        let input: String = (0..LINES).map(|i| format!("input {i}\n")).collect();
        for mode in MODES {
            let output = run_child(
                "stdin_reads_lines_to_end_of_file",
                mode,
                input.clone().into(),
            );
            let stdout = String::from_utf8(output.stdout).unwrap();
            assert!(
                stdout.lines().any(|l| l == format!("read {LINES} lines")),
                "{mode}: {stdout}"
            );
        }
    });
}

#[test]
fn stdin_at_end_of_file_reads_nothing() {
    if let Some(mode) = child_mode() {
        run_in_mode(&mode, || {
            let mut stdin = heddle::io::stdin();
            async move {
                let mut all = Vec::new();
                let n = heddle::io::AsyncReadExt::read_to_end(&mut stdin, &mut all)
                    .await
                    .unwrap();
                assert_eq!(n, 0);
            }
        });
        return;
    }
    support::with_watchdog(120, || {
        for mode in MODES {
            // The child asserts; `run_child` checks that it exited successfully.
            run_child("stdin_at_end_of_file_reads_nothing", mode, vec![]);
        }
    });
}
