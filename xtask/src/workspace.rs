//! What the commands need to know about the workspace's layout: the crates under `crates/`
//! and the files below a directory, with build output and hidden directories left out.

use std::path::{Path, PathBuf};

/// A crate under `crates/`.
pub(crate) struct Crate {
    /// Its folder, `crates/<name>`.
    pub(crate) dir: PathBuf,
    /// The package name in its manifest.
    pub(crate) name: String,
}

/// Every crate under `crates/` (a folder with a `Cargo.toml`), sorted by folder.
pub(crate) fn crates(root: &Path) -> Vec<Crate> {
    let Ok(entries) = std::fs::read_dir(root.join("crates")) else {
        return Vec::new();
    };
    let mut crates: Vec<Crate> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .map(|dir| {
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
            let name = package_name(&manifest).unwrap_or_else(|| file_name(&dir));
            Crate { dir, name }
        })
        .collect();
    crates.sort_by(|a, b| a.dir.cmp(&b.dir));
    crates
}

/// The `name` of a manifest's `[package]` table.
pub(crate) fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("name") {
                let value = value.trim_start().strip_prefix('=')?.trim();
                return Some(value.trim_matches('"').to_string());
            }
        }
    }
    None
}

/// Every file below `dir`, sorted, skipping `target` folders and hidden folders (those below
/// `dir`: `dir` itself may be hidden, as `.ci` is).
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
            let name = file_name(&path);
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    pending.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The last component of `path`, as a string.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `path` relative to `root`, with `/` separators, for messages.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_name_is_read_from_the_package_table_only() {
        let manifest =
            "[workspace]\nname = \"no\"\n[package]\nversion = \"1\"\nname = \"heddle-x\"\n";
        assert_eq!(package_name(manifest).as_deref(), Some("heddle-x"));
        assert_eq!(package_name("[lib]\nname = \"y\"\n"), None);
    }

    #[test]
    fn this_workspace_has_the_facade_and_the_task_layer() {
        let names: Vec<String> = crates(crate::root()).into_iter().map(|c| c.name).collect();
        assert!(names.iter().any(|name| name == "heddle"), "{names:?}");
        assert!(names.iter().any(|name| name == "heddle-task"), "{names:?}");
    }
}
