//! The backup benchmark's two halves (driven by `scripts/bench-backup.sh`):
//!
//! - `bench_backup generate DB SIZE_MIB` writes a realistic SQLite database of about SIZE_MIB
//!   (WAL mode, a few tables with indexes, text and blobs) unless it already exists.
//! - `bench_backup backup DB DEST_DIR` takes one verified backup with the engine and prints its
//!   timings as `backup: copy_ms=… verify_ms=… total_ms=… size=… sha256=…`.
//!
//! `cargo run --release --example bench_backup -p pilot-engine -- generate target/bench/big.sqlite3 1024`

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use pilot_engine::backup::sqlite::backup_database;
use rusqlite::{Connection, params};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["generate", db, mib] => mib
            .parse::<u64>()
            .map_err(|e| format!("SIZE_MIB: {e}"))
            .and_then(|mib| generate(Path::new(db), mib)),
        ["backup", db, dest] => backup(Path::new(db), Path::new(dest)),
        _ => Err("usage: bench_backup generate DB SIZE_MIB | backup DB DEST_DIR".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_backup: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A database shaped like the sample service's: accounts, messages (most of the bytes), an
/// audit log with blobs, a counter; indexes on the columns a service looks things up by.
fn generate(db: &Path, mib: u64) -> Result<(), String> {
    if db.exists() {
        eprintln!("{} exists: kept", db.display());
        return Ok(());
    }
    if let Some(dir) = db.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let partial = db.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let conn = Connection::open(&partial).map_err(|e| e.to_string())?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
         CREATE TABLE accounts(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT, created TEXT);
         CREATE TABLE messages(id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, sent TEXT, body TEXT);
         CREATE INDEX messages_account ON messages(account_id, sent);
         CREATE TABLE audit(id INTEGER PRIMARY KEY, at TEXT, action TEXT, payload BLOB);
         CREATE INDEX audit_at ON audit(at);
         CREATE TABLE counter(id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
         INSERT INTO counter VALUES (1, 0);",
    )
    .map_err(|e| e.to_string())?;
    let target = mib * 1024 * 1024;
    let started = Instant::now();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let words = ["release", "deploy", "backup", "verified", "rollback", "health", "ready", "login"];
    let mut batch = 0u64;
    loop {
        let tx = conn.unchecked_transaction().map_err(|e| e.to_string())?;
        for i in 0..2000u64 {
            let id = batch * 2000 + i;
            tx.execute(
                "INSERT INTO accounts(email, name, created) VALUES (?1, ?2, datetime('now'))",
                params![format!("user{id}@example.com"), format!("User {id}")],
            )
            .map_err(|e| e.to_string())?;
            for _ in 0..4 {
                let len = 200 + (next() % 600) as usize;
                let body: String = (0..len / 8)
                    .map(|_| words[(next() % 8) as usize])
                    .collect::<Vec<_>>()
                    .join(" ");
                tx.execute(
                    "INSERT INTO messages(account_id, sent, body) VALUES (?1, datetime('now', ?2), ?3)",
                    params![i64::try_from(id).unwrap_or(0), format!("-{} seconds", next() % 100_000), body],
                )
                .map_err(|e| e.to_string())?;
            }
            let payload: Vec<u8> = (0..256).map(|_| next() as u8).collect();
            tx.execute(
                "INSERT INTO audit(at, action, payload) VALUES (datetime('now'), 'signup', ?1)",
                params![payload],
            )
            .map_err(|e| e.to_string())?;
        }
        tx.execute("UPDATE counter SET n = n + 2000 WHERE id = 1", [])
            .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        batch += 1;
        let size: i64 = conn
            .query_row(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                [],
                |r| r.get(0),
            )
            .map_err(|e| e.to_string())?;
        if u64::try_from(size).unwrap_or(0) >= target {
            break;
        }
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").map_err(|e| e.to_string())?;
    drop(conn);
    std::fs::rename(&partial, db).map_err(|e| e.to_string())?;
    eprintln!("generated {} in {:.1} s", db.display(), started.elapsed().as_secs_f64());
    Ok(())
}

fn backup(db: &Path, dest: &Path) -> Result<(), String> {
    let started = Instant::now();
    let record = backup_database(db, dest, "bench", chrono::Utc::now(), None, &|_| {})
        .map_err(|e| e.to_string())?;
    println!(
        "backup: copy_ms={} verify_ms={} total_ms={} size={} sha256={} rows={}",
        record.copy_ms,
        record.verify_ms,
        started.elapsed().as_millis(),
        record.size_bytes,
        record.sha256,
        record.total_rows()
    );
    Ok(())
}
