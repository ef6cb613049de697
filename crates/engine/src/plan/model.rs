//! The plan model: what to do, in order. A plan is a TOML file kept in the repository (so it is
//! reviewed like code) or one of the built-in templates. See `docs/plan-format.md`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::criterion::Criterion;
use super::kinds::StepAction;

/// A release plan: ordered phases, each with ordered steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// What the plan is, its variables and roles.
    pub plan: PlanHeader,
    /// Plan variables, usable in any string parameter as `{{name}}`.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// The phases, run in order.
    #[serde(default, rename = "phase")]
    pub phases: Vec<Phase>,
}

/// The `[plan]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanHeader {
    /// Short machine name, e.g. "staging".
    pub name: String,
    /// Title shown in the app and the report, e.g. "Staging deployment".
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The default environment (`{{environment}}`), e.g. "staging".
    #[serde(default)]
    pub environment: Option<String>,
    /// Names of `[vars]` entries whose values are secret: never shown, logged or reported.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// The roles that sign off the release.
    #[serde(default, rename = "role")]
    pub roles: Vec<Role>,
    /// Success criteria listed at the end of the report, each ticked only when the steps it
    /// names in `requires` passed.
    #[serde(default)]
    pub success_criteria: Vec<Criterion>,
    /// Four eyes on waivers: a waiver takes effect only once a second person, of this role,
    /// agrees (never the operator, never the person who proposed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waivers: Option<WaiverRule>,
    /// Signed approvals: who may sign for each role is read from an `allowed_signers` file in
    /// the repository, and approvals travel through the repository's remote. Without this
    /// table, sign-offs are names typed into the app, marked "not signed" in the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signoff: Option<SignoffRule>,
}

/// `[plan.signoff]`: sign-offs are approvals signed with each approver's own SSH key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignoffRule {
    /// The `allowed_signers` file (OpenSSH's format), a path inside the repository, read as it
    /// is in the commit being released, so that who may sign is reviewed like code.
    #[serde(default = "default_allowed_signers")]
    pub allowed_signers: String,
    /// Whether a name typed into the app still counts as an approval (say, for staging). The
    /// report marks each one "recorded by <operator>, not signed". Production templates say no.
    #[serde(default)]
    pub allow_unsigned: bool,
    /// The git remote that requests and approvals travel through.
    #[serde(default = "default_remote")]
    pub remote: String,
}

/// Where `[plan.signoff]` looks for the allowed signers when the plan does not say.
pub const DEFAULT_ALLOWED_SIGNERS: &str = ".release-pilot/allowed_signers";

fn default_allowed_signers() -> String {
    DEFAULT_ALLOWED_SIGNERS.to_string()
}

fn default_remote() -> String {
    "origin".to_string()
}

/// `[plan.waivers]`: who must agree to a waiver before it takes effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverRule {
    /// The role id whose member agrees to every waiver, e.g. "operations".
    pub second_person: String,
}

/// A sign-off role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Identifier, e.g. "qa_lead".
    pub id: String,
    /// Shown name, e.g. "QA lead".
    pub title: String,
    /// How many approvals this role needs.
    #[serde(default = "one")]
    pub approvals: u32,
    /// Whether the person who ran the deploy may approve for this role.
    #[serde(default)]
    pub operator_may_approve: bool,
    /// Who may sign for this role when approvals are signed (`[plan.signoff]`): principals of
    /// the allowed-signers file, each an OpenSSH pattern (`alan@example.com`,
    /// `*@qa.example.com`). Empty: any principal of the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signers: Vec<String>,
}

fn one() -> u32 {
    1
}

/// A phase: a titled group of steps, run in order (read-only checks within it concurrently).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Unique identifier, e.g. "pre-checks".
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The wizard screen this phase belongs to.
    #[serde(default)]
    pub stage: Stage,
    #[serde(default, rename = "step")]
    pub steps: Vec<Step>,
}

/// The wizard screen a phase is shown on, in wizard order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    #[default]
    Checks,
    Backup,
    Deploy,
    Validation,
    Signoff,
    Rollback,
}

/// One check, action, manual item or gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    /// Unique across the plan, e.g. "disk-free".
    pub id: String,
    /// What a person reads, e.g. "Sufficient disk space (≥ 5 GB free)".
    pub title: String,
    /// Longer instructions or context.
    #[serde(default)]
    pub description: String,
    /// A failing blocking step stops the run unless waived; a failing non-blocking step is
    /// recorded as "warned".
    #[serde(default = "yes")]
    pub blocking: bool,
    /// Where the step came from when the plan was imported from a runbook, as `FILE:LINE`
    /// (`pilot plan import`); the report names it beside the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The kind and its parameters (`kind = "..."` plus the kind's own keys).
    #[serde(flatten)]
    pub action: StepAction,
}

fn yes() -> bool {
    true
}

impl Step {
    /// The kind's name as written in the plan, e.g. "git.clean".
    pub fn kind(&self) -> &'static str {
        self.action.kind_name()
    }

    /// One sentence saying what the step will do, with the values it will use: shown before it
    /// runs (the wizard's "what will happen" line) and recorded instead of running it in a dry
    /// run.
    pub fn describe(&self) -> String {
        self.action.describe(&self.title)
    }
}

impl Plan {
    /// Every step with the phase it belongs to, in plan order.
    pub fn steps(&self) -> impl Iterator<Item = (&Phase, &Step)> {
        self.phases.iter().flat_map(|p| p.steps.iter().map(move |s| (p, s)))
    }

    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps().map(|(_, s)| s).find(|s| s.id == id)
    }
}
