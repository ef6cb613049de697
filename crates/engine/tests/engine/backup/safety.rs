//! Failures leave nothing that could be mistaken for a good backup: a missing source, a backup
//! under the minimum size, a folder that cannot be written, a full disk, and a name already
//! taken — never overwritten.

use std::fs;

use pilot_engine::backup::BackupError;
use pilot_engine::backup::sqlite::backup_database;

use super::{Mounted, at, make_db, names_in, temp_dir};

#[test]
fn a_missing_source_is_named_and_nothing_is_written() {
    let dir = temp_dir();
    let dest = dir.path().join("backups");
    let err = backup_database(&dir.path().join("nope.db"), &dest, "1.0.0", at(), None, &|_| {})
        .err()
        .unwrap_or_else(|| panic!("a missing database cannot be backed up"));
    assert!(matches!(err, BackupError::SourceMissing { .. }), "missing source: {err}");
    assert!(err.to_string().contains("nope.db"), "the message names the file: {err}");
    assert!(names_in(&dest).is_empty(), "nothing is left in the backups folder");
}

#[test]
fn a_backup_under_the_minimum_size_fails_and_leaves_no_file() {
    let dir = temp_dir();
    let db = dir.path().join("app.db");
    make_db(&db, "wal", 2);
    let dest = dir.path().join("backups");
    let err = backup_database(&db, &dest, "1.0.0", at(), Some(50_000_000), &|_| {})
        .err()
        .unwrap_or_else(|| panic!("a backup smaller than the minimum must fail"));
    assert!(matches!(err, BackupError::TooSmall { min_bytes: 50_000_000, .. }), "too small: {err}");
    assert!(err.to_string().contains("50000000"), "the message gives the minimum: {err}");
    assert!(
        names_in(&dest).is_empty(),
        "no backup, manifest or temporary is left: {:?}",
        names_in(&dest)
    );
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = temp_dir();
    let db = dir.path().join("app.db");
    make_db(&db, "wal", 5);
    let dest = dir.path().join("backups");
    let first = backup_database(&db, &dest, "1.0.0", at(), None, &|_| {})
        .unwrap_or_else(|e| panic!("the first backup must succeed: {e}"));
    let before = fs::read(&first.path).unwrap_or_default();
    super::add_batch(&rusqlite::Connection::open(&db).unwrap_or_else(|e| panic!("open: {e}")))
        .unwrap_or_else(|e| panic!("write: {e}"));

    let err = backup_database(&db, &dest, "1.0.0", at(), None, &|_| {})
        .err()
        .unwrap_or_else(|| panic!("a second backup with the same name must fail"));
    assert!(matches!(err, BackupError::AlreadyExists { .. }), "already exists: {err}");
    assert!(err.to_string().contains("never overwrites"), "the message says why: {err}");
    assert_eq!(fs::read(&first.path).unwrap_or_default(), before, "the first backup is untouched");
    assert_eq!(
        names_in(&dest).len(),
        2,
        "only the first backup and its manifest: {:?}",
        names_in(&dest)
    );

    // A stray file where the manifest would go blocks the backup as well.
    let later = at() + chrono::Duration::seconds(1);
    let stray = dest.join("app-1.0.0-20260107T100001Z.sqlite3.json");
    fs::write(&stray, "someone else's file").unwrap_or_else(|e| panic!("write: {e}"));
    let err = backup_database(&db, &dest, "1.0.0", later, None, &|_| {})
        .err()
        .unwrap_or_else(|| panic!("a taken manifest name must fail the backup"));
    assert!(matches!(err, BackupError::AlreadyExists { .. }), "already exists: {err}");
    assert_eq!(fs::read_to_string(&stray).unwrap_or_default(), "someone else's file", "kept");
    assert_eq!(names_in(&dest).len(), 3, "no backup file appeared beside the stray manifest");
}

#[test]
fn an_unwritable_folder_fails_clearly_and_leaves_no_file() {
    let dir = temp_dir();
    let db = dir.path().join("app.db");
    make_db(&db, "wal", 5);
    // Root ignores permission bits, so as root the folder is a read-only file system.
    let mounted = Mounted::tmpfs("ro,size=1m");
    let dest = match &mounted {
        Some(m) => m.dir.clone(),
        None => {
            let d = dir.path().join("locked");
            fs::create_dir(&d).unwrap_or_else(|e| panic!("mkdir: {e}"));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = fs::set_permissions(&d, fs::Permissions::from_mode(0o555));
            }
            if fs::write(d.join("probe"), "x").is_ok() {
                eprintln!(
                    "skipped: this user can write anywhere and cannot mount a read-only folder"
                );
                return;
            }
            d
        }
    };
    let err = backup_database(&db, &dest, "1.0.0", at(), None, &|_| {})
        .err()
        .unwrap_or_else(|| panic!("a backup into a read-only folder must fail"));
    assert!(matches!(err, BackupError::FolderNotWritable { .. }), "not writable: {err}");
    let text = err.to_string();
    assert!(text.contains(&dest.display().to_string()), "the message names the folder: {text}");
    assert!(text.contains("write access"), "the message says what to do: {text}");
    assert!(names_in(&dest).is_empty(), "nothing was left: {:?}", names_in(&dest));
}

#[test]
fn a_full_disk_fails_clearly_and_leaves_no_partial_file() {
    let Some(mounted) = Mounted::tmpfs("size=2m") else {
        eprintln!("skipped: mounting a 2 MB file system needs root on Linux");
        return;
    };
    let dir = temp_dir();
    let db = dir.path().join("app.db");
    make_db(&db, "wal", 80); // about 5 MB: it cannot fit in 2 MB
    let err = backup_database(&db, &mounted.dir, "1.0.0", at(), None, &|_| {})
        .err()
        .unwrap_or_else(|| panic!("a backup larger than the disk must fail"));
    assert!(matches!(err, BackupError::DiskFull { .. }), "disk full: {err}");
    let text = err.to_string();
    assert!(text.contains(&mounted.dir.display().to_string()), "names the folder: {text}");
    assert!(text.contains("ran out of space"), "says what happened: {text}");
    assert!(names_in(&mounted.dir).is_empty(), "no partial file: {:?}", names_in(&mounted.dir));
}
