//! Driving a run: phases in order; within a phase, consecutive read-only checks run
//! concurrently and everything else (actions, manual items, gates) one at a time, in plan
//! order. Each result is committed to the store before it is reported.
//!
//! Resuming is the same call: steps with a final status are never run again; a step found
//! "running" was interrupted (crash, kill -9) and runs again; answers given since (ticked
//! manual items, waivers) are applied first.

use std::collections::HashMap;

use super::answers::Answers;
use super::executors::{StepContext, execute};
use super::progress::{Meter, Progress, ProgressSink};
use super::redact::Redactor;
use super::{
    Evidence, NewEvent, Outcome, Run, RunError, RunStatus, StepOutcome, StepRecord, StepStatus,
    Waiver,
};
use crate::Clock;
use crate::plan::{Handling, PersonStep, Stage, Step, StepAction, StepClass};
use crate::signoff;
use crate::store::RunStore;

/// How far to drive, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DriveOptions {
    /// Stop before the first unfinished phase of a later wizard stage (the desktop app drives
    /// one screen at a time). `None` drives to the end.
    pub up_to: Option<Stage>,
    /// The front end is resuming a run that was interrupted, left waiting or stopped by a
    /// failure; the event log records it, and failed blocking steps without a waiver run again
    /// (the person fixed the cause).
    pub resuming: bool,
}

/// Drive the run until it completes, fails, waits for a person, or reaches the limit in
/// `options`. Returns the run as stored.
pub fn drive_run(
    store: &RunStore,
    clock: &dyn Clock,
    sink: &dyn ProgressSink,
    run_id: &str,
    answers: &Answers,
    options: DriveOptions,
) -> Result<Run, RunError> {
    let _lock = store.lock_run(run_id, clock.now())?;
    let run = store.load_run(run_id)?;
    answers.check_against(&run.header.plan)?;
    if run.status == RunStatus::Completed {
        return Ok(run);
    }
    let mut driver = Driver::new(store, clock, sink, &run, answers);
    driver.prepare(&run, options.resuming)?;
    driver.phases(options.up_to)?;
    Ok(store.load_run(run_id)?)
}

struct Driver<'a> {
    store: &'a RunStore,
    clock: &'a dyn Clock,
    sink: &'a dyn ProgressSink,
    run: &'a Run,
    answers: &'a Answers,
    /// Current records, in plan order.
    records: Vec<StepRecord>,
    /// Masks secret values before anything is stored or reported.
    redactor: Redactor,
    /// The data folder's `backups/` (beside the run store), the default backups folder.
    backups_dir: std::path::PathBuf,
    position: HashMap<&'a str, usize>,
}

/// How a phase ended.
enum PhaseEnd {
    Done,
    Failed,
    Waiting(Vec<String>),
}

impl<'a> Driver<'a> {
    fn new(
        store: &'a RunStore,
        clock: &'a dyn Clock,
        sink: &'a dyn ProgressSink,
        run: &'a Run,
        answers: &'a Answers,
    ) -> Self {
        let position = run.steps.iter().enumerate().map(|(i, s)| (s.step_id.as_str(), i)).collect();
        let redactor = Redactor::for_plan(&run.header.plan);
        let backups_dir = store.data_dir().join("backups");
        Self {
            store,
            clock,
            sink,
            run,
            answers,
            records: run.steps.clone(),
            position,
            redactor,
            backups_dir,
        }
    }

    fn run_id(&self) -> &str {
        &self.run.header.id
    }

    /// An event of this run. Its message is masked like evidence: "Started …" describes the
    /// step's command line, which may carry a secret variable.
    fn event(&self, kind: &str, step_id: Option<&str>, message: String) -> NewEvent {
        NewEvent {
            at: self.clock.now(),
            kind: kind.into(),
            step_id: step_id.map(Into::into),
            message: self.redactor.text(&message),
        }
    }

