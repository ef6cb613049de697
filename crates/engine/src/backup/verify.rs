//! Verifying a finished database file: `PRAGMA integrity_check`, row counts per table, SHA-256
//! and size — side by side rather than one after the other.
//!
//! The integrity check is the long pole (it walks every b-tree and cross-checks every index);
//! hashing streams the file once with a fixed buffer (memory stays flat) on a second thread;
//! row counts and the one `fsync` of a fresh backup run on a third. Each reads the file through
//! the operating system's cache, which the copy has just filled, so they do not fight for the
//! disk. The check reads the file as *immutable*: no locks, no journal or WAL lookups, no side
//! files created next to it — it is a finished file nobody else writes.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use super::{BackupError, TableRows};

/// Hashing reads this much at a time.
const HASH_CHUNK: usize = 1024 * 1024;
/// The integrity check stops listing problems after this many.
const MAX_PROBLEMS: i64 = 20;

/// What verification found.
#[derive(Debug)]
pub(crate) struct Verified {
    pub size_bytes: u64,
    pub sha256: String,
    /// `["ok"]`, or the problems found.
    pub integrity: Vec<String>,
    pub tables: Vec<TableRows>,
    pub duration: Duration,
}

impl Verified {
    pub(crate) fn integrity_ok(&self) -> bool {
        self.integrity.len() == 1 && self.integrity[0] == "ok"
    }
    pub(crate) fn integrity_text(&self) -> String {
        self.integrity.join("; ")
    }
}

/// Verify the database file at `path`; with `sync`, also make it durable (once).
pub(crate) fn verify_file(path: &Path, sync: bool) -> Result<Verified, BackupError> {
    let started = Instant::now();
    let (hash, integrity, counts) = thread::scope(|s| {
        let hash = s.spawn(|| sha256_of(path));
        let integrity = s.spawn(|| integrity_check(path));
        let counts = row_counts(path).and_then(|tables| {
            if sync {
                // Opened for writing: Windows flushes only handles that may write.
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| e.to_string())?;
            }
            Ok(tables)
        });
        (join(hash), join(integrity), counts)
    });
    let io =
        |reason: String| BackupError::Io { action: "verifying", path: path.to_path_buf(), reason };
    let (size_bytes, sha256) = hash.map_err(io)?;
    let integrity = integrity.map_err(|problem| BackupError::Integrity {
        path: path.to_path_buf(),
        problems: problem,
    })?;
    let tables = counts.map_err(|problem| BackupError::Integrity {
        path: path.to_path_buf(),
        problems: format!("its tables could not be counted: {problem}"),
    })?;
    Ok(Verified { size_bytes, sha256, integrity, tables, duration: started.elapsed() })
}

fn join<T>(handle: thread::ScopedJoinHandle<'_, Result<T, String>>) -> Result<T, String> {
    handle.join().unwrap_or_else(|_| Err("the verifying thread stopped unexpectedly".to_owned()))
}

/// Size and SHA-256 of a file, streamed with a fixed buffer.
pub(crate) fn sha256_of(path: &Path) -> Result<(u64, String), String> {
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; HASH_CHUNK];
    let mut size = 0u64;
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                size += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// Open a finished database file for reading only, as immutable.
pub(crate) fn open_finished(path: &Path) -> Result<Connection, String> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(format!("{}?immutable=1", file_uri(path)), flags)
        .map_err(|e| e.to_string())?;
    // No memory map: it would make the file's pages count as this process's memory, and
    // the page cache below is bounded instead.
    let _ = conn.pragma_update(None, "cache_size", -16384i64);
    Ok(conn)
}

fn integrity_check(path: &Path) -> Result<Vec<String>, String> {
    let conn = open_finished(path)?;
    let mut stmt = conn
        .prepare(&format!("PRAGMA integrity_check({MAX_PROBLEMS})"))
        .map_err(|e| e.to_string())?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| e.to_string())?;
    rows.collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())
}

/// Rows of every ordinary table (SQLite's internal tables and virtual tables left out; the
/// latter's storage tables are counted), in name order.
pub(crate) fn row_counts(path: &Path) -> Result<Vec<TableRows>, String> {
    let conn = open_finished(path)?;
    count_tables(&conn)
}

/// Rows of every ordinary table of an open database.
pub(crate) fn count_tables(conn: &Connection) -> Result<Vec<TableRows>, String> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| e.to_string())?;
    names
        .into_iter()
        .map(|table| {
            let sql = format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\""));
            let rows: i64 = conn.query_row(&sql, [], |r| r.get(0)).map_err(|e| e.to_string())?;
            Ok(TableRows { table, rows: u64::try_from(rows).unwrap_or(0) })
        })
        .collect()
}

/// A `file:` URI for `path`, percent-encoding everything but unreserved characters, so names
/// with spaces, `?` or `#` open the file they name.
fn file_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = absolute.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    // `file:///C:/x` on Windows, `file:///x` elsewhere.
    if !text.starts_with('/') {
        uri.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b':') {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}
