//! Driving a run: phases in order; within a phase, consecutive checks run concurrently and
//! everything else (actions, manual items, gates, sign-offs) one at a time, in plan order. Each
//! result is committed to the store before it is reported.
//!
//! Layout: this file schedules (phases, batches of checks, where the run stops and how it
//! ends); `lifecycle.rs` is one step's life (run or described, checkpointed, stored, reported);
//! `person.rs` the steps people decide (manual items, gates, sign-offs).
//!
//! Resuming is the same call: steps with a final status are never run again; a step found
//! "running" was interrupted (crash, kill -9) and runs again; answers given since (ticked
//! manual items, waivers) are applied first.

use std::collections::HashMap;

mod lifecycle;
mod person;

use super::answers::Answers;
use super::executors::running_process::{PROCESS_FACT, still_alive};
use super::progress::{Progress, ProgressSink};
use super::redact::Redactor;
use super::secrets::plan_to_drive;
use super::{NewEvent, Outcome, Run, RunError, RunStatus, StepRecord, StepStatus};
use crate::Clock;
use crate::plan::{Handling, PersonStep, Phase, Stage, Step, StepClass};
use crate::record::{TAGGED, TAGGED_WORDS, tagged_name};
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
    let mut run = store.load_run(run_id)?;
    answers.check_against(&run.header.plan)?;
    if run.status == RunStatus::Completed {
        return Ok(run);
    }
    // The store keeps the plan with its secrets masked; the steps run with the real values,
    // and everything they produce is masked again on its way out (`save`, `emit`, `event`).
    run.header.plan = plan_to_drive(store, &run.header)?;
    let redactor = Redactor::for_run(&run.header.plan, std::path::Path::new(&run.header.repo_path));
    let mut driver = Driver::new(store, clock, sink, &run, answers, redactor.clone());
    let driven = driver.prepare(&run, options.resuming).and_then(|()| driver.phases(options.up_to));
    driven.map_err(|e| redactor.error(e))?;
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
        redactor: Redactor,
    ) -> Self {
        let position = run.steps.iter().enumerate().map(|(i, s)| (s.step_id.as_str(), i)).collect();
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

    /// Store a step's record (masked) with its event (masked by [`Driver::event`]).
    fn save(
        &self,
        rec: &StepRecord,
        event: NewEvent,
    ) -> Result<crate::record::Event, crate::store::StoreError> {
        let rec = self.redactor.record(rec.clone());
        self.store.update_step(self.run_id(), &rec, event)
    }

    /// Pass progress on to the front end, masked.
    fn emit(&self, progress: Progress) {
        self.sink.emit(self.redactor.progress(progress));
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
                // Its program may have outlived the drive that started it: never a second copy.
                let recorded = rec.evidence.facts.iter().find(|f| f.label == PROCESS_FACT);
                if let Some(detail) = recorded.and_then(|f| still_alive(&f.value)) {
                    return Err(RunError::StillRunning {
                        run_id: self.run_id().to_string(),
                        step: rec.title.clone(),
                        detail,
                    });
                }
                let mut rec = rec.clone();
                rec.status = StepStatus::Pending;
                rec.started_at = None;
                let event = self.event(
                    "step.interrupted",
                    Some(&rec.step_id),
                    format!("\"{}\" was running when the run stopped; it runs again", rec.title),
                );
                self.commit(i, rec, event)?;
            } else if let Some((rec, event)) = self.waived(rec.clone()) {
                // A waiver given since the run stopped turns a failed step into a waived one
                // (or, where four eyes are asked for, into a proposal waiting for agreement).
                self.commit(i, rec, event)?;
            } else if resuming
                && self.run.rollback.is_none()
                && rec.waiver.is_none()
                && rec.blocking
                && rec.status == StepStatus::Failed
                && retryable()
            {
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
        self.record_answers_file()?;
        self.skip_forward_steps()
    }

    /// The answers file this drive was given, by path and SHA-256, once per distinct file: the
    /// record says which answers the run acted on (a changed file is logged again).
    fn record_answers_file(&mut self) -> Result<(), RunError> {
        let Some(source) = &self.answers.source else { return Ok(()) };
        let message = format!("Answers read from {} (SHA-256 {})", source.path, source.sha256);
        let said =
            self.run.events.iter().any(|e| e.kind == "answers.loaded" && e.message == message);
        if !said {
            let event = self.event("answers.loaded", None, message);
            self.store.append_event(self.run_id(), event)?;
        }
        Ok(())
    }

    /// Once a rollback is asked for, the steps of going forward that never ran will not run:
    /// each is recorded as skipped, saying why, so the record does not leave them "pending".
    fn skip_forward_steps(&mut self) -> Result<(), RunError> {
        let Some(asked) = &self.run.rollback else { return Ok(()) };
        let plan = &self.run.header.plan;
        let forward: Vec<&str> = plan
            .steps()
            .filter(|(phase, _)| phase.stage != Stage::Rollback)
            .map(|(_, s)| s.id.as_str())
            .collect();
        for id in forward {
            let i = self.index(id);
            if self.records[i].status != StepStatus::Pending {
                continue;
            }
            let mut rec = self.records[i].clone();
            rec.status = StepStatus::Skipped;
            rec.summary = format!("not run: a rollback was asked for by {} before it", asked.by);
            let event = self.event(
                "step.finished",
                Some(id),
                format!("{}: {}", status_word_step(rec.status), rec.summary),
            );
            self.commit(i, rec, event)?;
        }
        Ok(())
    }

    fn phases(&mut self, up_to: Option<Stage>) -> Result<(), RunError> {
        let plan = &self.run.header.plan;
        if self.run.rollback.is_some() {
            return self.rollback_phases();
        }
        // Rollback phases are the way back, kept ready but not part of going forward: they run
        // only when someone asks for a rollback (`request_rollback`).
        for phase in plan.phases.iter().filter(|p| p.stage != Stage::Rollback) {
            let all_done = phase.steps.iter().all(|s| self.record(&s.id).status.is_done());
            if !all_done && up_to.is_some_and(|limit| phase.stage > limit) {
                // The screen the front end asked for is done; the run stays open.
                return Ok(());
            }
            match self.drive_phase(phase)? {
                PhaseEnd::Done => {}
                PhaseEnd::Failed => return self.finish(RunStatus::Failed),
                PhaseEnd::Waiting(steps) => return self.wait(steps),
            }
        }
        self.finish(RunStatus::Completed)
    }

    /// A rollback was asked for: the rollback phases, in order, to their end (a failure stops
    /// them, a manual item waits for its person), whatever screen the front end is on.
    fn rollback_phases(&mut self) -> Result<(), RunError> {
        let plan = &self.run.header.plan;
        for phase in plan.phases.iter().filter(|p| p.stage == Stage::Rollback) {
            match self.drive_phase(phase)? {
                PhaseEnd::Done => {}
                PhaseEnd::Failed => return self.finish(RunStatus::Failed),
                PhaseEnd::Waiting(steps) => return self.wait(steps),
            }
        }
        self.finish(RunStatus::Completed)
    }

    /// A phase already done says how it ended; otherwise it runs.
    fn drive_phase(&mut self, phase: &'a Phase) -> Result<PhaseEnd, RunError> {
        if phase.steps.iter().all(|s| self.record(&s.id).status.is_done()) {
            return Ok(if phase.steps.iter().any(|s| self.blocks(&s.id)) {
                PhaseEnd::Failed
            } else {
                PhaseEnd::Done
            });
        }
        self.emit(Progress::PhaseStarted {
            phase_id: phase.id.clone(),
            title: phase.title.clone(),
        });
        self.phase(&phase.steps)
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
        self.emit(Progress::RunWaiting { steps });
        Ok(())
    }

    fn finish(&mut self, status: RunStatus) -> Result<(), RunError> {
        self.record_new_tags()?;
        let (outcome, kind, message) = if let Some(asked) = &self.run.rollback {
            rollback_end(self.run, &self.records, status, asked)
        } else {
            let (outcome, reasons) = verdict(self.run, &self.records, status);
            let message = match (outcome, reasons.is_empty()) {
                (Outcome::Go, _) => "Finished: GO".to_string(),
                (_, true) => "Finished: NO-GO".to_string(),
                (_, false) => format!("Finished: NO-GO — {}", reasons.join("; ")),
            };
            let kind = if status == RunStatus::Failed { "run.failed" } else { "run.finished" };
            (outcome, kind, message)
        };
        let event = self.event(kind, None, message);
        self.store.set_run_state(self.run_id(), status, outcome, Some(self.clock.now()), event)?;
        self.emit(Progress::RunFinished { status, outcome });
        Ok(())
    }
}

