//! The backups folder, read through its manifests: which verified backups exist, and the
//! newest. A backup counts as verified when its manifest is readable, records an integrity check
//! of "ok", and its file is still there with the recorded size. (Hashing every backup on each
//! look would cost a full read per file; `restore_database` re-checks the hash before use.)

use std::fs;
use std::path::{Path, PathBuf};

use super::manifest::read_manifest;
use super::{BackupError, BackupRecord};

/// What a look at a backups folder found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    /// Verified backups, newest first.
    pub verified: Vec<BackupRecord>,
    /// Manifests that do not describe a usable backup, with the reason.
    pub rejected: Vec<(PathBuf, String)>,
}

/// Read every manifest (`*.sqlite3.json`, and any other `*.json` that parses as one) in `dir`.
/// A folder that does not exist holds no backups.
pub fn scan(dir: &Path) -> Result<Catalog, BackupError> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Catalog::default()),
        Err(e) => {
            return Err(BackupError::Io {
                action: "reading the backups folder",
                path: dir.to_path_buf(),
                reason: e.to_string(),
            });
        }
    };
    let mut catalog = Catalog::default();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        // Hidden files are temporaries of backups in progress (or interrupted): never backups.
        if name.starts_with('.') || !name.ends_with(".json") {
            continue;
        }
        match read_manifest(&path).and_then(check) {
            Ok(record) => catalog.verified.push(record),
            Err(reason) => catalog.rejected.push((path, reason)),
        }
    }
    catalog.verified.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.file.cmp(&a.file)));
    catalog.rejected.sort();
    Ok(catalog)
}

/// The newest verified backup in `dir`, if any.
pub fn latest_verified(dir: &Path) -> Result<Option<BackupRecord>, BackupError> {
    Ok(scan(dir)?.verified.into_iter().next())
}

fn check(record: BackupRecord) -> Result<BackupRecord, String> {
    if record.integrity != "ok" {
        return Err(format!("its integrity check says \"{}\"", record.integrity));
    }
    match fs::metadata(&record.path) {
        Ok(m) if m.len() == record.size_bytes => Ok(record),
        Ok(m) => Err(format!(
            "{} is {} bytes, the manifest says {}: it changed after it was verified",
            record.file,
            m.len(),
            record.size_bytes
        )),
        Err(_) => Err(format!("its backup file {} is missing", record.file)),
    }
}
