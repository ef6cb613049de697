//! The run records: one execution of a plan for one version of one repository ([`Run`]), with
//! every step's status, evidence and waiver ([`StepRecord`], [`Evidence`]) and the append-only
//! event log ([`Event`]). The report is built from these only.
//!
//! They sit below everything that reads or writes them (`signoff`, `store`, `report`,
//! `signature`, `run`), so those share the data without depending on one another; see the
//! layer order in ARCHITECTURE.md.

mod redact;
pub use redact::{MASK, MIN_SECRET_LEN, Redactor};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::plan::Plan;
use crate::repo::RepoFacts;

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunStatus {
    /// Started and not finished (or interrupted: resumable).
    Running,
    /// Stopped at a manual item or sign-off that needs a person.
    Waiting,
    /// Every phase done.
    Completed,
    /// A blocking step failed and was not waived; later phases did not run.
    Failed,
}

/// The go/no-go decision, computed from the steps (and, later, the sign-offs). Never typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Go,
    NoGo,
    /// Not decided yet: the run is still running or waiting.
    Pending,
    /// Someone asked for the release to be put back and the plan's rollback phase ran to its
    /// end; who and why is the run's [`RollbackRequest`].
    RolledBack,
}

/// A step's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    Pending,
    Running,
    Passed,
    Failed,
    /// A non-blocking step that failed.
    Warned,
    /// Not run: unsupported kind, dry run of an action, or a phase that never started.
    Skipped,
    /// Failed, then waived by a person with a written reason.
    Waived,
}

impl StepStatus {
    /// The step has a final result (it will not be run again on resume).
    pub fn is_done(self) -> bool {
        !matches!(self, Self::Pending | Self::Running)
    }

    /// The step does not stand in the way of "go".
    pub fn is_ok(self) -> bool {
        matches!(self, Self::Passed | Self::Warned | Self::Waived)
    }
}

/// A person's written decision to accept a failed step. Where a second person must agree (the
/// plan's `[plan.waivers]`, or a kind with a caution such as a deploy), it is only proposed —
/// the step stays failed — until `agreed` is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed: Option<Agreement>,
}

/// The second person's agreement to a waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub by: String,
    /// The role they agreed for (the plan's `second_person`), if the plan names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub at: DateTime<Utc>,
}

impl Waiver {
    /// Who gave it, in words: "Ada" or "Ada, agreed by Linus".
    pub fn who(&self) -> String {
        match &self.agreed {
            Some(a) => format!("{}, agreed by {}", self.by, a.by),
            None => self.by.clone(),
        }
    }
}

/// Someone's request, recorded before anything is touched, that the run's rollback phase put
/// the previous release back. One per run: it is history, never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollbackRequest {
    pub at: DateTime<Utc>,
    /// "Name <email>".
    pub by: String,
    pub reason: String,
}

/// What a step saw. The report is built from evidence only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Observed values, e.g. ("branch", "main"), ("free", "41.2 GB").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Fact>,
    /// Measurements against targets (the report's metrics tables).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measurements: Vec<Measurement>,
    /// The program that ran, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandEvidence>,
    /// Files looked at or produced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileEvidence>,
}

impl Evidence {
    /// Add a labelled value.
    pub fn fact(mut self, label: impl Into<String>, value: impl Into<String>) -> Self {
        self.facts.push(Fact { label: label.into(), value: value.into() });
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// A measured value against its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// e.g. "free disk space", "p95 latency".
    pub metric: String,
    /// e.g. "≥ 5 GB", "< 200 ms".
    pub target: String,
    /// The number measured, in `unit`.
    pub value: f64,
    /// e.g. "GB", "ms", "%".
    pub unit: String,
    pub passed: bool,
}

/// A program that ran: what, where, how it ended, and an excerpt of its output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandEvidence {
    pub program: String,
    pub args: Vec<String>,
    pub cwd: String,
    /// `None` when it was killed (timeout) or could not start.
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub duration_ms: u64,
    /// The last lines of standard output (bounded).
    pub stdout_excerpt: String,
    /// The last lines of standard error (bounded).
    pub stderr_excerpt: String,
}

/// A file looked at or produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEvidence {
    pub path: String,
    pub size_bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<DateTime<Utc>>,
}

/// What an executor returns for one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepOutcome {
    /// Passed, Failed or Skipped (the runner turns Failed into Warned for non-blocking steps).
    pub status: StepStatus,
    /// One line for people: what was seen, and for a failure what to do next.
    pub summary: String,
    pub evidence: Evidence,
}

impl StepOutcome {
    pub fn passed(summary: impl Into<String>, evidence: Evidence) -> Self {
        Self { status: StepStatus::Passed, summary: summary.into(), evidence }
    }
    pub fn failed(summary: impl Into<String>, evidence: Evidence) -> Self {
        Self { status: StepStatus::Failed, summary: summary.into(), evidence }
    }
    pub fn skipped(summary: impl Into<String>) -> Self {
        Self { status: StepStatus::Skipped, summary: summary.into(), evidence: Evidence::default() }
    }
}

