//! The steps people decide, as the driver meets them: a manual item (answered now, or the run
//! waits), a gate over the steps it names, and the sign-off (the roles' decisions given in an
//! answers file recorded first, then the matrix decides whether it passed, failed or waits).

use super::super::progress::Progress;
use super::super::{Evidence, RunError, StepOutcome, StepRecord, StepStatus};
use crate::plan::Step;
use crate::signoff;

use super::Driver;

impl<'a> Driver<'a> {
    /// A manual item: answered (done or not), or waiting. Returns false while waiting.
    pub(super) fn manual(&mut self, step: &Step) -> Result<bool, RunError> {
        let i = self.index(&step.id);
        let mut rec = self.records[i].clone();
        let now = self.clock.now();
        if self.run.header.dry_run {
            let outcome = StepOutcome::skipped(format!("dry run: would {}", step.describe()));
            rec.started_at = Some(now);
            self.records[i] = self.finished(rec, outcome)?;
            return Ok(true);
        }
        let Some(answer) = self.answers.manual.get(&step.id) else { return Ok(false) };
        let by = self.person(answer.by.as_deref());
        let ask = match &step.action {
            crate::plan::StepAction::Manual(m) => m.number.as_ref(),
            _ => None,
        };
        let (status, summary, evidence) = match (ask, answer.value) {
            (Some(ask), Some(value)) => {
                super::super::number_answer::judged(ask, &step.title, value, &by, rec.blocking)
            }
            // A number item without a number: the answers were checked before the run, so
            // this only happens with a file edited since; it waits for a proper answer.
            (Some(_), None) => return Ok(false),
            (None, _) if answer.done => {
                (StepStatus::Passed, format!("confirmed by {by}"), Evidence::default())
            }
            (None, _) => (
                if rec.blocking { StepStatus::Failed } else { StepStatus::Warned },
                format!("marked not done by {by}: finish it, or waive it with a reason"),
                Evidence::default(),
            ),
        };
        rec.status = status;
        rec.summary = summary;
        rec.note = answer.note.clone().filter(|n| !n.trim().is_empty());
        rec.answered_by = Some(by.clone());
        rec.evidence = evidence;
        rec.started_at = Some(now);
        rec.finished_at = Some(now);
        let note = rec.note.as_deref().map(|n| format!(" (note: {n})")).unwrap_or_default();
        let verb = match answer.value.filter(|_| ask.is_some()) {
            Some(_) => {
                format!("answered {} for", rec.summary.split(", ").next().unwrap_or_default())
            }
            None if answer.done => "ticked".into(),
            None => "marked not done".into(),
        };
        let event = self.event(
            "manual.answered",
            Some(&step.id),
            format!("{by} {verb} \"{}\"{note}", step.title),
        );
        self.commit(i, rec.clone(), event)?;
        if let Some((waived, event)) = self.waived(rec.clone()) {
            self.commit(i, waived, event)?;
        }
        self.emit(Progress::StepFinished { record: Box::new(self.records[i].clone()) });
        Ok(true)
    }

    /// A gate: open when every named step passed, warned or was waived. Returns false while a
    /// named step still waits.
    pub(super) fn gate(&mut self, step: &Step, requires: &[String]) -> Result<bool, RunError> {
        let dry_run = self.run.header.dry_run;
        let mut failed = Vec::new();
        let mut pending = Vec::new();
        let mut not_performed = Vec::new();
        let mut waived = Vec::new();
        for id in requires {
            let Some(&i) = self.position.get(id.as_str()) else {
                failed.push(format!("{id} (no such step)"));
                continue;
            };
            let rec = &self.records[i];
            match rec.status {
                StepStatus::Waived => {
                    let by = rec.waiver.as_ref().map_or("nobody recorded", |w| w.by.as_str());
                    waived.push(format!("{} (waived by {by})", rec.title));
                }
                StepStatus::Warned => waived.push(format!("{} (warned)", rec.title)),
                s if s.is_ok() => {}
                StepStatus::Skipped => not_performed.push(rec.title.clone()),
                StepStatus::Pending | StepStatus::Running => pending.push(rec.title.clone()),
                _ => failed.push(rec.title.clone()),
            }
        }
        if !pending.is_empty() && failed.is_empty() {
            return Ok(false);
        }
        let outcome = if !failed.is_empty() {
            StepOutcome::failed(
                format!(
                    "closed: {} did not pass — fix them or waive them with a reason",
                    failed.join(", ")
                ),
                Evidence::default(),
            )
        } else if dry_run {
            // A dry run decides nothing: it says what the gate would do, never that it passed.
            let summary = if not_performed.is_empty() {
                format!(
                    "dry run: would open, since all {} required step(s) passed or were waived",
                    requires.len()
                )
            } else {
                format!(
                    "dry run: would wait for {} required step(s) a dry run does not perform: {}",
                    not_performed.len(),
                    not_performed.join(", ")
                )
            };
            StepOutcome::skipped(summary)
        } else if !not_performed.is_empty() {
            // Steps the engine cannot perform yet do not stop the run, but the gate says so
            // and the verdict counts them.
            StepOutcome {
                status: StepStatus::Warned,
                summary: format!(
                    "open, but {} required step(s) were not performed: {}",
                    not_performed.len(),
                    not_performed.join(", ")
                ),
                evidence: Evidence::default(),
            }
        } else if !waived.is_empty() {
            // Open, since a waiver or a warning lets the run go on, but not passed: what it
            // waits for was not proved. Drawn as a warning, naming who waived what.
            StepOutcome {
                status: StepStatus::Warned,
                summary: format!(
                    "open, but {} of {} required step(s) did not pass (waived or warned): {}",
                    waived.len(),
                    requires.len(),
                    waived.join(", ")
                ),
                evidence: Evidence::default(),
            }
        } else {
            StepOutcome::passed(
                format!("open: all {} required step(s) passed", requires.len()),
                Evidence::default(),
            )
        };
        let i = self.index(&step.id);
        let mut rec = self.records[i].clone();
        rec.started_at = Some(self.clock.now());
        self.records[i] = self.finished(rec, outcome)?;
        Ok(true)
    }

