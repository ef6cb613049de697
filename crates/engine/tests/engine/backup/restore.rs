//! Restoring a verified backup: after a bad migration (with the bad database's WAL still
//! beside it), and refusing a backup that no longer matches its manifest.

use std::fs;

use pilot_engine::backup::BackupError;
use pilot_engine::backup::catalog;
use pilot_engine::backup::sqlite::{backup_database, restore_database, restore_record};
use rusqlite::Connection;

use super::{at, counter_and_messages, make_db, names_in, temp_dir};

#[test]
fn a_bad_migration_is_undone_by_restoring_the_backup() {
    let dir = temp_dir();
    let live = dir.path().join("live");
    fs::create_dir(&live).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let db = live.join("app.db");
    make_db(&db, "wal", 30);
    let dest = dir.path().join("backups");
    let record = backup_database(&db, &dest, "1.0.0", at(), None, &|_| {})
        .unwrap_or_else(|e| panic!("the backup must succeed: {e}"));
    let good = counter_and_messages(&db);

    // The bad migration: drops a column and loses half the messages. A WAL copy taken while the
    // connection is open keeps its frames un-checkpointed beside the file, as a crashed or
    // stopped service leaves them.
    let conn = Connection::open(&db).unwrap_or_else(|e| panic!("open: {e}"));
    conn.execute_batch(
        "PRAGMA wal_autocheckpoint=0;
         ALTER TABLE accounts DROP COLUMN name;
         DELETE FROM messages WHERE id % 2 = 0;",
    )
    .unwrap_or_else(|e| panic!("the bad migration runs: {e}"));
    let broken = dir.path().join("broken");
    fs::create_dir(&broken).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let target = broken.join("app.db");
    for suffix in ["", "-wal"] {
        fs::copy(format!("{}{suffix}", db.display()), format!("{}{suffix}", target.display()))
            .unwrap_or_else(|e| panic!("copy the broken database{suffix}: {e}"));
    }
    let messages_after: i64 = conn
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("count: {e}"));
    drop(conn);
    assert_ne!(messages_after, good.1, "the migration really lost rows");
    assert!(
        fs::metadata(format!("{}-wal", target.display())).is_ok_and(|m| m.len() > 0),
        "the broken database's WAL, with the migration in it, sits beside it"
    );

    let restored = restore_database(&record.path, &target)
        .unwrap_or_else(|e| panic!("the restore must succeed: {e}"));
    assert!(restored.replaced, "a database was there and was replaced");
    assert_eq!(restored.sha256, record.sha256, "the restored file is the backup, byte for byte");
    assert_eq!(restored.tables, record.tables, "row counts are the backup's again");
    assert_eq!(
        counter_and_messages(&target),
        good,
        "the rows are back (the old WAL was not replayed)"
    );
    let conn = Connection::open(&target).unwrap_or_else(|e| panic!("open: {e}"));
    let name: String = conn
        .query_row("SELECT name FROM accounts WHERE id = 1", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("the dropped column is back: {e}"));
    assert_eq!(name, "User 0", "the column holds its data");
    drop(conn);
    let leftovers: Vec<String> =
        names_in(&broken).into_iter().filter(|n| n.starts_with('.')).collect();
    assert!(leftovers.is_empty(), "nothing kept aside once verified: {leftovers:?}");
}

#[test]
fn a_backup_that_no_longer_matches_its_manifest_is_refused_and_the_target_kept() {
    let dir = temp_dir();
    let db = dir.path().join("app.db");
    make_db(&db, "delete", 10);
    let dest = dir.path().join("backups");
    let record = backup_database(&db, &dest, "1.0.0", at(), None, &|_| {})
        .unwrap_or_else(|e| panic!("the backup must succeed: {e}"));
    let target = dir.path().join("target.db");
    fs::write(&target, "the current database").unwrap_or_else(|e| panic!("write: {e}"));

    // Flip one byte near the end: same size, different content.
    let mut bytes = fs::read(&record.path).unwrap_or_default();
    let at_byte = bytes.len() - 10;
    bytes[at_byte] ^= 0xff;
    fs::write(&record.path, &bytes).unwrap_or_else(|e| panic!("write: {e}"));

    let latest = catalog::latest_verified(&dest).ok().flatten();
    assert!(latest.is_some(), "same size: the cheap catalog look still lists it");
    let err = restore_record(&record, &target)
        .err()
        .unwrap_or_else(|| panic!("a damaged backup must not be restored"));
    assert!(matches!(err, BackupError::ChecksumMismatch { .. }), "checksum mismatch: {err}");
    assert_eq!(
        fs::read_to_string(&target).unwrap_or_default(),
        "the current database",
        "the target was not touched"
    );
    assert_eq!(
        names_in(dir.path()).iter().filter(|n| n.starts_with('.')).count(),
        0,
        "no temporaries"
    );
}

#[test]
fn a_backup_without_its_manifest_cannot_be_restored() {
    let dir = temp_dir();
    let db = dir.path().join("app.db");
    make_db(&db, "wal", 3);
    let dest = dir.path().join("backups");
    let record = backup_database(&db, &dest, "1.0.0", at(), None, &|_| {})
        .unwrap_or_else(|e| panic!("the backup must succeed: {e}"));
    fs::remove_file(&record.manifest_path).unwrap_or_else(|e| panic!("remove: {e}"));
    let err = restore_database(&record.path, &dir.path().join("target.db"))
        .err()
        .unwrap_or_else(|| panic!("without a manifest nothing says what the backup should be"));
    assert!(matches!(err, BackupError::Manifest { .. }), "manifest error: {err}");
    assert!(!dir.path().join("target.db").exists(), "no target was created");
}
