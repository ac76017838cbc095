//! `cargo xtask stress`: the executor's stress tests at full size (10^6 tasks spawned from
//! inside and from 8 outside threads, exactly-once bitsets, wake storms × 20 repetitions),
//! in release. The normal test suite runs the same tests at reduced size.

use std::process::{Command, ExitCode};

pub(crate) fn run() -> ExitCode {
    crate::run_in_root(
        Command::new("cargo")
            .args([
                "test",
                "--release",
                "-p",
                "heddle-executor-steal",
                "--test",
                "steal_spawn",
            ])
            .args(["--", "--test-threads=1"])
            .env("HEDDLE_STRESS", "full"),
    )
}
