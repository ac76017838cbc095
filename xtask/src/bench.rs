//! `cargo xtask bench [--quick] [--only W[,W..]] [--runtime R[,R..]] [--samples N] [--warmup N]`:
//! builds the `heddle-bench` runner in release and runs it; it prints the table and writes
//! `target/heddle-bench/report.{md,json,svg}`.
//!
//! The runner does the sampling itself (runtimes interleaved in one process, a fresh child
//! process per memory and idle-CPU sample), so this module only builds, points it at the
//! output directory, and passes the arguments through.

use std::process::{Command, ExitCode};

pub(crate) fn run(args: &[String]) -> ExitCode {
    let root = crate::root();
    let build = crate::run_in_root(Command::new(env!("CARGO")).args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "heddle-benches",
        "--bin",
        "heddle-bench",
    ]));
    if build != ExitCode::SUCCESS {
        return build;
    }
    let out = root.join("target").join("heddle-bench");
    let exe = root.join("target").join("release").join("heddle-bench");
    crate::run_in_root(Command::new(exe).args(args).arg("--out").arg(out))
}
