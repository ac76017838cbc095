//! `cargo xtask loom [--selftest] [--full]`: the loom models, in release with debug
//! assertions, in a build directory of their own (`target/loom`).
//!
//! The models are the tests named `loom_*` inside each crate's `src/` (`src/tests/loom_*.rs`);
//! a crate is run if it has one. `LOOM_MAX_PREEMPTIONS=2` and `LOOM_MAX_BRANCHES=10000` bound
//! the search so every model finishes in seconds; `--full` searches with 3 preemptions.
//!
//! `--selftest` runs the `loom_selftest_*` models instead, with `--cfg loom_selftest` (in
//! `target/loom-selftest`). Each asserts something the code does NOT guarantee, so loom must
//! find the interleaving that breaks it: they are `#[should_panic]`, and the run passes only if
//! every one of them ran and panicked. That shows the models explore the races they claim to.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};

use crate::workspace;

const USAGE: &str = "usage: cargo xtask loom [--selftest] [--full]";

/// A crate's loom models, as its sources declare them.
struct Models {
    package: String,
    /// Whether any test named `loom_*` other than a selftest exists.
    has_models: bool,
    selftests: Vec<Selftest>,
}

/// One `loom_selftest_*` model.
struct Selftest {
    name: String,
    file: PathBuf,
    line: usize,
    should_panic: bool,
}

pub(crate) fn run(args: &[String]) -> ExitCode {
    let (mut selftest, mut full) = (false, false);
    for arg in args {
        match arg.as_str() {
            "--selftest" => selftest = true,
            "--full" => full = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown option `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let root = crate::root();
    let models = discover(root);
    if selftest {
        run_selftests(root, &models, full)
    } else {
        let packages: Vec<&str> = models
            .iter()
            .filter(|m| m.has_models)
            .map(|m| m.package.as_str())
            .collect();
        if packages.is_empty() {
            eprintln!("loom: no crate under crates/ has a `loom_*` model");
            return ExitCode::FAILURE;
        }
        let mut command = loom_test(&packages, "--cfg loom", "loom", full);
        command.arg("loom");
        crate::run_in_root(&mut command)
    }
}

/// `cargo test --release --lib` of `packages` under loom, with `cfg` as RUSTFLAGS and its
/// own build directory `dir`.
fn loom_test(packages: &[&str], cfg: &str, dir: &str, full: bool) -> std::process::Command {
    let mut command = crate::cargo();
    command.args(["test", "--release"]);
    for package in packages {
        command.args(["-p", package]);
    }
    command
        .arg("--lib")
        .env("LOOM_MAX_PREEMPTIONS", if full { "3" } else { "2" })
        .env("LOOM_MAX_BRANCHES", "10000")
        .env("RUSTFLAGS", format!("{cfg} -C debug-assertions"))
        .env("CARGO_TARGET_DIR", crate::target_dir(dir));
    command
}

fn run_selftests(root: &Path, models: &[Models], full: bool) -> ExitCode {
    let selftests: Vec<&Selftest> = models.iter().flat_map(|m| &m.selftests).collect();
    if selftests.is_empty() {
        eprintln!("loom --selftest: no crate under crates/ has a `loom_selftest_*` model");
        return ExitCode::FAILURE;
    }
    let unmarked: Vec<&&Selftest> = selftests.iter().filter(|t| !t.should_panic).collect();
    for test in &unmarked {
        eprintln!(
            "{}:{}: `{}` is not #[should_panic]: it would pass without finding its bug",
            workspace::relative(root, &test.file),
            test.line,
            test.name
        );
    }
    if !unmarked.is_empty() {
        return ExitCode::FAILURE;
    }
    let packages: Vec<&str> = models
        .iter()
        .filter(|m| !m.selftests.is_empty())
        .map(|m| m.package.as_str())
        .collect();
    let mut command = loom_test(
        &packages,
        "--cfg loom --cfg loom_selftest",
        "loom-selftest",
        full,
    );
    command
        .arg("loom_selftest")
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let output = match command.output() {
        Ok(output) => output,
        Err(error) => {
            eprintln!("failed to start {command:?}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    let names: Vec<&str> = selftests.iter().map(|t| t.name.as_str()).collect();
    let missing = not_found(&stdout, &names);
    if output.status.success() && missing.is_empty() {
        println!(
            "loom --selftest: all {} planted bugs were found",
            selftests.len()
        );
        ExitCode::SUCCESS
    } else if missing.is_empty() {
        eprintln!("loom --selftest: FAILED ({})", output.status);
        ExitCode::FAILURE
    } else {
        eprintln!(
            "loom --selftest: FAILED, these models did not find their planted bug (or did not \
             run): {}",
            missing.join(", ")
        );
        ExitCode::FAILURE
    }
}

/// The selftests among `names` that the test output does not show panicking as expected.
/// libtest prints `test <path> - should panic ... ok` for a `#[should_panic]` test that
/// panicked with the expected message.
fn not_found<'a>(stdout: &str, names: &[&'a str]) -> Vec<&'a str> {
    let passed: Vec<&str> = stdout
        .lines()
        .filter_map(|line| {
            line.strip_prefix("test ")?
                .strip_suffix(" - should panic ... ok")
        })
        .collect();
    names
        .iter()
        .copied()
        .filter(|name| {
            !passed
                .iter()
                .any(|path| path.rsplit("::").next() == Some(*name))
        })
        .collect()
}

