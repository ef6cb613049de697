//! The `backup.*` steps through the executor entry point, as the runner calls them: evidence
//! the report's Backup section renders, live progress, and failures that say what to do.

use std::fs;
use std::path::Path;
use std::sync::Mutex;

use chrono::Duration;
use pilot_engine::FixedClock;
use pilot_engine::backup::sqlite::backup_database;
use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::{BackupCommandParams, BackupRecentParams, BackupSqliteParams};
use pilot_engine::run::{StepOutcome, StepStatus};

use super::{at, make_db, names_in, temp_dir};
use crate::executors::{ready_facts, run_with};

fn run_at(repo: &Path, now: chrono::DateTime<chrono::Utc>, action: StepAction) -> StepOutcome {
    run_with(repo, &ready_facts(repo), &FixedClock::at(now), &|_| {}, action)
}

fn fact<'a>(out: &'a StepOutcome, label: &str) -> Option<&'a str> {
    out.evidence.facts.iter().find(|f| f.label == label).map(|f| f.value.as_str())
}

#[test]
fn backup_sqlite_takes_a_verified_backup_with_progress_and_evidence() {
    let repo = temp_dir();
    make_db(&repo.path().join("app.db"), "wal", 40);
    let lines = Mutex::new(Vec::<String>::new());
    let output = |l: &str| {
        if let Ok(mut v) = lines.lock() {
            v.push(l.to_owned());
        }
    };
    let action = StepAction::BackupSqlite(BackupSqliteParams {
        path: Some("app.db".into()),
        dest_dir: Some("backups".into()),
        min_size_bytes: Some(100_000),
        ..BackupSqliteParams::default()
    });
    let meters = Mutex::new(Vec::<pilot_engine::run::Meter>::new());
    let meter = |m| meters.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(m);
    let out = crate::executors::run_metered(
        repo.path(),
        &ready_facts(repo.path()),
        &FixedClock::at(at()),
        &output,
        &meter,
        action,
    );

    assert_eq!(out.status, StepStatus::Passed, "the backup passes: {}", out.summary);
    assert!(
        out.summary.contains("Verified backup at"),
        "says where and that it is verified: {}",
        out.summary
    );
    let file = out.evidence.files.first().unwrap_or_else(|| panic!("the backup file is evidence"));
    assert!(
        file.path.ends_with("app-1.2.3-20260107T100000Z.sqlite3"),
        "named by version and time: {}",
        file.path
    );
    let on_disk = fs::metadata(&file.path).map(|m| m.len()).unwrap_or_default();
    assert_eq!(file.size_bytes, on_disk, "the evidence gives the file's size");
    assert_eq!(file.sha256.as_ref().map(String::len), Some(64), "and its SHA-256");
    assert_eq!(fact(&out, "integrity"), Some("ok"), "integrity is a fact");
    assert_eq!(fact(&out, "rows in messages"), Some("4 000"), "row counts per table are facts");
    let size = out.evidence.measurements.iter().find(|m| m.metric == "backup size");
    assert!(
        size.is_some_and(|m| m.passed && m.target == "≥ 100000 bytes"),
        "size vs minimum: {size:?}"
    );

    let meters = meters.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let last = meters.last().unwrap_or_else(|| panic!("the copy moves a meter"));
    assert!(
        last.done == last.total
            && last.total > 0
            && last.unit == pilot_engine::run::MeterUnit::Bytes,
        "the meter ends full, in bytes: {last:?}"
    );
    assert!(
        meters.windows(2).all(|w| w[0].done <= w[1].done)
            && last.label.starts_with("Copying app.db"),
        "it only moves forward and says what it copies: {meters:?}"
    );
    assert!(meters.len() <= 101, "at most one message per percent: {}", meters.len());

    let lines = lines.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(
        lines.iter().any(|l| l.starts_with("copied ") && l.ends_with("(100 %)")),
        "progress lines: {lines:?}"
    );
    assert!(lines.iter().any(|l| l.starts_with("verifying")), "verification announced: {lines:?}");
}