/// One step of a run as recorded in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub phase_id: String,
    pub step_id: String,
    pub title: String,
    pub kind: String,
    pub blocking: bool,
    pub status: StepStatus,
    /// One line for people (empty until the step ran).
    pub summary: String,
    pub evidence: Evidence,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub waiver: Option<Waiver>,
    /// A person's note (manual items).
    pub note: Option<String>,
    /// Who ticked a manual item.
    pub answered_by: Option<String>,
}

impl StepRecord {
    /// A failed blocking step stops the run until it is run again or waived, except in a dry
    /// run, whose job is to look at the whole plan and say what every action would do. The
    /// driver and every front end ask this; none restates it.
    pub fn stops_the_run(&self, dry_run: bool) -> bool {
        self.blocking && self.status == StepStatus::Failed && !dry_run
    }

    /// Milliseconds between start and finish, when both are known.
    pub fn duration_ms(&self) -> Option<i64> {
        Some((self.finished_at? - self.started_at?).num_milliseconds())
    }
}

/// One line of the append-only event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// 1-based position in the run's log.
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// e.g. "run.started", "step.started", "step.finished", "step.waived", "manual.answered",
    /// "run.resumed", "run.finished".
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    pub message: String,
    /// The state this event gave its step or run, as the store sealed it (JSON, covered by the
    /// event's hash): the steps and runs tables are derived from these. `None` for events
    /// written before the store sealed states.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// The event of a tag a step of the run put on the release commit (the facts are those of the
/// start, so the report's header reads these too).
pub const TAGGED: &str = "run.tagged";
/// The words between the tag and the commit in a `run.tagged` message.
pub const TAGGED_WORDS: &str = "points at the release commit";

/// The tag a `run.tagged` event names.
pub fn tagged_name(message: &str) -> Option<&str> {
    message.split_once(&format!(" {TAGGED_WORDS} ")).map(|(name, _)| name)
}

/// An event before the store gives it its place in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub step_id: Option<String>,
    pub message: String,
}

/// Where the plan came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum PlanOrigin {
    Template(String),
    File(String),
}

/// Everything fixed when a run starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunHeader {
    pub id: String,
    pub plan_origin: PlanOrigin,
    /// The plan's TOML as it was run, every secret value in it masked.
    pub plan_source: String,
    /// SHA-256 of the plan's TOML as read (before masking), hex: a plan file that still has
    /// this digest is the one the run followed.
    pub plan_hash: String,
    /// The plan with variables substituted (what actually ran), every secret value masked:
    /// the store never holds a secret. The driver substitutes again with the real values.
    pub plan: Plan,
    /// The plan before substitution, with the values given for this run and every secret
    /// masked: what the driver substitutes the secrets into. Only for plans with secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_template: Option<Plan>,
    /// The secret variables whose values were given for this run (not read from the plan):
    /// a driver in another process must be given them again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets_given: Vec<String>,
    pub repo_path: String,
    /// Repository facts at start.
    pub facts: RepoFacts,
    pub version: String,
    pub environment: String,
    /// "Name <email>".
    pub operator: String,
    pub dry_run: bool,
    pub started_at: DateTime<Utc>,
}

/// A whole run: the header, where it stands, every step and every event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    #[serde(flatten)]
    pub header: RunHeader,
    pub status: RunStatus,
    pub outcome: Outcome,
    pub finished_at: Option<DateTime<Utc>>,
    /// In plan order.
    pub steps: Vec<StepRecord>,
    /// In log order.
    pub events: Vec<Event>,
    /// The rollback asked for, if any: from then on the driver runs the rollback phases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<RollbackRequest>,
}

impl Run {
    /// The record of a step.
    pub fn step(&self, step_id: &str) -> Option<&StepRecord> {
        self.steps.iter().find(|s| s.step_id == step_id)
    }

    /// The manual items a waiting run needs answered: those of the phase it stopped in.
    pub fn waiting_on(&self) -> Vec<&StepRecord> {
        if self.status != RunStatus::Waiting {
            return Vec::new();
        }
        let forward: Vec<&str> = self
            .header
            .plan
            .phases
            .iter()
            .filter(|p| p.stage != crate::plan::Stage::Rollback)
            .map(|p| p.id.as_str())
            .collect();
        let Some(phase) = self
            .steps
            .iter()
            .find(|s| !s.status.is_done() && forward.contains(&s.phase_id.as_str()))
            .map(|s| s.phase_id.as_str())
        else {
            return Vec::new();
        };
        self.steps
            .iter()
            .filter(|s| {
                s.phase_id == phase && s.kind == "manual" && s.status == StepStatus::Pending
            })
            .collect()
    }
}

/// One line of `pilot runs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: String,
    pub plan_title: String,
    pub repo_path: String,
    pub version: String,
    pub environment: String,
    pub operator: String,
    pub status: RunStatus,
    pub outcome: Outcome,
    pub dry_run: bool,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// "Running" with nobody driving it: the process that drove it stopped (a crash, `kill -9`,
    /// a closed window). It is resumable.
    #[serde(default)]
    pub interrupted: bool,
}