/// The loom models of every crate under `crates/`, found in their `src/` files.
fn discover(root: &Path) -> Vec<Models> {
    workspace::crates(root)
        .into_iter()
        .filter_map(|krate| {
            let mut models = Models {
                package: krate.name,
                has_models: false,
                selftests: Vec::new(),
            };
            for file in workspace::files_under(&krate.dir.join("src")) {
                if file.extension().is_none_or(|ext| ext != "rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&file).unwrap_or_default();
                scan(&source, &file, &mut models);
            }
            (models.has_models || !models.selftests.is_empty()).then_some(models)
        })
        .collect()
}

/// Adds the models declared in one source file.
fn scan(source: &str, file: &Path, models: &mut Models) {
    let lines: Vec<&str> = source.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let Some(name) = declared_fn(line).filter(|name| name.starts_with("loom_")) else {
            continue;
        };
        if !name.starts_with("loom_selftest") {
            models.has_models = true;
            continue;
        }
        // The attributes and docs right above the function.
        let should_panic = lines[..index]
            .iter()
            .rev()
            .map(|line| line.trim_start())
            .take_while(|line| line.starts_with("#[") || line.starts_with("///"))
            .any(|line| line.starts_with("#[should_panic"));
        models.selftests.push(Selftest {
            name: name.to_string(),
            file: file.to_path_buf(),
            line: index + 1,
            should_panic,
        });
    }
}

/// The name of the function a line declares, if it declares one.
fn declared_fn(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(source: &str) -> Models {
        let mut models = Models {
            package: "p".into(),
            has_models: false,
            selftests: Vec::new(),
        };
        scan(source, Path::new("f.rs"), &mut models);
        models
    }

    #[test]
    fn models_and_marked_selftests_are_told_apart() {
        let models = scanned(
            "#[test]\nfn loom_a() {}\n/// Doc.\n#[cfg(loom_selftest)]\n#[test]\n\
             #[should_panic(expected = \"x\")]\nfn loom_selftest_b() {}\n\
             #[test]\nfn loom_selftest_c() {}\nfn helper() {}\n",
        );
        assert!(models.has_models);
        let found: Vec<(&str, usize, bool)> = models
            .selftests
            .iter()
            .map(|t| (t.name.as_str(), t.line, t.should_panic))
            .collect();
        assert_eq!(
            found,
            [("loom_selftest_b", 7, true), ("loom_selftest_c", 9, false)]
        );
    }

    #[test]
    fn a_selftest_counts_only_if_it_ran_and_panicked() {
        let stdout = "running 3 tests\n\
                      test tests::m::loom_selftest_a - should panic ... ok\n\
                      test tests::m::loom_selftest_b - should panic ... FAILED\n\
                      test tests::m::loom_selftest_cc ... ok\n";
        let names = ["loom_selftest_a", "loom_selftest_b", "loom_selftest_c"];
        assert_eq!(
            not_found(stdout, &names),
            ["loom_selftest_b", "loom_selftest_c"]
        );
    }

    #[test]
    fn this_workspace_has_models_and_every_selftest_is_should_panic() {
        let models = discover(crate::root());
        assert!(models.iter().any(|m| m.has_models));
        for test in models.iter().flat_map(|m| &m.selftests) {
            assert!(test.should_panic, "{} is not #[should_panic]", test.name);
        }
    }
}
