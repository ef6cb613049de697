//! Runs and their steps: create, load, list, and record a step's result together with its
//! event in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::codec::{
    enum_from_text, enum_to_text, from_json, time_from_text, time_to_text, to_json,
};
use super::error::damaged_or;
use super::events::insert_event;
use super::lock::RunLock;
use super::sealed::{RunState, Sealed, derive, disagreements, header_digest};
use super::{RunStore, StoreError};
use crate::record::{Event, NewEvent, Outcome, Run, RunHeader, RunStatus, RunSummary, StepRecord};

impl RunStore {
    /// Record a new run with all its steps pending and its first event, in one transaction.
    pub fn create_run(
        &self,
        header: &RunHeader,
        steps: &[StepRecord],
        first_event: NewEvent,
    ) -> Result<Event, StoreError> {
        let header_json = to_json(header);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO runs (id, header_json, plan_title, plan_hash, repo_path, version,
                    environment, operator, dry_run, started_at, status, outcome, finished_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL)",
                params![
                    header.id,
                    header_json,
                    header.plan.plan.title,
                    header.plan_hash,
                    header.repo_path,
                    header.version,
                    header.environment,
                    header.operator,
                    header.dry_run,
                    time_to_text(header.started_at),
                    enum_to_text(&RunStatus::Running),
                    enum_to_text(&Outcome::Pending),
                ],
            )?;
            for (position, step) in steps.iter().enumerate() {
                tx.execute(
                    "INSERT INTO steps (run_id, position, phase_id, step_id, title, kind, blocking,
                        status, summary, evidence_json, started_at, finished_at, waiver_json,
                        note, answered_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                    params![
                        header.id,
                        position as i64,
                        step.phase_id,
                        step.step_id,
                        step.title,
                        step.kind,
                        step.blocking,
                        enum_to_text(&step.status),
                        step.summary,
                        to_json(&step.evidence),
                        step.started_at.map(time_to_text),
                        step.finished_at.map(time_to_text),
                        step.waiver.as_ref().map(to_json),
                        step.note,
                        step.answered_by,
                    ],
                )?;
            }
            let state = Sealed::Start {
                header_sha256: header_digest(&header_json),
                steps: step_rows(tx, &header.id)?,
                run: RunState {
                    status: RunStatus::Running,
                    outcome: Outcome::Pending,
                    finished_at: None,
                },
            };
            insert_event(tx, &header.id, &first_event, state.json())
        })
    }

    /// Write a step's new state and the event that says so, in one transaction. Nothing may
    /// report the result before this returns.
    pub fn update_step(
        &self,
        run_id: &str,
        step: &StepRecord,
        event: NewEvent,
    ) -> Result<Event, StoreError> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE steps SET status = ?3, summary = ?4, evidence_json = ?5, started_at = ?6,
                    finished_at = ?7, waiver_json = ?8, note = ?9, answered_by = ?10
                 WHERE run_id = ?1 AND step_id = ?2",
                params![
                    run_id,
                    step.step_id,
                    enum_to_text(&step.status),
                    step.summary,
                    to_json(&step.evidence),
                    step.started_at.map(time_to_text),
                    step.finished_at.map(time_to_text),
                    step.waiver.as_ref().map(to_json),
                    step.note,
                    step.answered_by,
                ],
            )?;
            if changed != 1 {
                return Err(rusqlite::Error::QueryReturnedNoRows);
            }
            let state = Sealed::Step { step: step_row(tx, run_id, &step.step_id)? };
            insert_event(tx, run_id, &event, state.json())
        })
        .map_err(|e| self.no_such_run(run_id, e))
    }

    /// Set where the run stands, with the event that says why, in one transaction.
    pub fn set_run_state(
        &self,
        run_id: &str,
        status: RunStatus,
        outcome: Outcome,
        finished_at: Option<DateTime<Utc>>,
        event: NewEvent,
    ) -> Result<Event, StoreError> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE runs SET status = ?2, outcome = ?3, finished_at = ?4 WHERE id = ?1",
                params![
                    run_id,
                    enum_to_text(&status),
                    enum_to_text(&outcome),
                    finished_at.map(time_to_text)
                ],
            )?;
            if changed != 1 {
                return Err(rusqlite::Error::QueryReturnedNoRows);
            }
            // Sealed as stored: the table keeps the time as text, at its precision.
            let finished_at = finished_at.map(|t| time_from_text(&time_to_text(t)).unwrap_or(t));
            let state = Sealed::Run { run: RunState { status, outcome, finished_at } };
            insert_event(tx, run_id, &event, state.json())
        })
        .map_err(|e| self.no_such_run(run_id, e))
    }

    /// Take the driver lock for a run (see [`RunLock`]). The run must exist.
    pub fn lock_run(&self, run_id: &str, now: DateTime<Utc>) -> Result<RunLock, StoreError> {
        self.run_exists(run_id)?;
        let locks = self.data_dir().join("locks");
        RunLock::acquire(&locks, run_id, now)
    }

    /// Whether the store has a row for the run.
    pub(super) fn has_run(&self, run_id: &str) -> Result<bool, StoreError> {
        match self.run_exists(run_id) {
            Ok(()) => Ok(true),
            Err(StoreError::NoSuchRun { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn run_exists(&self, run_id: &str) -> Result<(), StoreError> {
        let found: Option<i64> = self
            .conn()
            .query_row("SELECT 1 FROM runs WHERE id = ?1", [run_id], |r| r.get(0))
            .optional()
            .map_err(|e| damaged_or(self.path(), e))?;
        match found {
            Some(_) => Ok(()),
            None => Err(StoreError::NoSuchRun {
                id: run_id.to_string(),
                path: self.path().to_path_buf(),
            }),
        }
    }

    /// The whole run: header, state, steps in plan order, events in log order.
    pub fn load_run(&self, run_id: &str) -> Result<Run, StoreError> {
        let conn = self.conn();
        let sql_err = |e| damaged_or(self.path(), e);
        let corrupt = |detail: String| StoreError::Corrupt { id: run_id.to_string(), detail };
        let row: Option<(String, String, String, Option<String>)> = conn
            .query_row(
                "SELECT header_json, status, outcome, finished_at FROM runs WHERE id = ?1",
                [run_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(sql_err)?;
        let Some((header_json, status, outcome, finished_at)) = row else {
            return Err(StoreError::NoSuchRun {
                id: run_id.to_string(),
                path: self.path().to_path_buf(),
            });
        };
        let header: RunHeader = from_json(&header_json).map_err(corrupt)?;
        let steps = read_steps(&conn, run_id).map_err(sql_err)?.map_err(corrupt)?;
        drop(conn);
        let events = self.events(run_id)?;
        let rollback = self.rollback_request(run_id)?;
        let mut run = Run {
            header,
            status: enum_from_text(&status).map_err(corrupt)?,
            outcome: enum_from_text(&outcome).map_err(corrupt)?,
            finished_at: finished_at.as_deref().map(time_from_text).transpose().map_err(corrupt)?,
            steps,
            events,
            rollback,
        };
        // What the verdict depends on comes from the sealed log, not from the tables (which an
        // edit could change); `verify_chain` names any difference between the two.
        if let Some(derived) = derive(&run.events).map_err(corrupt)? {
            run.steps = derived.steps;
            run.status = derived.run.status;
            run.outcome = derived.run.outcome;
            run.finished_at = derived.run.finished_at;
            run.rollback = derived.rollback;
        }
        Ok(run)
    }

    /// The run as its sealed log says it stood just after event `seq`: what a report rendered
    /// then showed. `None` for a run recorded before states were sealed.
    pub fn run_as_of(&self, run_id: &str, seq: u64) -> Result<Option<Run>, StoreError> {
        let mut run = self.load_run(run_id)?;
        run.events.retain(|e| e.seq <= seq);
        let corrupt = |detail: String| StoreError::Corrupt { id: run_id.to_string(), detail };
        let Some(derived) = derive(&run.events).map_err(corrupt)? else { return Ok(None) };
        run.steps = derived.steps;
        run.status = derived.run.status;
        run.outcome = derived.run.outcome;
        run.finished_at = derived.run.finished_at;
        run.rollback = derived.rollback;
        Ok(Some(run))
    }

    /// How the run's tables differ from its sealed log (empty when they agree, or for a run
    /// recorded before states were sealed).
    pub(super) fn table_disagreements(&self, run_id: &str) -> Result<Vec<String>, StoreError> {
        let conn = self.conn();
        let sql_err = |e| damaged_or(self.path(), e);
        let corrupt = |detail: String| StoreError::Corrupt { id: run_id.to_string(), detail };
        let row: Option<(String, String, String, Option<String>)> = conn
            .query_row(
                "SELECT header_json, status, outcome, finished_at FROM runs WHERE id = ?1",
                [run_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(sql_err)?;
        let Some((header_json, status, outcome, finished_at)) = row else { return Ok(Vec::new()) };
        let steps = read_steps(&conn, run_id).map_err(sql_err)?;
        drop(conn);
        let events = self.events(run_id)?;
        let derived = match derive(&events) {
            Ok(Some(d)) => d,
            Ok(None) => return Ok(Vec::new()),
            Err(why) => return Ok(vec![why]),
        };
        let (Ok(steps), Ok(header)) = (steps, from_json::<RunHeader>(&header_json)) else {
            return Ok(vec!["the run's rows cannot be read as this version writes them".into()]);
        };
        let tables = Run {
            header,
            status: enum_from_text(&status).map_err(corrupt)?,
            outcome: enum_from_text(&outcome).map_err(corrupt)?,
            finished_at: finished_at.as_deref().map(time_from_text).transpose().map_err(corrupt)?,
            steps,
            events: Vec::new(),
            rollback: self.rollback_request(run_id)?,
        };
        let signoffs = self.signoffs(run_id)?;
        Ok(disagreements(&derived, &header_json, &tables, &signoffs))
    }

    /// Every run, newest first.
    pub fn list_runs(&self) -> Result<Vec<RunSummary>, StoreError> {
        let conn = self.conn();
        let sql_err = |e| damaged_or(self.path(), e);
        let mut stmt = conn
            .prepare(
                "SELECT id, plan_title, repo_path, version, environment, operator, status,
                    outcome, dry_run, started_at, finished_at
                 FROM runs ORDER BY started_at DESC, id DESC",
            )
            .map_err(sql_err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, bool>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, Option<String>>(10)?,
                ))
            })
            .map_err(sql_err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql_err)?;
        rows.into_iter()
            .map(
                |(
                    id,
                    plan_title,
                    repo_path,
                    version,
                    environment,
                    operator,
                    status,
                    outcome,
                    dry_run,
                    started,
                    finished,
                )| {
                    let corrupt = |detail: String| StoreError::Corrupt { id: id.clone(), detail };
                    let status: RunStatus = enum_from_text(&status).map_err(corrupt)?;
                    let interrupted = status == RunStatus::Running
                        && !RunLock::is_held(&self.data_dir().join("locks"), &id);
                    Ok(RunSummary {
                        status,
                        interrupted,
                        outcome: enum_from_text(&outcome).map_err(corrupt)?,
                        started_at: time_from_text(&started).map_err(corrupt)?,
                        finished_at: finished
                            .as_deref()
                            .map(time_from_text)
                            .transpose()
                            .map_err(corrupt)?,
                        id,
                        plan_title,
                        repo_path,
                        version,
                        environment,
                        operator,
                        dry_run,
                    })
                },
            )
            .collect()
    }

    /// Run `f` in an immediate (write-locked) transaction and commit it.
    pub(super) fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, rusqlite::Error>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn();
        let sql_err = |e| damaged_or(self.path(), e);
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql_err)?;
        let value = f(&tx).map_err(sql_err)?;
        tx.commit().map_err(sql_err)?;
        Ok(value)
    }

    pub(super) fn no_such_run(&self, run_id: &str, e: StoreError) -> StoreError {
        match e {
            StoreError::Sqlite { source: rusqlite::Error::QueryReturnedNoRows, .. } => {
                StoreError::NoSuchRun { id: run_id.to_string(), path: self.path().to_path_buf() }
            }
            other => other,
        }
    }
}

/// A run's step rows in plan order, decoded (`Err` with why when a row cannot be read).
fn read_steps(
    conn: &rusqlite::Connection,
    run_id: &str,
) -> Result<Result<Vec<StepRecord>, String>, rusqlite::Error> {
    let mut stmt = conn.prepare(
        "SELECT phase_id, step_id, title, kind, blocking, status, summary, evidence_json,
            started_at, finished_at, waiver_json, note, answered_by
         FROM steps WHERE run_id = ?1 ORDER BY position",
    )?;
    let raw = stmt.query_map([run_id], RawStep::from_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(raw.into_iter().map(RawStep::decode).collect())
}

/// The run's step rows as just written, inside the write's transaction: what the event seals.
pub(super) fn step_rows(
    tx: &Transaction<'_>,
    run_id: &str,
) -> Result<Vec<StepRecord>, rusqlite::Error> {
    read_steps(tx, run_id)?.map_err(|why| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, why.into())
    })
}

/// One step row as just written, inside the write's transaction.
pub(super) fn step_row(
    tx: &Transaction<'_>,
    run_id: &str,
    step_id: &str,
) -> Result<StepRecord, rusqlite::Error> {
    step_rows(tx, run_id)?
        .into_iter()
        .find(|s| s.step_id == step_id)
        .ok_or(rusqlite::Error::QueryReturnedNoRows)
}

/// A step row as read, before its text columns are decoded.
struct RawStep {
    phase_id: String,
    step_id: String,
    title: String,
    kind: String,
    blocking: bool,
    status: String,
    summary: String,
    evidence_json: String,
    started_at: Option<String>,
    finished_at: Option<String>,
    waiver_json: Option<String>,
    note: Option<String>,
    answered_by: Option<String>,
}

impl RawStep {
    fn from_row(r: &rusqlite::Row<'_>) -> Result<Self, rusqlite::Error> {
        Ok(RawStep {
            phase_id: r.get(0)?,
            step_id: r.get(1)?,
            title: r.get(2)?,
            kind: r.get(3)?,
            blocking: r.get(4)?,
            status: r.get(5)?,
            summary: r.get(6)?,
            evidence_json: r.get(7)?,
            started_at: r.get(8)?,
            finished_at: r.get(9)?,
            waiver_json: r.get(10)?,
            note: r.get(11)?,
            answered_by: r.get(12)?,
        })
    }

    fn decode(self) -> Result<StepRecord, String> {
        Ok(StepRecord {
            status: enum_from_text(&self.status)?,
            evidence: from_json(&self.evidence_json)?,
            started_at: self.started_at.as_deref().map(time_from_text).transpose()?,
            finished_at: self.finished_at.as_deref().map(time_from_text).transpose()?,
            waiver: self.waiver_json.as_deref().map(from_json).transpose()?,
            phase_id: self.phase_id,
            step_id: self.step_id,
            title: self.title,
            kind: self.kind,
            blocking: self.blocking,
            summary: self.summary,
            note: self.note,
            answered_by: self.answered_by,
        })
    }
}
