//! One step's life in the driver: marked running, executed (or, in a dry run, described), its
//! evidence checkpointed while it runs, then stored with its event — a failure of a
//! non-blocking step turned into a warning, a waiver given ahead of time applied — before
//! anything reports it.

use super::super::answer::proposal_message;
use super::super::executors::{StepContext, execute};
use super::super::four_eyes::{refusal, second_person};
use super::super::progress::{Meter, Progress};
use super::super::{Evidence, NewEvent, RunError, StepOutcome, StepRecord, StepStatus, Waiver};
use crate::plan::{Stage, Step, StepClass};
use crate::record::Agreement;
use crate::repo::{InspectOptions, RepoFacts, inspect};

use super::{Driver, status_word_step};

impl<'a> Driver<'a> {
    /// Mark the step running, execute it (or, in a dry run, say what it would do), and store
    /// its result. Safe to call from several threads: it only reads `self`.
    pub(super) fn execute(&self, step: &Step) -> Result<StepRecord, RunError> {
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
        self.save(&rec, event)?;
        self.emit(Progress::StepStarted {
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
            match self.facts_now(step) {
                Err(why) => StepOutcome::failed(why, Evidence::default()),
                Ok(fresh) => self.run_step(step, &rec, fresh.as_ref()),
            }
        };
        self.finished(rec, outcome)
    }

    /// Store a running step's evidence so far (masked like any evidence) with a `step.progress`
    /// event, then pass the line on as live output. A resumed step finds this evidence again.
    pub(super) fn checkpoint(
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
        self.save(&rec, event).map_err(|e| e.to_string())?;
        self.emit(Progress::StepOutput { step_id: rec.step_id.clone(), line: shown });
        Ok(())
    }

    /// Run the step's executor with what it needs: live output, its meter, checkpoints, and
    /// the repository facts (`fresh` in a rollback phase, else those of the start).
    fn run_step(&self, step: &Step, rec: &StepRecord, fresh: Option<&RepoFacts>) -> StepOutcome {
        let output = |line: &str| {
            self.emit(Progress::StepOutput { step_id: step.id.clone(), line: line.to_string() })
        };
        let meter = |meter: Meter| {
            self.emit(Progress::StepMeter { step_id: step.id.clone(), meter });
        };
        let checkpoint = |evidence: &Evidence, line: &str| self.checkpoint(rec, evidence, line);
        let redact = |text: &str| self.redactor.text(text);
        let ctx = StepContext {
            repo_path: std::path::Path::new(&self.run.header.repo_path),
            facts: fresh.unwrap_or(&self.run.header.facts),
            version: &self.run.header.version,
            clock: self.clock,
            output: &output,
            meter: &meter,
            backups_dir: &self.backups_dir,
            run_started_at: self.run.header.started_at,
            plan: Some(&self.run.header.plan),
            previous: &rec.evidence,
            checkpoint: &checkpoint,
            redact: &redact,
        };
        execute(step, &ctx)
    }

    /// The repository as it is now, for a step of a rollback phase: the rollback may have
    /// checked out the previous release, and a check of VERSION must read that, not the facts
    /// of the start. `None` for every other step (they judge the repository as the run found
    /// it).
    fn facts_now(&self, step: &Step) -> Result<Option<RepoFacts>, String> {
        let in_rollback = self
            .run
            .header
            .plan
            .steps()
            .any(|(phase, s)| s.id == step.id && phase.stage == Stage::Rollback);
        if !in_rollback {
            return Ok(None);
        }
        let options = InspectOptions {
            target_version: Some(self.run.header.version.clone()),
            ..Default::default()
        };
        inspect(std::path::Path::new(&self.run.header.repo_path), &options)
            .map(Some)
            .map_err(|e| format!("could not read the repository again for this rollback step: {e}"))
    }

    /// True when an action comes before this step in the plan.
    pub(super) fn after_an_action(&self, step: &Step) -> bool {
        let plan = &self.run.header.plan;
        plan.steps()
            .map(|(_, s)| s)
            .take_while(|s| s.id != step.id)
            .any(|s| s.action.class() == StepClass::Action)
    }

    /// Store a finished step (turning failures of non-blocking steps into warnings, and
    /// applying a waiver given ahead of time), then report it.
    pub(super) fn finished(
        &self,
        mut rec: StepRecord,
        outcome: StepOutcome,
    ) -> Result<StepRecord, RunError> {
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
        self.save(&rec, event)?;
        if let Some((waived, event)) = self.waived(rec.clone()) {
            self.save(&waived, event)?;
            rec = waived;
        }
        self.emit(Progress::StepFinished { record: Box::new(rec.clone()) });
        Ok(rec)
    }

    /// The record with the answers file's waiver applied, and the event that says so, when it
    /// failed and the answers waive it. Where four eyes are asked for, the waiver takes effect
    /// only with an `agreed_by` who may agree; otherwise it is recorded as proposed (once) and
    /// the step stays failed.
    pub(super) fn waived(&self, mut rec: StepRecord) -> Option<(StepRecord, NewEvent)> {
        if rec.status != StepStatus::Failed {
            return None;
        }
        let answer = self.answers.waive.get(&rec.step_id)?;
        let now = self.clock.now();
        let proposal = Waiver {
            reason: answer.reason.trim().to_string(),
            by: self.person(answer.by.as_deref()),
            at: now,
            agreed: None,
        };
        let already_proposed =
            rec.waiver.as_ref().is_some_and(|w| w.by == proposal.by && w.reason == proposal.reason);
        let Some(needed) = second_person(self.run, &rec.step_id) else {
            rec.status = StepStatus::Waived;
            rec.waiver = Some(proposal);
            let event = self.waiver_event(&rec);
            return Some((rec, event));
        };
        let agreeing = answer.agreed_by.as_deref().map(str::trim).filter(|a| !a.is_empty());
        match agreeing.map(|by| (by, refusal(self.run, &proposal, by))) {
            Some((by, None)) => {
                rec.status = StepStatus::Waived;
                rec.waiver = Some(Waiver {
                    agreed: Some(Agreement { by: by.to_string(), role: needed.role, at: now }),
                    ..proposal
                });
                let event = self.waiver_event(&rec);
                Some((rec, event))
            }
            Some((_, Some(why))) => {
                rec.waiver = Some(proposal);
                let message = format!(
                    "{} — the agreement in the answers file was refused: {why}",
                    proposal_message(&rec, &needed.words)
                );
                // Said once, however often the run is resumed with the same answers.
                let said = self.run.events.iter().any(|e| e.message == message);
                (!said).then(|| {
                    let event = self.event("step.waiver_proposed", Some(&rec.step_id), message);
                    (rec, event)
                })
            }
            _ if already_proposed => None,
            None => {
                rec.waiver = Some(proposal);
                let message = proposal_message(&rec, &needed.words);
                Some((rec.clone(), self.event("step.waiver_proposed", Some(&rec.step_id), message)))
            }
        }
    }

    pub(super) fn waiver_event(&self, rec: &StepRecord) -> NewEvent {
        let message = super::super::answer::waiver_message(self.run, rec);
        self.event("step.waived", Some(&rec.step_id), message)
    }

    pub(super) fn person(&self, given: Option<&str>) -> String {
        given
            .or(self.answers.by.as_deref())
            .map(str::to_string)
            .unwrap_or_else(|| self.run.header.operator.clone())
    }

    pub(super) fn commit(
        &mut self,
        i: usize,
        rec: StepRecord,
        event: NewEvent,
    ) -> Result<(), RunError> {
        self.save(&rec, event)?;
        self.records[i] = rec;
        Ok(())
    }
}
