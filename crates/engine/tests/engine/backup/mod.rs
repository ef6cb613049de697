//! Tests of `pilot_engine::backup` and the `backup.*` steps, against real SQLite databases
//! written to by another connection during the backup, real folders (a read-only and a 2 MB
//! file system mounted for the occasion when the tests run as root), and real programs.
//!
//! Every database made here has a `counter` row updated in the same transaction as each batch
//! of `messages`: a copy is consistent to one moment exactly when the counter equals the
//! number of messages.

mod online;
mod restore;
mod safety;
mod steps;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, params};

/// The time every backup here is taken at, unless a test needs another.
pub(crate) fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 7, 10, 0, 0).single().unwrap_or_default()
}

/// A fresh temp dir for one test (parallel-safe).
pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("a temp dir is needed for the test: {e}"))
}

/// Make a database at `path` in `journal_mode` ("wal" or "delete") with `batches` batches of
/// 100 messages (about 60 kB each), a few accounts and the counter.
pub(crate) fn make_db(path: &Path, journal_mode: &str, batches: u64) {
    let conn = Connection::open(path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
    let mode: String = conn
        .query_row(&format!("PRAGMA journal_mode={journal_mode}"), [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("set journal mode: {e}"));
    assert_eq!(mode, journal_mode, "the database must be in {journal_mode} mode");
    conn.execute_batch(
        "CREATE TABLE accounts(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT);
         CREATE TABLE messages(id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, body TEXT);
         CREATE INDEX messages_account ON messages(account_id);
         CREATE TABLE counter(id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
         INSERT INTO counter VALUES (1, 0);",
    )
    .unwrap_or_else(|e| panic!("create the schema: {e}"));
    for i in 0..50 {
        conn.execute(
            "INSERT INTO accounts(email, name) VALUES (?1, ?2)",
            params![format!("user{i}@example.com"), format!("User {i}")],
        )
        .unwrap_or_else(|e| panic!("insert an account: {e}"));
    }
    for _ in 0..batches {
        add_batch(&conn).unwrap_or_else(|e| panic!("insert messages: {e}"));
    }
}

/// 100 messages and the counter, in one transaction.
pub(crate) fn add_batch(conn: &Connection) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    for i in 0..100i64 {
        tx.execute(
            "INSERT INTO messages(account_id, body) VALUES (?1, ?2)",
            params![i % 50, format!("message {i} ").repeat(60)],
        )?;
    }
    tx.execute("UPDATE counter SET n = n + 100 WHERE id = 1", [])?;
    tx.commit()
}

/// (counter, messages) of a database file.
pub(crate) fn counter_and_messages(path: &Path) -> (i64, i64) {
    let conn = Connection::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let counter: i64 = conn
        .query_row("SELECT n FROM counter", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("read the counter: {e}"));
    let messages: i64 = conn
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("count messages: {e}"));
    (counter, messages)
}

/// Another connection writing batches into a database until stopped.
pub(crate) struct Writer {
    stop: Arc<AtomicBool>,
    commits: Arc<AtomicU64>,
    handle: Option<JoinHandle<Result<(), String>>>,
}

impl Writer {
    pub(crate) fn start(path: &Path) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let commits = Arc::new(AtomicU64::new(0));
        let (stop2, commits2, path) = (stop.clone(), commits.clone(), path.to_path_buf());
        let handle = std::thread::spawn(move || -> Result<(), String> {
            let conn = Connection::open(&path).map_err(|e| e.to_string())?;
            conn.busy_timeout(Duration::from_secs(60)).map_err(|e| e.to_string())?;
            while !stop2.load(Ordering::SeqCst) {
                add_batch(&conn).map_err(|e| format!("the writer failed: {e}"))?;
                commits2.fetch_add(1, Ordering::SeqCst);
            }
            Ok(())
        });
        let writer = Self { stop, commits, handle: Some(handle) };
        // Let it get going, so the backup really starts while it writes.
        while writer.commits() < 3 {
            std::thread::sleep(Duration::from_millis(5));
        }
        writer
    }

    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::SeqCst)
    }

    /// Stop and report whether every write succeeded.
    pub(crate) fn finish(mut self) -> Result<u64, String> {
        self.stop.store(true, Ordering::SeqCst);
        let joined = self.handle.take().map(|h| h.join());
        match joined {
            Some(Ok(result)) => result.map(|()| self.commits()),
            _ => Err("the writer thread panicked".into()),
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The names in a folder, sorted (hidden temporaries included).
pub(crate) fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// A file system mounted for one test, unmounted when dropped. Only root can mount; `None`
/// elsewhere, and the test says it could not run that case.
#[derive(Debug)]
pub(crate) struct Mounted {
    pub(crate) dir: PathBuf,
    _parent: tempfile::TempDir,
}

impl Mounted {
    /// A tmpfs with these mount options (e.g. "size=2m", "ro,size=1m").
    #[cfg(target_os = "linux")]
    pub(crate) fn tmpfs(options: &str) -> Option<Self> {
        let parent = temp_dir();
        let dir = parent.path().join("mnt");
        std::fs::create_dir(&dir).ok()?;
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(&dir)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(Self { dir, _parent: parent })
    }

    #[cfg(not(target_os = "linux"))]
    pub(crate) fn tmpfs(_options: &str) -> Option<Self> {
        None
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.dir).status();
    }
}
