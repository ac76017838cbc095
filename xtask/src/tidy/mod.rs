//! `cargo xtask tidy`: the repository's own rules, checked over the source tree.
//!
//! - Layers (`layers`): each crate's `heddle-*` dependencies point to lower layers only.
//! - File docs and length (`files`): every `.rs` file starts with a `//!` doc, and no file
//!   under `crates/`, `xtask/` or `benches/` is over 800 lines.
//! - std sync primitives (`std_sync`): `std::sync::atomic`, `std::sync::Mutex` and
//!   `std::sync::Condvar` appear in a crate's `src/` only inside its `loom.rs` shim, so loom
//!   sees every synchronisation.
//! - References (`references`): nothing cites a file the repository does not hold, and
//!   every relative markdown link in `docs/` and `README.md` resolves.
//!
//! Output is one line per violation, `path:line: what`, and the exit code is 1 if there is
//! any. The same checks run as a `#[test]`, so `cargo test -p xtask` fails on a violation.

use std::fmt;
use std::path::Path;
use std::process::ExitCode;

mod files;
mod layers;
mod lexer;
mod references;
mod std_sync;

/// One broken rule at one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Violation {
    /// The file, relative to the workspace root.
    path: String,
    /// The line, counting from 1.
    line: usize,
    /// What is wrong, and what to do instead.
    what: String,
}

impl Violation {
    fn new(path: impl Into<String>, line: usize, what: impl Into<String>) -> Violation {
        Violation {
            path: path.into(),
            line,
            what: what.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.what)
    }
}

pub(crate) fn run() -> ExitCode {
    let violations = check(crate::root());
    for violation in &violations {
        println!("{violation}");
    }
    if violations.is_empty() {
        eprintln!("tidy: no violations");
        ExitCode::SUCCESS
    } else {
        eprintln!("tidy: {} violations", violations.len());
        ExitCode::FAILURE
    }
}

/// Every violation in the tree at `root`, sorted by file and line.
fn check(root: &Path) -> Vec<Violation> {
    let mut violations = Vec::new();
    violations.extend(layers::check(root));
    violations.extend(files::check(root));
    violations.extend(std_sync::check(root));
    violations.extend(references::check(root));
    violations.sort();
    violations.dedup();
    violations
}

#[cfg(test)]
mod tests {
    /// The tree passes every tidy check (what `cargo xtask tidy` runs).
    #[test]
    fn the_tree_is_tidy() {
        let violations = super::check(crate::root());
        let listed: Vec<String> = violations.iter().map(ToString::to_string).collect();
        assert!(
            violations.is_empty(),
            "cargo xtask tidy finds {} violations:\n{}",
            violations.len(),
            listed.join("\n")
        );
    }
}
