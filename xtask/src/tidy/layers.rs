//! The layer table and the check of every crate's manifest against it.
//!
//! The table is README.md's "Layers" diagram as data, bottom up. A crate may depend (normal,
//! build or dev dependency, on any target) only on crates of lower layers: never on its own
//! layer, never upwards. Two refinements the diagram states in words are below the table.

use std::path::Path;

use super::Violation;
use crate::workspace;

/// One layer: its name as README.md writes it, and its crates.
struct Layer {
    name: &'static str,
    crates: &'static [&'static str],
}

/// The layers, bottom up. The loom shim sits at the bottom of layer 0, below the rest of it,
/// since every crate imports its synchronisation from there. `0.5` holds the blocking pool,
/// which the reactor uses to resolve host names. `1b` holds the crates over the
/// reactor and the blocking pool; `1.5` holds the core the two executors share, below both.
const LAYERS: &[Layer] = &[
    Layer {
        name: "0 (the loom shim)",
        crates: &["heddle-loom"],
    },
    Layer {
        name: "0",
        crates: &["heddle-task", "heddle-driver"],
    },
    // The blocking pool knows only tasks, and the reactor resolves host names on it, so it
    // sits between the two.
    Layer {
        name: "0.5",
        crates: &["heddle-blocking"],
    },
    Layer {
        name: "1",
        crates: &["heddle-reactor", "heddle-timer", "heddle-sync"],
    },
    Layer {
        name: "1b",
        crates: &["heddle-fs", "heddle-process", "heddle-signal"],
    },
    Layer {
        name: "1.5",
        crates: &["heddle-executor-core"],
    },
    Layer {
        name: "2",
        crates: &["heddle-executor-local", "heddle-executor-steal"],
    },
    Layer {
        name: "3",
        crates: &["heddle", "heddle-macros"],
    },
];

/// Crates that may depend on these crates only, whatever their layer allows: the executors'
/// shared core knows tasks and drivers (and the loom shim, as every crate may), nothing else.
const ONLY: &[(&str, &[&str])] = &[(
    "heddle-executor-core",
    &["heddle-task", "heddle-driver", "heddle-loom"],
)];

/// Edges within one layer that the design draws: the facade re-exports the attribute macros,
/// which sit beside it (their expansions name `heddle::` paths, so they cannot sit below it).
/// heddle-process waits for children on SIGCHLD, which heddle-signal delivers, where pidfds
/// are missing and for the children dropped before their exit.
const SIDEWAYS_ALLOWED: &[(&str, &str)] = &[
    ("heddle", "heddle-macros"),
    ("heddle-process", "heddle-signal"),
];

/// The index and name of the layer holding `name`.
fn layer_of(name: &str) -> Option<(usize, &'static str)> {
    LAYERS
        .iter()
        .enumerate()
        .find(|(_, layer)| layer.crates.contains(&name))
        .map(|(index, layer)| (index, layer.name))
}

pub(super) fn check(root: &Path) -> Vec<Violation> {
    let mut violations = Vec::new();
    for krate in workspace::crates(root) {
        let manifest_path = krate.dir.join("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest_path).unwrap_or_default();
        let path = workspace::relative(root, &manifest_path);
        for (line, what) in check_manifest(&krate.name, &manifest) {
            violations.push(Violation::new(path.clone(), line, what));
        }
    }
    violations
}

/// The violations of one manifest, as (line, what).
fn check_manifest(name: &str, manifest: &str) -> Vec<(usize, String)> {
    let Some((layer, layer_name)) = layer_of(name) else {
        let line = manifest
            .lines()
            .position(|line| line.trim_start().starts_with("name"))
            .map_or(1, |index| index + 1);
        return vec![(
            line,
            format!("crate `{name}` is not in the layer table (xtask/src/tidy/layers.rs)"),
        )];
    };
    let only = ONLY
        .iter()
        .find(|(krate, _)| *krate == name)
        .map(|(_, allowed)| *allowed);
    let mut violations = Vec::new();
    for dependency in heddle_dependencies(manifest) {
        let target = dependency.name.as_str();
        let kind = dependency.kind;
        let Some((target_layer, target_layer_name)) = layer_of(target) else {
            violations.push((
                dependency.line,
                format!("{kind} `{target}` is not in the layer table (xtask/src/tidy/layers.rs)"),
            ));
            continue;
        };
        if let Some(allowed) = only {
            if !allowed.contains(&target) {
                violations.push((
                    dependency.line,
                    format!(
                        "`{name}` may depend only on {}, not on `{target}` ({kind})",
                        allowed.join(" and ")
                    ),
                ));
            }
            continue;
        }
        if target_layer < layer || SIDEWAYS_ALLOWED.contains(&(name, target)) {
            continue;
        }
        if target == name && kind == "dev-dependency" {
            // A crate's tests may turn on its own features (the facade's tests use `full`).
            continue;
        }
        let direction = if target_layer == layer {
            "sideways"
        } else {
            "upwards"
        };
        violations.push((
            dependency.line,
            format!(
                "`{name}` (layer {layer_name}) depends {direction} on `{target}` \
                 (layer {target_layer_name}, {kind}); dependencies point to lower layers only"
            ),
        ));
    }
    violations
}

/// A dependency on a heddle crate, as a manifest declares it.
#[derive(Debug, PartialEq, Eq)]
struct Dependency {
    name: String,
    kind: &'static str,
    line: usize,
}

/// The dependencies on crates named `heddle` or `heddle-*` in every dependency table of a
/// manifest: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, their
/// `[target.'cfg(..)'.*]` forms, and `[dependencies.<name>]` tables. A renamed dependency
/// (`x = { package = "heddle-task" }`) counts under its package name.
fn heddle_dependencies(manifest: &str) -> Vec<Dependency> {
    let mut dependencies = Vec::new();
    // The kind of the table we are in, if it lists dependencies.
    let mut kind: Option<&'static str> = None;
    for (index, raw) in manifest.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_end_matches(']').trim();
            kind = None;
            for (table, table_kind) in [
                ("dependencies", "dependency"),
                ("dev-dependencies", "dev-dependency"),
                ("build-dependencies", "build-dependency"),
            ] {
                if header == table || header.ends_with(&format!(".{table}")) {
                    kind = Some(table_kind);
                } else if let Some(position) = header.find(&format!("{table}.")) {
                    // `[dependencies.heddle-task]`: one dependency, named in the header.
                    let at_start = position == 0 || header[..position].ends_with('.');
                    let name = header[position + table.len() + 1..].trim_matches('"');
                    if at_start && is_heddle(name) {
                        dependencies.push(Dependency {
                            name: name.to_string(),
                            kind: table_kind,
                            line: index + 1,
                        });
                    }
                }
            }
            continue;
        }
        let Some(kind) = kind else { continue };
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_end_matches(".workspace").trim_matches('"');
        let name = renamed_package(value).unwrap_or_else(|| key.to_string());
        if is_heddle(&name) {
            dependencies.push(Dependency {
                name,
                kind,
                line: index + 1,
            });
        }
    }
    dependencies
}

