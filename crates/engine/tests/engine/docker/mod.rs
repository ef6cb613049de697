//! Tests of `pilot_engine::docker` and the Docker step kinds against a real Docker engine and
//! the real sample service (`tests/sample-service`, built static into a `FROM scratch` image
//! through the API).
//!
//! Every test skips with a loud message when no engine answers and
//! `RELEASE_PILOT_REQUIRE_DOCKER` is unset; `scripts/test.sh` sets it, so there they must run.
//! Every container, volume and image a test makes carries the label `dev.release-pilot.test=1`
//! and a name unique to the test, and is removed by a guard when the test ends, pass or fail.
//! Containers use host networking on 127.0.0.1 and a free port.

mod checks;
mod container_steps;
mod database;
mod deploy;
mod interrupted;
/// The shared Docker test support (tests/docker-support), under its old name here.
use pilot_test_docker as support;
mod templates;

use std::path::Path;

use pilot_engine::backup::BackupRecord;
use pilot_engine::backup::sqlite::backup_database;
use pilot_engine::docker::{Connection, CopiedDatabase, DatabaseLocation, copy_database_out};

/// A verified backup of `container`'s `/data/app.db` into `dest`, composed the way the
/// `backup.sqlite` executor does it: copied out into `work`, backed up and verified on this
/// machine, and the copies removed.
fn backup_of(
    conn: &Connection,
    container: &str,
    dest: &Path,
    work: &Path,
    version: &str,
    min_size: Option<u64>,
) -> (CopiedDatabase, BackupRecord) {
    let location =
        DatabaseLocation { container: Some(container), volume: None, db_path: "/data/app.db" };
    let copied =
        copy_database_out(conn, &location, work, &|_| {}).expect("the database is copied out");
    let backup =
        backup_database(&copied.path, dest, version, chrono::Utc::now(), min_size, &|_| {})
            .expect("the copy is backed up and verified");
    for (file, _) in &copied.files {
        std::fs::remove_file(file).expect("the copy is removed");
    }
    (copied, backup)
}
