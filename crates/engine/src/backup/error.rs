//! Why a backup or a restore did not happen. Every message names the file or folder and says
//! what to do next: these become step summaries a tech lead acts on.

use std::path::PathBuf;

/// A backup, verification or restore that could not be completed. When one of these is
/// returned, no file with a backup's final name was left behind.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("the database {path} does not exist: fix the path in the plan, then re-run the step")]
    SourceMissing { path: PathBuf },

    #[error(
        "the database {path} could not be read ({reason}): check that it is a SQLite database \
         this user can read, then re-run the step"
    )]
    SourceUnreadable { path: PathBuf, reason: String },

    #[error(
        "the database {path} stayed locked by another program ({reason}): let the writer finish \
         (or stop it), then re-run the step"
    )]
    SourceBusy { path: PathBuf, reason: String },

    #[error(
        "the backups folder {dir} is not writable ({reason}): give this user write access to it \
         or choose another folder (dest_dir in the plan), then re-run the step"
    )]
    FolderNotWritable { dir: PathBuf, reason: String },

    #[error(
        "the backups folder {dir} ran out of space ({reason}); nothing was kept: free at least \
         {needed_bytes} bytes there or choose a folder on a larger disk (dest_dir in the plan), \
         then re-run the step"
    )]
    DiskFull { dir: PathBuf, needed_bytes: u64, reason: String },

    #[error(
        "{path} already exists and a backup never overwrites a file: wait a second and re-run \
         the step (backups are named by the second), or move the existing file away"
    )]
    AlreadyExists { path: PathBuf },

    #[error(
        "the backup of {source_path} is only {size_bytes} bytes, less than the plan's minimum of \
         {min_bytes}; nothing was kept: check that the path points at the live database (not an \
         empty copy), then re-run the step"
    )]
    TooSmall { source_path: PathBuf, size_bytes: u64, min_bytes: u64 },

    #[error(
        "{path} failed its integrity check ({problems}): do not rely on it; for a new backup, \
         check the source with `sqlite3 <db> \"PRAGMA integrity_check\"` and re-run the step"
    )]
    Integrity { path: PathBuf, problems: String },

    #[error(
        "{path} does not match its manifest (SHA-256 {actual}, expected {expected}): the file was \
         changed or damaged after it was verified; do not restore it, use another backup"
    )]
    ChecksumMismatch { path: PathBuf, expected: String, actual: String },

    #[error(
        "the manifest {path} is missing or unreadable ({reason}): without it the backup cannot \
         be verified; use another backup"
    )]
    Manifest { path: PathBuf, reason: String },

    #[error(
        "the restored database {target} did not verify ({reason}); the previous file was put \
         back: check the disk and the backup, then try again"
    )]
    RestoreNotVerified { target: PathBuf, reason: String },

    #[error("{action} {path} failed ({reason}): check the path and the disk, then re-run the step")]
    Io { action: &'static str, path: PathBuf, reason: String },
}
