//! The run, arranged for the report: step records grouped under their plan phases, each step's
//! plan definition at hand, and the derived statuses (a phase's status, "waiting on a person")
//! that several sections need. Built once per report so that no section
//! searches the run again (a run may have thousands of steps).

use std::collections::BTreeMap;

use crate::plan::{Plan, Stage, Step, StepAction};
use crate::record::{Run, RunStatus, StepRecord, StepStatus};

/// One phase of the run with its step records in plan order.
#[derive(Debug)]
pub(crate) struct PhaseView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The wizard screen it belongs to; rollback phases are kept ready, not run forward.
    pub stage: Stage,
    pub steps: Vec<&'a StepRecord>,
}

/// The run, arranged for the report.
#[derive(Debug)]
pub(crate) struct RunView<'a> {
    pub run: &'a Run,
    pub phases: Vec<PhaseView<'a>>,
    plan_steps: BTreeMap<&'a str, &'a Step>,
    records: BTreeMap<&'a str, &'a StepRecord>,
}

/// A phase's status, derived from its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PhaseStatus {
    Passed,
    Failed,
    Warned,
    Waived,
    Skipped,
    Pending,
    Running,
    Waiting,
    /// A rollback phase that was not needed: ready, not run.
    Ready,
}

impl PhaseStatus {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Passed => "✅ passed",
            Self::Failed => "❌ failed",
            Self::Warned => "⚠️ warned",
            Self::Waived => "🟡 waived",
            Self::Skipped => "⏭️ skipped",
            Self::Pending => "⏸️ pending",
            Self::Running => "▶️ running",
            Self::Waiting => "✋ waiting",
            Self::Ready => "🛟 kept ready",
        }
    }
}

impl<'a> RunView<'a> {
    pub(crate) fn new(run: &'a Run) -> Self {
        let plan: &Plan = &run.header.plan;
        let plan_steps = plan.steps().map(|(_, s)| (s.id.as_str(), s)).collect();

        // Plan phases first, in plan order; a record whose phase is not in the plan (a plan
        // edited after the run started) still appears, under its phase id, after them.
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        let mut phases: Vec<PhaseView<'a>> = Vec::with_capacity(plan.phases.len());
        for p in &plan.phases {
            index.entry(p.id.as_str()).or_insert_with(|| {
                phases.push(PhaseView {
                    title: &p.title,
                    description: &p.description,
                    stage: p.stage,
                    steps: Vec::new(),
                });
                phases.len() - 1
            });
        }
        for record in &run.steps {
            let at = *index.entry(record.phase_id.as_str()).or_insert_with(|| {
                phases.push(PhaseView {
                    title: &record.phase_id,
                    description: "",
                    stage: Stage::Checks,
                    steps: Vec::new(),
                });
                phases.len() - 1
            });
            if let Some(phase) = phases.get_mut(at) {
                phase.steps.push(record);
            }
        }
        let records = run.steps.iter().map(|r| (r.step_id.as_str(), r)).collect();
        Self { run, phases, plan_steps, records }
    }

    /// The status the report draws for a step: the recorded one, except that a gate recorded
    /// as passed is drawn as warned when a step it waits for did not pass (a record written
    /// before gates said so, or a store edited by hand). A ✔ follows from the evidence it
    /// stands on, not from what the gate's own row says.
    pub(crate) fn drawn_status(&self, record: &StepRecord) -> StepStatus {
        if record.status != StepStatus::Passed {
            return record.status;
        }
        let requires = match self.plan_step(&record.step_id).map(|s| &s.action) {
            Some(StepAction::Gate(gate)) => gate.requires.as_slice(),
            _ => return record.status,
        };
        let all_passed = requires.iter().all(|id| {
            self.records.get(id.as_str()).is_some_and(|r| r.status == StepStatus::Passed)
        });
        if all_passed { StepStatus::Passed } else { StepStatus::Warned }
    }

    /// The step as the plan defines it (with variables substituted).
    pub(crate) fn plan_step(&self, step_id: &str) -> Option<&'a Step> {
        self.plan_steps.get(step_id).copied()
    }

    /// The run stopped at this step because it needs a person (a manual item or sign-off).
    pub(crate) fn is_waiting_on_person(&self, record: &StepRecord) -> bool {
        self.run.status == RunStatus::Waiting
            && !record.status.is_done()
            && match self.plan_step(&record.step_id) {
                Some(step) => step.action.asks_a_person(),
                // A record its plan does not define (a store edited by hand) can only be
                // judged by the kind it says it is.
                None => matches!(record.kind.as_str(), "manual" | "signoff"),
            }
    }

    /// A phase's status: the worst thing that happened in it.
    pub(crate) fn phase_status(&self, phase: &PhaseView<'_>) -> PhaseStatus {
        let has = |st: StepStatus| phase.steps.iter().any(|s| self.drawn_status(s) == st);
        if phase.stage == Stage::Rollback
            && phase.steps.iter().all(|s| s.status == StepStatus::Pending)
        {
            PhaseStatus::Ready
        } else if has(StepStatus::Failed) {
            PhaseStatus::Failed
        } else if phase.steps.iter().any(|s| self.is_waiting_on_person(s)) {
            PhaseStatus::Waiting
        } else if has(StepStatus::Running) {
            PhaseStatus::Running
        } else if has(StepStatus::Pending) {
            PhaseStatus::Pending
        } else if has(StepStatus::Waived) {
            PhaseStatus::Waived
        } else if has(StepStatus::Warned) {
            PhaseStatus::Warned
        } else if has(StepStatus::Skipped) {
            // A phase with a step skipped (in a dry run: only described) was not all done: it
            // is not "passed", whatever its other steps did.
            PhaseStatus::Skipped
        } else {
            PhaseStatus::Passed
        }
    }

    /// Every step record whose planned step's action is `pick`ed, in plan order.
    pub(crate) fn steps_where(
        &self,
        pick: impl Fn(&StepAction) -> bool,
    ) -> impl Iterator<Item = &'a StepRecord> {
        let picked: std::collections::BTreeSet<&'a str> =
            self.plan_steps.iter().filter(|(_, s)| pick(&s.action)).map(|(id, _)| *id).collect();
        self.run.steps.iter().filter(move |s| picked.contains(s.step_id.as_str()))
    }
}
