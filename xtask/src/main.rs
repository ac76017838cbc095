//! Project automation, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! One module per command:
//! - `ci`: runs `.ci/run`, exactly what CI runs.
//! - `features`: the facade under clippy with no feature, each feature alone, and all.
//! - `tidy`: the repository's own rules (layering, file docs, std sync primitives
//!   only in loom shims, file length, references to files the repository does not hold); also
//!   a `#[test]`, so `cargo test -p xtask` checks them.
//! - `loom`: the loom models, `--selftest` for the planted-bug models that must
//!   fail, `--full` for a deeper search.
//! - `miri`: the test suites under miri, installing the nightly component when it
//!   is missing.
//! - `stress`: the executor's stress tests at full size, in release.
//! - `bench`: the benchmarks against tokio and smol and their report.
//!
//! `docs/verification.md` says what each check proves and how long it takes.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod bench;
mod ci;
mod features;
mod loom;
mod miri;
mod stress;
mod tidy;
mod workspace;

/// What `cargo xtask help` prints.
const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  ci                        run .ci/run, exactly what CI runs
  features                  clippy on the facade with no feature, each feature alone, and all
  tidy                      check layering, file docs, std sync primitives outside loom shims,
                            file length and references to files outside the repository
  loom [--selftest] [--full]
                            run the loom models; --selftest runs the planted-bug models, which
                            must each find their bug; --full searches with 3 preemptions
  miri                      run the test suites under miri (installs the nightly component)
  stress                    the executor's stress tests at full size, in release
  bench [--quick] [--only W[,W..]] [--runtime R[,R..]] [--samples N] [--warmup N]
                            benchmarks against tokio and smol (`cargo xtask bench --help`)
  help                      print this text
";

/// The one-line usage printed after a bad command.
const USAGE_LINE: &str =
    "usage: cargo xtask ci | features | tidy | loom [--selftest] [--full] | miri | stress | bench [..] | help";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{USAGE_LINE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    match command.as_str() {
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        "ci" => without_arguments("ci", rest).unwrap_or_else(ci::run),
        "features" => without_arguments("features", rest).unwrap_or_else(features::run),
        "tidy" => without_arguments("tidy", rest).unwrap_or_else(tidy::run),
        "miri" => without_arguments("miri", rest).unwrap_or_else(miri::run),
        "stress" => without_arguments("stress", rest).unwrap_or_else(stress::run),
        "loom" => loom::run(rest),
        "bench" => bench::run(rest),
        other => {
            eprintln!("unknown command `{other}`\n{USAGE_LINE}");
            ExitCode::from(2)
        }
    }
}

/// `None` if a command that takes no arguments got none; else the exit code of a usage error
/// (or of `--help`, which prints the usage).
fn without_arguments(command: &str, rest: &[String]) -> Option<ExitCode> {
    match rest.first().map(String::as_str) {
        None => None,
        Some("--help" | "-h") => {
            print!("{USAGE}");
            Some(ExitCode::SUCCESS)
        }
        Some(other) => {
            eprintln!("`cargo xtask {command}` takes no arguments, got `{other}`\n{USAGE_LINE}");
            Some(ExitCode::from(2))
        }
    }
}

/// The workspace root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
}

/// Where a command that needs its own build flags (loom, miri) keeps its build: `name` under
/// `$CARGO_TARGET_DIR` if that is set, else under the workspace's `target/`.
fn target_dir(name: &str) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    base.join(name)
}

/// A `cargo` command: the cargo that runs xtask, so the toolchain stays the same.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")))
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
