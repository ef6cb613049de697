//! The last pass over the rendered report: the values of the plan's secret variables never
//! appear in it, whatever step output or parameter carried them.
//!
//! A secret may appear raw (in code blocks and code spans), escaped (in text and table cells) or
//! flattened onto one line (in code spans), so every one of those forms is replaced. Values
//! shorter than four characters are left alone: replacing "1" or "on" everywhere would wreck the
//! report without protecting anything.

use super::markdown;
use crate::plan::Plan;

/// What a secret value is replaced with.
pub(crate) const MASK: &str = "••••••";

/// Shortest secret value that is redacted, in characters.
const MIN_SECRET_CHARS: usize = 4;

/// The report with every form of every secret value replaced by [`MASK`].
pub(crate) fn redact(mut report: String, plan: &Plan) -> String {
    let mut forms: Vec<String> = Vec::new();
    for name in &plan.plan.secrets {
        let Some(value) = plan.vars.get(name) else { continue };
        if value.chars().count() < MIN_SECRET_CHARS {
            continue;
        }
        forms.push(value.clone());
        forms.push(markdown::text(value));
        forms.push(value.replace(['\r', '\n'], " "));
        // In a table cell, a code span's `|` is escaped.
        forms.push(value.replace(['\r', '\n'], " ").replace('|', "\\|"));
        forms.push(value.trim().to_owned());
    }
    forms.retain(|f| f.chars().count() >= MIN_SECRET_CHARS);
    // Longest first, so a secret that contains another is replaced whole.
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    forms.dedup();
    for f in &forms {
        if report.contains(f.as_str()) {
            report = report.replace(f.as_str(), MASK);
        }
    }
    report
}
