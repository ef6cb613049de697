//! The commits since the previous release: what this release ships.

use git2::{Oid, Repository, Sort};

use super::CommitInfo;
use super::abbrev::Abbreviation;
use super::head::commit_info;

/// Commits reachable from `head` but not from `previous` (all of history when `None`), newest
/// first in topological then time order, like `git rev-list`.
///
/// In a shallow clone the walk ends at the shallow boundary: libgit2 treats the grafted commits
/// as parentless, so the list is the part of history that is present.
pub(crate) fn commits_since(
    repo: &Repository,
    head: Oid,
    previous: Option<Oid>,
    abbreviation: &Abbreviation<'_>,
) -> Result<Vec<CommitInfo>, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    walk.push(head)?;
    if let Some(previous) = previous {
        walk.hide(previous)?;
    }
    let mut commits = Vec::new();
    for id in walk {
        let commit = repo.find_commit(id?)?;
        commits.push(commit_info(&commit, abbreviation));
    }
    Ok(commits)
}