/// The `package = "..."` of an inline dependency table, if it renames the package.
fn renamed_package(value: &str) -> Option<String> {
    let start = value.find("package")?;
    let rest = value[start + "package".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

fn is_heddle(name: &str) -> bool {
    name == "heddle" || name.starts_with("heddle-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(name: &str, manifest: &str) -> Vec<String> {
        check_manifest(name, manifest)
            .into_iter()
            .map(|(line, what)| format!("{line}: {what}"))
            .collect()
    }

    #[test]
    fn downward_dependencies_pass() {
        let manifest = "[package]\nname = \"heddle-timer\"\n[dependencies]\n\
                        heddle-task.workspace = true\nheddle-driver = { workspace = true }\n";
        assert!(messages("heddle-timer", manifest).is_empty());
    }

    #[test]
    fn sideways_and_upward_dependencies_fail_in_every_table_form() {
        let manifest = "[package]\nname = \"heddle-timer\"\n\
                        [dependencies]\nheddle-reactor.workspace = true\n\
                        [target.'cfg(unix)'.dev-dependencies]\nheddle = { path = \"../heddle\" }\n\
                        [build-dependencies.heddle-executor-local]\npath = \"x\"\n\
                        [dependencies]\nrt = { package = \"heddle-executor-steal\", path = \"y\" }\n";
        let found = messages("heddle-timer", manifest);
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with("4: ") && found[0].contains("sideways on `heddle-reactor`"));
        assert!(found[1].starts_with("6: ") && found[1].contains("upwards on `heddle`"));
        assert!(found[1].contains("dev-dependency"));
        assert!(found[2].starts_with("7: ") && found[2].contains("build-dependency"));
        assert!(found[3].starts_with("10: ") && found[3].contains("heddle-executor-steal"));
    }

    #[test]
    fn a_crate_may_dev_depend_on_itself_only() {
        let dev = "[package]\nname = \"heddle\"\n[dev-dependencies]\n\
                   heddle = { path = \".\", features = [\"full\"] }\n";
        assert!(messages("heddle", dev).is_empty());
        let normal = "[package]\nname = \"heddle\"\n[dependencies]\nheddle = { path = \".\" }\n";
        assert_eq!(messages("heddle", normal).len(), 1);
    }

    #[test]
    fn the_executor_core_knows_tasks_and_drivers_only() {
        let manifest =
            "[dependencies]\nheddle-task.workspace = true\nheddle-sync.workspace = true\n";
        let found = messages("heddle-executor-core", manifest);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("3: ") && found[0].contains("`heddle-sync`"));
        let executor = "[dependencies]\nheddle-executor-core.workspace = true\n";
        assert!(messages("heddle-executor-steal", executor).is_empty());
    }

    #[test]
    fn the_facade_may_use_the_macros_beside_it_and_nothing_else_sideways() {
        let manifest = "[dependencies]\nheddle-macros.workspace = true\n";
        assert!(messages("heddle", manifest).is_empty());
        assert_eq!(
            messages("heddle-macros", "[dependencies]\nheddle = \"1\"\n").len(),
            1
        );
    }

    #[test]
    fn every_crate_may_use_the_loom_shim_and_it_uses_none() {
        let manifest = "[dependencies]\nheddle-loom.workspace = true\n";
        assert!(messages("heddle-task", manifest).is_empty());
        assert!(messages("heddle-executor-core", manifest).is_empty());
        let shim = "[dependencies]\nheddle-task.workspace = true\n";
        assert_eq!(messages("heddle-loom", shim).len(), 1);
    }

    #[test]
    fn crates_outside_the_table_are_reported() {
        assert_eq!(
            messages("heddle-unknown", "[package]\nname = \"heddle-unknown\"\n").len(),
            1
        );
        let manifest = "[dependencies]\nheddle-unknown.workspace = true\n";
        assert_eq!(messages("heddle-sync", manifest).len(), 1);
    }
}
