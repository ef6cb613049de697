//! Secret values never reach the store, the event log or the report: whatever a step saw is
//! passed through a [`Redactor`] before it is written. The secrets are the values of the plan
//! variables named in `plan.secrets`.

use super::StepOutcome;
use crate::plan::{Plan, vars};

/// What replaces a secret value.
pub const MASK: &str = "••••••";

/// Shortest value treated as a secret: masking one- to three-character values would mangle
/// ordinary text and protects nothing.
const MIN_SECRET_LEN: usize = 4;

/// Replaces every secret value in text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// The redactor for a plan's secret variables.
    pub fn for_plan(plan: &Plan) -> Self {
        let mut secrets: Vec<String> = vars::secret_values(plan)
            .into_iter()
            .filter(|s| s.chars().count() >= MIN_SECRET_LEN)
            .collect();
        // Longest first, so a secret that contains another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Self { secrets }
    }

    /// `text` with every secret masked.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }

    /// The outcome with every secret masked in its summary and evidence.
    pub fn outcome(&self, outcome: StepOutcome) -> StepOutcome {
        if self.secrets.is_empty() {
            return outcome;
        }
        let json = serde_json::to_string(&outcome).unwrap_or_default();
        let masked = self.text(&json);
        if masked == json {
            return outcome;
        }
        // Masking inside JSON strings keeps the JSON valid: the mask has no quote or backslash.
        serde_json::from_str(&masked).unwrap_or(StepOutcome {
            status: outcome.status,
            summary: self.text(&outcome.summary),
            evidence: Default::default(),
        })
    }
}
