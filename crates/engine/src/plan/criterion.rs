//! [`Criterion`]: a success criterion of the plan, and the steps whose evidence proves it.
//!
//! A plan writes one either as plain text (`"No error logs found"`, which no step proves, so
//! the report never ticks it) or bound to its proof
//! (`{ text = "No error logs found", requires = ["logs-no-errors"] }`). Whether it is met is
//! decided from those steps' stored results alone (see `signoff::criteria`), never from the
//! run's verdict.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A success criterion, as written in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Criterion {
    /// Text alone: no step proves it, so it is never ticked.
    Text(String),
    /// Text and the steps that prove it.
    Bound(BoundCriterion),
}

/// A criterion with the steps whose results decide it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoundCriterion {
    /// What is promised, e.g. "Error rate < 0.1%".
    pub text: String,
    /// Ids of the steps whose evidence proves it: it is met only when every one passed.
    pub requires: Vec<String>,
}

impl Criterion {
    pub fn text(&self) -> &str {
        match self {
            Self::Text(t) => t,
            Self::Bound(b) => &b.text,
        }
    }

    pub fn text_mut(&mut self) -> &mut String {
        match self {
            Self::Text(t) => t,
            Self::Bound(b) => &mut b.text,
        }
    }

    /// The steps that prove it; empty for a criterion written as text alone.
    pub fn requires(&self) -> &[String] {
        match self {
            Self::Text(_) => &[],
            Self::Bound(b) => &b.requires,
        }
    }
}

impl From<&str> for Criterion {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Criterion {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}
