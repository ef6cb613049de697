//! The current branch: its name, or the fact that HEAD is detached.

use git2::Repository;

/// Where HEAD points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BranchFacts {
    /// The branch name; for an empty repository, the unborn branch HEAD names (what git's
    /// `symbolic-ref --short HEAD` prints), so the user sees which branch the first commit
    /// will create.
    pub name: Option<String>,
    /// The full ref name (`refs/heads/main`), used to find the upstream.
    pub refname: Option<String>,
    pub detached: bool,
}

/// Read HEAD without resolving it: a symbolic HEAD names a branch (born or not), a direct HEAD
/// is detached.
pub(crate) fn read_branch(repo: &Repository) -> BranchFacts {
    let detached = repo.head_detached().unwrap_or(false);
    if detached {
        return BranchFacts { name: None, refname: None, detached };
    }
    let refname = repo.find_reference("HEAD").ok().and_then(|head| {
        head.symbolic_target_bytes().map(|bytes| String::from_utf8_lossy(bytes).into_owned())
    });
    let name =
        refname.as_deref().map(|full| full.strip_prefix("refs/heads/").unwrap_or(full).to_owned());
    BranchFacts { name, refname, detached }
}
