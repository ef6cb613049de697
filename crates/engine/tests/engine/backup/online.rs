//! Online backups of a database another connection keeps writing to: WAL and rollback-journal
//! modes, consistency to one moment, progress, naming and the manifest.

use std::sync::Mutex;

use pilot_engine::backup::sqlite::{backup_database, restore_database};
use pilot_engine::backup::{BackupProgress, BackupStage, catalog};

use super::{Writer, at, counter_and_messages, make_db, names_in, temp_dir};

/// Back up while a writer commits, then check the copy is whole, consistent and restorable.
fn backup_during_writes(journal_mode: &str) {
    let dir = temp_dir();
    let db = dir.path().join("app.db");
    make_db(&db, journal_mode, 150);
    let dest = dir.path().join("backups");
    let seen = Mutex::new(Vec::<BackupProgress>::new());

    let writer = Writer::start(&db);
    let before = writer.commits();
    let record = backup_database(&db, &dest, "1.2.3", at(), Some(100_000), &|p| {
        if let Ok(mut s) = seen.lock() {
            s.push(p);
        }
    })
    .unwrap_or_else(|e| panic!("the {journal_mode} backup must succeed while writes go on: {e}"));
    let during = writer.commits() - before;
    let total = writer.finish().unwrap_or_else(|e| panic!("every write must succeed: {e}"));

    assert!(total > before, "the writer kept committing around the backup ({before} → {total})");
    if journal_mode == "wal" {
        // In WAL mode the backup reads a snapshot and never blocks the writer.
        assert!(during > 0, "in WAL mode writes continue during the backup");
    }
    assert_eq!(record.integrity, "ok", "the backup passed its integrity check");
    let detail = record.sqlite().expect("a SQLite backup");
    assert_eq!(detail.journal_mode, journal_mode, "the manifest records the source's mode");
    let (counter, messages) = counter_and_messages(&record.path);
    assert_eq!(counter, messages, "the copy is consistent to one moment (counter = messages)");
    let counted = record.tables.iter().find(|t| t.table == "messages").map(|t| t.rows);
    assert_eq!(counted, u64::try_from(messages).ok(), "the manifest's row count is the copy's");
    assert!(messages >= 15_000, "the copy holds at least the rows written before it started");

    let progress = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let copying: Vec<_> = progress.iter().filter(|p| p.stage == BackupStage::Copying).collect();
    assert!(!copying.is_empty(), "progress is reported while copying");
    assert!(
        copying.iter().all(|p| p.pages_done <= p.pages_total && p.pages_total > 0),
        "progress counts pages done out of the total: {copying:?}"
    );
    assert_eq!(copying.last().map(|p| p.percent()), Some(100), "the copy ends at 100 %");
    assert_eq!(
        progress.last().map(|p| p.stage),
        Some(BackupStage::Verifying),
        "verification is announced after the copy"
    );

    let restored = dir.path().join("restored.db");
    let back = restore_database(&record.path, &restored)
        .unwrap_or_else(|e| panic!("the backup must be restorable: {e}"));
    assert_eq!(back.sha256, record.sha256, "the restored file is the backup, byte for byte");
    assert_eq!(back.tables, record.tables, "the restored database has the backup's rows");
    assert_eq!(
        counter_and_messages(&restored),
        (counter, messages),
        "restored rows are the copy's"
    );

    assert_eq!(
        names_in(&dest),
        vec![
            "app-1.2.3-20260107T100000Z.sqlite3".to_owned(),
            "app-1.2.3-20260107T100000Z.sqlite3.json".to_owned()
        ],
        "the backup and its manifest, named by stem, version and UTC time; no temporaries left"
    );
}

#[test]
fn a_wal_database_is_backed_up_consistently_while_it_is_written_to() {
    backup_during_writes("wal");
}

#[test]
fn a_rollback_journal_database_is_backed_up_consistently_while_it_is_written_to() {
    backup_during_writes("delete");
}

#[test]
fn the_manifest_describes_the_backup_and_the_catalog_finds_it() {
    let dir = temp_dir();
    let db = dir.path().join("service.sqlite3");
    make_db(&db, "wal", 20);
    let dest = dir.path().join("backups");
    let record = backup_database(&db, &dest, "2.0.0", at(), None, &|_| {})
        .unwrap_or_else(|e| panic!("the backup must succeed: {e}"));

    let text = std::fs::read_to_string(&record.manifest_path)
        .unwrap_or_else(|e| panic!("the manifest must be readable: {e}"));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the manifest is JSON: {e}"));
    for key in ["source", "version", "created_at", "size_bytes", "sha256", "tables", "integrity"] {
        assert!(json.get(key).is_some(), "the manifest records {key}: {text}");
    }
    assert_eq!(json["engine_version"], env!("CARGO_PKG_VERSION"), "the engine version");
    assert_eq!(json["sha256"].as_str(), Some(record.sha256.as_str()), "the hash");
    let on_disk = std::fs::metadata(&record.path).map(|m| m.len()).unwrap_or_default();
    assert_eq!(record.size_bytes, on_disk, "the recorded size is the file's");

    let latest = catalog::latest_verified(&dest)
        .unwrap_or_else(|e| panic!("the folder must be readable: {e}"))
        .unwrap_or_else(|| panic!("the backup just taken is the latest verified one"));
    assert_eq!(latest, record, "the catalog reads back exactly what was recorded");
}
