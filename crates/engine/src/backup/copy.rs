//! The online copy: SQLite's backup API, in chunks of pages, from one read snapshot.
//!
//! The source connection opens a read transaction before the backup starts and keeps it until
//! the last page is copied. Every `Backup::step` then reads that same snapshot, so the copy is
//! consistent to one moment even though it is taken in chunks (for progress), and another
//! process writing meanwhile never makes SQLite restart it. In WAL mode writers carry on during
//! the copy; in rollback-journal mode they wait for the copy to finish (that is what a
//! consistent copy of such a database costs), within their own busy timeout.
//!
//! Speed comes from doing no more work than a file copy: the destination — a fresh temporary
//! file nobody else sees — has no journal, no syncs and an exclusive lock during the
//! copy. It is synced once, while it is being verified.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::manifest::io_error;
use super::{BackupError, BackupProgress, BackupStage};

/// Pages copied per step: 16 MiB at the default 4 KiB page size — few enough steps that their
/// overhead vanishes, enough that progress moves smoothly.
const PAGES_PER_STEP: i32 = 4096;
/// Destination page cache: dirty pages are written out in this much at a time, so memory
/// stays flat whatever the database's size.
const DEST_CACHE_KIB: i64 = 32 * 1024;
/// How long a locked source or a busy step is retried before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// What the copy produced.
#[derive(Debug)]
pub(crate) struct Copied {
    pub pages: u64,
    pub page_size: u64,
    pub journal_mode: String,
    pub duration: Duration,
}

/// Copy the database at `source` into the empty file `dest` (in `dest_dir`), reporting progress.
pub(crate) fn copy_online(
    source: &Path,
    dest: &Path,
    dest_dir: &Path,
    progress: &dyn Fn(BackupProgress),
) -> Result<Copied, BackupError> {
    let started = Instant::now();
    let src = open_source(source)?;
    let unreadable = |e: rusqlite::Error| source_error(source, &e);

    // The snapshot: every step below reads the database as it is now.
    src.execute_batch("BEGIN").map_err(unreadable)?;
    src.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
        .map_err(unreadable)?;
    let page_size: i64 = src.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(unreadable)?;
    let journal_mode: String =
        src.query_row("PRAGMA journal_mode", [], |r| r.get(0)).map_err(unreadable)?;
    let page_size = u64::try_from(page_size).unwrap_or(4096);

    let mut dst = open_dest(dest, dest_dir, page_size)?;
    let pages = {
        let backup = Backup::new(&src, &mut dst).map_err(|e| dest_error(dest_dir, &e, 0))?;
        run_steps(&backup, source, dest_dir, page_size, progress)?
    };
    // Closing writes nothing more (the backup committed), and releases the exclusive lock.
    dst.close().map_err(|(_, e)| dest_error(dest_dir, &e, 0))?;
    let _ = src.execute_batch("COMMIT");
    Ok(Copied {
        pages,
        page_size,
        journal_mode: journal_mode.to_lowercase(),
        duration: started.elapsed(),
    })
}

fn run_steps(
    backup: &Backup<'_, '_>,
    source: &Path,
    dest_dir: &Path,
    page_size: u64,
    progress: &dyn Fn(BackupProgress),
) -> Result<u64, BackupError> {
    let mut busy_since: Option<Instant> = None;
    loop {
        let step = backup.step(PAGES_PER_STEP);
        let p = backup.progress();
        let total = u64::try_from(p.pagecount).unwrap_or(0);
        let done = total.saturating_sub(u64::try_from(p.remaining).unwrap_or(0));
        let needed = total.saturating_mul(page_size);
        if is_busy(&step) {
            let since = *busy_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= BUSY_TIMEOUT {
                return Err(BackupError::SourceBusy {
                    path: source.to_path_buf(),
                    reason: format!("still locked after {} s", BUSY_TIMEOUT.as_secs()),
                });
            }
            thread::sleep(Duration::from_millis(20));
            continue;
        }
        match step {
            Ok(StepResult::Done) => {
                progress(BackupProgress {
                    stage: BackupStage::Copying,
                    pages_done: total,
                    pages_total: total,
                    page_size,
                });
                return Ok(total);
            }
            Ok(StepResult::More) => {
                busy_since = None;
                progress(BackupProgress {
                    stage: BackupStage::Copying,
                    pages_done: done,
                    pages_total: total,
                    page_size,
                });
            }
            Ok(_) => {}
            Err(e) => return Err(dest_error(dest_dir, &e, needed)),
        }
    }
}

fn is_busy(step: &rusqlite::Result<StepResult>) -> bool {
    match step {
        Ok(StepResult::Busy | StepResult::Locked) => true,
        Err(e) => matches!(
            e.sqlite_error_code(),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        ),
        Ok(_) => false,
    }
}

fn open_source(source: &Path) -> Result<Connection, BackupError> {
    // Read-only: the backup must never change the source, not even by checkpointing its WAL
    // when this happens to be the last connection to close.
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let src = Connection::open_with_flags(source, flags).map_err(|e| source_error(source, &e))?;
    src.busy_timeout(BUSY_TIMEOUT).map_err(|e| source_error(source, &e))?;
    Ok(src)
}

fn open_dest(dest: &Path, dest_dir: &Path, page_size: u64) -> Result<Connection, BackupError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let fail = |e: rusqlite::Error| dest_error(dest_dir, &e, 0);
    let dst = Connection::open_with_flags(dest, flags).map_err(fail)?;
    // No journal and no syncs: the file is a hidden temporary one, thrown away if anything
    // fails, and synced once when complete. The exclusive lock saves a lock round trip per step.
    dst.pragma_update(None, "page_size", i64::try_from(page_size).unwrap_or(4096)).map_err(fail)?;
    dst.pragma_update_and_check(None, "journal_mode", "OFF", |r| r.get::<_, String>(0))
        .map_err(fail)?;
    dst.pragma_update(None, "synchronous", "OFF").map_err(fail)?;
    dst.pragma_update(None, "locking_mode", "EXCLUSIVE").map_err(fail)?;
    dst.pragma_update(None, "cache_size", -DEST_CACHE_KIB).map_err(fail)?;
    Ok(dst)
}

/// An error reading the source.
fn source_error(source: &Path, e: &rusqlite::Error) -> BackupError {
    let path = source.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            BackupError::SourceBusy { path, reason: e.to_string() }
        }
        _ => BackupError::SourceUnreadable { path, reason: e.to_string() },
    }
}

/// An error writing the destination (or, rarely, reading the source during a step).
fn dest_error(dest_dir: &Path, e: &rusqlite::Error, needed: u64) -> BackupError {
    let dir: PathBuf = dest_dir.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => {
            BackupError::DiskFull { dir, needed_bytes: needed, reason: e.to_string() }
        }
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
            BackupError::FolderNotWritable { dir, reason: e.to_string() }
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            BackupError::SourceBusy { path: dir, reason: e.to_string() }
        }
        _ => io_error(
            "copying the database into",
            dest_dir,
            &std::io::Error::other(e.to_string()),
            needed,
        ),
    }
}
