//! Recording a sign-off: checked (the role exists and is asked for, a reject or hold says why,
//! the operator approves only where the role allows it), then committed with its event and the
//! sign-off step's evidence in one transaction. The desktop calls [`record_signoff`] the moment a
//! person decides; the runner records the `[signoff.ROLE]` entries of an answers file the same
//! way when it reaches the sign-off step.

use super::RunError;
use crate::Clock;
use crate::record::{NewEvent, Run, StepRecord};
use crate::signoff::{Decision, Signoff, role_rules, signoffs_in, with_signoff};
use crate::store::RunStore;

/// Record `name`'s decision for `role` in the run, and return the run as stored.
pub fn record_signoff(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
    role: &str,
    name: &str,
    decision: Decision,
    comment: &str,
) -> Result<Run, RunError> {
    let _lock = store.lock_run(run_id, clock.now())?;
    let run = store.load_run(run_id)?;
    let signoff = Signoff {
        role: role.trim().to_string(),
        name: name.trim().to_string(),
        decision,
        comment: comment.trim().to_string(),
        at: clock.now(),
        signed: None,
    };
    let rec = step_for(&run, &run.steps, &signoff.role)?;
    check(&run, rec, &signoff)?;
    commit(store, &run, rec, &signoff)?;
    Ok(store.load_run(run_id)?)
}

/// The pending sign-off step that asks for `role`.
pub(crate) fn step_for<'r>(
    run: &Run,
    records: &'r [StepRecord],
    role: &str,
) -> Result<&'r StepRecord, RunError> {
    let plan = &run.header.plan;
    if !plan.plan.roles.iter().any(|r| r.id == role) {
        let ids: Vec<&str> = plan.plan.roles.iter().map(|r| r.id.as_str()).collect();
        return Err(refused(
            "",
            format!(
                "the plan has no sign-off role `{role}`; its roles are: {}",
                if ids.is_empty() { "(none)".to_string() } else { ids.join(", ") }
            ),
        ));
    }
    let asking: Vec<&StepRecord> = plan
        .steps()
        .filter(|(_, s)| {
            s.action
                .signoff_roles()
                .is_some_and(|roles| roles.is_empty() || roles.iter().any(|r| r == role))
        })
        .filter_map(|(_, s)| records.iter().find(|r| r.step_id == s.id))
        .collect();
    let Some(first) = asking.first() else {
        return Err(refused(
            "",
            format!("no sign-off step of the plan asks for the role `{role}`"),
        ));
    };
    asking.iter().find(|r| !r.status.is_done()).copied().ok_or_else(|| {
        refused(
            &first.step_id,
            format!(
                "the sign-off \"{}\" is already decided ({:?}); a new decision needs a new run",
                first.title, first.status
            ),
        )
    })
}

/// Refuse what may not be recorded.
pub(crate) fn check(run: &Run, rec: &StepRecord, s: &Signoff) -> Result<(), RunError> {
    let step = &rec.step_id;
    if run.header.dry_run {
        return Err(refused(step, "no one signs off a dry run: it performs nothing".into()));
    }
    if s.name.is_empty() {
        return Err(refused(step, "a sign-off needs the name of the person deciding".into()));
    }
    if s.decision != Decision::Approve && s.comment.is_empty() {
        return Err(refused(
            step,
            format!("a {} needs a comment saying why, so others know what to fix", s.decision),
        ));
    }
    let rules = role_rules(&run.header.plan, &run.header.plan_source, &run.header.environment);
    let Some(rule) = rules.iter().find(|r| r.id == s.role) else { return Ok(()) };
    if s.decision == Decision::Approve
        && !rule.operator_may_approve
        && s.by_operator(&run.header.operator)
    {
        return Err(refused(
            step,
            format!(
                "{} ran this release and may not approve for {} (separation of duties): \
                 someone else must approve",
                s.who(),
                rule.title
            ),
        ));
    }
    if let Some(why) = rule.refusal(s, &run.header.operator) {
        return Err(refused(step, format!("not counted, so not recorded: {why}")));
    }
    if let Some(by) = s.signed.as_ref().filter(|_| s.decision == Decision::Approve) {
        let earlier = signoffs_in(&run.header.plan, &run.steps);
        let same_key = earlier.iter().find(|o| {
            o.role != s.role
                && o.decision == Decision::Approve
                && o.signed.as_ref().is_some_and(|b| b.fingerprint == by.fingerprint)
        });
        if let Some(other) = same_key {
            let title = rules.iter().find(|r| r.id == other.role).map_or(&other.role, |r| &r.title);
            return Err(refused(
                step,
                format!(
                    "the key {} already approved for {title}: one key approves for one role \
                     (separation of duties); {} must approve with a key of their own",
                    by.fingerprint, rule.title
                ),
            ));
        }
    }
    Ok(())
}

/// Write the sign-off, its event and the step's new evidence; returns the step as stored.
pub(crate) fn commit(
    store: &RunStore,
    run: &Run,
    rec: &StepRecord,
    s: &Signoff,
) -> Result<StepRecord, RunError> {
    let mut rec = rec.clone();
    rec.evidence = with_signoff(std::mem::take(&mut rec.evidence), s);
    let title = run
        .header
        .plan
        .plan
        .roles
        .iter()
        .find(|r| r.id == s.role)
        .map_or(s.role.as_str(), |r| r.title.as_str());
    let comment = if s.comment.is_empty() { String::new() } else { format!(": {}", s.comment) };
    let event = NewEvent {
        at: s.at,
        kind: "signoff.recorded".into(),
        step_id: Some(rec.step_id.clone()),
        message: match &s.signed {
            Some(by) => format!(
                "{} {} for {title}{comment} (signed with {})",
                s.who(),
                s.decision.past(),
                by.fingerprint
            ),
            None => format!("{} {} for {title}{comment}", s.name, s.decision.past()),
        },
    };
    store.record_signoff(&run.header.id, &rec, s, event)?;
    Ok(rec)
}

fn refused(step_id: &str, message: String) -> RunError {
    RunError::Refused { step_id: step_id.to_string(), message }
}
