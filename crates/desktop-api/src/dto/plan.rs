//! Plans for the UI: the choice of plan, and a preview of what it will do.

use pilot_engine::plan::{Handling, PersonStep, Plan, Role, Stage, Step, StepClass};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A built-in template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplateDto {
    pub name: String,
    pub title: String,
    pub summary: String,
}

/// A plan file found in a repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanFileDto {
    /// Absolute path.
    pub path: String,
    /// Path relative to the repository, for display.
    pub relative: String,
    pub title: String,
}

/// Which plan to use: a plan file, or a built-in template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
pub enum PlanChoiceDto {
    File(String),
    Template(String),
}

/// How the runner treats a step (the engine's `StepClass`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StepClassDto {
    /// Only looks: runs beside other checks, and in a dry run.
    Check,
    /// Changes something: confirmed first, only described in a dry run.
    Action,
    /// A manual item, a gate or a sign-off: decided by people.
    Person,
}

impl From<StepClass> for StepClassDto {
    fn from(c: StepClass) -> Self {
        match c {
            StepClass::Check => Self::Check,
            StepClass::Action => Self::Action,
            StepClass::Person => Self::Person,
        }
    }
}

/// The wizard screen a phase belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StageDto {
    Checks,
    Backup,
    Deploy,
    Validation,
    Signoff,
    Rollback,
}

impl From<Stage> for StageDto {
    fn from(s: Stage) -> Self {
        match s {
            Stage::Checks => Self::Checks,
            Stage::Backup => Self::Backup,
            Stage::Deploy => Self::Deploy,
            Stage::Validation => Self::Validation,
            Stage::Signoff => Self::Signoff,
            Stage::Rollback => Self::Rollback,
        }
    }
}

impl From<StageDto> for Stage {
    fn from(s: StageDto) -> Self {
        match s {
            StageDto::Checks => Self::Checks,
            StageDto::Backup => Self::Backup,
            StageDto::Deploy => Self::Deploy,
            StageDto::Validation => Self::Validation,
            StageDto::Signoff => Self::Signoff,
            StageDto::Rollback => Self::Rollback,
        }
    }
}

/// A sign-off role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleDto {
    pub id: String,
    pub title: String,
    pub approvals: u32,
}

impl From<&Role> for RoleDto {
    fn from(r: &Role) -> Self {
        Self { id: r.id.clone(), title: r.title.clone(), approvals: r.approvals }
    }
}

/// A plan before it runs: what each step will do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanPreviewDto {
    pub name: String,
    pub title: String,
    pub description: String,
    pub environment: Option<String>,
    pub roles: Vec<RoleDto>,
    pub success_criteria: Vec<String>,
    /// The plan's `[vars]`, in name order: the Project screen offers each for this run.
    pub vars: Vec<VarDto>,
    pub phases: Vec<PhasePreviewDto>,
}

/// One plan variable as the Project screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VarDto {
    pub name: String,
    /// The plan's value, as written (it may use `{{other}}` variables); `None` for a secret,
    /// whose value never crosses the boundary.
    pub value: Option<String>,
    /// Listed in `secrets`: typed in a password field, never remembered.
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PhasePreviewDto {
    pub id: String,
    pub title: String,
    pub description: String,
    pub stage: StageDto,
    pub steps: Vec<StepPreviewDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepPreviewDto {
    pub id: String,
    pub title: String,
    pub description: String,
    /// e.g. "git.clean", "manual", "gate".
    pub kind: String,
    pub blocking: bool,
    /// Check, action or person step: what the UI branches on (an action is confirmed before
    /// it runs and named as changing something), never the kind's name.
    pub class: StepClassDto,
    /// What it will do, with its values.
    pub will_do: String,
    /// For manual items: the command or instruction to follow.
    pub hint: Option<String>,
}

impl From<&Plan> for PlanPreviewDto {
    fn from(plan: &Plan) -> Self {
        Self {
            name: plan.plan.name.clone(),
            title: plan.plan.title.clone(),
            description: plan.plan.description.clone(),
            environment: plan.plan.environment.clone(),
            roles: plan.plan.roles.iter().map(Into::into).collect(),
            success_criteria: plan
                .plan
                .success_criteria
                .iter()
                .map(|c| c.text().to_owned())
                .collect(),
            vars: plan
                .vars
                .iter()
                .map(|(name, value)| {
                    let secret = plan.plan.secrets.contains(name);
                    VarDto { name: name.clone(), value: (!secret).then(|| value.clone()), secret }
                })
                .collect(),
            phases: plan
                .phases
                .iter()
                .map(|p| PhasePreviewDto {
                    id: p.id.clone(),
                    title: p.title.clone(),
                    description: p.description.clone(),
                    stage: p.stage.into(),
                    steps: p.steps.iter().map(Into::into).collect(),
                })
                .collect(),
        }
    }
}

impl From<&Step> for StepPreviewDto {
    fn from(s: &Step) -> Self {
        Self {
            id: s.id.clone(),
            title: s.title.clone(),
            description: s.description.clone(),
            kind: s.kind().to_string(),
            blocking: s.blocking,
            class: s.action.class().into(),
            will_do: s.describe(),
            hint: match s.action.handling() {
                Handling::Person(PersonStep::Confirm(m)) => m.hint.clone(),
                Handling::Person(PersonStep::Gate(_) | PersonStep::Signoff(_))
                | Handling::Check
                | Handling::Action => None,
            },
        }
    }
}
