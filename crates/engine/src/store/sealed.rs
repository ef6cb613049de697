//! The state each event seals, and the run derived from those states.
//!
//! Every write that changes what the verdict depends on — a step's record, the run's status and
//! outcome, a sign-off, a rollback request — appends an event whose `state` column holds the new
//! state as JSON, and the event's hash covers it (`chain.rs`). The `runs`, `steps`, `signoffs`
//! and `rollbacks` tables are then only a fast index: [`derive`] rebuilds the run from the
//! sealed states alone, `load_run` uses what it derives, and [`disagreements`] names every row of
//! those tables that no longer says what the sealed log says (an edit with the `sqlite3` CLI).
//! A changed state breaks the chain; a recomputed chain no longer leads to the head a report or
//! a signature recorded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::record::{Event, Outcome, RollbackRequest, Run, RunStatus, StepRecord};
use crate::signoff::Signoff;

/// Where the run stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct RunState {
    pub status: RunStatus,
    pub outcome: Outcome,
    pub finished_at: Option<DateTime<Utc>>,
}

/// What one event sealed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Sealed {
    /// The run was created: the digest of its stored header, every step pending, running.
    Start { header_sha256: String, steps: Vec<StepRecord>, run: RunState },
    /// A step's whole record after the change.
    Step { step: StepRecord },
    /// The run's new state.
    Run { run: RunState },
    /// A sign-off, and the sign-off step's record it changed.
    Signoff { signoff: Signoff, step: StepRecord },
    /// A rollback request; the run is open again.
    Rollback { request: RollbackRequest, run: RunState },
}

impl Sealed {
    pub(super) fn json(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}

/// The SHA-256 of the header as stored (hex).
pub(super) fn header_digest(header_json: &str) -> String {
    hex::encode(Sha256::digest(header_json.as_bytes()))
}

/// The run as its sealed log says it is.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Derived {
    pub header_sha256: String,
    pub steps: Vec<StepRecord>,
    pub run: RunState,
    pub signoffs: Vec<Signoff>,
    pub rollback: Option<RollbackRequest>,
}

/// Rebuild the run from the states its events sealed. `None` for a run recorded before states
/// were sealed (its first event has none); `Err` when a sealed state cannot be read or names a
/// step the run does not have.
pub(super) fn derive(events: &[Event]) -> Result<Option<Derived>, String> {
    let Some(first) = events.first() else { return Ok(None) };
    let Some(state) = &first.state else { return Ok(None) };
    let read = |e: &Event, text: &str| -> Result<Sealed, String> {
        serde_json::from_str(text)
            .map_err(|err| format!("event #{} holds a state that cannot be read ({err})", e.seq))
    };
    let Sealed::Start { header_sha256, steps, run } = read(first, state)? else {
        return Err("the run's first event does not seal its start".into());
    };
    let mut derived = Derived { header_sha256, steps, run, signoffs: Vec::new(), rollback: None };
    for event in &events[1..] {
        let Some(state) = &event.state else { continue };
        match read(event, state)? {
            Sealed::Start { .. } => {
                return Err(format!("event #{} seals a second start of the run", event.seq));
            }
            Sealed::Step { step } => put(&mut derived.steps, step, event.seq)?,
            Sealed::Run { run } => derived.run = run,
            Sealed::Signoff { signoff, step } => {
                derived.signoffs.push(signoff);
                put(&mut derived.steps, step, event.seq)?;
            }
            Sealed::Rollback { request, run } => {
                derived.rollback = Some(request);
                derived.run = run;
            }
        }
    }
    Ok(Some(derived))
}

fn put(steps: &mut [StepRecord], step: StepRecord, seq: u64) -> Result<(), String> {
    match steps.iter_mut().find(|s| s.step_id == step.step_id) {
        Some(slot) => {
            *slot = step;
            Ok(())
        }
        None => Err(format!("event #{seq} seals a step the run does not have ({})", step.step_id)),
    }
}

/// Every way the tables (as loaded into `tables`, with the stored header text) differ from what
/// the sealed log says, in words.
pub(super) fn disagreements(
    derived: &Derived,
    header_json: &str,
    tables: &Run,
    signoffs: &[Signoff],
) -> Vec<String> {
    let mut found = Vec::new();
    if header_digest(header_json) != derived.header_sha256 {
        found.push(
            "the run's header (plan, version, environment, repository facts) was changed after \
             the run started"
                .to_string(),
        );
    }
    let run = RunState {
        status: tables.status,
        outcome: tables.outcome,
        finished_at: tables.finished_at,
    };
    if run != derived.run {
        found.push(format!(
            "the runs table says {:?}/{:?}, but the sealed log says {:?}/{:?}: the table was \
             edited",
            run.status, run.outcome, derived.run.status, derived.run.outcome
        ));
    }
    if tables.steps.len() != derived.steps.len() {
        found.push(format!(
            "the steps table has {} steps, but the sealed log has {}: rows were added or removed",
            tables.steps.len(),
            derived.steps.len()
        ));
    }
    for (row, sealed) in tables.steps.iter().zip(&derived.steps) {
        if row != sealed {
            found.push(format!(
                "step {}: the steps table says {:?}, but the sealed log says {:?}: the table was \
                 edited",
                sealed.step_id, row.status, sealed.status
            ));
        }
    }
    if signoffs != derived.signoffs.as_slice() {
        found.push("the sign-offs table does not match the sealed sign-offs".into());
    }
    if tables.rollback != derived.rollback {
        found.push("the rollback request does not match the sealed one".into());
    }
    found
}
