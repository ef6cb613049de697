//! Opening the database: WAL (so readers, the writer, `migrate` and an online backup can work
//! at once) and a busy timeout (so they wait for each other instead of failing).

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    if let Some(parent) = path.parent() {
        // A missing folder is the operator's mistake to see in the next error, not ours to hide.
        let _ = std::fs::create_dir_all(parent);
    }
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// Rows per table, for the version endpoint and the tests' before/after comparisons.
pub fn count(conn: &Connection, table: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
}
