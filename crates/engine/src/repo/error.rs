//! Errors from reading a repository.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error(
        "{path} is not a git repository (or any of its parents): choose the folder that holds the project's .git"
    )]
    NotARepository { path: PathBuf },
    #[error("{path} does not exist: check the path")]
    Missing { path: PathBuf },
    #[error(
        "the repository at {path} belongs to another user account, and git refuses to read it for safety: if you trust it, run `git config --global --add safe.directory {path}` (or open a copy you own)",
        path = path.display()
    )]
    NotOwned { path: PathBuf },
    #[error(
        "could not read the git repository at {path}: {}. If git itself reports damage there too (`git fsck`), re-clone it",
        source.message()
    )]
    Git {
        path: PathBuf,
        #[source]
        source: git2::Error,
    },
}
