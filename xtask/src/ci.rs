//! `cargo xtask ci`: runs `.ci/run`, so a developer runs exactly what CI runs.

use std::process::{Command, ExitCode};

pub(crate) fn run() -> ExitCode {
    crate::run_in_root(Command::new("bash").arg(".ci/run"))
}
