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
    /// Ask for a number instead of a tick, judged like a measurement, e.g.
    /// `number = { unit = "points", out_of = 200, at_least_pct = 95 }` for "QA points passed".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<NumberAsk>,
}

/// A number a person answers, and the threshold it must meet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberAsk {
    /// What is counted, e.g. "points", "%", "tickets".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The most there can be (the answer is also shown as a share of it), e.g. 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of: Option<f64>,
    /// The least that passes, e.g. 190.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    /// The most that passes, e.g. 0 open blockers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<f64>,
    /// The least share of `out_of` that passes, in percent, e.g. 95.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least_pct: Option<f64>,
}

impl NumberAsk {
    /// The target in words, e.g. "≥ 95 % of 200 points".
    pub fn target(&self) -> String {
        let unit = self.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
        let mut parts = Vec::new();
        if let Some(min) = self.at_least {
            parts.push(format!("≥ {}{unit}", num(min)));
        }
        if let Some(max) = self.at_most {
            parts.push(format!("≤ {}{unit}", num(max)));
        }
        if let (Some(pct), Some(total)) = (self.at_least_pct, self.out_of) {
            parts.push(format!("≥ {} % of {}{unit}", num(pct), num(total)));
        }
        if parts.is_empty() { "any number".into() } else { parts.join(" and ") }
    }

    /// Whether `value` meets every threshold.
    pub fn passes(&self, value: f64) -> bool {
        let pct_ok = match (self.at_least_pct, self.out_of) {
            (Some(pct), Some(total)) if total > 0.0 => value / total * 100.0 >= pct,
            _ => true,
        };
        self.at_least.is_none_or(|min| value >= min)
            && self.at_most.is_none_or(|max| value <= max)
            && pct_ok
    }
}

/// A number as people write it: no trailing ".0".
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
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
        let asked = match &self.number {
            Some(n) => format!("ask a person for \"{title}\" as a number ({})", n.target()),
            None => format!("ask a person to confirm \"{title}\""),
        };
        match &self.hint {
            Some(hint) => format!("{asked} (hint: `{hint}`)"),
            None => asked,
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
