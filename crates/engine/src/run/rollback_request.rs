//! Asking for the way back: a run whose deploy went ahead (or went wrong) runs its plan's
//! rollback phases in the same run. [`rollback_preview`] says, before anything is touched, which
//! steps will run and what each changes (the confirmation both front ends show);
//! [`request_rollback`] records who asked and why, and the next drive runs the rollback phases
//! to their end. The run's outcome then becomes "rolled back".

use super::{NewEvent, Run, RunError, RunStatus, StepStatus};
use crate::Clock;
use crate::plan::{Stage, StepClass};
use crate::record::{Outcome, RollbackRequest};
use crate::store::RunStore;

/// One step the rollback will run, as the confirmation names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackStepPreview {
    pub step_id: String,
    pub title: String,
    pub kind: String,
    /// What it will do, with its values.
    pub does: String,
    /// What it changes (containers, images, the database, files); `None` for checks and
    /// person steps, which change nothing.
    pub touches: Option<String>,
}

/// The rollback phases' steps in plan order, or why a rollback cannot be asked for now (in
/// words that say what to do instead).
pub fn rollback_preview(run: &Run) -> Result<Vec<RollbackStepPreview>, String> {
    if let Some(refusal) = refusal(run) {
        return Err(refusal);
    }
    Ok(run
        .header
        .plan
        .phases
        .iter()
        .filter(|p| p.stage == Stage::Rollback)
        .flat_map(|p| &p.steps)
        .map(|s| RollbackStepPreview {
            step_id: s.id.clone(),
            title: s.title.clone(),
            kind: s.kind().to_string(),
            does: s.describe(),
            touches: s.action.touches(),
        })
        .collect())
}

fn refusal(run: &Run) -> Option<String> {
    let id = &run.header.id;
    if run.header.dry_run {
        return Some(format!(
            "run {id} was a dry run: it changed nothing, so there is nothing to roll back"
        ));
    }
    if let Some(asked) = &run.rollback {
        return Some(if run.outcome == Outcome::RolledBack {
            format!(
                "run {id} was already rolled back (asked for by {} at {})",
                asked.by,
                asked.at.format("%Y-%m-%d %H:%M UTC")
            )
        } else {
            format!(
                "a rollback of run {id} was already asked for by {} at {}; it has not finished: resume the run to finish it",
                asked.by,
                asked.at.format("%Y-%m-%d %H:%M UTC")
            )
        });
    }
    let plan = &run.header.plan;
    if !plan.phases.iter().any(|p| p.stage == Stage::Rollback && !p.steps.is_empty()) {
        return Some(format!(
            "the plan of run {id} has no rollback phase: put the previous release back by hand, \
             and add a phase with stage = \"rollback\" to the plan so the next run can"
        ));
    }
    let changed = plan.steps().any(|(phase, step)| {
        phase.stage != Stage::Rollback
            && step.action.class() == StepClass::Action
            && run.step(&step.id).is_some_and(|r| {
                matches!(
                    r.status,
                    StepStatus::Running
                        | StepStatus::Passed
                        | StepStatus::Failed
                        | StepStatus::Warned
                        | StepStatus::Waived
                )
            })
    });
    if !changed {
        return Some(format!(
            "no action of run {id} has run yet, so nothing has changed and there is nothing to \
             roll back: to stop, just do not continue the run"
        ));
    }
    None
}

/// Record that `by` asked for the rollback, for `reason`. The run is open again until the next
/// drive has run its rollback phases; nothing is touched by this call.
pub fn request_rollback(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
    by: &str,
    reason: &str,
) -> Result<Run, RunError> {
    let _lock = store.lock_run(run_id, clock.now())?;
    let run = store.load_run(run_id)?;
    let steps = rollback_preview(&run).map_err(RunError::RollbackRefused)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RunError::RollbackRefused(
            "a rollback needs a written reason: say what went wrong (it goes in the report)".into(),
        ));
    }
    let by = match by.trim() {
        "" => run.header.operator.clone(),
        given => given.to_string(),
    };
    let at = clock.now();
    let request = RollbackRequest { at, by: by.clone(), reason: reason.to_string() };
    let was = match (run.status, run.outcome) {
        (RunStatus::Completed, Outcome::Go) => "after GO",
        (RunStatus::Completed, _) => "after NO-GO",
        (RunStatus::Failed, _) => "after a failed step",
        (RunStatus::Waiting, _) => "while it waited for a person",
        (RunStatus::Running, _) => "while it was interrupted",
    };
    let event = NewEvent {
        at,
        kind: "run.rollback_requested".into(),
        step_id: None,
        message: format!(
            "Rollback asked for by {by} {was}: {reason} — {} rollback step(s) will run",
            steps.len()
        ),
    };
    store.request_rollback(run_id, &request, event)?;
    Ok(store.load_run(run_id)?)
}
