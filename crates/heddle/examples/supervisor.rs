//! A supervisor: runs a child process, streams its output line by line, and stops it on
//! Ctrl-C (or when it exits on its own).
//!
//! `cargo run --release --example supervisor -- PROGRAM [ARGS...]`; without arguments it
//! supervises a shell loop that prints a line a second. Press Ctrl-C to stop the child.

use std::process::Stdio;

use heddle::io::{AsyncBufReadExt, BufReader};
use heddle::process::Command;

#[heddle::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut command = match args.next() {
        Some(program) => {
            let mut command = Command::new(program);
            command.args(args);
            command
        }
        None => {
            let mut command = Command::new("sh");
            command.args([
                "-c",
                "i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done",
            ]);
            command
        }
    };
    let mut child = command.stdout(Stdio::piped()).kill_on_drop(true).spawn()?;
    let pid = child.id().unwrap_or_default();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
    println!("supervising pid {pid}; Ctrl-C stops it");
    loop {
        heddle::select! {
            line = lines.next_line() => match line? {
                Some(line) => println!("[{pid}] {line}"),
                None => break,
            },
            _ = heddle::signal::ctrl_c() => {
                println!("Ctrl-C: stopping {pid}");
                child.kill().await?;
                break;
            }
        }
    }
    let status = child.wait().await?;
    println!("child {pid} ended: {status}");
    Ok(())
}
