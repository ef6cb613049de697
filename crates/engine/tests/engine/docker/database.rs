//! A database inside a container or volume: copied out while the service writes (pause, copy
//! with WAL, unpause), backed up and verified on this machine, and read from a volume that no
//! running container uses.

use std::time::Duration;

use pilot_engine::docker::{self, CopyMethod, DatabaseLocation, container};

use super::support::{Cleanup, build_sample, engine, free_port, start_service, unique};

#[test]
fn backup_while_the_service_writes_is_consistent_and_restorable() {
    let Some(conn) = engine() else { return };
    let name = unique("backup");
    let mut cleanup = Cleanup::new(&name);
    let image = build_sample(&conn, &format!("1.0.0-backup{}", std::process::id()), false);
    cleanup.images.push(image.clone());
    let volume = format!("{name}-data");
    cleanup.volumes.push(volume.clone());
    start_service(&conn, &name, &image, &volume, free_port());
    // Let the background writer (every 20 ms) get going.
    std::thread::sleep(Duration::from_millis(500));

    let dest = tempfile::tempdir().expect("a backups folder");
    let work = tempfile::tempdir().expect("a work folder");
    let (copied, backup) =
        super::backup_of(&conn, &name, dest.path(), work.path(), "1.0.0", Some(100_000));
    assert_eq!(
        copied.method,
        CopyMethod::PausedArchive,
        "a scratch image has no sqlite3: pause and copy"
    );
    let paused = copied.paused_for.expect("the pause is measured");
    assert!(paused < Duration::from_secs(5), "the service is paused only for the copy: {paused:?}");
    let state = container::state(&conn, &name).expect("inspect").expect("the service exists");
    assert!(state.running && !state.paused, "the service runs again after the copy: {state:?}");
    let students = backup.tables.iter().find(|t| t.table == "students").map(|t| t.rows);
    assert_eq!(students, Some(3000), "every seeded student is in the backup: {:?}", backup.tables);
    assert_eq!(backup.sha256.len(), 64, "the backup is hashed");
    assert!(
        std::fs::read_dir(work.path()).expect("read work dir").next().is_none(),
        "the copies in the work folder are removed after the backup"
    );

    // Restorable: the backup opens, passes its integrity check, and has its rows.
    let restored = work.path().join("restored.db");
    pilot_engine::backup::sqlite::restore_database(&backup.path, &restored)
        .expect("the backup restores");
    let db = rusqlite::Connection::open(&restored).expect("open the restored file");
    let orphans: i64 = db
        .query_row(
            "SELECT count(*) FROM enrollments WHERE student_id NOT IN (SELECT id FROM students)",
            [],
            |r| r.get(0),
        )
        .expect("query the restored database");
    assert_eq!(orphans, 0, "rows are consistent across tables in the restored copy");
}

#[test]
fn a_database_in_a_volume_without_a_container_is_read_through_a_helper() {
    let Some(conn) = engine() else { return };
    let name = unique("volume");
    let mut cleanup = Cleanup::new(&name);
    let image = build_sample(&conn, &format!("1.0.0-volume{}", std::process::id()), false);
    cleanup.images.push(image.clone());
    let volume = format!("{name}-data");
    cleanup.volumes.push(volume.clone());
    start_service(&conn, &name, &image, &volume, free_port());
    container::remove(&conn, &name).expect("remove the service, keeping its volume");

    let work = tempfile::tempdir().expect("a work folder");
    let location = DatabaseLocation { container: None, volume: Some(&volume), db_path: "app.db" };
    let copied = docker::copy_database_out(&conn, &location, work.path(), &|_| {})
        .expect("the database is read from the volume");
    assert_eq!(copied.method, CopyMethod::StoppedArchive, "no running container: no pause needed");
    let db = rusqlite::Connection::open(&copied.path).expect("open the copy");
    let n: i64 = db.query_row("SELECT count(*) FROM students", [], |r| r.get(0)).expect("count");
    assert_eq!(n, 3000, "the volume's data came out whole");
    let helpers =
        container::names_with_prefix(&conn, "release-pilot-helper-").expect("list helpers");
    assert!(
        !helpers.iter().any(|h| h.contains(&copied.container)),
        "the helper container is removed afterwards: {helpers:?}"
    );
}
