//! The latest and the previous release: semver tags reachable from HEAD.
//!
//! "Latest" is the reachable semver tag with the HIGHEST version, not the nearest one as
//! `git describe` finds: after a hotfix tagged on an older line is merged back, the nearest tag
//! can be the older version. "Previous" is the highest reachable version below the target
//! version (the one being released); with no valid target it is the highest reachable release
//! that does not point at HEAD, i.e. the release before the commit under review.
//! Equal versions (`v1.2.3` and `1.2.3`) are ordered by tag name, the first name winning.
//!
//! Reachability is checked candidate by candidate, highest version first, so the usual case
//! (the highest tag is on HEAD's line, a few commits back) costs one short merge-base walk, not
//! a walk of the whole history. When the first few candidates are not reachable (HEAD on an
//! old maintenance branch, say) one walk of HEAD's history settles all remaining candidates at
//! once, instead of a merge-base per tag.

use std::collections::{HashMap, HashSet};

use git2::{Oid, Repository, Sort};

use super::ReleaseTag;
use super::tags::ReadTag;

/// How many candidates are checked one by one before walking the history once instead.
const SINGLE_CHECKS: usize = 8;

/// A release found: the tag as shown, and its commit.
#[derive(Debug, Clone)]
pub(crate) struct Release {
    pub tag: ReleaseTag,
    pub commit: Oid,
}

/// Answers "is this commit reachable from HEAD?", remembering answers and falling back to one
/// full walk when many questions are asked.
pub(crate) struct Reachability<'repo> {
    repo: &'repo Repository,
    head: Oid,
    known: HashMap<Oid, bool>,
    checks: usize,
    /// Every commit reachable from HEAD, once walked.
    walked: Option<HashSet<Oid>>,
}

impl std::fmt::Debug for Reachability<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reachability").field("head", &self.head).finish_non_exhaustive()
    }
}

impl<'repo> Reachability<'repo> {
    pub(crate) fn new(repo: &'repo Repository, head: Oid) -> Self {
        Self { repo, head, known: HashMap::new(), checks: 0, walked: None }
    }

    fn reachable(&mut self, commit: Oid) -> Result<bool, git2::Error> {
        if commit == self.head {
            return Ok(true);
        }
        if let Some(walked) = &self.walked {
            return Ok(walked.contains(&commit));
        }
        if let Some(known) = self.known.get(&commit) {
            return Ok(*known);
        }
        if self.checks >= SINGLE_CHECKS {
            let walked = self.walk_all()?;
            let answer = walked.contains(&commit);
            self.walked = Some(walked);
            return Ok(answer);
        }
        self.checks += 1;
        // A commit that cannot be compared (missing from a shallow clone's history) is not
        // reachable as far as anyone can tell.
        let answer = self.repo.graph_descendant_of(self.head, commit).unwrap_or(false);
        self.known.insert(commit, answer);
        Ok(answer)
    }

    fn walk_all(&self) -> Result<HashSet<Oid>, git2::Error> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::NONE)?;
        walk.push(self.head)?;
        walk.collect()
    }
}

/// The reachable tag with the highest version among those `accept` lets through.
pub(crate) fn highest_reachable(
    tags: &[ReadTag],
    reach: &mut Reachability<'_>,
    accept: impl Fn(&semver::Version, Oid) -> bool,
) -> Result<Option<Release>, git2::Error> {
    let mut candidates: Vec<(&semver::Version, Oid, &ReadTag)> = tags
        .iter()
        .filter_map(|tag| Some((tag.version.as_ref()?, tag.commit?, tag)))
        .filter(|(version, commit, _)| accept(version, *commit))
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(a.0).then_with(|| a.2.info.name.cmp(&b.2.info.name)));
    for (version, commit, tag) in candidates {
        if reach.reachable(commit)? {
            return Ok(Some(Release {
                tag: ReleaseTag {
                    tag: tag.info.name.clone(),
                    version: version.to_string(),
                    commit: commit.to_string(),
                },
                commit,
            }));
        }
    }
    Ok(None)
}

/// The latest release and the previous release for `target` (see the module text).
pub(crate) fn find_releases(
    repo: &Repository,
    head: Oid,
    tags: &[ReadTag],
    target: Option<&semver::Version>,
) -> Result<(Option<Release>, Option<Release>), git2::Error> {
    let mut reach = Reachability::new(repo, head);
    let latest = highest_reachable(tags, &mut reach, |_, _| true)?;
    let previous = match target {
        Some(target) => highest_reachable(tags, &mut reach, |version, _| version < target)?,
        None => highest_reachable(tags, &mut reach, |_, commit| commit != head)?,
    };
    Ok((latest, previous))
}