#[test]
fn backup_sqlite_from_a_missing_container_fails_and_leaves_nothing() {
    // Whether or not a Docker engine answers here, the step fails with what to do next (no
    // such container / how to start Docker), and the backups folder holds no file at all.
    let repo = temp_dir();
    let action = StepAction::BackupSqlite(BackupSqliteParams {
        container: Some("release-pilot-no-such-container".into()),
        db_path: Some("/data/app.db".into()),
        dest_dir: Some("backups".into()),
        ..BackupSqliteParams::default()
    });
    let out = run_at(repo.path(), at(), action);
    assert_eq!(out.status, StepStatus::Failed, "no backup was taken: {}", out.summary);
    assert!(
        out.summary.contains("release-pilot-no-such-container") || out.summary.contains("Docker"),
        "names the container or the engine: {}",
        out.summary
    );
    let left: Vec<_> = std::fs::read_dir(repo.path().join("backups"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "nothing is left in the backups folder: {left:?}");
}

#[test]
fn backup_sqlite_without_a_source_says_what_to_set() {
    let repo = temp_dir();
    let no_source = run_at(
        repo.path(),
        at(),
        StepAction::BackupSqlite(BackupSqliteParams {
            dest_dir: Some("b".into()),
            ..Default::default()
        }),
    );
    assert_eq!(no_source.status, StepStatus::Failed, "no source: {}", no_source.summary);
    assert!(no_source.summary.contains("`path`"), "says what to give: {}", no_source.summary);
    let missing = run_at(
        repo.path(),
        at(),
        StepAction::BackupSqlite(BackupSqliteParams {
            path: Some("gone.db".into()),
            dest_dir: Some("b".into()),
            ..Default::default()
        }),
    );
    assert_eq!(missing.status, StepStatus::Failed, "missing db: {}", missing.summary);
    assert!(missing.summary.contains("gone.db does not exist"), "names it: {}", missing.summary);
    assert!(names_in(&repo.path().join("b")).is_empty(), "nothing written");
}

fn recent(dir: &str, hours: f64) -> StepAction {
    StepAction::BackupRecent(BackupRecentParams { dir: Some(dir.into()), max_age_hours: hours })
}

#[test]
fn backup_recent_reads_the_manifests_for_age() {
    let repo = temp_dir();
    let db = repo.path().join("app.db");
    make_db(&db, "wal", 3);
    let dest = repo.path().join("backups");
    let old = at() - Duration::hours(30);
    backup_database(&db, &dest, "1.2.2", old, None, &|_| {})
        .unwrap_or_else(|e| panic!("old backup: {e}"));

    let stale = run_at(repo.path(), at(), recent("backups", 24.0));
    assert_eq!(stale.status, StepStatus::Failed, "30 h is older than 24 h: {}", stale.summary);
    let age = stale.evidence.measurements.first().map(|m| (m.value, m.passed));
    assert_eq!(age, Some((30.0, false)), "the age is measured against the limit");

    let newer = at() - Duration::hours(2);
    backup_database(&db, &dest, "1.2.3", newer, None, &|_| {})
        .unwrap_or_else(|e| panic!("new backup: {e}"));
    let fresh = run_at(repo.path(), at(), recent("backups", 24.0));
    assert_eq!(fresh.status, StepStatus::Passed, "a 2 h old backup is recent: {}", fresh.summary);
    assert_eq!(fact(&fresh, "version"), Some("1.2.3"), "the newest backup is the one judged");
    assert_eq!(fact(&fresh, "verified backups"), Some("2"), "both are counted");
    assert!(
        fresh.evidence.files.first().is_some_and(|f| f.sha256.is_some()),
        "the file is evidence"
    );
}

#[test]
fn backup_recent_ignores_corrupt_and_orphaned_manifests_and_a_missing_folder_fails() {
    let repo = temp_dir();
    let missing = run_at(repo.path(), at(), recent("backups", 1.0));
    assert_eq!(missing.status, StepStatus::Failed, "no folder: {}", missing.summary);
    assert!(missing.summary.contains("no backups folder"), "says so: {}", missing.summary);

    let dest = repo.path().join("backups");
    fs::create_dir(&dest).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let empty = run_at(repo.path(), at(), recent("backups", 1.0));
    assert!(empty.summary.starts_with("No verified backup in"), "empty folder: {}", empty.summary);

    let db = repo.path().join("app.db");
    make_db(&db, "wal", 3);
    let record = backup_database(&db, &dest, "1.2.3", at(), None, &|_| {})
        .unwrap_or_else(|e| panic!("backup: {e}"));
    fs::remove_file(&record.path).unwrap_or_else(|e| panic!("remove: {e}"));
    fs::write(dest.join("garbage.sqlite3.json"), "{ not json")
        .unwrap_or_else(|e| panic!("write: {e}"));
    let out = run_at(repo.path(), at(), recent("backups", 1.0));
    assert_eq!(out.status, StepStatus::Failed, "no usable backup: {}", out.summary);
    assert!(out.summary.contains("2 manifests ignored"), "says some were ignored: {}", out.summary);
    let orphan = fact(&out, "ignored app-1.2.3-20260107T100000Z.sqlite3.json");
    assert!(orphan.is_some_and(|r| r.contains("missing")), "the orphan's reason: {orphan:?}");
    assert!(fact(&out, "ignored garbage.sqlite3.json").is_some(), "the corrupt one is named");
}

#[cfg(unix)]
#[test]
fn backup_command_runs_the_program_and_checks_its_output_file() {
    let repo = temp_dir();
    make_db(&repo.path().join("app.db"), "delete", 5);
    let action = |output: &str, min: Option<u64>| {
        StepAction::BackupCommand(BackupCommandParams {
            program: "cp".into(),
            args: vec!["app.db".into(), "copy.db".into()],
            output: output.into(),
            min_size_bytes: min,
            timeout_secs: Some(30),
        })
    };
    let out = run_at(repo.path(), at(), action("copy.db", Some(10_000)));
    assert_eq!(out.status, StepStatus::Passed, "cp wrote the file: {}", out.summary);
    let file = out.evidence.files.first().unwrap_or_else(|| panic!("the output file is evidence"));
    let copy = fs::read(repo.path().join("copy.db")).unwrap_or_default();
    let expected = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&copy));
    assert_eq!(file.sha256.as_deref(), Some(expected.as_str()), "the SHA-256 is the file's");
    assert!(out.evidence.command.is_some(), "the program run is evidence too");

    let missing = run_at(repo.path(), at(), action("elsewhere.db", None));
    assert_eq!(missing.status, StepStatus::Failed, "no output file: {}", missing.summary);
    assert!(missing.summary.contains("wrote no file elsewhere.db"), "says so: {}", missing.summary);

    let small = run_at(repo.path(), at(), action("copy.db", Some(1_000_000_000)));
    assert_eq!(small.status, StepStatus::Failed, "too small: {}", small.summary);
    assert!(small.summary.contains("need ≥ 1000000000"), "gives the minimum: {}", small.summary);

    let failing = StepAction::BackupCommand(BackupCommandParams {
        program: "cp".into(),
        args: vec!["no-such.db".into(), "x.db".into()],
        output: "x.db".into(),
        min_size_bytes: None,
        timeout_secs: Some(30),
    });
    let failed = run_at(repo.path(), at(), failing);
    assert_eq!(failed.status, StepStatus::Failed, "cp failed: {}", failed.summary);
    assert!(failed.summary.ends_with("No backup was taken."), "says so: {}", failed.summary);
}

