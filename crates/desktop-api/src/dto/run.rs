//! Runs for the UI: the whole run arranged by phase, each step with what it will do and what
//! it saw.

use pilot_engine::plan::kinds::command_line;
use pilot_engine::plan::{Plan, StepAction};
use pilot_engine::run::{
    Event, Evidence, Outcome, PlanOrigin, Run, RunStatus, RunSummary, StepRecord, StepStatus,
};
use pilot_engine::signoff;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::plan::{PlanChoiceDto, RoleDto, StageDto, StepClassDto, StepPreviewDto};
use super::repo::RepoFactsDto;
use super::time;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RunStatusDto {
    Running,
    Waiting,
    Completed,
    Failed,
}

impl From<RunStatus> for RunStatusDto {
    fn from(s: RunStatus) -> Self {
        match s {
            RunStatus::Running => Self::Running,
            RunStatus::Waiting => Self::Waiting,
            RunStatus::Completed => Self::Completed,
            RunStatus::Failed => Self::Failed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum OutcomeDto {
    Go,
    NoGo,
    Pending,
    /// The run's rollback phases ran to their end at someone's request.
    RolledBack,
}

impl From<Outcome> for OutcomeDto {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Go => Self::Go,
            Outcome::NoGo => Self::NoGo,
            Outcome::Pending => Self::Pending,
            Outcome::RolledBack => Self::RolledBack,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StepStatusDto {
    Pending,
    Running,
    Passed,
    Failed,
    Warned,
    Skipped,
    Waived,
}

impl From<StepStatus> for StepStatusDto {
    fn from(s: StepStatus) -> Self {
        match s {
            StepStatus::Pending => Self::Pending,
            StepStatus::Running => Self::Running,
            StepStatus::Passed => Self::Passed,
            StepStatus::Failed => Self::Failed,
            StepStatus::Warned => Self::Warned,
            StepStatus::Skipped => Self::Skipped,
            StepStatus::Waived => Self::Waived,
        }
    }
}

/// What the UI sends to start a run.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StartRunDto {
    pub repo: String,
    pub plan: PlanChoiceDto,
    /// Overrides the VERSION file.
    pub version: Option<String>,
    /// Overrides the plan's environment.
    pub environment: Option<String>,
    /// "Name <email>"; default: git's user.name and user.email.
    pub operator: Option<String>,
    pub dry_run: bool,
    /// Values for the plan's `[vars]` for this run (the Project screen's variables for the
    /// chosen environment); each must be a variable the plan defines.
    #[serde(default)]
    pub vars: std::collections::BTreeMap<String, String>,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunDto {
    pub id: String,
    pub plan_name: String,
    pub plan_title: String,
    /// "built-in template staging" or the plan file's path.
    pub plan_origin: String,
    pub version: String,
    pub environment: String,
    pub operator: String,
    pub dry_run: bool,
    pub repo_path: String,
    pub facts: RepoFactsDto,
    pub status: RunStatusDto,
    pub outcome: OutcomeDto,
    /// Why the verdict is what it is (empty for go).
    pub verdict_reasons: Vec<String>,
    /// Manual items a waiting run needs answered.
    pub waiting_on: Vec<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub roles: Vec<RoleDto>,
    /// Where each role that must sign off stands (empty for a dry run: no one signs it).
    pub signoff: Vec<super::SignoffRoleDto>,
    /// Each success criterion and whether stored evidence proves it.
    pub success_criteria: Vec<CriterionDto>,
    pub phases: Vec<PhaseDto>,
    pub events: Vec<EventDto>,
    /// The rollback someone asked for in this run, if any.
    pub rollback: Option<RollbackRequestDto>,
    /// Signed approvals (`[plan.signoff]`): the rule and the request published; `None` when
    /// the plan takes typed names.
    pub approvals: Option<super::ApprovalRuleDto>,
}

/// Who asked for a rollback of the run, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RollbackRequestDto {
    pub at: String,
    pub by: String,
    pub reason: String,
}

impl From<&pilot_engine::run::RollbackRequest> for RollbackRequestDto {
    fn from(r: &pilot_engine::run::RollbackRequest) -> Self {
        Self { at: time(r.at), by: r.by.clone(), reason: r.reason.clone() }
    }
}

/// A success criterion of the run: met only when every step that proves it passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CriterionDto {
    pub text: String,
    pub state: CriterionStateDto,
    /// Why it is not met, or who waived its proof and why; for a met one, what proved it.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CriterionStateDto {
    Met,
    Waived,
    Open,
}

impl From<&signoff::CriterionClaim> for CriterionDto {
    fn from(c: &signoff::CriterionClaim) -> Self {
        let (state, detail) = match &c.state {
            signoff::CriterionState::Met => (
                CriterionStateDto::Met,
                format!("proved by {}", signoff::quoted_titles(&c.proved_by)),
            ),
            signoff::CriterionState::Waived(waivers) => (
                CriterionStateDto::Waived,
                waivers
                    .iter()
                    .map(|w| {
                        format!("\u{201c}{}\u{201d} waived by {}: {}", w.step_title, w.by, w.reason)
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            signoff::CriterionState::Open(why) => (CriterionStateDto::Open, why.clone()),
        };
        Self { text: c.text.clone(), state, detail }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PhaseDto {
    pub id: String,
    pub title: String,
    pub description: String,
    pub stage: StageDto,
    pub steps: Vec<StepDto>,
}

/// One step: what it will do (before) and what it saw (after).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepDto {
    pub id: String,
    pub phase_id: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub blocking: bool,
    /// Check, action or person step (see [`StepClassDto`]); `person` when the plan no longer
    /// has the step.
    pub class: StepClassDto,
    /// This failed blocking step stops the run until it is run again or waived: the engine's
    /// rule (never in a dry run), sent as data so the UI does not restate it.
    pub stops_run: bool,
    /// What it will do, with its resolved values.
    pub will_do: String,
    /// For manual items: the command or instruction to follow.
    pub hint: Option<String>,
    /// For actions that change something: the program, container or file it touches, named
    /// in the confirmation the UI asks for.
    pub touches: Option<String>,
    pub status: StepStatusDto,
    pub summary: String,
    pub evidence: EvidenceDto,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    #[ts(type = "number | null")]
    pub duration_ms: Option<i64>,
    pub waiver: Option<WaiverDto>,
    /// What to know before waiving a failure of this step (a deploy, a rollback), shown in the
    /// waiver dialog; `None` for the rest.
    pub waiver_caution: Option<String>,
    /// Who must agree before a waiver of this step takes effect ("a second person, for the role
    /// Operations"); `None` when the person waiving decides alone.
    pub waiver_needs: Option<String>,
    /// For a manual item that asks for a number: the target in words ("≥ 95 % of 200 points");
    /// `None` for an item that is ticked.
    pub asks_number: Option<String>,
    /// Why running this step again in the same run would not help (the git checks read the
    /// repository as it was at the start); `None` when "Run again" is offered.
    pub retry_refusal: Option<String>,
    pub note: Option<String>,
    pub answered_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WaiverDto {
    pub reason: String,
    pub by: String,
    pub at: String,
    /// The second person who agreed (four eyes); `None` while a proposal waits for one, or
    /// where none is asked for.
    pub agreed_by: Option<String>,
    pub agreed_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceDto {
    pub facts: Vec<FactDto>,
    pub measurements: Vec<MeasurementDto>,
    pub command: Option<CommandDto>,
    pub files: Vec<FileDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FactDto {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MeasurementDto {
    pub metric: String,
    pub target: String,
    pub value: f64,
    pub unit: String,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommandDto {
    /// The program and its arguments as one line.
    pub line: String,
    pub cwd: String,
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    #[ts(type = "number")]
    pub duration_ms: u64,
    pub stdout: String,
    pub stderr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileDto {
    pub path: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub sha256: Option<String>,
    pub modified: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventDto {
    #[ts(type = "number")]
    pub seq: u64,
    pub at: String,
    pub kind: String,
    pub step_id: Option<String>,
    pub message: String,
}

/// One line of the history screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunSummaryDto {
    pub id: String,
    pub plan_title: String,
    pub repo_path: String,
    pub version: String,
    pub environment: String,
    pub operator: String,
    pub status: RunStatusDto,
    pub outcome: OutcomeDto,
    pub dry_run: bool,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Running or waiting: it can be resumed.
    pub unfinished: bool,
    /// "Running" with no process driving it (a crash, a closed window): shown as interrupted.
    pub interrupted: bool,
}

/// Is a rollback ready, and why (not)?
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RollbackDto {
    /// Why "Roll back now" cannot be used for this run (a dry run, nothing changed yet, no
    /// rollback phase, already asked for); `None` when it can.
    pub refusal: Option<String>,
    /// The rollback asked for, if any, and where the run stands.
    pub request: Option<RollbackRequestDto>,
    pub outcome: OutcomeDto,
    pub ready: bool,
    pub previous_release: Option<String>,
    pub checks: Vec<RollbackCheckDto>,
    /// The rollback steps of the plan and what each would do.
    pub steps: Vec<StepDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RollbackCheckDto {
    pub label: String,
    pub ok: bool,
    pub detail: String,
}

impl From<&Evidence> for EvidenceDto {
    fn from(e: &Evidence) -> Self {
        Self {
            facts: e
                .facts
                .iter()
                .map(|f| FactDto { label: f.label.clone(), value: f.value.clone() })
                .collect(),
            measurements: e
                .measurements
                .iter()
                .map(|m| MeasurementDto {
                    metric: m.metric.clone(),
                    target: m.target.clone(),
                    value: m.value,
                    unit: m.unit.clone(),
                    passed: m.passed,
                })
                .collect(),
            command: e.command.as_ref().map(|c| CommandDto {
                line: command_line(&c.program, &c.args),
                cwd: c.cwd.clone(),
                exit_code: c.exit_code,
                timed_out: c.timed_out,
                duration_ms: c.duration_ms,
                stdout: c.stdout_excerpt.clone(),
                stderr: c.stderr_excerpt.clone(),
            }),
            files: e
                .files
                .iter()
                .map(|f| FileDto {
                    path: f.path.clone(),
                    size_bytes: f.size_bytes,
                    sha256: f.sha256.clone(),
                    modified: f.modified.map(time),
                })
                .collect(),
        }
    }
}

impl StepDto {
    /// A step record with its plan definition (what it will do) beside it.
    pub fn from_record(r: &StepRecord, plan: &Plan, dry_run: bool) -> Self {
        let step = plan.step(&r.step_id);
        let action = step.map(|s| &s.action);
        // What the plan says the step is and will do: the same as its preview.
        let (description, class, will_do, hint) = match step.map(StepPreviewDto::from) {
            Some(p) => (p.description, p.class, p.will_do, p.hint),
            None => (String::new(), StepClassDto::Person, String::new(), None),
        };
        Self {
            id: r.step_id.clone(),
            phase_id: r.phase_id.clone(),
            title: r.title.clone(),
            description,
            kind: r.kind.clone(),
            blocking: r.blocking,
            class,
            stops_run: r.stops_the_run(dry_run),
            will_do,
            hint,
            touches: action.and_then(StepAction::touches),
            status: r.status.into(),
            summary: r.summary.clone(),
            evidence: (&r.evidence).into(),
            started_at: r.started_at.map(time),
            finished_at: r.finished_at.map(time),
            duration_ms: r.duration_ms(),
            waiver_caution: action.and_then(|a| a.waiver_caution()).map(str::to_owned),
            waiver_needs: pilot_engine::run::second_person_in(plan, &r.step_id).map(|n| n.words),
            asks_number: action.and_then(|a| match a {
                StepAction::Manual(m) => m.number.as_ref().map(|n| n.target()),
                _ => None,
            }),
            retry_refusal: action.and_then(|a| a.retry_refusal()).map(str::to_owned),
            waiver: r.waiver.as_ref().map(|w| WaiverDto {
                reason: w.reason.clone(),
                by: w.by.clone(),
                at: time(w.at),
                agreed_by: w.agreed.as_ref().map(|a| a.by.clone()),
                agreed_at: w.agreed.as_ref().map(|a| time(a.at)),
            }),
            note: r.note.clone(),
            answered_by: r.answered_by.clone(),
        }
    }
}

impl From<&Event> for EventDto {
    fn from(e: &Event) -> Self {
        Self {
            seq: e.seq,
            at: time(e.at),
            kind: e.kind.clone(),
            step_id: e.step_id.clone(),
            message: e.message.clone(),
        }
    }
}

impl From<&Run> for RunDto {
    fn from(run: &Run) -> Self {
        let h = &run.header;
        let plan = &h.plan;
        let verdict = pilot_engine::signoff::run_verdict(run, &run.steps, run.status);
        Self {
            id: h.id.clone(),
            plan_name: plan.plan.name.clone(),
            plan_title: plan.plan.title.clone(),
            plan_origin: match &h.plan_origin {
                PlanOrigin::Template(name) => format!("built-in template {name}"),
                PlanOrigin::File(path) => path.clone(),
            },
            version: h.version.clone(),
            environment: h.environment.clone(),
            operator: h.operator.clone(),
            dry_run: h.dry_run,
            repo_path: h.repo_path.clone(),
            facts: (&h.facts).into(),
            status: run.status.into(),
            outcome: run.outcome.into(),
            verdict_reasons: match (run.outcome, &run.rollback) {
                (Outcome::Go, _) => Vec::new(),
                (Outcome::RolledBack, Some(r)) => {
                    vec![format!("rolled back at the request of {}: {}", r.by, r.reason)]
                }
                _ => verdict.reasons.clone(),
            },
            waiting_on: run.waiting_on().into_iter().map(|s| s.step_id.clone()).collect(),
            started_at: time(h.started_at),
            finished_at: run.finished_at.map(time),
            roles: plan.plan.roles.iter().map(Into::into).collect(),
            signoff: verdict.roles.iter().map(Into::into).collect(),
            approvals: plan.plan.signoff.as_ref().map(|rule| super::ApprovalRuleDto {
                allowed_signers: rule.allowed_signers.clone(),
                allow_unsigned: rule.allow_unsigned,
                remote: rule.remote.clone(),
                signers: plan
                    .plan
                    .roles
                    .iter()
                    .map(|r| super::RoleSignersDto {
                        role: r.id.clone(),
                        signers: r.signers.clone(),
                    })
                    .collect(),
                request: pilot_engine::run::published_request(run).as_ref().map(Into::into),
            }),
            success_criteria: signoff::criteria(run, &run.steps).iter().map(Into::into).collect(),
            phases: plan
                .phases
                .iter()
                .map(|p| PhaseDto {
                    id: p.id.clone(),
                    title: p.title.clone(),
                    description: p.description.clone(),
                    stage: p.stage.into(),
                    steps: run
                        .steps
                        .iter()
                        .filter(|r| r.phase_id == p.id)
                        .map(|r| StepDto::from_record(r, plan, run.header.dry_run))
                        .collect(),
                })
                .collect(),
            events: run.events.iter().map(Into::into).collect(),
            rollback: run.rollback.as_ref().map(Into::into),
        }
    }
}

impl From<&RunSummary> for RunSummaryDto {
    fn from(r: &RunSummary) -> Self {
        Self {
            id: r.id.clone(),
            plan_title: r.plan_title.clone(),
            repo_path: r.repo_path.clone(),
            version: r.version.clone(),
            environment: r.environment.clone(),
            operator: r.operator.clone(),
            status: r.status.into(),
            outcome: r.outcome.into(),
            dry_run: r.dry_run,
            started_at: time(r.started_at),
            finished_at: r.finished_at.map(time),
            unfinished: matches!(r.status, RunStatus::Running | RunStatus::Waiting),
            interrupted: r.interrupted,
        }
    }
}