    /// Record the resume, re-open interrupted steps, apply waivers given since and, on an
    /// explicit resume, re-open the failed blocking steps nobody waived.
    fn prepare(&mut self, run: &Run, resuming: bool) -> Result<(), RunError> {
        if resuming || run.status != RunStatus::Running {
            let (kind, message) = if resuming {
                ("run.resumed", format!("Resumed (was {})", status_word(run.status)))
            } else {
                ("run.continued", format!("Continued (was {})", status_word(run.status)))
            };
            let event = self.event(kind, None, message);
            self.store.set_run_state(
                self.run_id(),
                RunStatus::Running,
                Outcome::Pending,
                None,
                event,
            )?;
        }
        for i in 0..self.records.len() {
            let rec = &self.records[i];
            // Looked up only for a failed step: `Plan::step` scans the plan.
            let retryable = || {
                let plan = &self.run.header.plan;
                plan.step(&rec.step_id).is_some_and(|s| s.action.retry_refusal().is_none())
            };
            if rec.status == StepStatus::Running {
                let mut rec = rec.clone();
                rec.status = StepStatus::Pending;
                rec.started_at = None;
                let event = self.event(
                    "step.interrupted",
                    Some(&rec.step_id),
                    format!("\"{}\" was running when the run stopped; it runs again", rec.title),
                );
                self.commit(i, rec, event)?;
            } else if let Some(rec) = self.waived(rec.clone()) {
                // A waiver given since the run stopped turns a failed step into a waived one.
                let event = self.waiver_event(&rec);
                self.commit(i, rec, event)?;
            } else if resuming && rec.blocking && rec.status == StepStatus::Failed && retryable() {
                // Asked to resume a run a failed step stopped, with no waiver for it: the
                // person fixed the cause, so the step runs again (its earlier failure stays in
                // the event log). Checks of the repository as it was at the start do not: they
                // would only say the same again.
                let mut rec = rec.clone();
                let event = self.event(
                    "step.retried",
                    Some(&rec.step_id),
                    format!("\"{}\" failed before the run was resumed; it runs again", rec.title),
                );
                rec.status = StepStatus::Pending;
                rec.started_at = None;
                rec.finished_at = None;
                // A new attempt, not the continuation of the failed one: a soak would otherwise
                // find its finished window in the old evidence and end with the same failure.
                rec.summary.clear();
                rec.evidence = Default::default();
                self.commit(i, rec, event)?;
            }
        }
        Ok(())
    }

    fn phases(&mut self, up_to: Option<Stage>) -> Result<(), RunError> {
        let plan = &self.run.header.plan;
        // Rollback phases are the way back, kept ready but not part of going forward: they run
        // only when someone asks for a rollback.
        for phase in plan.phases.iter().filter(|p| p.stage != Stage::Rollback) {
            let all_done = phase.steps.iter().all(|s| self.record(&s.id).status.is_done());
            if !all_done && up_to.is_some_and(|limit| phase.stage > limit) {
                // The screen the front end asked for is done; the run stays open.
                return Ok(());
            }
            let end = if all_done {
                if phase.steps.iter().any(|s| self.blocks(&s.id)) {
                    PhaseEnd::Failed
                } else {
                    PhaseEnd::Done
                }
            } else {
                self.sink.emit(Progress::PhaseStarted {
                    phase_id: phase.id.clone(),
                    title: phase.title.clone(),
                });
                self.phase(&phase.steps)?
            };
            match end {
                PhaseEnd::Done => {}
                PhaseEnd::Failed => return self.finish(RunStatus::Failed),
                PhaseEnd::Waiting(steps) => return self.wait(steps),
            }
        }
        self.finish(RunStatus::Completed)
    }

    /// One phase. A blocking failure or an unanswered item holds back everything that acts
    /// or decides after it (actions, gates), but the remaining checks still run and the
    /// remaining manual items are still asked, so one screen shows everything at once.
    fn phase(&mut self, steps: &'a [Step]) -> Result<PhaseEnd, RunError> {
        let mut waiting = Vec::new();
        let mut failed = false;
        let mut i = 0;
        while i < steps.len() {
            if self.record(&steps[i].id).status.is_done() {
                failed |= self.blocks(&steps[i].id);
                i += 1;
                continue;
            }
            if self.concurrent(&steps[i]) {
                let mut j = i;
                while j < steps.len() && self.concurrent(&steps[j]) {
                    j += 1;
                }
                let batch: Vec<&Step> =
                    steps[i..j].iter().filter(|s| !self.record(&s.id).status.is_done()).collect();
                self.batch(&batch)?;
                failed |= batch.iter().any(|s| self.blocks(&s.id));
                i = j;
                continue;
            }
            let step = &steps[i];
            i += 1;
            match step.action.handling() {
                // Manual items are asked even after a failure: the checklist is the record.
                Handling::Person(PersonStep::Confirm(_)) => {
                    if !self.manual(step)? {
                        waiting.push(step.id.clone());
                    }
                }
                _ if failed || !waiting.is_empty() => {}
                Handling::Person(PersonStep::Gate(gate)) => {
                    if !self.gate(step, &gate.requires)? {
                        waiting.push(step.id.clone());
                    }
                }
                Handling::Person(PersonStep::Signoff(_)) => {
                    if !self.signoff(step)? {
                        waiting.push(step.id.clone());
                    }
                }
                Handling::Check | Handling::Action => self.single(step)?,
            }
            failed |= self.blocks(&step.id);
        }
        if failed {
            Ok(PhaseEnd::Failed)
        } else if waiting.is_empty() {
            Ok(PhaseEnd::Done)
        } else {
            Ok(PhaseEnd::Waiting(waiting))
        }
    }

