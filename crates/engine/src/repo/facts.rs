//! The facts read from a repository. Their JSON form (`pilot inspect --json`) is a contract
//! read by scripts: fields may be added, never renamed or removed. Field names are snake_case.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Everything Release Pilot knows about a repository at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepoFacts {
    /// Absolute path of the work tree (or of the git dir for a bare repository).
    pub path: String,
    /// Current branch name; `None` when HEAD is detached or the repository is empty and unborn.
    pub branch: Option<String>,
    /// HEAD points at a commit, not at a branch.
    pub detached: bool,
    /// True for a bare repository (no work tree: worktree facts are empty).
    #[serde(default)]
    pub bare: bool,
    /// True for a shallow clone (history may be cut: the previous release may be missing).
    #[serde(default)]
    pub shallow: bool,
    /// The HEAD commit; `None` for an empty repository.
    pub head: Option<CommitInfo>,
    pub worktree: Worktree,
    /// Every tag, annotated and lightweight, sorted by name.
    pub tags: Vec<TagInfo>,
    /// Names of the tags that point at HEAD.
    pub head_tags: Vec<String>,
    pub version: VersionFile,
    /// The newest semver tag reachable from HEAD (any version), if any.
    #[serde(default)]
    pub latest_release: Option<ReleaseTag>,
    /// The newest semver tag reachable from HEAD whose version is lower than the target version.
    pub previous_release: Option<ReleaseTag>,
    pub changelog: Changelog,
    /// Release-notes files in the work tree whose name matches the configured pattern.
    #[serde(default)]
    pub release_notes: Vec<String>,
    /// `None` when the branch has no upstream.
    pub upstream: Option<Upstream>,
    /// Commits reachable from HEAD but not from the previous release tag, newest first
    /// (all of HEAD's history when there is no previous release).
    pub commits_since_previous_release: Vec<CommitInfo>,
    /// Problems found while reading that did not stop the reading (for example a VERSION file
    /// that is not valid UTF-8). Shown to the user, never hidden.
    #[serde(default)]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitInfo {
    /// Full 40-hex id.
    pub id: String,
    /// Abbreviated id, unique in the repository, at least 7 hex digits.
    pub short_id: String,
    pub summary: String,
    /// "Name <email>".
    pub author: String,
    /// Author time with its original offset, RFC 3339.
    pub time: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Worktree {
    pub clean: bool,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Path relative to the work tree root, `/`-separated. Non-UTF-8 bytes are replaced
    /// lossily; `path_bytes_hex` then carries the exact bytes.
    pub path: String,
    pub status: ChangeStatus,
    /// True when the change is in the index (staged), false for work-tree-only changes.
    pub staged: bool,
    /// For renames: the old path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    /// Present only when the path is not valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_bytes_hex: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    Added,
    Modified,
    Deleted,
    Renamed,
    Typechange,
    Untracked,
    Conflicted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagInfo {
    pub name: String,
    /// The commit the tag points at (peeled through annotated tags).
    pub target: String,
    pub annotated: bool,
    /// The tagger time for annotated tags, the commit time for lightweight ones.
    pub time: Option<DateTime<FixedOffset>>,
    /// The semver version the name denotes (`v1.2.3` or `1.2.3`), or `None`.
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionFile {
    /// The file the target version was read from (relative), e.g. "VERSION".
    pub file: String,
    /// The trimmed value without BOM or `v` prefix; `None` when the file is missing.
    pub value: Option<String>,
    /// The value is a valid semver version.
    pub valid: bool,
    /// Why the value is not valid (or the file is missing/unreadable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseTag {
    pub tag: String,
    pub version: String,
    #[serde(default)]
    pub commit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changelog {
    pub file: String,
    pub has_entry: bool,
    /// The heading line that counted as the entry, when found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// 1-based line of that heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default)]
    pub exists: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upstream {
    /// Short name, e.g. "origin/main".
    pub name: String,
    pub ahead: usize,
    pub behind: usize,
}
