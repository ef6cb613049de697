//! Checks of the release files kept in the repository: the VERSION file, the changelog entry
//! and the release notes.
//!
//! With default parameters they answer from the facts read when the run started (the project
//! screen showed the same values). A plan may name another file, version or pattern; those are
//! read here from the work tree, because the facts only cover the defaults.

use std::fs;
use std::path::Path;

use crate::plan::kinds::{GitChangelogParams, GitReleaseNotesParams, GitVersionParams};
use crate::repo::changelog::entry_heading;
use crate::repo::release_notes::glob_matches;
use crate::run::{Evidence, FileEvidence, StepOutcome};

use super::{StepContext, plural, resolve};

const DEFAULT_VERSION_FILE: &str = "VERSION";
const DEFAULT_CHANGELOG: &str = "CHANGELOG.md";

/// What a version file holds.
struct VersionValue {
    /// Trimmed, without BOM or `v` prefix; `None` when the file is missing or unreadable.
    value: Option<String>,
    /// Why the value is not a valid semver version, or why the file could not be read.
    error: Option<String>,
}

/// The version file holds a valid semver version, equal to the expected one.
pub(super) fn version(p: &GitVersionParams, ctx: &StepContext<'_>) -> StepOutcome {
    let file = p.file.as_deref().unwrap_or(DEFAULT_VERSION_FILE);
    let expect = p.expect.as_deref().unwrap_or(ctx.version);
    let from_facts = ctx.facts.version.file == file;
    let found = if from_facts {
        let v = &ctx.facts.version;
        let error = match (&v.value, v.valid) {
            (_, true) => None,
            (None, false) => Some(v.error.clone().unwrap_or_else(|| format!("no {file} file"))),
            (Some(_), false) => {
                Some(v.error.clone().unwrap_or_else(|| "not a semver version".into()))
            }
        };
        VersionValue { value: v.value.clone(), error }
    } else {
        read_version_file(&resolve(ctx.repo_path, file))
    };

    let mut evidence = Evidence::default().fact("file", file).fact("expected", expect);
    if let Some(v) = &found.value {
        evidence = evidence.fact("value", v.clone());
    }
    match (&found.value, &found.error) {
        (None, error) => StepOutcome::failed(
            format!(
                "{file} could not be read ({}): create it holding the version (e.g. {expect}), \
                 commit it, then start a new run.",
                error.as_deref().unwrap_or("no such file")
            ),
            evidence,
        ),
        (Some(_), Some(error)) => StepOutcome::failed(
            format!(
                "{file} does not hold a valid version ({error}): write a semver version such as \
                 {expect}, commit it, then start a new run."
            ),
            evidence,
        ),
        (Some(value), None) if strip_v(value) == strip_v(expect) => {
            StepOutcome::passed(format!("{file} holds {value}."), evidence)
        }
        (Some(value), None) => {
            let whose = if p.expect.is_some() { "the plan expects" } else { "this run releases" };
            StepOutcome::failed(
                format!(
                    "{file} says {value}, but {whose} {expect}: set {file} to {expect} (or start \
                     the run for {value}), commit, then start a new run."
                ),
                evidence,
            )
        }
    }
}

/// The file name for messages (the plan's relative path is in the evidence).
fn shown(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn strip_v(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix(['v', 'V']).unwrap_or(s)
}

/// Read a version file the facts did not cover, with the same rules as the facts: BOM and
/// surrounding white space removed, a leading `v` allowed.
fn read_version_file(path: &Path) -> VersionValue {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return VersionValue { value: None, error: Some(format!("no {} file", shown(path))) };
        }
        Err(e) => return VersionValue { value: None, error: Some(e.to_string()) },
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        let value = String::from_utf8_lossy(bytes).trim().to_owned();
        let error = format!("{} is not valid UTF-8 text", shown(path));
        return VersionValue { value: Some(value), error: Some(error) };
    };
    let value = strip_v(text).to_owned();
    let error = if value.is_empty() {
        Some("the version is empty".to_owned())
    } else {
        semver::Version::parse(&value).err().map(|e| {
            format!("\"{value}\" is not a semver version (MAJOR.MINOR.PATCH, e.g. 1.2.3): {e}")
        })
    };
    VersionValue { value: Some(value), error }
}

