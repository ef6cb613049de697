//! Reads all repository facts in one pass.

use std::path::Path;

use super::{RepoError, RepoFacts};

/// What to read and where.
#[derive(Debug, Clone)]
pub struct InspectOptions {
    /// The file holding the target version, relative to the work tree root.
    pub version_file: String,
    /// Overrides the VERSION file as the target version (e.g. `pilot run --version`).
    pub target_version: Option<String>,
    /// The changelog file, relative to the work tree root.
    pub changelog_file: String,
    /// Glob (`*`, `?`) matched against file names at the work tree root and under `docs/`,
    /// for release-notes files. `{{version}}` is replaced by the target version.
    pub release_notes_pattern: String,
}

impl Default for InspectOptions {
    fn default() -> Self {
        Self {
            version_file: "VERSION".into(),
            target_version: None,
            changelog_file: "CHANGELOG.md".into(),
            release_notes_pattern: "RELEASE_NOTES*{{version}}*.md".into(),
        }
    }
}

/// Read every fact about the repository at (or above) `path`.
pub fn inspect(path: &Path, options: &InspectOptions) -> Result<RepoFacts, RepoError> {
    let _ = (path, options);
    Err(RepoError::Missing { path: path.to_path_buf() })
}
