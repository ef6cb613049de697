//! Finding and opening the repository the user pointed at.

use std::path::{Path, PathBuf};

use git2::{ErrorCode, Repository};

use super::RepoError;

/// Open the repository at `path` or in one of its parents, as git does from a subfolder: the
/// user may pick any folder of the project, and the facts then name the work-tree root.
pub(crate) fn open_repository(path: &Path) -> Result<Repository, RepoError> {
    match std::fs::metadata(path) {
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(RepoError::Missing { path: path.to_path_buf() });
        }
        // Unreadable metadata (permissions): let libgit2 try and report what it finds.
        Err(_) => {}
    }
    Repository::discover(path).map_err(|source| match source.code() {
        ErrorCode::NotFound => RepoError::NotARepository { path: path.to_path_buf() },
        // libgit2 refuses, as git does, a repository owned by another account.
        ErrorCode::Owner => RepoError::NotOwned { path: path.to_path_buf() },
        _ => RepoError::Git { path: path.to_path_buf(), source },
    })
}

/// The work-tree root, or the git dir of a bare repository, without a trailing separator.
pub(crate) fn root_path(repo: &Repository) -> PathBuf {
    let root = repo.workdir().unwrap_or_else(|| repo.path());
    // libgit2 ends directory paths with a separator; `components` drops it.
    root.components().collect()
}