impl Driver<'_> {
    /// Tags that a step of this run put on the release commit (the deploy tags the release):
    /// each is recorded once as a `run.tagged` event, which the report's header reads, since the
    /// repository facts are those of the start. Nothing is recorded when the repository cannot
    /// be read again: the header then says what the start saw.
    fn record_new_tags(&mut self) -> Result<(), RunError> {
        let h = &self.run.header;
        let Some(head) = h.facts.head.as_ref().map(|c| c.id.clone()) else { return Ok(()) };
        let options = crate::repo::InspectOptions::default();
        let Ok(now) = crate::repo::inspect(std::path::Path::new(&h.repo_path), &options) else {
            return Ok(());
        };
        let logged: Vec<String> = self
            .store
            .events(self.run_id())?
            .into_iter()
            .filter(|e| e.kind == TAGGED)
            .filter_map(|e| tagged_name(&e.message).map(str::to_string))
            .collect();
        for tag in now.tags.iter().filter(|t| t.target == head) {
            if h.facts.head_tags.contains(&tag.name) || logged.contains(&tag.name) {
                continue;
            }
            let short = head.get(..9).unwrap_or(&head);
            let message = format!("{} {TAGGED_WORDS} {short}, tagged during the run", tag.name);
            let event = self.event(TAGGED, None, message);
            self.store.append_event(self.run_id(), event)?;
        }
        Ok(())
    }
}

