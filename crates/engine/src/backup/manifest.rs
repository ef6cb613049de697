//! Names, temporary files and the sidecar manifest.
//!
//! A backup is called `<db-stem>-<version>-<UTC yyyymmddThhmmssZ>.sqlite3`, its manifest the same
//! name plus `.json`. Both are first written under a hidden temporary name in the same folder
//! and then *published* with a hard link, which fails when the final name exists: two backups
//! in the same second, or a file someone put there, are never replaced — not even in a race.
//! (File systems without hard links fall back to a checked rename.)

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{BackupError, BackupRecord};

/// The manifest format this engine writes.
pub(crate) const MANIFEST_FORMAT: u32 = 1;
/// Backup files end with this; the manifest adds `.json`.
pub(crate) const BACKUP_EXTENSION: &str = "sqlite3";

/// `<db-stem>-<version>-<yyyymmddThhmmssZ>.sqlite3`, with characters that are unsafe in file
/// names on some platform replaced by `_`.
pub(crate) fn backup_name(source: &Path, version: &str, now: DateTime<Utc>) -> String {
    let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = if stem.is_empty() { "database".to_owned() } else { safe(&stem) };
    let version = if version.trim().is_empty() { "unversioned".to_owned() } else { safe(version) };
    format!("{stem}-{version}-{}.{BACKUP_EXTENSION}", now.format("%Y%m%dT%H%M%SZ"))
}

fn safe(text: &str) -> String {
    text.chars()
        .map(
            |c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-') {
                    c
                } else {
                    '_'
                }
            },
        )
        .collect()
}

/// The sidecar manifest of a backup file.
pub(crate) fn manifest_path_for(backup: &Path) -> PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(".json");
    PathBuf::from(name)
}

/// A hidden temporary file that is removed when dropped, unless [`TempFile::keep`] was called:
/// every error path (and a panic) cleans up after itself.
#[derive(Debug)]
pub(crate) struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl TempFile {
    /// A fresh hidden name for `final_name` in `dir`: `.<final_name>.<pid>-<random>.partial`.
    pub(crate) fn beside(dir: &Path, final_name: &str) -> Self {
        let mut random = [0u8; 6];
        // Uniqueness also comes from the process id; a failed random source is not fatal.
        let _ = getrandom::fill(&mut random);
        let name = format!(".{final_name}.{}-{}.partial", std::process::id(), hex::encode(random));
        Self { path: dir.join(name), armed: true }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The file was published (or moved): do not remove it.
    pub(crate) fn keep(mut self) {
        self.armed = false;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
            // SQLite's own side files, should a journal mode other than OFF ever create them.
            for suffix in ["-journal", "-wal", "-shm"] {
                let mut side = self.path.as_os_str().to_owned();
                side.push(suffix);
                let _ = fs::remove_file(PathBuf::from(side));
            }
        }
    }
}

/// Give `temp` its final name without ever replacing an existing file. The temporary name is
/// gone afterwards whatever happens.
pub(crate) fn publish(temp: TempFile, final_path: &Path) -> Result<(), BackupError> {
    let dir = final_path.parent().unwrap_or(Path::new("."));
    match fs::hard_link(temp.path(), final_path) {
        Ok(()) => Ok(()), // `temp` is removed when dropped; the final name keeps the data.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Err(BackupError::AlreadyExists { path: final_path.to_path_buf() })
        }
        Err(_) => {
            // No hard links here (FAT, some network shares): check, then rename. The window
            // between the two is the best such a file system allows.
            if final_path.exists() {
                return Err(BackupError::AlreadyExists { path: final_path.to_path_buf() });
            }
            fs::rename(temp.path(), final_path)
                .map_err(|e| io_error("renaming the backup into", dir, &e, 0))?;
            temp.keep();
            Ok(())
        }
    }
}

/// Write the manifest of `record` beside its backup file, last, never replacing a file.
pub(crate) fn write_manifest(record: &BackupRecord) -> Result<(), BackupError> {
    let dir = record.manifest_path.parent().unwrap_or(Path::new("."));
    let json = serde_json::to_vec_pretty(record).map_err(|e| BackupError::Io {
        action: "writing the manifest",
        path: record.manifest_path.clone(),
        reason: e.to_string(),
    })?;
    let name = record.manifest_path.file_name().map(|n| n.to_string_lossy().into_owned());
    let temp = TempFile::beside(dir, &name.unwrap_or_default());
    File::create(temp.path())
        .and_then(|mut f| f.write_all(&json).and_then(|()| f.sync_all()))
        .map_err(|e| io_error("writing the manifest in", dir, &e, json.len() as u64))?;
    publish(temp, &record.manifest_path)?;
    sync_folder(dir);
    Ok(())
}

/// Read a manifest; the record's paths are filled from where it was found.
pub(crate) fn read_manifest(path: &Path) -> Result<BackupRecord, String> {
    let text = fs::read(path).map_err(|e| e.to_string())?;
    let mut record: BackupRecord = serde_json::from_slice(&text).map_err(|e| e.to_string())?;
    if record.file.contains(['/', '\\']) || record.file.is_empty() {
        return Err(format!("it names the backup file \"{}\", not a file beside it", record.file));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    record.path = dir.join(&record.file);
    record.manifest_path = path.to_path_buf();
    Ok(record)
}

/// Make the new names durable. Only Unix can open a folder to sync it; elsewhere the rename is
/// as durable as the platform makes it.
pub(crate) fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// An I/O error in the backups folder, turned into the error that says what to do: a full
/// disk and a folder this user may not write to each have their own.
pub(crate) fn io_error(
    action: &'static str,
    dir: &Path,
    e: &io::Error,
    needed: u64,
) -> BackupError {
    if is_disk_full(e) {
        return BackupError::DiskFull {
            dir: dir.to_path_buf(),
            needed_bytes: needed,
            reason: e.to_string(),
        };
    }
    match e.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            BackupError::FolderNotWritable { dir: dir.to_path_buf(), reason: e.to_string() }
        }
        _ => BackupError::Io { action, path: dir.to_path_buf(), reason: e.to_string() },
    }
}

fn is_disk_full(e: &io::Error) -> bool {
    // ENOSPC (28) and EDQUOT (122 on Linux) on Unix, ERROR_DISK_FULL (112) and
    // ERROR_HANDLE_DISK_FULL (39) on Windows; `StorageFull` covers most of them.
    e.kind() == io::ErrorKind::StorageFull
        || e.kind() == io::ErrorKind::QuotaExceeded
        || (cfg!(windows) && matches!(e.raw_os_error(), Some(39 | 112)))
}