#[cfg(unix)]
#[test]
fn backup_command_refuses_an_output_file_it_did_not_write() {
    let repo = temp_dir();
    let old = repo.path().join("old.db");
    fs::write(&old, "yesterday's backup").unwrap_or_else(|e| panic!("write: {e}"));
    let yesterday = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
    fs::File::options()
        .write(true)
        .open(&old)
        .and_then(|f| f.set_modified(yesterday))
        .unwrap_or_else(|e| panic!("age the file: {e}"));
    let out = run_at(
        repo.path(),
        at(),
        StepAction::BackupCommand(BackupCommandParams {
            program: "true".into(),
            args: vec![],
            output: "old.db".into(),
            min_size_bytes: None,
            timeout_secs: Some(30),
        }),
    );
    assert_eq!(out.status, StepStatus::Failed, "a stale file is no backup: {}", out.summary);
    assert!(out.summary.contains("not written by this run"), "says why: {}", out.summary);
}

/// A manifest exactly as backups were described before they named their database engine
/// (format 1, SQLite fields at the top level, no `"engine"`): such folders exist on every
/// machine that took a backup, and must keep counting.
const MANIFEST_WITHOUT_ENGINE: &str = r#"{
  "format": 1,
  "file": "app-1.4.0-20260107T100000Z.sqlite3",
  "source": "/srv/app/app.db",
  "version": "1.4.0",
  "created_at": "2026-01-07T10:00:00Z",
  "size_bytes": 8192,
  "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  "page_size": 4096,
  "pages": 2,
  "journal_mode": "wal",
  "tables": [{ "table": "messages", "rows": 3 }],
  "integrity": "ok",
  "engine_version": "0.1.0",
  "copy_ms": 3,
  "verify_ms": 2
}"#;

#[test]
fn a_manifest_written_before_backups_named_their_engine_still_counts() {
    let dir = temp_dir();
    let backups = dir.path().join("backups");
    fs::create_dir_all(&backups).expect("backups folder");
    let name = "app-1.4.0-20260107T100000Z.sqlite3";
    fs::write(backups.join(name), vec![0u8; 8192]).expect("the backup file");
    fs::write(backups.join(format!("{name}.json")), MANIFEST_WITHOUT_ENGINE).expect("manifest");

    let catalog = pilot_engine::backup::catalog::scan(&backups).expect("the folder is read");
    assert_eq!(catalog.rejected, Vec::new(), "nothing is rejected");
    let record = catalog.verified.first().expect("the old backup is a verified backup");
    let sqlite = record.sqlite().expect("read as the SQLite backup it is");
    assert_eq!((sqlite.page_size, sqlite.pages), (4096, 2), "its SQLite details are kept");
    assert_eq!(sqlite.journal_mode, "wal");
    assert_eq!(record.total_rows(), 3, "the common fields read the same way");

    let out = run_at(dir.path(), at() + Duration::hours(2), recent("backups", 24.0));
    assert_eq!(out.status, StepStatus::Passed, "backup.recent finds it: {}", out.summary);

    // Written again, the manifest names its engine; read back, it is the same record.
    let json = serde_json::to_value(record).expect("serializes");
    assert_eq!(json["engine"], "sqlite", "new manifests name the engine: {json}");
    let again: pilot_engine::backup::BackupRecord =
        serde_json::from_value(json).expect("a new manifest reads");
    assert_eq!(again.detail, record.detail);
    assert_eq!(again.sha256, record.sha256);
}
