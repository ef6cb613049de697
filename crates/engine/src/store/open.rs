//! Opening the store: pragmas, damage detection and migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::error::damaged_or;
use super::{StoreError, migrations};

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|source| StoreError::CreateDir { path: dir.to_path_buf(), source })?;
    }
    let existed = path.exists();
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| damaged_or(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| damaged_or(path, e))?;

    if existed {
        // Check before anything writes: a file that is not a database, or a database with a
        // broken page, must be reported and left exactly as it is.
        check_integrity(&conn, path)?;
    }
    // Nor may a store that lost runs be written to: an emptied file (zero bytes) or a lost
    // `-wal` file drops runs whose lock files are still in the data folder.
    check_no_lost_runs(&conn, path)?;
    // WAL lets readers (the app's history screen, `pilot runs`) work while a run writes;
    // synchronous=FULL makes every commit durable, which resuming after a crash relies on.
    conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| damaged_or(path, e))?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(|e| damaged_or(path, e))?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(|e| damaged_or(path, e))?;
    migrations::migrate(&conn, path)?;
    Ok(conn)
}

/// Every run this data folder has driven (it has a lock file) must be in the store.
fn check_no_lost_runs(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let locks = path.parent().unwrap_or_else(|| Path::new(".")).join("locks");
    let driven = super::RunLock::runs_with_locks(&locks);
    if driven.is_empty() {
        return Ok(());
    }
    let has_runs_table: bool = conn
        .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'", [], |_| {
            Ok(true)
        })
        .optional()
        .map_err(|e| damaged_or(path, e))?
        .unwrap_or(false);
    let mut lost = Vec::new();
    for id in driven {
        let known = has_runs_table
            && conn
                .query_row("SELECT 1 FROM runs WHERE id = ?1", [&id], |_| Ok(()))
                .optional()
                .map_err(|e| damaged_or(path, e))?
                .is_some();
        if !known {
            lost.push(id);
        }
    }
    if lost.is_empty() {
        return Ok(());
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Err(StoreError::LostRuns { path: path.to_path_buf(), runs: lost, empty: size == 0, locks })
}

fn check_integrity(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let verdict: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(|e| damaged_or(path, e))?;
    if verdict != "ok" {
        return Err(StoreError::Damaged { path: path.to_path_buf(), detail: verdict });
    }
    Ok(())
}