    /// A sign-off step: decided like a gate, from the decisions recorded for its roles (the
    /// desktop records them as people decide; an answers file's `[signoff.ROLE]` entries are
    /// recorded here). Approved by every role: passed. A reject: failed. Otherwise it waits,
    /// its summary saying who is missing and which holds stand. Returns false while waiting.
    pub(super) fn signoff(&mut self, step: &Step) -> Result<bool, RunError> {
        let i = self.index(&step.id);
        let mut rec = self.records[i].clone();
        if self.run.header.dry_run {
            let outcome = StepOutcome::skipped(format!("dry run: would {}", step.describe()));
            rec.started_at = Some(self.clock.now());
            self.records[i] = self.finished(rec, outcome)?;
            return Ok(true);
        }
        self.answered_signoffs(step)?;
        let rec = self.records[i].clone();
        let asked: Vec<String> =
            step.action.signoff_roles().map(<[String]>::to_vec).unwrap_or_default();
        let h = &self.run.header;
        let rules: Vec<_> = signoff::role_rules(&h.plan, &h.plan_source, &h.environment)
            .into_iter()
            .filter(|r| asked.is_empty() || asked.contains(&r.id))
            .collect();
        let roles = signoff::matrix(&rules, &self.decisions_for(step), &h.operator);
        let lines = |pick: &dyn Fn(&signoff::RoleStatus) -> bool| -> String {
            roles.iter().filter(|r| pick(r)).map(|r| r.describe()).collect::<Vec<_>>().join("; ")
        };
        let status = if roles.iter().any(|r| r.state == signoff::RoleState::Rejected) {
            StepStatus::Failed
        } else if roles.iter().all(|r| r.state == signoff::RoleState::Approved) {
            StepStatus::Passed
        } else {
            let summary =
                format!("waiting: {}", lines(&|r| r.state != signoff::RoleState::Approved));
            if rec.summary != summary {
                let mut waiting = rec.clone();
                waiting.summary = summary.clone();
                let event = self.event("signoff.waiting", Some(&step.id), summary);
                self.commit(i, waiting, event)?;
            }
            return Ok(false);
        };
        let summary = if status == StepStatus::Passed {
            format!("approved — {}", lines(&|_| true))
        } else {
            format!("rejected — {}", lines(&|r| r.state == signoff::RoleState::Rejected))
        };
        let outcome = StepOutcome { status, summary, evidence: rec.evidence.clone() };
        let mut rec = rec;
        rec.started_at = Some(self.clock.now());
        self.records[i] = self.finished(rec, outcome)?;
        Ok(true)
    }

    /// The decisions that count for this sign-off step: those recorded at it, and — only when
    /// the plan says they carry over — those of the sign-off steps before it.
    fn decisions_for(&self, step: &Step) -> Vec<signoff::Signoff> {
        let plan = &self.run.header.plan;
        let carry_over =
            matches!(&step.action, crate::plan::StepAction::Signoff(p) if p.carry_over);
        let here = self.index(&step.id);
        let counted: Vec<StepRecord> = if carry_over {
            self.records[..=here].to_vec()
        } else {
            vec![self.records[here].clone()]
        };
        signoff::signoffs_in(plan, &counted)
    }

    /// Record the answers file's sign-offs for the roles this step asks for, each once: an entry
    /// already recorded (same role, person, decision and comment) is not recorded again, and
    /// one that may not be recorded (the operator approving where the role forbids it) is
    /// logged as refused.
    pub(super) fn answered_signoffs(&mut self, step: &Step) -> Result<(), RunError> {
        let i = self.index(&step.id);
        let asked: Vec<String> =
            step.action.signoff_roles().map(<[String]>::to_vec).unwrap_or_default();
        for (role, entries) in &self.answers.signoff {
            if !asked.is_empty() && !asked.contains(role) {
                continue;
            }
            for entry in entries.entries() {
                let name = entry.name.as_deref().or(self.answers.by.as_deref()).unwrap_or("");
                let given = signoff::Signoff {
                    role: role.clone(),
                    name: name.trim().to_string(),
                    decision: entry.decision,
                    comment: entry.comment.as_deref().unwrap_or("").trim().to_string(),
                    at: self.clock.now(),
                    signed: None,
                };
                let recorded = signoff::signoffs_in(
                    &self.run.header.plan,
                    std::slice::from_ref(&self.records[i]),
                )
                .iter()
                .any(|s| {
                    s.role == given.role
                        && s.name == given.name
                        && s.decision == given.decision
                        && s.comment == given.comment
                });
                if recorded {
                    continue;
                }
                let rec = self.records[i].clone();
                match super::super::signoff_answer::check(self.run, &rec, &given) {
                    Ok(()) => {
                        self.records[i] = super::super::signoff_answer::commit(
                            self.store, self.run, &rec, &given,
                        )?;
                    }
                    Err(RunError::Refused { message, .. }) => {
                        let message = format!("Sign-off from the answers file refused: {message}");
                        let logged = self.run.events.iter().any(|e| e.message == message);
                        if !logged {
                            let event = self.event("signoff.refused", Some(&step.id), message);
                            self.store.append_event(self.run_id(), event)?;
                        }
                    }
                    Err(other) => return Err(other),
                }
            }
        }
        Ok(())
    }
}
