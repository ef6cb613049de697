//! Repository facts, read with libgit2: branch, HEAD, working-tree state, tags, releases,
//! VERSION, CHANGELOG, release notes, upstream and the commits since the previous release.
//!
//! Entry point: [`inspect`]. Every oddity (empty, bare, shallow, detached, submodules, odd file
//! names, not a repository) gives a defined answer or a [`RepoError`] naming the path; nothing
//! here panics.
//!
//! Layout: one file per fact (`branch`, `head`, `status`, `tags`, `releases`, `version`,
//! `changelog`, `release_notes`, `upstream`, `commits`), `open` finds the repository, `files`
//! reads project files from the work tree (or HEAD's tree when bare), and `inspect` puts them
//! together. To add a fact: add a field to [`RepoFacts`] (additive only: its JSON is a
//! contract), read it in its own file, and fill it in `inspect`.

mod abbrev;
mod branch;
pub(crate) mod changelog;
mod commits;
mod error;
mod facts;
mod files;
mod head;
mod identity;
mod inspect;
mod open;
pub(crate) mod release_notes;
mod releases;
mod status;
mod tags;
mod upstream;
mod version;

pub use error::RepoError;
pub use facts::{
    Change, ChangeStatus, Changelog, CommitInfo, ReleaseTag, RepoFacts, TagInfo, Upstream,
    VersionFile, Worktree,
};
pub use identity::git_identity;
pub use inspect::{InspectOptions, inspect};
