//! The last pass over the rendered report: the run's one masking layer ([`Redactor`]) with the
//! forms a secret takes in Markdown added — escaped in text and table cells, flattened onto one
//! line in code spans, with `|` escaped in a table's code span. The store already holds no
//! secret (the plan is stored masked); this pass keeps that true for runs recorded before it
//! did, and for any text a renderer could still assemble from the plan.

use super::markdown;
use crate::plan::Plan;
use crate::record::Redactor;

/// The report with every form of every secret value replaced by the mask.
pub(crate) fn redact(report: String, plan: &Plan) -> String {
    let redactor = Redactor::for_plan(plan).with_forms(|value| {
        let flat = value.replace(['\r', '\n'], " ");
        vec![markdown::text(value), flat.replace('|', "\\|")]
    });
    if redactor.is_empty() { report } else { redactor.text(&report) }
}
