//! The report: a pure function of a run, rendered as GitHub-flavoured Markdown that reads like
//! the hand-written deployment runbooks it replaces, except that every ticked box is backed by
//! evidence.
//!
//! Layout, in the order the report reads:
//! - [`header`]: title, dry-run banner, verdict with reasons, metadata table;
//! - [`phases`]: the phase summary table, then every phase as a task list whose items carry
//!   their evidence ([`evidence`]);
//! - [`commits`]: commits since the previous release;
//! - [`sections`]: backup, validation metrics, sign-off, rollback, success criteria;
//! - [`events`]: the event log;
//! - [`redact`]: a last pass that removes the values of secret plan variables;
//! - [`seal`]: the closing "Integrity" section (event-chain head, digest of the content above).
//!
//! All text from the run goes through [`markdown`] so nothing in it can break the structure.
//! The report is deterministic: it reads no clock and iterates no hash map, so the same run
//! renders to the same bytes (the snapshot tests rely on it). To add a section, write a function
//! `fn(&mut String, &RunView)` in the file for its area and call it from [`report`].

mod approvals;
mod commits;
mod events;
mod evidence;
mod format;
mod header;
mod markdown;
mod phases;
mod redact;
mod runbook;
mod seal;
mod sections;
mod view;

pub use approvals::{approval_files, approvals_dir};
pub use runbook::{ADDED as RUNBOOK_ADDED, executed_runbook, runbook_file};
pub use seal::{
    SEAL_HEADING, Seal, UNSHOWN_EVENT_KINDS, content_intact, read_seal, report_chain_head,
    sha256_hex,
};

use crate::record::Run;
use view::RunView;

/// Render the run as Markdown. Deterministic: the same run gives the same bytes.
pub fn report(run: &Run) -> String {
    let view = RunView::new(run);
    // Roughly what a step and an event take once rendered; one allocation for typical runs.
    let mut out = String::with_capacity(4_096 + run.steps.len() * 512 + run.events.len() * 128);

    header::title_and_verdict(&mut out, &view);
    header::metadata(&mut out, &view);
    phases::summary(&mut out, &view);
    phases::details(&mut out, &view);
    commits::commits(&mut out, &view);
    sections::backup(&mut out, &view);
    sections::metrics(&mut out, &view);
    sections::signoff(&mut out, &view);
    approvals::approvals(&mut out, &view);
    sections::rollback(&mut out, &view);
    sections::success_criteria(&mut out, &view);
    events::event_log(&mut out, &view);

    // The seal covers the content as it will be read: after the secrets are masked.
    let mut out = redact::redact(out, &run.header.plan);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out.push('\n');
    seal::seal(&mut out, run);
    out
}
