//! heddle-process under a foreign executor (`futures::executor`): pipelines, exit codes and
//! signals, concurrent waits, output capture, and reaping of dropped children.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use heddle_process::Command;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Runs `body` under `futures::executor::block_on` on its own thread; fails after 60 s.
fn run(body: impl std::future::Future<Output = std::io::Result<()>> + Send + 'static) {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(futures::executor::block_on(body));
    });
    finished
        .recv_timeout(Duration::from_secs(60))
        .expect("did not finish within 60 s")
        .unwrap();
}

/// Waits (bounded) until no process `pid` exists, not even as a zombie.
fn assert_gone(pid: u32) {
    let start = Instant::now();
    while Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "process {pid} is still there (running or a zombie)"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_pipeline_feeds_one_child_into_the_next() {
    run(async {
        let mut echo = Command::new("echo")
            .arg("through the pipe")
            .stdout(Stdio::piped())
            .spawn()?;
        let echo_out: Stdio = echo.stdout.take().unwrap().try_into()?;
        let upper = Command::new("tr")
            .args(["a-z", "A-Z"])
            .stdin(echo_out)
            .stdout(Stdio::piped())
            .spawn()?;
        let output = upper.wait_with_output().await?;
        assert_eq!(output.stdout, b"THROUGH THE PIPE\n");
        assert!(echo.wait().await?.success());
        Ok(())
    });
}

#[test]
fn exit_codes_and_signals_show_in_the_status() {
    run(async {
        let status = Command::new("sh").args(["-c", "exit 42"]).status().await?;
        assert_eq!(status.code(), Some(42));
        let status = Command::new("sh")
            .args(["-c", "kill -TERM $$"])
            .status()
            .await?;
        assert_eq!(status.signal(), Some(libc::SIGTERM));
        let mut sleeper = Command::new("sleep").arg("30").spawn()?;
        sleeper.kill().await?;
        assert_eq!(
            sleeper.try_wait()?.and_then(|s| s.signal()),
            Some(libc::SIGKILL)
        );
        assert!(
            sleeper.start_kill().is_err(),
            "an exited child cannot be killed"
        );
        Ok(())
    });
}

#[test]
fn many_children_waited_at_once_all_finish() {
    run(async {
        let mut children = Vec::new();
        for i in 0..32 {
            children.push(
                Command::new("sh")
                    .args(["-c", &format!("exit {}", i % 4)])
                    .spawn()?,
            );
        }
        let waits = children.iter_mut().map(|child| child.wait());
        let statuses = futures::future::try_join_all(waits).await?;
        for (i, status) in statuses.iter().enumerate() {
            assert_eq!(status.code(), Some((i % 4) as i32));
        }
        Ok(())
    });
}

#[test]
fn stdin_and_stdout_stream_line_by_line() {
    run(async {
        let mut cat = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut stdin = cat.stdin.take().unwrap();
        let mut lines = BufReader::new(cat.stdout.take().unwrap()).lines();
        for i in 0..100 {
            stdin.write_all(format!("line {i}\n").as_bytes()).await?;
            assert_eq!(lines.next_line().await?, Some(format!("line {i}")));
        }
        drop(stdin);
        assert_eq!(lines.next_line().await?, None);
        assert!(cat.wait().await?.success());
        Ok(())
    });
}

#[test]
fn output_captures_more_than_a_pipe_buffer_on_both_streams() {
    run(async {
        let output = Command::new("sh")
            .args([
                "-c",
                "head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2",
            ])
            .output()
            .await?;
        assert!(output.status.success());
        assert_eq!(output.stdout.len(), 1 << 20);
        assert_eq!(output.stderr.len(), 1 << 20);
        Ok(())
    });
}

#[test]
fn kill_on_drop_kills_and_reaps() {
    let pid = {
        let child = Command::new("sleep")
            .arg("60")
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        child.id().unwrap()
    };
    assert_gone(pid);
}

#[test]
fn a_child_dropped_while_running_is_reaped_when_it_exits() {
    let pid = {
        let child = Command::new("sleep").arg("0.1").spawn().unwrap();
        child.id().unwrap()
    };
    assert_gone(pid);
}

#[test]
fn a_missing_program_is_not_found() {
    let error = Command::new("/no/such/program").spawn().unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
}

#[test]
fn reading_stdout_of_a_quiet_child_ends_at_its_exit() {
    run(async {
        let mut child = Command::new("true").stdout(Stdio::piped()).spawn()?;
        let mut out = Vec::new();
        child.stdout.take().unwrap().read_to_end(&mut out).await?;
        assert!(out.is_empty());
        assert!(child.wait().await?.success());
        Ok(())
    });
}
