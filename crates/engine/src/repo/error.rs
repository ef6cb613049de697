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
    #[error("could not read the git repository at {path}: {source}")]
    Git {
        path: PathBuf,
        #[source]
        source: git2::Error,
    },
}
