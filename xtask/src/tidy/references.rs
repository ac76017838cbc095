//! The repository explains itself: nothing in it cites a file it does not hold.
//!
//! Two checks. First, the design documents heddle was planned from live outside the
//! repository; their names (and the folder that holds them) must not appear in code, docs,
//! benches, xtask, README.md or CI files, unless a file of that name is in the repository:
//! ids and workloads resolve in `docs/verification.md` and `docs/benchmarks.md` instead.
//! Second, every relative markdown link in `docs/` and `README.md` points to a file or folder
//! that exists.

use std::collections::BTreeSet;
use std::path::Path;

use super::Violation;
use crate::workspace;

/// The names of the design documents kept outside the repository. Written in pieces so this
/// file does not cite them itself.
const OUTSIDE_DOCUMENTS: &[&str] = &[
    concat!("RELIABILITY", ".md"),
    concat!("BENCHMARKS", ".md"),
    concat!("ARCHITECTURE", ".md"),
    concat!("API", ".md"),
    concat!("STYLE", ".md"),
];

/// The folder next to the repository that holds them.
const OUTSIDE_FOLDER: &str = concat!("..", "/shared");

/// Where the outside names must not appear: folders and single files.
const SCANNED: &[&str] = &[
    "crates",
    "docs",
    "benches",
    "xtask",
    "README.md",
    ".ci",
    ".github",
];

pub(super) fn check(root: &Path) -> Vec<Violation> {
    let held: BTreeSet<String> = workspace::files_under(root)
        .iter()
        .map(|path| workspace::file_name(path))
        .collect();
    let mut violations = Vec::new();
    for scanned in SCANNED {
        let path = root.join(scanned);
        let files = if path.is_file() {
            vec![path]
        } else {
            workspace::files_under(&path)
        };
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let shown = workspace::relative(root, &file);
            for (line, what) in outside_citations(&text, &held) {
                violations.push(Violation::new(shown.clone(), line, what));
            }
        }
    }
    let mut markdown = workspace::files_under(&root.join("docs"));
    markdown.push(root.join("README.md"));
    for file in markdown {
        if file.extension().is_none_or(|ext| ext != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let dir = file.parent().unwrap_or(root);
        let shown = workspace::relative(root, &file);
        for (line, target) in relative_links(&text) {
            let resolved = match target.strip_prefix('/') {
                Some(from_root) => root.join(from_root),
                None => dir.join(&target),
            };
            if !resolved.exists() {
                violations.push(Violation::new(
                    shown.clone(),
                    line,
                    format!("link to `{target}`, which is not in the repository"),
                ));
            }
        }
    }
    violations
}

/// Each mention of an outside document (one no file in the repository is named after, per
/// `held`) or of the outside folder, as (line, what).
fn outside_citations(text: &str, held: &BTreeSet<String>) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        for name in OUTSIDE_DOCUMENTS {
            if held.contains(*name) {
                continue;
            }
            let cited = line.match_indices(name).any(|(at, _)| {
                let before = line[..at].chars().next_back();
                let after = line[at + name.len()..].chars().next();
                !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char)
            });
            if cited {
                found.push((
                    index + 1,
                    format!(
                        "cites `{name}`, which is not in the repository: cite \
                         docs/verification.md or docs/benchmarks.md, or drop the citation"
                    ),
                ));
            }
        }
        if line.contains(OUTSIDE_FOLDER) {
            found.push((
                index + 1,
                format!("cites `{OUTSIDE_FOLDER}`, a folder outside the repository"),
            ));
        }
    }
    found
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The relative targets of the markdown links in `text` (inline links, images and reference
/// definitions), without their `#fragment`, as (line, target). Links in code blocks and code
/// spans are not links; URLs and pure fragments are not relative.
fn relative_links(text: &str) -> Vec<(usize, String)> {
    let mut links = Vec::new();
    let mut fence: Option<&str> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let prose = without_code_spans(line);
        let mut targets = Vec::new();
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let end = after.find(')').unwrap_or(after.len());
            targets.push(after[..end].to_string());
            rest = &after[end..];
        }
        if let Some(definition) = reference_definition(prose.trim_start()) {
            targets.push(definition.to_string());
        }
        for target in targets {
            if let Some(target) = relative_target(&target) {
                links.push((index + 1, target));
            }
        }
    }
    links
}

/// `line` with the contents of its backtick code spans blanked out.
fn without_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else {
            out.push(if in_code { ' ' } else { c });
        }
    }
    out
}

/// The target of a reference definition, `[label]: target "title"`.
fn reference_definition(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let close = rest.find("]:")?;
    if close == 0 || rest[..close].contains('[') {
        return None;
    }
    rest[close + 2..].split_whitespace().next()
}

/// The path part of a link target, if it is a relative path (not a URL or a fragment).
fn relative_target(target: &str) -> Option<String> {
    let target = target.trim();
    let target = match target.strip_prefix('<') {
        Some(bracketed) => bracketed.split('>').next().unwrap_or_default(),
        None => target.split_whitespace().next().unwrap_or_default(),
    };
    let path = target.split(['#', '?']).next().unwrap_or_default();
    let is_url = target.contains("://") || target.starts_with("mailto:");
    (!path.is_empty() && !is_url).then(|| path.replace("%20", " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_documents_are_found_unless_the_repository_holds_one() {
        let name = OUTSIDE_DOCUMENTS[1];
        let text =
            format!("ok\nsee {name} section 2\nMY_{name} is another file\n{OUTSIDE_FOLDER}/x\n");
        let found = outside_citations(&text, &BTreeSet::new());
        let lines: Vec<usize> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 4], "{found:?}");
        let held = BTreeSet::from([name.to_string()]);
        assert_eq!(outside_citations(&text, &held).len(), 1);
    }

    #[test]
    fn relative_links_are_found_outside_code() {
        let text = "[a](docs/a.md) and ![b](img/b.svg \"title\") and [c](https://x.org/c.md)\n\
                    `[not](code.md)` [d](#anchor) [e](e.md#part)\n\
                    ```\n[in](fence.md)\n```\n\
                    [ref]: ../up.md \"title\"\n[f](<with space.md>)\n";
        let targets: Vec<(usize, String)> = relative_links(text);
        assert_eq!(
            targets,
            [
                (1, "docs/a.md".to_string()),
                (1, "img/b.svg".to_string()),
                (2, "e.md".to_string()),
                (6, "../up.md".to_string()),
                (7, "with space.md".to_string()),
            ]
        );
    }
}
