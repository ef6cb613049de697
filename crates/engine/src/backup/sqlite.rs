//! The public entry points: take a verified backup of a SQLite database, restore one.
//!
//! `backup_database` runs: check the names are free → copy online into a hidden temporary file
//! (`copy.rs`) → verify it (`verify.rs`: integrity check, hash, row counts and the one fsync,
//! side by side) → check the minimum size → publish it under its final name without replacing
//! anything → write the manifest, last. Any failure removes what was written.

use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::copy::copy_online;
use super::manifest::{
    MANIFEST_FORMAT, TempFile, backup_name, io_error, manifest_path_for, publish, sync_folder,
    write_manifest,
};
use super::verify::verify_file;
use super::{
    BackupDetail, BackupError, BackupProgress, BackupRecord, BackupStage, ENGINE_VERSION,
    SqliteDetail, millis,
};

pub use super::restore::{restore_database, restore_record};

/// Take an online, consistent, verified backup of the database at `source` into `dest_dir`
/// (created if needed), named `<db-stem>-<version>-<now as yyyymmddThhmmssZ>.sqlite3` with a
/// `.json` manifest beside it. `min_size` is the smallest size a good backup can have.
///
/// Another process may keep writing to the source meanwhile. On error nothing is left in
/// `dest_dir` but what was there before.
pub fn backup_database(
    source: &Path,
    dest_dir: &Path,
    version: &str,
    now: DateTime<Utc>,
    min_size: Option<u64>,
    progress: &dyn Fn(BackupProgress),
) -> Result<BackupRecord, BackupError> {
    match fs::metadata(source) {
        Ok(m) if m.is_file() => {}
        Ok(_) => {
            return Err(BackupError::SourceUnreadable {
                path: source.to_path_buf(),
                reason: "it is a folder, not a database file".into(),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::SourceMissing { path: source.to_path_buf() });
        }
        Err(e) => {
            return Err(BackupError::SourceUnreadable {
                path: source.to_path_buf(),
                reason: e.to_string(),
            });
        }
    }
    fs::create_dir_all(dest_dir)
        .map_err(|e| io_error("creating the backups folder", dest_dir, &e, 0))?;

    let name = backup_name(source, version, now);
    let final_path = dest_dir.join(&name);
    let manifest_path = manifest_path_for(&final_path);
    for taken in [&final_path, &manifest_path] {
        if fs::symlink_metadata(taken).is_ok() {
            return Err(BackupError::AlreadyExists { path: taken.clone() });
        }
    }

    let temp = TempFile::beside(dest_dir, &name);
    fs::File::create_new(temp.path())
        .map_err(|e| io_error("creating a file in the backups folder", dest_dir, &e, 0))?;
    let copied = copy_online(source, temp.path(), dest_dir, progress)?;
    progress(BackupProgress {
        stage: BackupStage::Verifying,
        pages_done: copied.pages,
        pages_total: copied.pages,
        page_size: copied.page_size,
    });
    let verified = verify_file(temp.path(), true)?;
    if !verified.integrity_ok() {
        return Err(BackupError::Integrity {
            path: source.to_path_buf(),
            problems: verified.integrity_text(),
        });
    }
    if let Some(min) = min_size.filter(|&min| verified.size_bytes < min) {
        return Err(BackupError::TooSmall {
            source_path: source.to_path_buf(),
            size_bytes: verified.size_bytes,
            min_bytes: min,
        });
    }

    publish(temp, &final_path)?;
    let record = BackupRecord {
        path: final_path.clone(),
        manifest_path,
        format: MANIFEST_FORMAT,
        file: name,
        source: source.display().to_string(),
        version: version.to_owned(),
        created_at: now,
        size_bytes: verified.size_bytes,
        sha256: verified.sha256,
        detail: BackupDetail::Sqlite(SqliteDetail {
            page_size: copied.page_size,
            pages: copied.pages,
            journal_mode: copied.journal_mode,
        }),
        tables: verified.tables,
        integrity: "ok".to_owned(),
        engine_version: ENGINE_VERSION.to_owned(),
        copy_ms: millis(copied.duration),
        verify_ms: millis(verified.duration),
    };
    if let Err(e) = write_manifest(&record) {
        // A backup without its manifest would be a file nobody can check: take it back.
        let _ = fs::remove_file(&final_path);
        return Err(e);
    }
    sync_folder(dest_dir);
    Ok(record)
}