/// How a run whose rollback was asked for ends: "rolled back" once every rollback phase is
/// done with no blocking failure; otherwise no-go, naming the rollback step that failed and
/// what to do.
fn rollback_end(
    run: &Run,
    records: &[StepRecord],
    status: RunStatus,
    asked: &crate::record::RollbackRequest,
) -> (Outcome, &'static str, String) {
    // A rollback step that was only skipped (it names nothing it could put back) did not put
    // anything back: the run is not "rolled back" on its word.
    let rollback_steps: Vec<&str> = run
        .header
        .plan
        .steps()
        .filter(|(phase, _)| phase.stage == Stage::Rollback)
        .map(|(_, s)| s.id.as_str())
        .collect();
    let not_done: Vec<String> = records
        .iter()
        .filter(|r| rollback_steps.contains(&r.step_id.as_str()) && r.status == StepStatus::Skipped)
        .map(|r| format!("\"{}\" was not done ({})", r.title, r.summary))
        .collect();
    if status == RunStatus::Completed && !not_done.is_empty() {
        return (
            Outcome::NoGo,
            "run.finished",
            format!(
                "Rollback not complete: {} — put the previous release back by hand as the plan describes",
                not_done.join("; ")
            ),
        );
    }
    if status == RunStatus::Completed {
        return (
            Outcome::RolledBack,
            "run.rolled_back",
            format!("Finished: ROLLED BACK — asked for by {}: {}", asked.by, asked.reason),
        );
    }
    let failed: Vec<String> = records
        .iter()
        .filter(|r| r.stops_the_run(run.header.dry_run))
        .map(|r| format!("\"{}\": {}", r.title, r.summary))
        .collect();
    (
        Outcome::NoGo,
        "run.failed",
        format!(
            "Rollback stopped: {} — fix the cause and resume the run to finish the rollback, or put the previous release back by hand",
            failed.join("; ")
        ),
    )
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