/// The changelog has an entry (a heading) for the version.
pub(super) fn changelog(p: &GitChangelogParams, ctx: &StepContext<'_>) -> StepOutcome {
    let facts = &ctx.facts.changelog;
    let file = p.file.as_deref().unwrap_or(DEFAULT_CHANGELOG);
    let version = p.version.as_deref().unwrap_or(ctx.version);
    let evidence = Evidence::default().fact("file", file).fact("version", version);

    let (exists, entry) = if facts.file == file && version == ctx.version {
        let entry = match (facts.has_entry, &facts.heading) {
            (true, heading) => Some((facts.line.unwrap_or(0), heading.clone().unwrap_or_default())),
            (false, _) => None,
        };
        (facts.exists, entry)
    } else {
        match fs::read(resolve(ctx.repo_path, file)) {
            Ok(bytes) => (true, entry_heading(&String::from_utf8_lossy(&bytes), strip_v(version))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (false, None),
            Err(e) => {
                return StepOutcome::failed(
                    format!(
                        "{file} could not be read ({e}): check its permissions, then start a new run."
                    ),
                    evidence,
                );
            }
        }
    };

    match entry {
        Some((line, heading)) => {
            let evidence = evidence.fact("heading", heading.clone()).fact("line", line.to_string());
            StepOutcome::passed(
                format!("{file} has an entry for {version} (line {line}: {heading})."),
                evidence,
            )
        }
        None if !exists => StepOutcome::failed(
            format!(
                "{file} does not exist: add it with an entry for {version}, commit it, then \
                 start a new run."
            ),
            evidence.fact("exists", "no"),
        ),
        None => StepOutcome::failed(
            format!(
                "{file} has no entry for {version}: add a heading such as \"## [{version}]\" \
                 describing the release, commit it, then start a new run."
            ),
            evidence,
        ),
    }
}

/// A release-notes file for the version exists at the work tree root or under docs/.
pub(super) fn release_notes(p: &GitReleaseNotesParams, ctx: &StepContext<'_>) -> StepOutcome {
    let (pattern, found) = match &p.pattern {
        None => (format!("RELEASE_NOTES*{}*.md", ctx.version), ctx.facts.release_notes.clone()),
        Some(pattern) => {
            let pattern = pattern.replace("{{version}}", ctx.version);
            match find_release_notes(ctx.repo_path, &pattern) {
                Ok(found) => (pattern, found),
                Err(e) => {
                    return StepOutcome::failed(
                        format!(
                            "The work tree could not be listed ({e}): check its permissions, \
                             then start a new run."
                        ),
                        Evidence::default().fact("pattern", pattern),
                    );
                }
            }
        }
    };
    let mut evidence = Evidence::default().fact("pattern", pattern.clone());
    if found.is_empty() {
        return StepOutcome::failed(
            format!(
                "No release notes for {} ({pattern} at the root or in docs/): write them, \
                 commit, then start a new run.",
                ctx.version
            ),
            evidence,
        );
    }
    for f in &found {
        let size = fs::metadata(resolve(ctx.repo_path, f)).map(|m| m.len()).unwrap_or(0);
        evidence.files.push(FileEvidence {
            path: f.clone(),
            size_bytes: size,
            sha256: None,
            modified: None,
        });
    }
    StepOutcome::passed(
        format!(
            "Release notes found ({}): {}.",
            plural(found.len(), "file", "files"),
            found.join(", ")
        ),
        evidence,
    )
}

/// Files at the root and directly under docs/ whose name matches `pattern`, as `/`-separated
/// relative paths in name order.
fn find_release_notes(repo: &Path, pattern: &str) -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    for (dir, prefix) in [(repo.to_path_buf(), ""), (repo.join("docs"), "docs/")] {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            // No docs/ folder is normal; a missing root is reported by the caller's listing.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !prefix.is_empty() => continue,
            Err(e) => return Err(e),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| glob_matches(pattern, name))
            .collect();
        names.sort();
        found.extend(names.into_iter().map(|n| format!("{prefix}{n}")));
    }
    Ok(found)
}

executors! {
    GitVersionParams => version,
    GitChangelogParams => changelog,
    GitReleaseNotesParams => release_notes,
}
