//! The report: a pure function of a run, rendered as GitHub-flavoured Markdown.

use crate::run::Run;

/// Render the run as Markdown. Deterministic: the same run gives the same bytes.
pub fn report(run: &Run) -> String {
    format!("# {}\n", run.header.plan.plan.title)
}
