//! Numbered migrations recorded in `schema_migrations`. The service applies the base schema
//! (1–3) itself on start so it can seed; `sample-service migrate` applies the rest, as the
//! runbooks' post-deploy migration step does.
//!
//! `SAMPLE_BAD_MIGRATION=1` makes migration 5 fail half-way: it deletes half the enrollments in
//! its own committed transaction and then fails — the kind of damage a restore must undo.

use rusqlite::{Connection, params};

use crate::settings::Settings;
use crate::{db, log};

/// The migrations the service needs to start.
pub const BASE: u32 = 3;

const MIGRATIONS: &[(u32, &str, &str)] = &[
    (
        1,
        "create students",
        "CREATE TABLE students (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT NOT NULL UNIQUE,
            enrolled_on TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active',
            updated_at TEXT NOT NULL
        );",
    ),
    (
        2,
        "create courses",
        "CREATE TABLE courses (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            credits INTEGER NOT NULL
        );",
    ),
    (
        3,
        "create enrollments",
        "CREATE TABLE enrollments (
            id INTEGER PRIMARY KEY,
            student_id INTEGER NOT NULL REFERENCES students(id),
            course_id INTEGER NOT NULL REFERENCES courses(id),
            grade TEXT,
            updated_at TEXT NOT NULL
        );",
    ),
    (
        4,
        "students: phone, enrollments by student",
        "ALTER TABLE students ADD COLUMN phone TEXT;
         CREATE INDEX enrollments_by_student ON enrollments(student_id);",
    ),
    (
        5,
        "create audit_log",
        "CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL
        );",
    ),
];

/// Apply every pending migration up to `upto`, each in its own transaction.
pub fn apply(conn: &mut Connection, upto: u32, bad: bool) -> Result<Vec<u32>, String> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
    )
    .map_err(|e| e.to_string())?;
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v <= upto) {
        let done: bool = conn
            .query_row(
                "SELECT count(*) > 0 FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .map_err(|e| e.to_string())?;
        if done {
            continue;
        }
        if bad && *version == 5 {
            return Err(bad_migration(conn));
        }
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        tx.execute_batch(sql).map_err(|e| format!("migration {version} ({name}): {e}"))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![version, name, chrono::Utc::now().to_rfc3339()],
        )
        .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        log::info(&format!("applied migration {version}: {name}"));
        applied.push(*version);
    }
    Ok(applied)
}

/// Half of a migration committed, then a failure: the damage stays.
fn bad_migration(conn: &Connection) -> String {
    let deleted = conn.execute("DELETE FROM enrollments WHERE id % 2 = 0", []).unwrap_or(0);
    log::error(&format!("migration 5: deleted {deleted} enrollments before failing"));
    format!(
        "migration 5 (create audit_log) failed half-way: {deleted} enrollments were deleted and \
         the table was not created"
    )
}

/// `sample-service migrate`.
pub fn migrate_command(settings: &Settings) -> Result<(), String> {
    let mut conn = db::open(&settings.db).map_err(|e| format!("{}: {e}", settings.db.display()))?;
    let latest = MIGRATIONS.last().map_or(0, |m| m.0);
    let applied = apply(&mut conn, latest, settings.bad_migration)?;
    if applied.is_empty() {
        log::info(&format!("migrations: nothing to apply (schema at version {latest})"));
    } else {
        log::info(&format!("migrations: applied {applied:?}; schema at version {latest}"));
    }
    Ok(())
}
