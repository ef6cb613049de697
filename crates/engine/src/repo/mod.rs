//! Repository facts, read with libgit2: branch, HEAD, working-tree state, tags, releases,
//! VERSION, CHANGELOG, release notes, upstream and the commits since the previous release.
//!
//! Entry point: [`inspect`]. Every oddity (empty, bare, shallow, detached, submodules, odd file
//! names, not a repository) gives a defined answer or a [`RepoError`] naming the path; nothing
//! here panics.

mod error;
mod facts;
mod inspect;

pub use error::RepoError;
pub use facts::{
    Change, ChangeStatus, Changelog, CommitInfo, ReleaseTag, RepoFacts, TagInfo, Upstream,
    VersionFile, Worktree,
};
pub use inspect::{InspectOptions, inspect};
