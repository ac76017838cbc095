//! std's atomics, `Mutex` and `Condvar` stay inside the loom shims.
//!
//! Each concurrent crate has a `src/loom.rs` that re-exports either loom's types or std's; the
//! rest of its `src/` imports them from there, so a `--cfg loom` build puts every atomic and
//! lock under the model checker. A direct use of `std::sync::atomic` (or `core::sync::atomic`),
//! `std::sync::Mutex` or `std::sync::Condvar` anywhere else in `src/` escapes it, in whatever
//! form it is written: a full path, a `use` with nested groups, or through `use std::sync;`
//! and then `sync::Mutex`. Files named `loom.rs` and a crate named `heddle-loom` are the
//! shims themselves; `tests/`, `examples/` and `benches/` run outside loom and are exempt.

use std::collections::BTreeSet;
use std::path::Path;

use super::lexer::{tokens, Token};
use super::Violation;
use crate::workspace;

/// The names under `std::sync` that only a loom shim may use (`atomic` is the module).
const FORBIDDEN: &[&str] = &["atomic", "Mutex", "Condvar"];

pub(super) fn check(root: &Path) -> Vec<Violation> {
    let mut violations = Vec::new();
    for krate in workspace::crates(root) {
        if krate.name == "heddle-loom" {
            continue;
        }
        for file in workspace::files_under(&krate.dir.join("src")) {
            if file.extension().is_none_or(|ext| ext != "rs")
                || workspace::file_name(&file) == "loom.rs"
            {
                continue;
            }
            let Ok(source) = std::fs::read_to_string(&file) else {
                continue;
            };
            let path = workspace::relative(root, &file);
            for (line, what) in find(&source) {
                violations.push(Violation::new(path.clone(), line, what));
            }
        }
    }
    violations
}

/// Every use of a forbidden std item in `source`, as (line, what).
fn find(source: &str) -> Vec<(usize, String)> {
    let tokens = tokens(source);
    // First the `use` declarations: what they import, and the names they bind to
    // `std::sync` itself (`use std::sync;`, `use std::sync::{self as s}`), which code
    // anywhere in the file may then use.
    let mut uses = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].is("use") && (i == 0 || !tokens[i - 1].is("::")) {
            let start = i;
            let mut imports = Vec::new();
            i += 1;
            parse_use_tree(&tokens, &mut i, Vec::new(), &mut imports);
            uses.push((start, i, imports));
        } else {
            i += 1;
        }
    }
    let mut sync_aliases = BTreeSet::new();
    for import in uses.iter().flat_map(|(_, _, imports)| imports) {
        if is_std_sync(&import.path) {
            let last = import.path.len() - 1;
            let named = if import.path[last] == "self" {
                last - 1
            } else {
                last
            };
            let bound = import
                .alias
                .clone()
                .unwrap_or_else(|| import.path[named].clone());
            sync_aliases.insert(bound);
        }
    }
    let mut found = BTreeSet::new();
    for import in uses.iter().flat_map(|(_, _, imports)| imports) {
        if let Some(path) = forbidden(&import.path, &sync_aliases) {
            found.insert((import.line, message(&path)));
        }
    }
    // Then every path in the code outside them.
    let mut i = 0;
    let mut next_use = uses.iter().map(|(start, end, _)| (*start, *end)).peekable();
    while i < tokens.len() {
        if let Some(&(start, end)) = next_use.peek() {
            if i >= start {
                i = i.max(end);
                next_use.next();
                continue;
            }
        }
        if tokens[i].is_ident() && (i == 0 || !tokens[i - 1].is("::")) {
            let (path, end) = path_at(&tokens, i);
            if let Some(path) = forbidden(&path, &sync_aliases) {
                found.insert((tokens[i].line, message(&path)));
            }
            i = end;
        } else {
            i += 1;
        }
    }
    found.into_iter().collect()
}

fn message(path: &str) -> String {
    format!("`{path}` outside a loom shim: import it from the crate's `loom` module")
}

/// One path a `use` declaration brings in, with `self` kept as its last segment.
struct Import {
    path: Vec<String>,
    alias: Option<String>,
    line: usize,
}

