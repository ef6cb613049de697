//! Errors from the run store. Each names the file or run and says what to do next.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the run store {path} is damaged ({detail}). It was left untouched: keep a copy, then \
         move it aside to start a new store (your runs are in that file)"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "the run store {path} was written by a newer Release Pilot (schema {found}, this one \
         knows up to {known}): update Release Pilot"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("could not create the data folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no run with id {id} in {path}: list runs with `pilot runs`")]
    NoSuchRun { id: String, path: PathBuf },
    #[error(
        "run {id} is being driven by another Release Pilot ({holder}): wait for it to finish, \
         or close it, then try again"
    )]
    Locked { id: String, holder: String },
    #[error("could not use the lock file {path}: {source}")]
    LockFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the run store {path} could not be used: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "the run store {path} cannot be written: it, or its folder, is read-only. Make the data folder writable, or choose another one (RELEASE_PILOT_DATA_DIR)",
        path = path.display()
    )]
    ReadOnly { path: PathBuf },
    #[error("run {id} holds a value this version cannot read ({detail})")]
    Corrupt { id: String, detail: String },
    /// The store does not hold runs this data folder drove: it was emptied or replaced, or
    /// lost its `-wal` file after a crash. Reported before anything is written to it.
    #[error(
        "the run store {path} {how} the run{s} {list}, which this data folder drove (see {locks}). It was left untouched: restore {path} together with its -wal file from a backup; or, to accept that {them} {are} lost, move {locks} aside",
        how = if *empty { "is empty (0 bytes): it lost" } else { "does not hold" },
        s = if runs.len() == 1 { "" } else { "s" },
        list = runs.join(", "),
        locks = locks.display(),
        path = path.display(),
        them = if runs.len() == 1 { "it" } else { "they" },
        are = if runs.len() == 1 { "is" } else { "are" }
    )]
    LostRuns { path: PathBuf, runs: Vec<String>, empty: bool, locks: PathBuf },
    /// The run's record was changed behind the store's back: nothing is sealed from it.
    #[error(
        "the record of run {id} in {path} was changed after it was written, so no report is made from it: {}. Keep the file as evidence; restore the store from a backup, or start a new run",
        problems.join("; ")
    )]
    Tampered { id: String, path: PathBuf, problems: Vec<String> },
}

/// SQLite reports a non-database file or a broken one as NOTADB / CORRUPT: that is damage,
/// not an ordinary failure.
pub(super) fn damaged_or(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase, ReadOnly};
    match e.sqlite_error_code() {
        Some(ReadOnly) => StoreError::ReadOnly { path: path.to_path_buf() },
        Some(NotADatabase | DatabaseCorrupt) => {
            StoreError::Damaged { path: path.to_path_buf(), detail: e.to_string() }
        }
        _ => StoreError::Sqlite { path: path.to_path_buf(), source: e },
    }
}
