//! Per-file rules over `crates/`, `xtask/` and `benches/`: every `.rs` file opens with a `//!`
//! doc saying what it is for, and no file is longer than `MAX_LINES`.

use std::path::Path;

use super::Violation;
use crate::workspace;

/// The longest a file may be; past it, split the file by sub-concept.
const MAX_LINES: usize = 800;

/// The folders whose files these rules cover.
const DIRS: &[&str] = &["crates", "xtask", "benches"];

pub(super) fn check(root: &Path) -> Vec<Violation> {
    let mut violations = Vec::new();
    for dir in DIRS {
        for file in workspace::files_under(&root.join(dir)) {
            // Files that are not text (images, binary fixtures) have no lines to count.
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let path = workspace::relative(root, &file);
            if file.extension().is_some_and(|ext| ext == "rs") {
                if let Some(line) = missing_module_doc(&text) {
                    violations.push(Violation::new(
                        path.clone(),
                        line,
                        "the file does not start with a `//!` doc saying what it is for",
                    ));
                }
            }
            if let Some(what) = too_long(&text) {
                violations.push(Violation::new(path, MAX_LINES + 1, what));
            }
        }
    }
    violations
}

/// The line where a `//!` doc should start but something else does; `None` if the file
/// starts with one. Blank lines and `#![...]` attribute lines may come before it.
fn missing_module_doc(text: &str) -> Option<usize> {
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.starts_with("//!") {
            return None;
        }
        if line.is_empty() || (line.starts_with("#![") && line.trim_end().ends_with(']')) {
            continue;
        }
        return Some(index + 1);
    }
    Some(1)
}

/// What is wrong if `text` is longer than `MAX_LINES` lines.
fn too_long(text: &str) -> Option<String> {
    let lines = text.lines().count();
    (lines > MAX_LINES).then(|| {
        format!("{lines} lines, over the limit of {MAX_LINES}: split the file by sub-concept")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_doc_may_follow_blank_lines_and_inner_attributes() {
        assert_eq!(missing_module_doc("//! Doc.\nfn main() {}\n"), None);
        assert_eq!(
            missing_module_doc("\n#![cfg(loom)]\n#![allow(x)]\n//! Doc.\n"),
            None
        );
    }

    #[test]
    fn a_file_without_a_module_doc_is_reported_at_its_first_line_of_code() {
        assert_eq!(missing_module_doc("\nuse std::fmt;\n//! Late.\n"), Some(2));
        assert_eq!(missing_module_doc("/// An item doc.\nfn f() {}\n"), Some(1));
        assert_eq!(missing_module_doc("// A plain comment.\n"), Some(1));
        assert_eq!(missing_module_doc(""), Some(1));
    }

    #[test]
    fn files_up_to_the_limit_pass() {
        assert_eq!(too_long(&"x\n".repeat(MAX_LINES)), None);
        let report = too_long(&"x\n".repeat(MAX_LINES + 1)).unwrap();
        assert!(report.starts_with("801 lines"), "{report}");
    }
}
