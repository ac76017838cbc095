//! `cargo xtask features`: the facade built with no feature, with each feature alone, and with
//! all of them, each under clippy with warnings denied, so a `cfg` that one combination needs
//! and another breaks is caught (the check `cargo hack --each-feature` makes).
//!
//! The features are read from the facade's manifest, so a new one is covered when it is added.
//! Last, `full` is checked for a non-Unix target ([`FOREIGN_TARGET`], installed with rustup when
//! missing), where the reactor does not exist: the facade's `cfg(unix)` gates must agree with
//! what the reactor supports.

use std::path::Path;
use std::process::{Command, ExitCode};

/// The facade's manifest, relative to the workspace root.
const MANIFEST: &str = "crates/heddle/Cargo.toml";

/// A target without the reactor (it is Unix-only), checked with every feature on.
const FOREIGN_TARGET: &str = "x86_64-pc-windows-gnu";

pub(crate) fn run() -> ExitCode {
    let root = crate::root();
    let features = match features(&root.join(MANIFEST)) {
        Ok(features) => features,
        Err(message) => {
            eprintln!("features: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut sets: Vec<Option<String>> = vec![None];
    sets.extend(features.into_iter().map(Some));
    for set in &sets {
        eprintln!(
            "features: heddle with {}",
            set.as_deref().unwrap_or("no feature")
        );
        let mut clippy = crate::cargo();
        clippy.args(["clippy", "-p", "heddle", "--lib", "--no-default-features"]);
        if let Some(feature) = set {
            clippy.args(["--features", feature]);
        }
        clippy.args(["--", "-D", "warnings"]);
        let status = crate::run_in_root(&mut clippy);
        if status != ExitCode::SUCCESS {
            eprintln!(
                "features: FAILED with {}",
                set.as_deref().unwrap_or("no feature")
            );
            return status;
        }
    }
    foreign_target()
}

/// `cargo check` of the facade with `full` for [`FOREIGN_TARGET`], adding the target first if
/// rustup does not have it.
fn foreign_target() -> ExitCode {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains(FOREIGN_TARGET))
        .unwrap_or(false);
    if !installed {
        let added =
            crate::run_in_root(Command::new("rustup").args(["target", "add", FOREIGN_TARGET]));
        if added != ExitCode::SUCCESS {
            eprintln!("features: FAILED, cannot add the {FOREIGN_TARGET} target");
            return added;
        }
    }
    eprintln!("features: heddle with full, for {FOREIGN_TARGET}");
    let mut check = crate::cargo();
    check.args([
        "check",
        "-p",
        "heddle",
        "--lib",
        "--features",
        "full",
        "--target",
    ]);
    check.arg(FOREIGN_TARGET);
    let status = crate::run_in_root(&mut check);
    if status != ExitCode::SUCCESS {
        eprintln!("features: FAILED with full for {FOREIGN_TARGET}");
    }
    status
}

/// The names in the manifest's `[features]` table, except `default`.
fn features(manifest: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|error| format!("cannot read {}: {error}", manifest.display()))?;
    let names = parse(&text);
    if names.is_empty() {
        return Err(format!("{} has no [features] table", manifest.display()));
    }
    Ok(names)
}

/// The keys of the `[features]` table of a manifest's text, in order, without `default`.
fn parse(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_table = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_table = line == "[features]";
            continue;
        }
        if !in_table || line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim();
            if key != "default" {
                names.push(key.to_owned());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_the_feature_table_only() {
        let manifest = "[package]\nname = \"heddle\"\n\n[features]\n# a comment\ndefault = []\n\
                        rt = [\"dep:a\"]\nrt-multi-thread = [\"rt\"]\n\n[dependencies]\nx = \"1\"\n";
        assert_eq!(parse(manifest), ["rt", "rt-multi-thread"]);
    }

    #[test]
    fn the_facade_has_tokios_features() {
        let names = super::features(&crate::root().join(super::MANIFEST)).unwrap();
        for feature in [
            "rt",
            "rt-multi-thread",
            "net",
            "time",
            "sync",
            "macros",
            "full",
        ] {
            assert!(
                names.iter().any(|name| name == feature),
                "{feature} missing"
            );
        }
    }
}
