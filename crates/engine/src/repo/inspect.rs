//! Reads all repository facts in one pass.
//!
//! The working-tree status is by far the slowest fact on a large checkout (one `lstat` per
//! tracked file), so it runs on its own thread, with its own handle on the repository
//! (`git2::Repository` is `Send` but not `Sync`), while this thread reads everything else.

use std::path::Path;

use git2::Repository;

use super::abbrev::Abbreviation;
use super::branch::read_branch;
use super::changelog::find_entry;
use super::commits::commits_since;
use super::files::read_project_file;
use super::head::{commit_info, head_commit};
use super::open::{open_repository, root_path};
use super::release_notes::find_release_notes;
use super::releases::find_releases;
use super::status::read_worktree;
use super::tags::read_tags;
use super::upstream::read_upstream;
use super::version::{check_semver, parse_version_file, strip_v};
use super::{RepoError, RepoFacts, Worktree};

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
///
/// Errors: [`RepoError::Missing`] when `path` does not exist, [`RepoError::NotARepository`]
/// when neither it nor a parent is a repository, [`RepoError::Git`] when the repository cannot
/// be read (a corrupt index, for instance). Lesser problems become `warnings`.
pub fn inspect(path: &Path, options: &InspectOptions) -> Result<RepoFacts, RepoError> {
    let repo = open_repository(path)?;
    let root = root_path(&repo);
    let git_error = |source: git2::Error| RepoError::Git { path: root.clone(), source };
    std::thread::scope(|scope| {
        let status = repo.workdir().map(Path::to_path_buf).map(|workdir| {
            scope.spawn(move || Repository::open(&workdir).and_then(|own| read_worktree(&own)))
        });
        let mut facts = read_facts(&repo, options, &root.to_string_lossy())?;
        if let Some(status) = status {
            facts.worktree = match status.join() {
                Ok(worktree) => worktree.map_err(git_error)?,
                Err(_) => {
                    return Err(git_error(git2::Error::from_str(
                        "reading the working-tree status stopped unexpectedly",
                    )));
                }
            };
            facts
                .worktree
                .changes
                .sort_by(|a, b| a.path.cmp(&b.path).then(b.staged.cmp(&a.staged)));
        }
        Ok(facts)
    })
}

/// Every fact except the work tree's status.
fn read_facts(
    repo: &Repository,
    options: &InspectOptions,
    root: &str,
) -> Result<RepoFacts, RepoError> {
    let mut warnings = Vec::new();
    let abbreviation = Abbreviation::new(repo);
    let branch = read_branch(repo);
    let head = head_commit(repo);
    let head_id = head.as_ref().map(git2::Commit::id);
    let tags = read_tags(repo, &mut warnings);
    let head_tags = tags
        .iter()
        .filter(|tag| tag.commit.is_some() && tag.commit == head_id)
        .map(|tag| tag.info.name.clone())
        .collect();

    let version =
        parse_version_file(&options.version_file, read_project_file(repo, &options.version_file));
    // The target: the caller's version when given, else the VERSION file's value as written
    // (an invalid value still names the changelog entry and release notes the user meant).
    let target_text = match &options.target_version {
        Some(given) => Some(strip_v(given.trim()).to_owned()),
        None => version.value.clone(),
    };
    let target = match (&options.target_version, &target_text) {
        (Some(_), Some(text)) => {
            check_semver(text).map_err(|why| warnings.push(format!("target version: {why}"))).ok()
        }
        (None, Some(text)) if version.valid => check_semver(text).ok(),
        _ => None,
    };

    let (latest_release, previous_release) = match head_id {
        Some(head_id) => match find_releases(repo, head_id, &tags, target.as_ref()) {
            Ok(found) => found,
            Err(error) => {
                warnings.push(format!("could not find the releases: {}", error.message()));
                (None, None)
            }
        },
        None => (None, None),
    };
    let commits_since_previous_release = match head_id {
        Some(head_id) => {
            let previous = previous_release.as_ref().map(|release| release.commit);
            match commits_since(repo, head_id, previous, &abbreviation) {
                Ok(commits) => commits,
                Err(error) => {
                    warnings.push(format!("could not list the commits: {}", error.message()));
                    Vec::new()
                }
            }
        }
        None => Vec::new(),
    };
    let upstream = match (&branch.refname, head_id) {
        (Some(refname), Some(head_id)) => read_upstream(repo, refname, head_id, &mut warnings),
        _ => None,
    };
    let changelog = find_entry(
        &options.changelog_file,
        read_project_file(repo, &options.changelog_file),
        target_text.as_deref(),
    );
    let release_notes =
        find_release_notes(repo, &options.release_notes_pattern, target_text.as_deref());

    if repo.is_shallow() {
        // The previous release (and the commits since it) may lie beyond a shallow clone's
        // history: say so rather than report "no previous release".
        warnings.push(
            "this is a shallow clone: the previous release and the commits since it may be \
             missing from its history; fetch the whole history (`git fetch --unshallow`)"
                .to_string(),
        );
    }
    Ok(RepoFacts {
        path: root.to_owned(),
        branch: branch.name,
        detached: branch.detached,
        bare: repo.is_bare(),
        shallow: repo.is_shallow(),
        head: head.as_ref().map(|commit| commit_info(commit, &abbreviation)),
        worktree: Worktree { clean: true, changes: Vec::new() },
        tags: tags.into_iter().map(|tag| tag.info).collect(),
        head_tags,
        version,
        latest_release: latest_release.map(|release| release.tag),
        previous_release: previous_release.map(|release| release.tag),
        changelog,
        release_notes,
        upstream,
        commits_since_previous_release,
        warnings,
    })
}
