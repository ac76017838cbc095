//! Project automation, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! Commands:
//! - `ci`: runs `.ci/run`, exactly what CI runs.
//! - `bench`: runs the benchmarks against tokio and smol and writes the report
//!   (`cargo xtask bench --help`).
//! - `stress`: the executor's stress tests at full size, in release.

use std::process::{Command, ExitCode};

mod bench;
mod ci;
mod stress;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci::run(),
        Some("bench") => bench::run(&args[1..]),
        Some("stress") => stress::run(),
        _ => {
            eprintln!("usage: cargo xtask ci | stress | bench [--quick] [--only W] [--runtime R]");
            ExitCode::from(2)
        }
    }
}

/// The workspace root.
fn root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
}

/// Runs a command from the workspace root, returning its exit status as ours.
fn run_in_root(command: &mut Command) -> ExitCode {
    match command.current_dir(root()).status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => ExitCode::from(u8::try_from(status.code().unwrap_or(1)).unwrap_or(1)),
        Err(error) => {
            eprintln!("failed to start {command:?}: {error}");
            ExitCode::FAILURE
        }
    }
}
