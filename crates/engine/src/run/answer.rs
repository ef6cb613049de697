//! Answers recorded the moment a person gives them (the desktop app): a manual item ticked, a
//! failed step waived. Each is committed with its event before the call returns; the next
//! drive picks it up. The CLI gives the same answers ahead of time in a file ([`Answers`]).
//!
//! [`Answers`]: super::Answers

use super::four_eyes::{refusal, second_person};
use super::{NewEvent, Run, RunError, StepRecord, StepStatus, Waiver};
use crate::Clock;
use crate::record::Agreement;
use crate::store::RunStore;

/// Tick a manual item (or mark it not done), with an optional note, on behalf of `by`.
pub fn answer_manual(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
    step_id: &str,
    done: bool,
    note: Option<&str>,
    by: &str,
) -> Result<Run, RunError> {
    let _lock = store.lock_run(run_id, clock.now())?;
    let run = store.load_run(run_id)?;
    let (mut rec, ask) = unanswered(&run, step_id)?;
    if ask.is_some() && done {
        return Err(refused(
            step_id,
            format!("\"{}\" asks for a number: answer it with the number, not a tick", rec.title),
        ));
    }
    let by = person(by, &run)?;
    rec.status = match (done, rec.blocking) {
        (true, _) => StepStatus::Passed,
        (false, true) => StepStatus::Failed,
        (false, false) => StepStatus::Warned,
    };
    rec.summary = if done {
        format!("confirmed by {by}")
    } else {
        format!("marked not done by {by}: finish it, or waive it with a reason")
    };
    let verb = if done { "ticked" } else { "marked not done" };
    let message = format!("{by} {verb} \"{}\"", rec.title);
    commit_answer(store, clock, run_id, rec, note, by, message)
}

/// Answer a manual item that asks for a number: recorded as a measurement against the plan's
/// threshold and judged like one (passed, or failed / warned when short of it).
pub fn answer_number(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
    step_id: &str,
    value: f64,
    note: Option<&str>,
    by: &str,
) -> Result<Run, RunError> {
    let _lock = store.lock_run(run_id, clock.now())?;
    let run = store.load_run(run_id)?;
    let (mut rec, ask) = unanswered(&run, step_id)?;
    let Some(ask) = ask else {
        return Err(refused(
            step_id,
            format!("\"{}\" does not ask for a number: tick it instead", rec.title),
        ));
    };
    if !value.is_finite() {
        return Err(refused(step_id, format!("{value} is not a number")));
    }
    let by = person(by, &run)?;
    let (status, summary, evidence) =
        super::number_answer::judged(&ask, &rec.title, value, &by, rec.blocking);
    rec.status = status;
    rec.summary = summary;
    rec.evidence = evidence;
    let shown = rec.summary.split(", ").next().unwrap_or_default().to_string();
    let message = format!("{by} answered {shown} for \"{}\"", rec.title);
    commit_answer(store, clock, run_id, rec, note, by, message)
}

/// The manual item `step_id` of `run`, refused unless it is a manual item still waiting for its
/// answer; with the number it asks for, if any.
fn unanswered(
    run: &Run,
    step_id: &str,
) -> Result<(StepRecord, Option<crate::plan::kinds::NumberAsk>), RunError> {
    let rec = record(run, step_id)?.clone();
    if rec.kind != "manual" {
        return Err(refused(
            step_id,
            format!(
                "\"{}\" is a {} step, not a manual item: it is checked automatically",
                rec.title, rec.kind
            ),
        ));
    }
    if rec.status.is_done() {
        return Err(refused(
            step_id,
            format!(
                "\"{}\" was already answered ({}); answers are final and kept in the log",
                rec.title,
                word(rec.status)
            ),
        ));
    }
    let ask = run.header.plan.step(step_id).and_then(|s| match &s.action {
        crate::plan::StepAction::Manual(m) => m.number.clone(),
        _ => None,
    });
    Ok((rec, ask))
}

/// Store a manual item's answer (already judged into `rec`) with its note, who gave it and
/// when, and the `manual.answered` event `message` (the note appended).
fn commit_answer(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
    mut rec: StepRecord,
    note: Option<&str>,
    by: String,
    message: String,
) -> Result<Run, RunError> {
    let now = clock.now();
    rec.note = note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    rec.answered_by = Some(by);
    rec.started_at = Some(now);
    rec.finished_at = Some(now);
    let noted = rec.note.as_deref().map(|n| format!(" (note: {n})")).unwrap_or_default();
    let event = NewEvent {
        at: now,
        kind: "manual.answered".into(),
        step_id: Some(rec.step_id.clone()),
        message: format!("{message}{noted}"),
    };
    store.update_step(run_id, &rec, event)?;
    Ok(store.load_run(run_id)?)
}