/// Parses a use tree at `tokens[*i]` (after `use`, or after a `{` or `,` of a group) with
/// the segments before it in `prefix`, and leaves `*i` after it.
fn parse_use_tree(tokens: &[Token], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Import>) {
    let mut path = prefix;
    if tokens.get(*i).is_some_and(|token| token.is("::")) {
        *i += 1;
    }
    while let Some(token) = tokens.get(*i) {
        if token.is("{") {
            *i += 1;
            while tokens.get(*i).is_some_and(|token| !token.is("}")) {
                parse_use_tree(tokens, i, path.clone(), out);
                if tokens.get(*i).is_some_and(|token| token.is(",")) {
                    *i += 1;
                }
            }
            *i += 1;
            return;
        }
        if token.is("*") || token.is_ident() {
            path.push(token.text.clone());
            let line = token.line;
            *i += 1;
            if tokens.get(*i).is_some_and(|token| token.is("::")) {
                *i += 1;
                continue;
            }
            let mut alias = None;
            if tokens.get(*i).is_some_and(|token| token.is("as")) {
                alias = tokens.get(*i + 1).map(|token| token.text.clone());
                *i += 2;
            }
            out.push(Import { path, alias, line });
            return;
        }
        // A `;` or anything unexpected ends the tree.
        *i += 1;
        return;
    }
}

/// The path of identifiers joined by `::` that starts at `tokens[start]`, and the index
/// after it.
fn path_at(tokens: &[Token], start: usize) -> (Vec<String>, usize) {
    let mut path = vec![tokens[start].text.clone()];
    let mut i = start + 1;
    while tokens.get(i).is_some_and(|token| token.is("::"))
        && tokens.get(i + 1).is_some_and(Token::is_ident)
    {
        path.push(tokens[i + 1].text.clone());
        i += 2;
    }
    (path, i)
}

/// `std::sync` (or `core::sync`) itself, imported as a module.
fn is_std_sync(path: &[String]) -> bool {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    matches!(path.as_slice(), ["std" | "core", "sync", "self"])
        || matches!(path.as_slice(), ["std" | "core", "sync"])
}

/// The forbidden item `path` names, written out from `std::`, if it names one.
fn forbidden(path: &[String], sync_aliases: &BTreeSet<String>) -> Option<String> {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let under_sync = match path.as_slice() {
        [root @ ("std" | "core"), "sync", rest @ ..] => Some((format!("{root}::sync"), rest)),
        [alias, rest @ ..] if sync_aliases.contains(*alias) => {
            Some(("std::sync".to_string(), rest))
        }
        _ => None,
    };
    let (base, rest) = under_sync?;
    let first = *rest.first()?;
    let hit = first == "*"
        || (first == "atomic")
        || (FORBIDDEN.contains(&first) && !base.starts_with("core"));
    // Name the item, not what the code does with it (`Mutex`, not `Mutex::new`).
    let shown = if first == "atomic" { 2 } else { 1 };
    hit.then(|| {
        let item: Vec<&str> = rest
            .iter()
            .copied()
            .filter(|segment| *segment != "self")
            .take(shown)
            .collect();
        format!("{base}::{}", item.join("::"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(source: &str) -> Vec<String> {
        find(source)
            .into_iter()
            .map(|(line, what)| format!("{line}: {}", what.split('`').nth(1).unwrap_or("")))
            .collect()
    }

    #[test]
    fn every_import_form_is_found() {
        let source = "use std::sync::atomic::{AtomicUsize, Ordering};\n\
                      use std::sync::{Arc, Mutex};\n\
                      use std::{\n    sync::{atomic::AtomicBool, Condvar},\n    fmt,\n};\n\
                      use ::std::sync::Mutex as StdMutex;\n\
                      use core::sync::atomic;\n\
                      use std::sync::*;\n";
        assert_eq!(
            found(source),
            [
                "1: std::sync::atomic::AtomicUsize",
                "1: std::sync::atomic::Ordering",
                "2: std::sync::Mutex",
                "4: std::sync::Condvar",
                "4: std::sync::atomic::AtomicBool",
                "7: std::sync::Mutex",
                "8: core::sync::atomic",
                "9: std::sync::*",
            ]
        );
    }

    #[test]
    fn paths_in_code_and_through_a_sync_alias_are_found() {
        let source = "fn f() -> std::sync::Mutex<u8> {\n\
                      let x = std::sync::atomic::AtomicU8::new(0);\n}\n\
                      use std::sync::{self as s, Arc};\n\
                      static L: s::Mutex<()> = s::Mutex::new(());\n\
                      use std::sync;\nfn g(c: &sync::Condvar) {}\n";
        assert_eq!(
            found(source),
            [
                "1: std::sync::Mutex",
                "2: std::sync::atomic::AtomicU8",
                "5: std::sync::Mutex",
                "7: std::sync::Condvar",
            ]
        );
    }

    #[test]
    fn allowed_std_items_comments_and_strings_pass() {
        let source = "use std::sync::{Arc, OnceLock, Weak};\n\
                      use crate::loom::{AtomicUsize, Mutex};\n\
                      // std::sync::Mutex would be wrong here.\n\
                      const S: &str = \"std::sync::atomic\";\n\
                      fn f(m: &Mutex<u8>, a: std::sync::Arc<u8>) {}\n";
        assert!(found(source).is_empty(), "{:?}", found(source));
    }
}
