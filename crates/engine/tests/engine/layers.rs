//! The engine's layer order (ARCHITECTURE.md, "Layers"): a module may use only modules of lower
//! layers, and no two files of one folder use each other. Read from the source itself: every
//! `crate::…` path of every file under `src/<module>/`, and every `super::<sibling>` path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lowest first. Modules of one layer do not use each other.
const LAYERS: &[&[&str]] = &[
    &["clock", "paths", "pattern", "write"],
    &["repo", "plan", "validate", "backup"],
    &["docker"],
    &["record"],
    &["signoff"],
    &["store"],
    &["report"],
    &["signature"],
    &["run"],
    &["demo"],
];

/// What the crate root re-exports, by the module that defines it.
const ROOT_ITEMS: &[(&str, &str)] = &[
    ("Clock", "clock"),
    ("FixedClock", "clock"),
    ("SystemClock", "clock"),
    ("DataPaths", "paths"),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without its comments (doc links name modules without using them).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read source");
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The first segment of every `<prefix>::name` and `<prefix>::{a, b::c}` path in `code`.
fn first_segments(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let needle = format!("{prefix}::");
    let mut rest = code;
    while let Some(at) = rest.find(&needle) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + needle.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `foo_crate::` or `$crate::`-like: not this prefix
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String =
                    part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String =
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The module a file belongs to: its first folder under `src/`, or its own name.
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("a component").as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// Every module-level use that goes up (or sideways) in the layer order, as "file: a -> b".
fn upward_uses() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(file);
        if module == "lib" {
            continue;
        }
        let Some(mine) = layer_of(&module) else {
            wrong.push(format!("{module} is in no layer: add it to LAYERS and ARCHITECTURE.md"));
            continue;
        };
        for used in first_segments(&code(file), "crate") {
            let used = ROOT_ITEMS
                .iter()
                .find(|(item, _)| *item == used)
                .map_or(used.as_str(), |(_, m)| *m)
                .to_owned();
            if used == module {
                continue;
            }
            match layer_of(&used) {
                Some(theirs) if theirs < mine => {}
                _ => wrong.push(format!(
                    "{}: {module} uses {used}",
                    file.strip_prefix(src()).unwrap_or(file).display()
                )),
            }
        }
    }
    wrong
}

/// Files of one folder that use each other, directly or around a circle.
fn file_circles() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for file in &files {
        let name = file.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        if name == "mod" || name == "lib" {
            continue;
        }
        let dir = file.parent().expect("a folder");
        for sibling in first_segments(&code(file), "super") {
            let path = dir.join(format!("{sibling}.rs"));
            if sibling != name && path.exists() {
                edges.entry(file.clone()).or_default().insert(path);
            }
        }
    }
    let mut circles = BTreeSet::new();
    for start in edges.keys() {
        let mut stack = vec![vec![start.clone()]];
        while let Some(path) = stack.pop() {
            let last = path.last().expect("non-empty");
            for next in edges.get(last).into_iter().flatten() {
                if next == start {
                    let mut names: Vec<String> = path
                        .iter()
                        .map(|p| p.strip_prefix(src()).unwrap_or(p).display().to_string())
                        .collect();
                    names.sort();
                    circles.insert(names.join(" <-> "));
                } else if !path.contains(next) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push(longer);
                }
            }
        }
    }
    circles.into_iter().collect()
}

#[test]
fn engine_modules_use_only_lower_layers() {
    let wrong = upward_uses();
    assert!(
        wrong.is_empty(),
        "these uses go against the layer order in ARCHITECTURE.md (move the shared thing down, \
         or the user up):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_files_of_a_folder_use_each_other() {
    let circles = file_circles();
    assert!(
        circles.is_empty(),
        "files that use each other (move what both need into a file of its own):\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_layer_reader_sees_grouped_and_plain_paths() {
    let seen = first_segments(
        "use crate::{plan::Step, record};\nlet x = crate::store::RunStore::open(p);\nuse $crate::x;",
        "crate",
    );
    assert_eq!(
        seen,
        ["plan", "record", "store"].iter().map(|s| s.to_string()).collect(),
        "every first segment, and nothing from a macro's $crate"
    );
}
