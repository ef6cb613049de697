//! Versioned schema migrations, tracked in SQLite's `user_version`. Each migration runs in its
//! own transaction; a store written by a newer version is refused, never downgraded.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;
use super::error::damaged_or;

/// Migrations in order; `MIGRATIONS[i]` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: runs, their steps and their event log.
    "CREATE TABLE runs (
        id           TEXT PRIMARY KEY,
        header_json  TEXT NOT NULL,
        plan_title   TEXT NOT NULL,
        plan_hash    TEXT NOT NULL,
        repo_path    TEXT NOT NULL,
        version      TEXT NOT NULL,
        environment  TEXT NOT NULL,
        operator     TEXT NOT NULL,
        dry_run      INTEGER NOT NULL,
        started_at   TEXT NOT NULL,
        status       TEXT NOT NULL,
        outcome      TEXT NOT NULL,
        finished_at  TEXT
    ) STRICT;
    CREATE TABLE steps (
        run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        phase_id      TEXT NOT NULL,
        step_id       TEXT NOT NULL,
        title         TEXT NOT NULL,
        kind          TEXT NOT NULL,
        blocking      INTEGER NOT NULL,
        status        TEXT NOT NULL,
        summary       TEXT NOT NULL DEFAULT '',
        evidence_json TEXT NOT NULL DEFAULT '{}',
        started_at    TEXT,
        finished_at   TEXT,
        waiver_json   TEXT,
        note          TEXT,
        answered_by   TEXT,
        PRIMARY KEY (run_id, step_id)
    ) STRICT;
    CREATE TABLE events (
        run_id   TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq      INTEGER NOT NULL,
        at       TEXT NOT NULL,
        kind     TEXT NOT NULL,
        step_id  TEXT,
        message  TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
    ) STRICT;
    -- The event log is append-only: the store refuses to change or remove a line.
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE INDEX runs_started ON runs(started_at);",
    // 2: the event log as a hash chain; sign-offs; signatures attached to a run's report.
    // Both new tables are append-only like the event log: a decision or a signature, once
    // recorded, is history.
    "ALTER TABLE events ADD COLUMN prev_hash TEXT;
    ALTER TABLE events ADD COLUMN hash TEXT;
    CREATE TABLE signoffs (
        run_id    TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq       INTEGER NOT NULL,
        role      TEXT NOT NULL,
        name      TEXT NOT NULL,
        decision  TEXT NOT NULL,
        comment   TEXT NOT NULL,
        at        TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
    ) STRICT;
    CREATE INDEX signoffs_name ON signoffs(name);
    CREATE TRIGGER signoffs_no_update BEFORE UPDATE ON signoffs
        BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END;
    CREATE TRIGGER signoffs_no_delete BEFORE DELETE ON signoffs
        BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END;
    CREATE TABLE signatures (
        run_id         TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,
        fingerprint    TEXT NOT NULL,
        algorithm      TEXT NOT NULL,
        role           TEXT,
        report_digest  TEXT NOT NULL,
        armored        TEXT NOT NULL,
        attached_at    TEXT NOT NULL,
        attached_by    TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
    ) STRICT;
    CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
        BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
    CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
        BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;",
    // 3: a rollback asked for after the deploy: who, when and why, one per run, append-only
    // like every other decision a person records.
    "CREATE TABLE rollbacks (
        run_id        TEXT PRIMARY KEY NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        requested_at  TEXT NOT NULL,
        requested_by  TEXT NOT NULL,
        reason        TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER rollbacks_no_update BEFORE UPDATE ON rollbacks
        BEGIN SELECT RAISE(ABORT, 'rollback requests are append-only'); END;
    CREATE TRIGGER rollbacks_no_delete BEFORE DELETE ON rollbacks
        BEGIN SELECT RAISE(ABORT, 'rollback requests are append-only'); END;",
    // 4: everything the verdict depends on is sealed in the chain: each event carries the
    // state it gave its step or run (`state`, covered by its hash), so the steps and runs
    // tables are derived from the log and an edit of them is found. The events written before
    // hashes were kept are listed once, here; any other event without a hash is tampering.
    "ALTER TABLE events ADD COLUMN state TEXT;
    CREATE TABLE legacy_unsealed (
        run_id  TEXT PRIMARY KEY NOT NULL,
        up_to   INTEGER NOT NULL
    ) STRICT;
    INSERT INTO legacy_unsealed (run_id, up_to)
        SELECT run_id, MAX(seq) FROM events WHERE hash IS NULL GROUP BY run_id;
    CREATE TRIGGER legacy_unsealed_no_insert BEFORE INSERT ON legacy_unsealed
        BEGIN SELECT RAISE(ABORT, 'the list of legacy events is fixed'); END;
    CREATE TRIGGER legacy_unsealed_no_update BEFORE UPDATE ON legacy_unsealed
        BEGIN SELECT RAISE(ABORT, 'the list of legacy events is fixed'); END;",
    // 5: a sign-off signed with the approver's key keeps the key, its principals and the
    // signed approval file as received (JSON); NULL for a name typed into the app.
    "ALTER TABLE signoffs ADD COLUMN signed_json TEXT;",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrate(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let found = user_version(conn, path)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found, known: SCHEMA_VERSION });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let to = index as i64 + 1;
        conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| damaged_or(path, e))?;
        // Another process may have migrated while this one waited for the write lock: look
        // again inside the transaction. `user_version` is set in the same transaction as the
        // change, so a crash mid-migration leaves the previous version and it simply re-runs.
        let result = match user_version(conn, path) {
            Ok(now) if now >= to => Ok(()),
            Ok(_) => conn
                .execute_batch(&format!("{sql}; PRAGMA user_version = {to};"))
                .map_err(|e| damaged_or(path, e)),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => conn.execute_batch("COMMIT").map_err(|e| damaged_or(path, e))?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
    Ok(())
}

fn user_version(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| damaged_or(path, e))
}
