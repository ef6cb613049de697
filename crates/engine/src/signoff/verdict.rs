//! Go or no-go, computed and never typed: every blocking step (gates included) passed, warned
//! or was waived (with who and why), every required role approved by enough people, and no
//! reject or hold standing. [`go_no_go`] is the rule over plain inputs (table-tested);
//! [`run_verdict`] gathers those inputs from a run.

use serde::{Deserialize, Serialize};

use super::evidence::signoffs_in;
use super::matrix::{RoleState, RoleStatus, matrix};
use super::model::{RoleRule, role_rules};
use crate::plan::{Stage, StepAction, StepClass};
use crate::record::{Outcome, Run, RunStatus, StepRecord, StepStatus};

/// How a blocking step ended, as far as the verdict cares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum BlockingState {
    Passed,
    /// A gate that opened although some steps it requires could not be performed.
    Warned,
    Waived {
        by: String,
        reason: String,
    },
    Failed,
    /// Skipped (unsupported kind), pending or running: it did not happen.
    NotPerformed,
    /// A dry run described the action instead of doing it: not held against the verdict.
    DescribedOnly,
}

/// One blocking step of the run's forward phases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockingStep {
    pub title: String,
    pub state: BlockingState,
}

/// The verdict and what made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub outcome: Outcome,
    /// Why it is not GO (empty for GO).
    pub reasons: Vec<String>,
    /// What it rests on: waivers with who and why, and each role's approvals.
    pub grounds: Vec<String>,
    /// The sign-off matrix of the required roles.
    pub roles: Vec<RoleStatus>,
}

/// The rule. `completed` is whether every forward phase ran to its end.
pub fn go_no_go(completed: bool, steps: &[BlockingStep], roles: &[RoleStatus]) -> Verdict {
    let mut reasons = Vec::new();
    let mut grounds = Vec::new();
    let named = |state: fn(&BlockingState) -> bool| -> Vec<&str> {
        steps.iter().filter(|s| state(&s.state)).map(|s| s.title.as_str()).collect()
    };
    let failed = named(|s| matches!(s, BlockingState::Failed));
    if !failed.is_empty() {
        reasons.push(format!("{} blocking step(s) failed: {}", failed.len(), failed.join(", ")));
    }
    let not_performed = named(|s| matches!(s, BlockingState::NotPerformed));
    if !not_performed.is_empty() {
        reasons.push(format!(
            "{} blocking step(s) were not performed: {}",
            not_performed.len(),
            not_performed.join(", ")
        ));
    }
    for r in roles {
        match r.state {
            RoleState::Approved => grounds.push(r.describe()),
            RoleState::Rejected | RoleState::OnHold | RoleState::Missing => {
                reasons.push(format!("sign-off {}", r.describe()));
            }
        }
    }
    let ok = steps
        .iter()
        .filter(|s| !matches!(s.state, BlockingState::DescribedOnly | BlockingState::NotPerformed))
        .count();
    if failed.is_empty() && not_performed.is_empty() && !steps.is_empty() {
        grounds.insert(0, format!("all {ok} blocking step(s) passed or were waived"));
    }
    for s in steps {
        if let BlockingState::Waived { by, reason } = &s.state {
            grounds.push(format!("{} waived by {by}: {reason}", s.title));
        }
    }
    if !completed && reasons.is_empty() {
        reasons.push("the run has not completed".to_string());
    }
    let outcome = if reasons.is_empty() { Outcome::Go } else { Outcome::NoGo };
    Verdict { outcome, reasons, grounds, roles: roles.to_vec() }
}

/// The verdict of a run from its step records (which may be newer than `run.steps`, while the
/// runner works) and where it stands.
pub fn run_verdict(run: &Run, records: &[StepRecord], status: RunStatus) -> Verdict {
    let h = &run.header;
    // Indexed once: looking each step up in the records would make the verdict (and the
    // report) quadratic in the number of steps.
    let by_id: std::collections::HashMap<&str, &StepRecord> =
        records.iter().map(|r| (r.step_id.as_str(), r)).collect();
    let steps: Vec<BlockingStep> = h
        .plan
        .steps()
        .filter(|(phase, _)| phase.stage != Stage::Rollback)
        .filter_map(|(_, step)| {
            let rec = *by_id.get(step.id.as_str())?;
            if !rec.blocking {
                return None;
            }
            // A dry run only describes what is not a check (actions and person steps alike).
            let described_only = h.dry_run && step.action.class() != StepClass::Check;
            let state = match rec.status {
                StepStatus::Passed => BlockingState::Passed,
                StepStatus::Warned => BlockingState::Warned,
                StepStatus::Waived => {
                    let (by, reason) = rec
                        .waiver
                        .as_ref()
                        .map(|w| (w.by.clone(), w.reason.clone()))
                        .unwrap_or_default();
                    BlockingState::Waived { by, reason }
                }
                StepStatus::Failed => BlockingState::Failed,
                StepStatus::Skipped if described_only => BlockingState::DescribedOnly,
                StepStatus::Skipped | StepStatus::Pending | StepStatus::Running => {
                    BlockingState::NotPerformed
                }
            };
            Some(BlockingStep { title: rec.title.clone(), state })
        })
        .collect();
    // No one signs a dry run: it only looks.
    let rules = if h.dry_run { Vec::new() } else { required_roles(run) };
    let roles = matrix(&rules, &signoffs_in(&h.plan, records), &h.operator);
    go_no_go(status == RunStatus::Completed, &steps, &roles)
}

/// The roles the plan's sign-off steps ask for (a step naming none asks for all), in plan
/// order, with this run's rules.
pub fn required_roles(run: &Run) -> Vec<RoleRule> {
    let h = &run.header;
    let mut wanted: Vec<&str> = Vec::new();
    let mut all = false;
    for (phase, step) in h.plan.steps() {
        if phase.stage == Stage::Rollback {
            continue;
        }
        if let StepAction::Signoff(p) = &step.action {
            all |= p.roles.is_empty();
            wanted.extend(p.roles.iter().map(String::as_str));
        }
    }
    role_rules(&h.plan, &h.plan_source, &h.environment)
        .into_iter()
        .filter(|r| all || wanted.contains(&r.id.as_str()))
        .collect()
}
