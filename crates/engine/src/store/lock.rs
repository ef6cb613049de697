//! The per-run driver lock: only one process may drive a run at a time.
//!
//! It is an operating-system file lock (`File::try_lock`) on `locks/<run id>.lock` beside the
//! store, not a row in the database: the OS releases it when the holder dies, even by
//! `kill -9`, so a crashed run is never left locked. The file's text says who holds it, for the
//! message shown to the second process.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::StoreError;

/// How long to wait for a lock before saying who holds it. A real second driver holds it for
/// the whole run; a brief hold comes from `fork`: a child process shares the parent's open file
/// descriptions (and so its `flock`) between `fork` and `exec`, even for close-on-exec files, so
/// a lock released while another thread starts a program can look held for a few milliseconds.
const GRACE: Duration = Duration::from_secs(1);

/// Try to take the lock, retrying for up to `grace`.
fn try_lock_for(file: &File, grace: Duration) -> Result<(), TryLockError> {
    let deadline = Instant::now() + grace;
    loop {
        match file.try_lock() {
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// Held while a run is being driven; released on drop (or when the process dies).
#[derive(Debug)]
pub struct RunLock {
    _file: File,
    path: PathBuf,
}

impl RunLock {
    /// Take the lock for `run_id` in `locks_dir`, or say who holds it.
    pub fn acquire(locks_dir: &Path, run_id: &str, now: DateTime<Utc>) -> Result<Self, StoreError> {
        std::fs::create_dir_all(locks_dir)
            .map_err(|source| StoreError::CreateDir { path: locks_dir.to_path_buf(), source })?;
        let path = locks_dir.join(format!("{run_id}.lock"));
        let lock_err = |source| StoreError::LockFile { path: path.clone(), source };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(lock_err)?;
        match try_lock_for(&file, GRACE) {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "another process".to_string()
                } else {
                    holder.to_string()
                };
                return Err(StoreError::Locked { id: run_id.to_string(), holder });
            }
            Err(TryLockError::Error(source)) => return Err(lock_err(source)),
        }
        // Record who holds it; failing to write this note does not weaken the lock itself.
        let note =
            format!("process {} since {}", std::process::id(), now.format("%Y-%m-%d %H:%M:%S UTC"));
        let _ = file.set_len(0);
        let _ = file.seek(SeekFrom::Start(0));
        let _ = file.write_all(note.as_bytes());
        let _ = file.flush();
        Ok(Self { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a live process drives the run now (holds its lock). Does not wait, creates
    /// nothing, and lets go at once of a lock it could take.
    pub fn is_held(locks_dir: &Path, run_id: &str) -> bool {
        let path = locks_dir.join(format!("{run_id}.lock"));
        let Ok(file) = OpenOptions::new().read(true).write(true).open(&path) else { return false };
        matches!(file.try_lock(), Err(TryLockError::WouldBlock))
    }

    /// The run ids that have a lock file in `locks_dir`: every run ever driven from this data
    /// folder (lock files are kept; only the OS lock on them comes and goes).
    pub fn runs_with_locks(locks_dir: &Path) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(locks_dir) else { return Vec::new() };
        let mut ids: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str()?.strip_suffix(".lock").map(str::to_string))
            .collect();
        ids.sort();
        ids
    }
}
