//! `cargo xtask miri`: the crates' library and integration tests under miri, on the nightly
//! toolchain, in a build directory of their own (`target/miri`).
//!
//! Flags: strict provenance and symbolic alignment checks, and a randomized struct layout, so
//! code that relies on an unspecified layout fails. Tests that need the OS poller are
//! `#[cfg_attr(miri, ignore)]` in their crates (miri cannot run `epoll`'s timer descriptor).
//!
//! When the nightly toolchain has no miri, this installs it (`rustup component add`); when
//! that fails too, the command fails and says so: miri is never skipped silently.

use std::process::{Command, ExitCode, Stdio};

/// The crates under `crates/` whose tests do not run under miri, and why. Every other crate's
/// do, so a new crate is covered from its first commit.
const EXCLUDED: &[(&str, &str)] = &[
    (
        "heddle",
        "the facade's tests drive real sockets through the OS poller",
    ),
    (
        "heddle-fs",
        "its only `unsafe` is `FromRawFd`, handing a descriptor to std's `File`, and its \
         tests are file system calls, which miri's isolation refuses",
    ),
    (
        "heddle-process",
        "its only `unsafe` is the pidfd_open(2) system call and handing `pre_exec` to std, \
         and its tests spawn processes, which miri cannot",
    ),
    (
        "heddle-signal",
        "its one `unsafe` is installing a handler with sigaction(2), which miri cannot run, and \
         its tests deliver real signals to listeners waiting on the OS poller",
    ),
    (
        "heddle-macros",
        "a proc-macro crate runs inside the compiler",
    ),
];

const MIRIFLAGS: &str = "-Zmiri-strict-provenance -Zmiri-symbolic-alignment-check";

pub(crate) fn run() -> ExitCode {
    if let Err(message) = ensure_miri() {
        eprintln!("miri: {message}");
        eprintln!("miri: FAILED, nothing was run under miri");
        return ExitCode::FAILURE;
    }
    let setup = crate::run_in_root(nightly().args(["miri", "setup"]));
    if setup != ExitCode::SUCCESS {
        return setup;
    }
    let mut tests = miri_test();
    for krate in crate::workspace::crates(crate::root()) {
        match EXCLUDED.iter().find(|(name, _)| *name == krate.name) {
            Some((name, why)) => eprintln!("miri: not running {name}: {why}"),
            None => {
                tests.args(["-p", &krate.name]);
            }
        }
    }
    tests.args(["--lib", "--tests"]);
    let status = crate::run_in_root(&mut tests);
    if status != ExitCode::SUCCESS {
        return status;
    }
    // The hyper adapter's read path is unsafe (it advances hyper's read cursor), and its
    // tests exist only with the feature.
    crate::run_in_root(miri_test().args([
        "-p",
        "heddle-reactor",
        "--features",
        "hyper",
        "--lib",
        "hyper",
    ]))
}

/// `cargo +nightly miri test` with heddle's flags.
fn miri_test() -> Command {
    let mut command = nightly();
    command
        .args(["miri", "test"])
        .env("MIRIFLAGS", MIRIFLAGS)
        .env("RUSTFLAGS", "-Zrandomize-layout")
        .env("CARGO_TARGET_DIR", crate::target_dir("miri"));
    command
}

/// `cargo +nightly`, through rustup's proxy (the cargo running xtask may be stable's).
fn nightly() -> Command {
    let mut command = Command::new("cargo");
    command.arg("+nightly").env_remove("CARGO");
    command
}

/// Makes sure `cargo +nightly miri` runs, installing the component if it is missing.
fn ensure_miri() -> Result<(), String> {
    if miri_runs() {
        return Ok(());
    }
    eprintln!("miri: not installed on the nightly toolchain; installing it");
    let install = Command::new("rustup")
        .args([
            "component",
            "add",
            "--toolchain",
            "nightly",
            "miri",
            "rust-src",
        ])
        .status();
    match install {
        Err(error) => Err(format!("cannot run rustup to install miri: {error}")),
        Ok(status) if !status.success() => Err(format!(
            "`rustup component add --toolchain nightly miri rust-src` failed ({status})"
        )),
        Ok(_) if !miri_runs() => {
            Err("miri was installed but `cargo +nightly miri --version` still fails".to_string())
        }
        Ok(_) => Ok(()),
    }
}

fn miri_runs() -> bool {
    nightly()
        .args(["miri", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}
