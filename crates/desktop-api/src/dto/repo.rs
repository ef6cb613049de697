//! Repository facts for the UI.

use pilot_engine::repo::{Change, CommitInfo, RepoFacts, TagInfo, Upstream};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepoFactsDto {
    pub path: String,
    pub branch: Option<String>,
    pub detached: bool,
    pub bare: bool,
    pub shallow: bool,
    pub head: Option<CommitDto>,
    pub clean: bool,
    pub changes: Vec<ChangeDto>,
    pub tags: Vec<TagDto>,
    pub head_tags: Vec<String>,
    pub version_file: String,
    pub version: Option<String>,
    pub version_valid: bool,
    pub version_error: Option<String>,
    pub previous_release: Option<String>,
    pub previous_version: Option<String>,
    pub changelog_file: String,
    pub changelog_has_entry: bool,
    pub changelog_heading: Option<String>,
    pub release_notes: Vec<String>,
    pub upstream: Option<UpstreamDto>,
    pub commits_since_previous_release: Vec<CommitDto>,
    pub warnings: Vec<String>,
    /// Who git says is working in this repository ("Name <email>" from its configuration,
    /// else the user's), the default operator of a run.
    pub operator: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommitDto {
    pub id: String,
    pub short_id: String,
    pub summary: String,
    pub author: String,
    pub time: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangeDto {
    pub path: String,
    /// added, modified, deleted, renamed, typechange, untracked or conflicted.
    pub status: String,
    pub staged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TagDto {
    pub name: String,
    pub target: String,
    pub annotated: bool,
    pub time: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpstreamDto {
    pub name: String,
    pub ahead: u32,
    pub behind: u32,
}

impl From<&CommitInfo> for CommitDto {
    fn from(c: &CommitInfo) -> Self {
        Self {
            id: c.id.clone(),
            short_id: c.short_id.clone(),
            summary: c.summary.clone(),
            author: c.author.clone(),
            time: c.time.to_rfc3339(),
        }
    }
}

impl From<&Change> for ChangeDto {
    fn from(c: &Change) -> Self {
        let status =
            serde_json::to_value(c.status).ok().and_then(|v| v.as_str().map(str::to_string));
        Self { path: c.path.clone(), status: status.unwrap_or_default(), staged: c.staged }
    }
}

impl From<&TagInfo> for TagDto {
    fn from(t: &TagInfo) -> Self {
        Self {
            name: t.name.clone(),
            target: t.target.clone(),
            annotated: t.annotated,
            time: t.time.map(|t| t.to_rfc3339()),
            version: t.version.clone(),
        }
    }
}

impl From<&Upstream> for UpstreamDto {
    fn from(u: &Upstream) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self { name: u.name.clone(), ahead: clamp(u.ahead), behind: clamp(u.behind) }
    }
}

impl From<&RepoFacts> for RepoFactsDto {
    fn from(f: &RepoFacts) -> Self {
        Self {
            path: f.path.clone(),
            branch: f.branch.clone(),
            detached: f.detached,
            bare: f.bare,
            shallow: f.shallow,
            head: f.head.as_ref().map(Into::into),
            clean: f.worktree.clean,
            changes: f.worktree.changes.iter().map(Into::into).collect(),
            tags: f.tags.iter().map(Into::into).collect(),
            head_tags: f.head_tags.clone(),
            version_file: f.version.file.clone(),
            version: f.version.value.clone(),
            version_valid: f.version.valid,
            version_error: f.version.error.clone(),
            previous_release: f.previous_release.as_ref().map(|r| r.tag.clone()),
            previous_version: f.previous_release.as_ref().map(|r| r.version.clone()),
            changelog_file: f.changelog.file.clone(),
            changelog_has_entry: f.changelog.has_entry,
            changelog_heading: f.changelog.heading.clone(),
            release_notes: f.release_notes.clone(),
            upstream: f.upstream.as_ref().map(Into::into),
            commits_since_previous_release: f
                .commits_since_previous_release
                .iter()
                .map(Into::into)
                .collect(),
            warnings: f.warnings.clone(),
            operator: None,
        }
    }
}