/// Accept a failed step with a written reason, on behalf of `by`.
pub fn waive_step(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
    step_id: &str,
    reason: &str,
    by: &str,
) -> Result<Run, RunError> {
    let _lock = store.lock_run(run_id, clock.now())?;
    let run = store.load_run(run_id)?;
    let mut rec = record(&run, step_id)?.clone();
    if rec.status != StepStatus::Failed {
        return Err(refused(
            step_id,
            format!(
                "\"{}\" has not failed ({}); only a failed step can be waived",
                rec.title,
                word(rec.status)
            ),
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(refused(
            step_id,
            "a waiver needs a written reason: say why it is safe to go on".into(),
        ));
    }
    let by = person(by, &run)?;
    let now = clock.now();
    rec.waiver = Some(Waiver { reason: reason.to_string(), by, at: now, agreed: None });
    let event = match second_person(&run, step_id) {
        // Four eyes: proposed; the step stays failed until a second person agrees.
        Some(needed) => NewEvent {
            at: now,
            kind: "step.waiver_proposed".into(),
            step_id: Some(step_id.into()),
            message: proposal_message(&rec, &needed.words),
        },
        None => {
            rec.status = StepStatus::Waived;
            NewEvent {
                at: now,
                kind: "step.waived".into(),
                step_id: Some(step_id.into()),
                message: waiver_message(&run, &rec),
            }
        }
    };
    store.update_step(run_id, &rec, event)?;
    Ok(store.load_run(run_id)?)
}

/// A second person agrees to the waiver proposed for a failed step: it takes effect.
pub fn agree_waiver(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
    step_id: &str,
    by: &str,
) -> Result<Run, RunError> {
    let _lock = store.lock_run(run_id, clock.now())?;
    let run = store.load_run(run_id)?;
    let mut rec = record(&run, step_id)?.clone();
    let needed = second_person(&run, step_id);
    let proposal = match (&rec.waiver, rec.status, &needed) {
        (Some(w), StepStatus::Failed, Some(_)) if w.agreed.is_none() => w.clone(),
        _ => {
            return Err(refused(
                step_id,
                format!("\"{}\" has no waiver waiting for a second person", rec.title),
            ));
        }
    };
    if let Some(why) = refusal(&run, &proposal, by) {
        return Err(refused(step_id, why));
    }
    let now = clock.now();
    let role = needed.and_then(|n| n.role);
    rec.status = StepStatus::Waived;
    rec.waiver = Some(Waiver {
        agreed: Some(Agreement { by: by.trim().to_string(), role, at: now }),
        ..proposal
    });
    let event = NewEvent {
        at: now,
        kind: "step.waived".into(),
        step_id: Some(step_id.into()),
        message: waiver_message(&run, &rec),
    };
    store.update_step(run_id, &rec, event)?;
    Ok(store.load_run(run_id)?)
}

/// The event's words for a waiver that waits for its second person.
pub(super) fn proposal_message(rec: &StepRecord, needed: &str) -> String {
    let (by, reason) =
        rec.waiver.as_ref().map(|w| (w.by.as_str(), w.reason.as_str())).unwrap_or_default();
    format!(
        "{by} proposes to waive \"{}\": {reason} — it takes effect once {needed} agrees (four eyes)",
        rec.title
    )
}

/// The event's words for a waiver; for a kind with a caution (a deploy, a rollback), that it
/// was given over it.
pub(super) fn waiver_message(run: &Run, rec: &StepRecord) -> String {
    let (by, reason) = rec.waiver.as_ref().map(|w| (w.who(), w.reason.clone())).unwrap_or_default();
    let caution = run.header.plan.step(&rec.step_id).and_then(|s| s.action.waiver_caution());
    match caution {
        Some(caution) => {
            format!(
                "\"{}\" waived by {by}: {reason} (given over the caution: {caution})",
                rec.title
            )
        }
        None => format!("\"{}\" waived by {by}: {reason}", rec.title),
    }
}

fn record<'r>(run: &'r Run, step_id: &str) -> Result<&'r StepRecord, RunError> {
    run.step(step_id)
        .ok_or_else(|| refused(step_id, format!("run {} has no step `{step_id}`", run.header.id)))
}

fn person(by: &str, run: &Run) -> Result<String, RunError> {
    let by = by.trim();
    Ok(if by.is_empty() { run.header.operator.clone() } else { by.to_string() })
}

fn refused(step_id: &str, message: String) -> RunError {
    RunError::Refused { step_id: step_id.to_string(), message }
}

fn word(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Pending => "pending",
        StepStatus::Running => "running",
        StepStatus::Passed => "passed",
        StepStatus::Failed => "failed",
        StepStatus::Warned => "warned",
        StepStatus::Skipped => "skipped",
        StepStatus::Waived => "waived",
    }
}
