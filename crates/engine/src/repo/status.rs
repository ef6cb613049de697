//! The working-tree state: every staged, changed and untracked path.
//!
//! One path can give two changes: a file staged and then modified again appears once with
//! `staged: true` (the index change) and once with `staged: false` (the work-tree change), as
//! the two columns of `git status --porcelain` do. Untracked folders are listed file by file
//! (`--untracked-files=all`), so a new folder shows what it holds. A conflicted path is one
//! `conflicted` change with `staged: false`: it still needs resolving before it can be staged.

use git2::{Repository, Status, StatusOptions, StatusShow};

use super::{Change, ChangeStatus, Worktree};

/// Read the work tree's state. A bare repository has no work tree: clean and empty.
pub(crate) fn read_worktree(repo: &Repository) -> Result<Worktree, git2::Error> {
    if repo.is_bare() {
        return Ok(Worktree { clean: true, changes: Vec::new() });
    }
    let mut options = StatusOptions::new();
    options
        .show(StatusShow::IndexAndWorkdir)
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        // Staged renames are cheap (index against HEAD, no file reads) and git shows them;
        // rename detection between the index and the work tree would hash every untracked
        // file, and git's porcelain output does not do it either.
        .renames_head_to_index(true)
        .renames_index_to_workdir(false)
        // Submodules are included: a submodule with modified content shows as modified.
        .exclude_submodules(false)
        // Reading must not write: the index stays as the user left it.
        .update_index(false);
    let statuses = repo.statuses(Some(&mut options))?;
    let mut changes = Vec::with_capacity(statuses.len());
    for entry in statuses.iter() {
        let status = entry.status();
        if status.contains(Status::CONFLICTED) {
            changes.push(change(entry.path_bytes(), ChangeStatus::Conflicted, false, None));
            continue;
        }
        if let Some(kind) = index_kind(status) {
            let delta = entry.head_to_index();
            let new_path = delta.as_ref().and_then(|d| d.new_file().path_bytes());
            let old_path = delta.as_ref().and_then(|d| d.old_file().path_bytes());
            let path = new_path.unwrap_or(entry.path_bytes());
            let old = (kind == ChangeStatus::Renamed).then_some(old_path).flatten();
            changes.push(change(path, kind, true, old));
        }
        if let Some(kind) = workdir_kind(status) {
            let delta = entry.index_to_workdir();
            let path = delta
                .as_ref()
                .and_then(|d| d.new_file().path_bytes().or(d.old_file().path_bytes()))
                .unwrap_or(entry.path_bytes());
            changes.push(change(path, kind, false, None));
        }
    }
    Ok(Worktree { clean: changes.is_empty(), changes })
}

fn index_kind(status: Status) -> Option<ChangeStatus> {
    if status.contains(Status::INDEX_NEW) {
        Some(ChangeStatus::Added)
    } else if status.contains(Status::INDEX_RENAMED) {
        Some(ChangeStatus::Renamed)
    } else if status.contains(Status::INDEX_DELETED) {
        Some(ChangeStatus::Deleted)
    } else if status.contains(Status::INDEX_TYPECHANGE) {
        Some(ChangeStatus::Typechange)
    } else if status.contains(Status::INDEX_MODIFIED) {
        Some(ChangeStatus::Modified)
    } else {
        None
    }
}

fn workdir_kind(status: Status) -> Option<ChangeStatus> {
    if status.contains(Status::WT_NEW) {
        Some(ChangeStatus::Untracked)
    } else if status.contains(Status::WT_DELETED) {
        Some(ChangeStatus::Deleted)
    } else if status.contains(Status::WT_TYPECHANGE) {
        Some(ChangeStatus::Typechange)
    } else if status.contains(Status::WT_RENAMED) {
        Some(ChangeStatus::Renamed)
    } else if status.contains(Status::WT_MODIFIED) {
        Some(ChangeStatus::Modified)
    } else {
        None
    }
}

/// Build a change, keeping the exact bytes of a path that is not UTF-8.
fn change(path: &[u8], status: ChangeStatus, staged: bool, old_path: Option<&[u8]>) -> Change {
    let (path, path_bytes_hex) = match std::str::from_utf8(path) {
        Ok(text) => (text.to_owned(), None),
        Err(_) => (String::from_utf8_lossy(path).into_owned(), Some(hex::encode(path))),
    };
    Change {
        path,
        status,
        staged,
        old_path: old_path.map(|bytes| String::from_utf8_lossy(bytes).into_owned()),
        path_bytes_hex,
    }
}
