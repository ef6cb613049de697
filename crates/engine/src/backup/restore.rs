//! Restoring a verified backup in place of a database (rollback after a bad migration).
//!
//! 1. The backup is checked against its manifest first — SHA-256, integrity check — so a
//!    damaged backup is refused before anything is touched.
//! 2. It is copied to a hidden temporary file beside the target (same folder, same disk, so the
//!    swap below is one rename) and synced.
//! 3. The current database and its `-wal` / `-shm` files are moved aside. The WAL must go too:
//!    left in place, its frames would be replayed on top of the restored file.
//! 4. The copy is renamed to the target's name, then verified where it stands: hash, integrity
//!    and row counts must equal the backup's.
//! 5. Only then are the files kept aside removed; if anything failed they are put back.
//!
//! Nothing may have the target open during a restore: stop the service first (the rollback
//! does).

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::manifest::{TempFile, io_error, manifest_path_for, read_manifest, sync_folder};
use super::verify::verify_file;
use super::{BackupError, BackupRecord, RestoreRecord, millis};

/// Restore the backup file `backup` (its manifest beside it) in place of `target`.
pub fn restore_database(backup: &Path, target: &Path) -> Result<RestoreRecord, BackupError> {
    let manifest = manifest_path_for(backup);
    let mut record = read_manifest(&manifest)
        .map_err(|reason| BackupError::Manifest { path: manifest.clone(), reason })?;
    // The file given wins over the name in the manifest (a renamed copy of a backup).
    record.path = backup.to_path_buf();
    restore_record(&record, target)
}

/// Restore the backup a [`BackupRecord`] describes (from `backup_database` or the catalog) in
/// place of `target`. This is what the rollback calls.
pub fn restore_record(record: &BackupRecord, target: &Path) -> Result<RestoreRecord, BackupError> {
    let started = Instant::now();
    let backup = record.path.as_path();
    let checked = verify_file(backup, false)?;
    if checked.sha256 != record.sha256 {
        return Err(BackupError::ChecksumMismatch {
            path: backup.to_path_buf(),
            expected: record.sha256.clone(),
            actual: checked.sha256,
        });
    }
    if !checked.integrity_ok() {
        return Err(BackupError::Integrity {
            path: backup.to_path_buf(),
            problems: checked.integrity_text(),
        });
    }

    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = TempFile::beside(dir, &name);
    fs::copy(backup, temp.path())
        .and_then(|_| fs::File::open(temp.path()).and_then(|f| f.sync_all()))
        .map_err(|e| io_error("copying the backup into", dir, &e, record.size_bytes))?;

    let aside = move_aside(target, dir)?;
    if let Err(e) = fs::rename(temp.path(), target) {
        put_back(&aside);
        return Err(io_error("moving the restored database into", dir, &e, 0));
    }
    temp.keep();
    sync_folder(dir);

    let problem = match verify_file(target, true) {
        Err(e) => Some(e.to_string()),
        Ok(v) if v.sha256 != record.sha256 => {
            Some(format!("its SHA-256 is {}, the backup's {}", v.sha256, record.sha256))
        }
        Ok(v) if !v.integrity_ok() => Some(format!("integrity check: {}", v.integrity_text())),
        Ok(v) if v.tables != record.tables => {
            Some("its row counts differ from the backup's".into())
        }
        Ok(v) => {
            for (_, kept) in &aside {
                let _ = fs::remove_file(kept);
            }
            sync_folder(dir);
            return Ok(RestoreRecord {
                backup: backup.to_path_buf(),
                target: target.to_path_buf(),
                size_bytes: v.size_bytes,
                sha256: v.sha256,
                tables: v.tables,
                replaced: aside.iter().any(|(original, _)| original == target),
                duration_ms: millis(started.elapsed()),
            });
        }
    };
    let _ = fs::remove_file(target);
    put_back(&aside);
    Err(BackupError::RestoreNotVerified {
        target: target.to_path_buf(),
        reason: problem.unwrap_or_default(),
    })
}

/// Move the target and its side files to hidden names beside it. Returns (original, kept).
fn move_aside(target: &Path, dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>, BackupError> {
    let mut moved = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut original = OsString::from(target.as_os_str());
        original.push(suffix);
        let original = PathBuf::from(original);
        if fs::symlink_metadata(&original).is_err() {
            continue;
        }
        let name = original.file_name().map(|n| n.to_string_lossy().into_owned());
        let kept =
            dir.join(format!(".{}.{}.replaced", name.unwrap_or_default(), std::process::id()));
        if let Err(e) = fs::rename(&original, &kept) {
            put_back(&moved);
            return Err(io_error("moving the current database aside in", dir, &e, 0));
        }
        moved.push((original, kept));
    }
    Ok(moved)
}

fn put_back(aside: &[(PathBuf, PathBuf)]) {
    for (original, kept) in aside {
        let _ = fs::rename(kept, original);
    }
}
