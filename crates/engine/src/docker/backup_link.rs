//! The seam to the backup module (`crate::backup::sqlite`, written in parallel by another
//! engineer). Docker's part ends with a database file on this machine; making and verifying the
//! backup of that file is theirs.
//!
//! Until their module is in this branch, these two functions are a small stand-in with the
//! behaviour their brief promises: an online backup through SQLite's backup API, verified
//! (`PRAGMA integrity_check`, minimum size, row counts per table, SHA-256), named with the
//! version and UTC time, never overwriting anything, and no file left behind on failure. Once
//! `backup::sqlite::{backup_database, restore_database}` lands, the bodies become one call each
//! (their `BackupRecord` mapped to [`VerifiedBackup`]); nothing else in the docker module changes.
//!
//! Assumed signature (from the brief):
//! `backup_database(source: &Path, dest_dir: &Path, version: &str, now: DateTime<Utc>,
//! min_size: Option<u64>, progress: &dyn Fn(u64, u64)) -> Result<BackupRecord, BackupError>` and
//! `restore_database(backup: &Path, target: &Path) -> Result<(), BackupError>`.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use super::DockerError;

/// A backup that was made and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBackup {
    pub path: PathBuf,
    pub size_bytes: u64,
    pub sha256: String,
    /// Rows per table, in table-name order.
    pub row_counts: Vec<(String, i64)>,
}

/// Back up `source` into `dest_dir` and verify the result.
pub fn backup_database(
    source: &Path,
    dest_dir: &Path,
    version: &str,
    now: DateTime<Utc>,
    min_size: Option<u64>,
) -> Result<VerifiedBackup, DockerError> {
    let stem = source.file_stem().and_then(|s| s.to_str()).unwrap_or("database");
    let name = format!("{stem}-{version}-{}.sqlite3", now.format("%Y%m%dT%H%M%SZ"));
    let dest = dest_dir.join(&name);
    if dest.exists() {
        return Err(DockerError::Backup(format!(
            "{} already exists: a backup is never overwritten; wait a second and re-run the step",
            dest.display()
        )));
    }
    std::fs::create_dir_all(dest_dir)
        .map_err(|source| DockerError::Io { path: dest_dir.to_path_buf(), source })?;
    let part = dest_dir.join(format!("{name}.part"));
    let made = make(source, &part, min_size);
    match made {
        Ok(Made { row_counts, size_bytes, sha256 }) => {
            std::fs::rename(&part, &dest)
                .map_err(|source| DockerError::Io { path: dest.clone(), source })?;
            Ok(VerifiedBackup { path: dest, size_bytes, sha256, row_counts })
        }
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            Err(e)
        }
    }
}

/// Restore `backup` into a fresh file at `target` (replacing it).
pub fn restore_database(backup: &Path, target: &Path) -> Result<(), DockerError> {
    let fail = |e: rusqlite::Error| {
        DockerError::Backup(format!("restore {} → {}: {e}", backup.display(), target.display()))
    };
    for suffix in ["", "-wal", "-shm"] {
        let mut p = target.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    let src =
        Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(fail)?;
    let mut dst = Connection::open(target).map_err(fail)?;
    rusqlite::backup::Backup::new(&src, &mut dst)
        .and_then(|b| b.run_to_completion(1024, std::time::Duration::ZERO, None))
        .map_err(fail)?;
    let ok: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(fail)?;
    if ok != "ok" {
        return Err(DockerError::Backup(format!(
            "the restored database fails its integrity check: {ok}"
        )));
    }
    Ok(())
}

/// What making the backup file produced, before it gets its final name.
struct Made {
    row_counts: Vec<(String, i64)>,
    size_bytes: u64,
    sha256: String,
}

fn make(source: &Path, part: &Path, min_size: Option<u64>) -> Result<Made, DockerError> {
    let fail = |e: rusqlite::Error| DockerError::Backup(format!("{}: {e}", source.display()));
    let src = Connection::open(source).map_err(fail)?;
    src.busy_timeout(std::time::Duration::from_secs(10)).map_err(fail)?;
    {
        let mut dst = Connection::open(part).map_err(fail)?;
        rusqlite::backup::Backup::new(&src, &mut dst)
            .and_then(|b| b.run_to_completion(1024, std::time::Duration::ZERO, None))
            .map_err(fail)?;
        let ok: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(fail)?;
        if ok != "ok" {
            return Err(DockerError::Backup(format!("the backup fails its integrity check: {ok}")));
        }
    }
    let check =
        Connection::open_with_flags(part, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(fail)?;
    let tables: Vec<String> = check
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(fail)?;
    let mut counts = Vec::new();
    for t in tables {
        let n: i64 = check
            .query_row(&format!("SELECT count(*) FROM \"{}\"", t.replace('"', "\"\"")), [], |r| {
                r.get(0)
            })
            .map_err(fail)?;
        counts.push((t, n));
    }
    drop(check);
    let io = |source| DockerError::Io { path: part.to_path_buf(), source };
    let size = std::fs::metadata(part).map_err(io)?.len();
    if let Some(min) = min_size.filter(|m| size < *m) {
        return Err(DockerError::Backup(format!(
            "the backup is {size} bytes, less than the plan's minimum of {min}"
        )));
    }
    let mut file = std::fs::File::open(part).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(Made { row_counts: counts, size_bytes: size, sha256: hex::encode(hasher.finalize()) })
}
