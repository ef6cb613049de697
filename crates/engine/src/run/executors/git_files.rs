//! Checks of the release files kept in the repository: the VERSION file, the changelog entry
//! and the release notes.
//!
//! With default parameters they answer from the facts read when the run started (the project
//! screen showed the same values). A plan may name another file, version or pattern; those are
//! read here from the work tree, because the facts only cover the defaults.

use std::fs;
use std::path::Path;

use crate::plan::kinds::{GitChangelogParams, GitReleaseNotesParams, GitVersionParams};
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
            (None, false) => Some(v.error.clone().unwrap_or_else(|| "it does not exist".into())),
            (Some(_), false) => {
                Some(v.error.clone().unwrap_or_else(|| "it is not a semver version".into()))
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
                 commit it, then re-run the check.",
                error.as_deref().unwrap_or("it does not exist")
            ),
            evidence,
        ),
        (Some(value), Some(error)) => StepOutcome::failed(
            format!(
                "{file} holds \"{value}\", which is not a valid version ({error}): write a semver \
                 version such as {expect}, commit it, then re-run the check."
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
                     the run for {value}), commit, then re-run the check."
                ),
                evidence,
            )
        }
    }
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
            return VersionValue { value: None, error: Some("it does not exist".into()) };
        }
        Err(e) => return VersionValue { value: None, error: Some(e.to_string()) },
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return VersionValue { value: None, error: Some("it is not UTF-8 text".into()) };
    };
    let value = strip_v(text.trim_start_matches('\u{feff}')).to_owned();
    let error = if value.is_empty() {
        Some("it is empty".to_owned())
    } else {
        semver::Version::parse(&value).err().map(|e| e.to_string())
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
            Ok(bytes) => (true, changelog_entry(&String::from_utf8_lossy(&bytes), version)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (false, None),
            Err(e) => {
                return StepOutcome::failed(
                    format!(
                        "{file} could not be read ({e}): check its permissions, then re-run the check."
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
                 re-run the check."
            ),
            evidence.fact("exists", "no"),
        ),
        None => StepOutcome::failed(
            format!(
                "{file} has no entry for {version}: add a heading such as \"## [{version}]\" \
                 describing the release, commit it, then re-run the check."
            ),
            evidence,
        ),
    }
}

/// The first Markdown heading that names `version`, as (1-based line, heading text).
///
/// Deliberately conservative: only `#` headings count, and the version must stand alone, so
/// that "1.2.3" matches "## [1.2.3] - 2025-01-02" and "## v1.2.3" but not "## 1.2.30",
/// "## 11.2.3" or "## 1.2.3-rc.1".
pub(crate) fn changelog_entry(text: &str, version: &str) -> Option<(usize, String)> {
    let version = strip_v(version);
    if version.is_empty() {
        return None;
    }
    text.lines().enumerate().find_map(|(i, line)| {
        let heading = line.trim_start_matches('\u{feff}').trim();
        (heading.starts_with('#') && names_version(heading, version))
            .then(|| (i + 1, heading.to_owned()))
    })
}

fn names_version(heading: &str, version: &str) -> bool {
    // Characters that would make the match part of a longer version or word.
    let joins = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_');
    heading.match_indices(version).any(|(at, _)| {
        let before = heading[..at].chars().next_back();
        let after = heading[at + version.len()..].chars().next();
        let before_ok = match before {
            None => true,
            // "v1.2.3" is the version with its usual prefix, unless "v" ends a word.
            Some('v' | 'V') => heading[..at - 1].chars().next_back().is_none_or(|c| !joins(c)),
            Some(c) => !joins(c),
        };
        before_ok && after.is_none_or(|c| !joins(c))
    })
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
                             then re-run the check."
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
                 commit, then re-run the check.",
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

/// `*` (any run of characters) and `?` (one character), ignoring ASCII case because release
/// notes are named inconsistently and Windows and macOS file systems ignore case anyway.
pub(crate) fn glob_matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let n: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
    let (mut pi, mut ni) = (0, 0);
    // Where the last `*` was and which name position it currently swallows up to.
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == '?' || c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_stars_and_question_marks() {
        assert!(glob_matches("RELEASE_NOTES*1.2.3*.md", "RELEASE_NOTES_1.2.3.md"), "star");
        assert!(glob_matches("release_notes*1.2.3*.md", "RELEASE_NOTES-v1.2.3-final.md"), "case");
        assert!(glob_matches("notes-?.md", "notes-1.md"), "question mark");
        assert!(!glob_matches("RELEASE_NOTES*1.2.3*.md", "RELEASE_NOTES_1.2.3.txt"), "suffix");
        assert!(!glob_matches("notes-?.md", "notes-12.md"), "one character only");
        assert!(glob_matches("*", ""), "a lone star matches nothing at all");
    }

    #[test]
    fn changelog_entry_needs_the_version_to_stand_alone() {
        let text = "# Changelog\n\n## [1.2.30] - 2025\n## 11.2.3\n## 1.2.3-rc.1\n## [1.2.3] - x\n";
        assert_eq!(
            changelog_entry(text, "1.2.3"),
            Some((6, "## [1.2.3] - x".to_owned())),
            "only the heading naming exactly 1.2.3 counts"
        );
        assert_eq!(changelog_entry("## v1.2.3\n", "1.2.3").map(|e| e.0), Some(1), "v prefix");
        assert_eq!(changelog_entry("Fixed in 1.2.3\n", "1.2.3"), None, "not a heading");
        assert_eq!(changelog_entry("## dev1.2.3\n", "1.2.3"), None, "part of a word");
    }
}
