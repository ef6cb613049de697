//! Opening the store: pragmas, damage detection and migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

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
    // WAL lets readers (the app's history screen, `pilot runs`) work while a run writes;
    // synchronous=FULL makes every commit durable, which resuming after a crash relies on.
    conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| damaged_or(path, e))?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(|e| damaged_or(path, e))?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(|e| damaged_or(path, e))?;
    migrations::migrate(&conn, path)?;
    Ok(conn)
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