    /// Checks next to each other run side by side; actions and person steps one at a time.
    fn concurrent(&self, step: &Step) -> bool {
        step.action.class() == StepClass::Check
    }

    /// A blocking step that failed and was not waived stops the phase — except in a dry run,
    /// whose job is to look at the whole plan and say what every action would do.
    fn blocks(&self, step_id: &str) -> bool {
        self.record(step_id).stops_the_run(self.run.header.dry_run)
    }

    fn record(&self, step_id: &str) -> &StepRecord {
        // Every step of the plan got a record when the run was created.
        &self.records[self.position[step_id]]
    }

    fn index(&self, step_id: &str) -> usize {
        self.position[step_id]
    }

    fn batch(&mut self, steps: &[&'a Step]) -> Result<(), RunError> {
        if steps.len() == 1 {
            return self.single(steps[0]);
        }
        let this = &*self;
        let results: Vec<Result<(usize, StepRecord), RunError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = steps
                .iter()
                .map(|step| {
                    scope.spawn(move || this.execute(step).map(|r| (this.index(&step.id), r)))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(RunError::Panicked)))
                .collect()
        });
        for result in results {
            let (i, rec) = result?;
            self.records[i] = rec;
        }
        Ok(())
    }

    fn single(&mut self, step: &'a Step) -> Result<(), RunError> {
        let rec = self.execute(step)?;
        let i = self.index(&step.id);
        self.records[i] = rec;
        Ok(())
    }

    /// Mark the step running, execute it (or, in a dry run, say what it would do), and store
    /// its result. Safe to call from several threads: it only reads `self`.
    fn execute(&self, step: &Step) -> Result<StepRecord, RunError> {
        let mut rec = self.record(&step.id).clone();
        let started_at = self.clock.now();
        rec.status = StepStatus::Running;
        rec.started_at = Some(started_at);
        rec.finished_at = None;
        let event = self.event(
            "step.started",
            Some(&step.id),
            format!("Started \"{}\": {}", step.title, step.describe()),
        );
        self.store.update_step(self.run_id(), &rec, event)?;
        self.sink.emit(Progress::StepStarted {
            step_id: step.id.clone(),
            title: step.title.clone(),
            kind: step.kind().to_string(),
        });

        let outcome = if self.run.header.dry_run && step.action.class() != StepClass::Check {
            StepOutcome::skipped(format!("dry run: would {}", step.describe()))
        } else if self.run.header.dry_run && self.after_an_action(step) {
            // It would look at a world the skipped actions before it did not change, and
            // report failures (or successes) that mean nothing.
            StepOutcome::skipped(format!(
                "dry run: would {} (not checked now: it comes after actions that a dry run does not perform)",
                step.describe()
            ))
        } else {
            let output = |line: &str| {
                self.sink
                    .emit(Progress::StepOutput { step_id: step.id.clone(), line: line.to_string() })
            };
            let meter = |meter: Meter| {
                self.sink.emit(Progress::StepMeter { step_id: step.id.clone(), meter });
            };
            let checkpoint =
                |evidence: &Evidence, line: &str| self.checkpoint(&rec, evidence, line);
            let ctx = StepContext {
                repo_path: std::path::Path::new(&self.run.header.repo_path),
                facts: &self.run.header.facts,
                version: &self.run.header.version,
                clock: self.clock,
                output: &output,
                meter: &meter,
                backups_dir: &self.backups_dir,
                run_started_at: self.run.header.started_at,
                plan: Some(&self.run.header.plan),
                previous: &rec.evidence,
                checkpoint: &checkpoint,
            };
            execute(step, &ctx)
        };
        self.finished(rec, outcome)
    }

    /// Store a running step's evidence so far (masked like any evidence) with a `step.progress`
    /// event, then pass the line on as live output. A resumed step finds this evidence again.
    fn checkpoint(
        &self,
        running: &StepRecord,
        evidence: &Evidence,
        line: &str,
    ) -> Result<(), String> {
        let masked = self.redactor.outcome(StepOutcome {
            status: StepStatus::Running,
            summary: String::new(),
            evidence: evidence.clone(),
        });
        let mut rec = running.clone();
        rec.evidence = masked.evidence;
        // `event` masks the line; the live output shows the same masked text.
        let event = self.event("step.progress", Some(&rec.step_id), line.to_string());
        let shown = event.message.clone();
        self.store.update_step(self.run_id(), &rec, event).map_err(|e| e.to_string())?;
        self.sink.emit(Progress::StepOutput { step_id: rec.step_id.clone(), line: shown });
        Ok(())
    }

    /// True when an action comes before this step in the plan.
    fn after_an_action(&self, step: &Step) -> bool {
        let plan = &self.run.header.plan;
        plan.steps()
            .map(|(_, s)| s)
            .take_while(|s| s.id != step.id)
            .any(|s| s.action.class() == StepClass::Action)
    }

    /// Store a finished step (turning failures of non-blocking steps into warnings, and
    /// applying a waiver given ahead of time), then report it.
    fn finished(&self, mut rec: StepRecord, outcome: StepOutcome) -> Result<StepRecord, RunError> {
        let outcome = self.redactor.outcome(outcome);
        rec.status = match outcome.status {
            StepStatus::Failed if !rec.blocking => StepStatus::Warned,
            other => other,
        };
        rec.summary = outcome.summary;
        rec.evidence = outcome.evidence;
        rec.finished_at = Some(self.clock.now());
        let event = self.event(
            "step.finished",
            Some(&rec.step_id),
            format!("{}: {}", status_word_step(rec.status), rec.summary),
        );
        let mut rec = rec;
        self.store.update_step(self.run_id(), &rec, event)?;
        if let Some(waived) = self.waived(rec.clone()) {
            let event = self.waiver_event(&waived);
            self.store.update_step(self.run_id(), &waived, event)?;
            rec = waived;
        }
        self.sink.emit(Progress::StepFinished { record: Box::new(rec.clone()) });
        Ok(rec)
    }

    /// The record with its waiver applied, when it failed and the answers waive it.
    fn waived(&self, mut rec: StepRecord) -> Option<StepRecord> {
        if rec.status != StepStatus::Failed {
            return None;
        }
        let answer = self.answers.waive.get(&rec.step_id)?;
        rec.status = StepStatus::Waived;
        rec.waiver = Some(Waiver {
            reason: answer.reason.trim().to_string(),
            by: self.person(answer.by.as_deref()),
            at: self.clock.now(),
        });
        Some(rec)
    }

    fn waiver_event(&self, rec: &StepRecord) -> NewEvent {
        let (by, reason) =
            rec.waiver.as_ref().map(|w| (w.by.as_str(), w.reason.as_str())).unwrap_or_default();
        let message = super::answer::waiver_message(self.run, rec, by, reason);
        self.event("step.waived", Some(&rec.step_id), message)
    }

    fn person(&self, given: Option<&str>) -> String {
        given
            .or(self.answers.by.as_deref())
            .map(str::to_string)
            .unwrap_or_else(|| self.run.header.operator.clone())
    }

    fn commit(&mut self, i: usize, rec: StepRecord, event: NewEvent) -> Result<(), RunError> {
        self.store.update_step(self.run_id(), &rec, event)?;
        self.records[i] = rec;
        Ok(())
    }

    /// A manual item: answered (done or not), or waiting. Returns false while waiting.
    fn manual(&mut self, step: &Step) -> Result<bool, RunError> {
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
        rec.status = if answer.done {
            StepStatus::Passed
        } else if rec.blocking {
            StepStatus::Failed
        } else {
            StepStatus::Warned
        };
        rec.summary = if answer.done {
            format!("confirmed by {by}")
        } else {
            format!("marked not done by {by}: finish it, or waive it with a reason")
        };
        rec.note = answer.note.clone().filter(|n| !n.trim().is_empty());
        rec.answered_by = Some(by.clone());
        rec.evidence = Evidence::default();
        rec.started_at = Some(now);
        rec.finished_at = Some(now);
        let note = rec.note.as_deref().map(|n| format!(" (note: {n})")).unwrap_or_default();
        let verb = if answer.done { "ticked" } else { "marked not done" };
        let event = self.event(
            "manual.answered",
            Some(&step.id),
            format!("{by} {verb} \"{}\"{note}", step.title),
        );
        self.commit(i, rec.clone(), event)?;
        if let Some(waived) = self.waived(rec.clone()) {
            let event = self.waiver_event(&waived);
            self.commit(i, waived, event)?;
        }
        self.sink.emit(Progress::StepFinished { record: Box::new(self.records[i].clone()) });
        Ok(true)
    }

    /// A gate: open when every named step passed, warned or was waived. Returns false while a
    /// named step still waits.
    fn gate(&mut self, step: &Step, requires: &[String]) -> Result<bool, RunError> {
        let dry_run = self.run.header.dry_run;
        let mut failed = Vec::new();
        let mut pending = Vec::new();
        let mut not_performed = Vec::new();
        for id in requires {
            let Some(&i) = self.position.get(id.as_str()) else {
                failed.push(format!("{id} (no such step)"));
                continue;
            };
            let rec = &self.records[i];
            match rec.status {
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
        } else if !not_performed.is_empty() && !dry_run {
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
        } else {
            StepOutcome::passed(
                format!("open: all {} required step(s) passed or were waived", requires.len()),
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
    fn signoff(&mut self, step: &Step) -> Result<bool, RunError> {
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
        let asked: Vec<String> = match &step.action {
            StepAction::Signoff(p) => p.roles.clone(),
            _ => Vec::new(),
        };
        let h = &self.run.header;
        let rules: Vec<_> = signoff::role_rules(&h.plan, &h.plan_source, &h.environment)
            .into_iter()
            .filter(|r| asked.is_empty() || asked.contains(&r.id))
            .collect();
        let roles =
            signoff::matrix(&rules, &signoff::signoffs_in(&h.plan, &self.records), &h.operator);
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

    /// Record the answers file's sign-offs for the roles this step asks for, each once: an entry
    /// already recorded (same role, person, decision and comment) is not recorded again, and
    /// one that may not be recorded (the operator approving where the role forbids it) is
    /// logged as refused.
    fn answered_signoffs(&mut self, step: &Step) -> Result<(), RunError> {
        let i = self.index(&step.id);
        let asked: Vec<String> = match &step.action {
            StepAction::Signoff(p) => p.roles.clone(),
            _ => Vec::new(),
        };
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
                match super::signoff_answer::check(self.run, &rec, &given) {
                    Ok(()) => {
                        self.records[i] =
                            super::signoff_answer::commit(self.store, self.run, &rec, &given)?;
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

    fn wait(&mut self, steps: Vec<String>) -> Result<(), RunError> {
        let titles: Vec<String> =
            steps.iter().map(|id| format!("\"{}\"", self.record(id).title)).collect();
        let event = self.event(
            "run.waiting",
            None,
            format!("Waiting for a person to answer: {}", titles.join(", ")),
        );
        self.store.set_run_state(
            self.run_id(),
            RunStatus::Waiting,
            Outcome::Pending,
            None,
            event,
        )?;
        self.sink.emit(Progress::RunWaiting { steps });
        Ok(())
    }

    fn finish(&mut self, status: RunStatus) -> Result<(), RunError> {
        let (outcome, reasons) = verdict(self.run, &self.records, status);
        let message = match (outcome, reasons.is_empty()) {
            (Outcome::Go, _) => "Finished: GO".to_string(),
            (_, true) => "Finished: NO-GO".to_string(),
            (_, false) => format!("Finished: NO-GO — {}", reasons.join("; ")),
        };
        let kind = if status == RunStatus::Failed { "run.failed" } else { "run.finished" };
        let event = self.event(kind, None, message);
        self.store.set_run_state(self.run_id(), status, outcome, Some(self.clock.now()), event)?;
        self.sink.emit(Progress::RunFinished { status, outcome });
        Ok(())
    }
}

/// Go or no-go, and why not (see [`signoff::go_no_go`]): every blocking step passed, warned
/// or was waived, every role the plan's sign-off steps ask for approved, and no reject or hold
/// standing. In a dry run, actions that were only described do not count against it and no
/// sign-off is asked for; rollback phases, which run only when asked for, never count.
pub fn verdict(run: &Run, records: &[StepRecord], status: RunStatus) -> (Outcome, Vec<String>) {
    let v = signoff::run_verdict(run, records, status);
    (v.outcome, v.reasons)
}

fn status_word(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Running => "interrupted",
        RunStatus::Waiting => "waiting for a person",
        RunStatus::Completed => "completed",
        RunStatus::Failed => "stopped by a failed step",
    }
}

fn status_word_step(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Pending => "Pending",
        StepStatus::Running => "Running",
        StepStatus::Passed => "Passed",
        StepStatus::Failed => "Failed",
        StepStatus::Warned => "Warned",
        StepStatus::Skipped => "Skipped",
        StepStatus::Waived => "Waived",
    }
}
