//! The closing sections: Backup, Validation metrics, Sign-off, Rollback and Success criteria.
//! Each is rendered from evidence when the run has it, and otherwise says plainly that it was not
//! part of this run, so a reader never mistakes an absent section for a forgotten one.

use std::fmt::Write as _;

use super::evidence;
use super::format;
use super::header::short;
use super::markdown::{code, table_head, table_row, text};
use super::view::RunView;
use crate::plan::StepAction;
use crate::run::{Outcome, RunStatus, StepRecord};

/// "Backup": every `backup.*` step with its files, facts and measurements.
pub(crate) fn backup(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Backup\n\n");
    let mut any = false;
    for s in view.steps_of_kind("backup.") {
        any = true;
        let _ = write!(
            out,
            "- {} **{}** ({}) — {}",
            format::step_emoji(s.status),
            text(&s.title),
            code(&s.step_id),
            format::step_word(s.status)
        );
        if !s.summary.trim().is_empty() {
            let _ = write!(out, ": {}", text(&s.summary));
        }
        out.push('\n');
        for f in &s.evidence.files {
            let _ = writeln!(out, "  - File: {}", evidence::file(f));
        }
        for f in &s.evidence.facts {
            let _ = writeln!(out, "  - {}: {}", text(&f.label), text(&f.value));
        }
        for m in &s.evidence.measurements {
            let _ = writeln!(out, "  - {}", evidence::measurement(m));
        }
    }
    out.push_str(if any { "\n" } else { "Not part of this run: the plan has no backup step.\n\n" });
}

/// "Validation metrics": every measurement of every step, in plan order.
pub(crate) fn metrics(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Validation metrics\n\n");
    let mut rows = view.run.steps.iter().flat_map(|s| s.evidence.measurements.iter()).peekable();
    if rows.peek().is_none() {
        out.push_str("Not part of this run: no step measured a value against a target.\n\n");
        return;
    }
    table_head(out, &["Metric", "Target", "Measured", "Status"]);
    for m in rows {
        table_row(
            out,
            &[
                text(&m.metric),
                text(&m.target),
                text(&format::measured(m.value, &m.unit)),
                if m.passed { "✅ met" } else { "❌ missed" }.to_owned(),
            ],
        );
    }
    out.push('\n');
}

/// "Sign-off": one row per role of the plan. A sign-off step records a role's answer as facts
/// labelled `<role id>.name`, `.decision`, `.comment` and `.time`; until one has, the cells
/// show a dash for a person to fill in.
pub(crate) fn signoff(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Sign-off\n\n");
    let roles = &view.run.header.plan.plan.roles;
    if roles.is_empty() {
        out.push_str("Not part of this run: the plan names no sign-off roles.\n\n");
        return;
    }
    let signoffs: Vec<&StepRecord> = view.steps_of_kind("signoff").collect();
    let answer = |role: &str, field: &str| -> String {
        let label = format!("{role}.{field}");
        signoffs
            .iter()
            .flat_map(|s| s.evidence.facts.iter())
            .rev()
            .find(|f| f.label == label)
            .map_or_else(|| "—".to_owned(), |f| text(&f.value))
    };
    table_head(out, &["Role", "Name", "Decision", "Comment", "Time"]);
    for r in roles {
        table_row(
            out,
            &[
                text(&r.title),
                answer(&r.id, "name"),
                answer(&r.id, "decision"),
                answer(&r.id, "comment"),
                answer(&r.id, "time"),
            ],
        );
    }
    out.push('\n');
}

/// "Rollback": the concrete values to go back to.
pub(crate) fn rollback(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Rollback\n\n");
    let facts = &view.run.header.facts;
    let rollback_step = view.steps_of_kind("rollback").next();
    let params =
        rollback_step.and_then(|s| view.plan_step(&s.step_id)).and_then(|s| match &s.action {
            StepAction::Rollback(p) => Some(p),
            _ => None,
        });
    // The backup to restore: the one the rollback step names, else the first good backup.
    let named = params.and_then(|p| p.backup_step.as_deref());
    let backup = view
        .steps_of_kind("backup.")
        .filter(|s| named.is_none_or(|id| s.step_id == id))
        .find(|s| s.status.is_ok() && !s.evidence.files.is_empty());

    if facts.previous_release.is_none() && backup.is_none() && rollback_step.is_none() {
        out.push_str(
            "Not part of this run: there is no previous release, no backup and no rollback \
             step.\n\n",
        );
        return;
    }
    out.push_str("If this release must be undone, these are the values to go back to:\n\n");
    match &facts.previous_release {
        Some(p) => {
            let _ = write!(out, "- Previous release: {} ({})", code(&p.tag), text(&p.version));
            if !p.commit.is_empty() {
                let _ = write!(out, " at commit {}", code(short(&p.commit)));
            }
            out.push('\n');
        }
        None => out.push_str("- Previous release: — (no earlier release tag found)\n"),
    }
    match backup.and_then(|s| s.evidence.files.first().map(|f| (s, f))) {
        Some((s, f)) => {
            let _ = writeln!(
                out,
                "- Backup to restore: {} (from step **{}**)",
                evidence::file(f),
                text(&s.title)
            );
        }
        None => out.push_str("- Backup to restore: — (no verified backup in this run)\n"),
    }
    if let Some(c) = params.and_then(|p| p.container.as_deref()) {
        let _ = writeln!(out, "- Container: {}", code(c));
    }
    if let Some(i) = params.and_then(|p| p.image.as_deref()) {
        let _ = writeln!(out, "- Image to put back: {}", code(i));
    }
    if let Some(s) = rollback_step {
        let _ = write!(
            out,
            "- Rollback step **{}**: {} {}",
            text(&s.title),
            format::step_emoji(s.status),
            format::step_word(s.status)
        );
        if !s.summary.trim().is_empty() {
            let _ = write!(out, " — {}", text(&s.summary));
        }
        out.push('\n');
    }
    out.push('\n');
}

/// "Success criteria": ticked only when the run completed with outcome GO.
pub(crate) fn success_criteria(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Success criteria\n\n");
    let criteria = &view.run.header.plan.plan.success_criteria;
    if criteria.is_empty() {
        out.push_str("Not part of this run: the plan lists no success criteria.\n\n");
        return;
    }
    let met = view.run.status == RunStatus::Completed && view.run.outcome == Outcome::Go;
    out.push_str(if met {
        "Met: the run completed with outcome GO.\n\n"
    } else {
        "Not yet met: they are ticked only when the run completes with outcome GO.\n\n"
    });
    let tick = if met { 'x' } else { ' ' };
    for c in criteria {
        let _ = writeln!(out, "- [{tick}] {}", text(c));
    }
    out.push('\n');
}
