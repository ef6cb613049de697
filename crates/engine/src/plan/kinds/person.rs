//! Steps people decide: manual items, gates over other steps, sign-offs by the plan's roles.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::StepParams;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualParams {
    /// A command or instruction shown to the person, e.g. "docker-compose --version".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateParams {
    /// Ids of the steps that must have passed, warned or been waived.
    pub requires: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignoffParams {
    /// Role ids that must sign off (default: every role of the plan).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Decisions given at an earlier sign-off step for the same role count here too (default:
    /// false — each sign-off step is decided on its own, so an approval of the staging
    /// deployment does not approve production).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub carry_over: bool,
}

impl StepParams for ManualParams {
    fn describe(&self, title: &str) -> String {
        match &self.hint {
            Some(hint) => format!("ask a person to confirm \"{title}\" (hint: `{hint}`)"),
            None => format!("ask a person to confirm \"{title}\""),
        }
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for GateParams {
    fn describe(&self, _title: &str) -> String {
        format!("stop unless these steps passed or were waived: {}", self.requires.join(", "))
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for SignoffParams {
    fn describe(&self, _title: &str) -> String {
        if self.roles.is_empty() {
            "collect the sign-off of every role".into()
        } else {
            format!("collect the sign-off of {}", self.roles.join(", "))
        }
    }
    fn touches(&self) -> Option<String> {
        None
    }
}
