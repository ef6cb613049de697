//! Checks of the repository, answered from the facts read when the run started (and the
//! VERSION, changelog and release-notes files they name).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::StepParams;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitCleanParams {
    /// Untracked files do not make the tree dirty.
    #[serde(default)]
    pub allow_untracked: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitBranchParams {
    /// The branch HEAD must be on, e.g. "main".
    pub expect: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitHeadParams {
    /// A commit id or prefix HEAD must be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_commit: Option<String>,
    /// A tag that must point at HEAD, e.g. "v{{version}}".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_tag: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitVersionParams {
    /// The version file (default: "VERSION").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The value it must hold (default: the run's target version, `{{version}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitChangelogParams {
    /// The changelog (default: "CHANGELOG.md").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The version that needs an entry (default: `{{version}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitReleaseNotesParams {
    /// File-name glob (default: "RELEASE_NOTES*{{version}}*.md"), looked for at the work tree
    /// root and under docs/.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitUpstreamParams {
    /// Most commits the branch may be behind its upstream (default 0).
    #[serde(default)]
    pub max_behind: usize,
    /// Most commits the branch may be ahead of its upstream (default: unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ahead: Option<usize>,
    /// Fail when the branch has no upstream (default: warn only).
    #[serde(default)]
    pub require_upstream: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitTagParams {
    /// The tag name, e.g. "v{{version}}".
    pub name: String,
    /// The tag must point at HEAD.
    #[serde(default)]
    pub at_head: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitPreviousReleaseParams {}

impl StepParams for GitCleanParams {
    fn describe(&self, _title: &str) -> String {
        if self.allow_untracked {
            "check the working tree has no uncommitted changes (untracked files allowed)".into()
        } else {
            "check the working tree has no uncommitted or untracked changes".into()
        }
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for GitBranchParams {
    fn describe(&self, _title: &str) -> String {
        format!("check HEAD is on branch `{}`", self.expect)
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for GitHeadParams {
    fn describe(&self, _title: &str) -> String {
        match (&self.expect_commit, &self.expect_tag) {
            (Some(c), Some(t)) => format!("check HEAD is commit `{c}` and carries tag `{t}`"),
            (Some(c), None) => format!("check HEAD is commit `{c}`"),
            (None, Some(t)) => format!("check tag `{t}` points at HEAD"),
            (None, None) => "read the HEAD commit".into(),
        }
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for GitVersionParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "check {} holds a valid version{}",
            self.file.as_deref().unwrap_or("VERSION"),
            self.expect.as_deref().map(|v| format!(" equal to {v}")).unwrap_or_default()
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for GitChangelogParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "check {} has an entry for {}",
            self.file.as_deref().unwrap_or("CHANGELOG.md"),
            self.version.as_deref().unwrap_or("the target version")
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for GitReleaseNotesParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "look for release notes matching `{}`",
            self.pattern.as_deref().unwrap_or("RELEASE_NOTES*{{version}}*.md")
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for GitUpstreamParams {
    fn describe(&self, _title: &str) -> String {
        format!("check the branch is at most {} commit(s) behind its upstream", self.max_behind)
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for GitTagParams {
    fn describe(&self, _title: &str) -> String {
        if self.at_head {
            format!("check tag `{}` exists and points at HEAD", self.name)
        } else {
            format!("check tag `{}` exists", self.name)
        }
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for GitPreviousReleaseParams {
    fn describe(&self, _title: &str) -> String {
        "find the previous release tag (the rollback target)".into()
    }
    fn touches(&self) -> Option<String> {
        None
    }
}
