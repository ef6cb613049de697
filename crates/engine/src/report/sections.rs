//! The closing sections: Backup, Validation metrics, Sign-off, Rollback and Success criteria.
//! Each is rendered from evidence when the run has it, and otherwise says plainly that it was not
//! part of this run, so a reader never mistakes an absent section for a forgotten one.

use std::fmt::Write as _;

use super::evidence;
use super::format;
use super::header::short;
use super::markdown::{code, table_head, table_row, text};
use super::view::RunView;
use crate::plan::{Stage, StepAction, StepClass};
use crate::record::{Outcome, RunStatus, StepStatus};
use crate::signoff;

/// "Backup": every step that takes or finds a backup, with its files, facts and measurements.
pub(crate) fn backup(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Backup\n\n");
    let mut any = false;
    for s in view.steps_where(StepAction::shows_a_backup) {
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

/// "Sign-off": one row per decision recorded for each role of the plan (a dash row for a role
/// no one has decided for yet), then where each role stands and the separation-of-duties rule.
/// Decisions are read from the sign-off steps' evidence (see `signoff::with_signoff`).
pub(crate) fn signoff(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Sign-off\n\n");
    let h = &view.run.header;
    if h.plan.plan.roles.is_empty() {
        out.push_str("Not part of this run: the plan names no sign-off roles.\n\n");
        return;
    }
    let rules = signoff::role_rules(&h.plan, &h.plan_source, &h.environment);
    let given = signoff::signoffs_in(&h.plan, &view.run.steps);
    let required: Vec<String> =
        signoff::required_roles(view.run).into_iter().map(|r| r.id).collect();
    let matrix = signoff::matrix(&rules, &given, &h.operator);
    table_head(out, &["Role", "Name", "Decision", "Comment", "Time", "Role status"]);
    for role in &matrix {
        let status = role_status_cell(role, required.contains(&role.rule.id));
        let mine: Vec<&signoff::Signoff> =
            given.iter().filter(|s| s.role == role.rule.id).collect();
        if mine.is_empty() {
            table_row(
                out,
                &[text(&role.rule.title), "—".into(), "—".into(), "—".into(), "—".into(), status],
            );
            continue;
        }
        for s in mine {
            table_row(
                out,
                &[
                    text(&role.rule.title),
                    text(&match &s.signed {
                        Some(by) => format!("{} (signed, {})", s.who(), by.fingerprint),
                        None => format!("{} (recorded by {}, not signed)", s.name, h.operator),
                    }),
                    decision_cell(s.decision).to_owned(),
                    text(&s.comment),
                    format::time(s.at),
                    status.clone(),
                ],
            );
        }
    }
    out.push('\n');
    let production = signoff::is_production(&h.environment);
    let may: Vec<&str> = matrix
        .iter()
        .filter(|r| r.rule.operator_may_approve)
        .map(|r| r.rule.title.as_str())
        .collect();
    let _ = writeln!(
        out,
        "Separation of duties: the operator ({}) {}{}.\n",
        text(&h.operator),
        if may.is_empty() {
            "may not approve for any role".to_owned()
        } else {
            format!("may approve only for: {}", text(&may.join(", ")))
        },
        if production { " (a production run: off unless a role allows it)" } else { "" }
    );
}

fn decision_cell(d: signoff::Decision) -> &'static str {
    match d {
        signoff::Decision::Approve => "✅ approve",
        signoff::Decision::Reject => "❌ reject",
        signoff::Decision::Hold => "✋ hold",
    }
}

fn role_status_cell(role: &signoff::RoleStatus, required: bool) -> String {
    let word = match role.state {
        signoff::RoleState::Approved => {
            format!("✅ approved ({} of {})", role.approved_by.len(), role.rule.approvals)
        }
        signoff::RoleState::Rejected => "❌ rejected".to_owned(),
        signoff::RoleState::OnHold => "✋ on hold".to_owned(),
        signoff::RoleState::Missing => format!(
            "✋ {} of {} approval{}",
            role.approved_by.len(),
            role.rule.approvals,
            if role.rule.approvals == 1 { "" } else { "s" }
        ),
    };
    let mut cell = if required { word } else { format!("{word} (not asked for by this plan)") };
    for (s, why) in &role.not_counted {
        cell.push_str(&format!("; approval by {} not counted: {}", text(&s.name), text(why)));
    }
    cell
}

/// "Rollback": the concrete values to go back to.
pub(crate) fn rollback(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Rollback\n\n");
    let facts = &view.run.header.facts;
    let rollback_step = view.steps_where(|a| matches!(a, StepAction::Rollback(_))).next();
    let params = rollback_step
        .and_then(|s| view.plan_step(&s.step_id))
        .and_then(|s| if let StepAction::Rollback(p) = &s.action { Some(p) } else { None });
    // The backup to restore: the one the rollback step names, else the first good backup.
    let named = params.and_then(|p| p.backup_step.as_deref());
    let backup = view
        .steps_where(StepAction::shows_a_backup)
        .filter(|s| named.is_none_or(|id| s.step_id == id))
        .find(|s| s.status.is_ok() && !s.evidence.files.is_empty());

    rollback_done(out, view);
    if facts.previous_release.is_none() && backup.is_none() && rollback_step.is_none() {
        if view.run.rollback.is_some() {
            return;
        }
        out.push_str(
            "Not part of this run: there is no previous release, no backup and no rollback \
             step.\n\n",
        );
        return;
    }
    out.push_str(if view.run.rollback.is_some() {
        "The values it went back to:\n\n"
    } else {
        "If this release must be undone, these are the values to go back to:\n\n"
    });
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

/// When a rollback was asked for: who asked, when and why, then every rollback step in order
/// with what it found, and for each action its evidence (what it stopped, restored and put
/// back), so the section reads as the record of the way back, not a plan for it.
fn rollback_done(out: &mut String, view: &RunView<'_>) {
    let Some(asked) = &view.run.rollback else { return };
    let state = match (view.run.outcome, view.run.status) {
        (Outcome::RolledBack, _) => "**↩️ Rolled back**",
        (_, RunStatus::Failed) => "**❌ Rollback stopped by a failed step**",
        _ => "**▶️ Rollback under way**",
    };
    let _ = writeln!(
        out,
        "{state} — asked for by {} at {}: {}\n",
        text(&asked.by),
        format::time(asked.at),
        text(&asked.reason)
    );
    out.push_str("What the rollback did, in order:\n\n");
    for phase in view.phases.iter().filter(|p| p.stage == Stage::Rollback) {
        for step in &phase.steps {
            let drawn = view.drawn_status(step);
            let _ = write!(
                out,
                "- {} **{}** ({})",
                format::step_emoji(drawn),
                text(&step.title),
                format::step_word(drawn)
            );
            if !step.summary.trim().is_empty() {
                let _ = write!(out, " — {}", text(&step.summary));
            }
            out.push('\n');
            let acts = view
                .plan_step(&step.step_id)
                .is_some_and(|s| s.action.class() == StepClass::Action);
            if acts && step.status.is_done() && step.status != StepStatus::Skipped {
                evidence::step_evidence(out, view, step);
            }
        }
    }
    out.push('\n');
}

/// "Success criteria": each ticked only when every step that proves it passed (see
/// [`signoff::criteria`]), whatever the verdict; a waived proof is shown, never ticked.
pub(crate) fn success_criteria(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Success criteria\n\n");
    let claims = signoff::criteria(view.run, &view.run.steps);
    if claims.is_empty() {
        out.push_str("Not part of this run: the plan lists no success criteria.\n\n");
        return;
    }
    let met = claims.iter().filter(|c| c.is_met()).count();
    let _ = writeln!(
        out,
        "{met} of {} met. A box is ticked only when every step that proves it passed.\n",
        claims.len()
    );
    for c in &claims {
        let tick = if c.is_met() { 'x' } else { ' ' };
        let _ = write!(out, "- [{tick}] {}", text(&c.text));
        match &c.state {
            signoff::CriterionState::Met => {
                let _ = write!(out, " — proved by {}", titles(&c.proved_by));
            }
            signoff::CriterionState::Waived(waivers) => {
                let who: Vec<String> = waivers
                    .iter()
                    .map(|w| {
                        format!(
                            "\u{201c}{}\u{201d} waived by {}: {}",
                            text(&w.step_title),
                            text(&w.by),
                            text(&w.reason)
                        )
                    })
                    .collect();
                let _ = write!(out, " — 🟡 not proved: {}", who.join("; "));
            }
            signoff::CriterionState::Open(why) => {
                let _ = write!(out, " — open: {}", text(why));
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

fn titles(titles: &[String]) -> String {
    titles.iter().map(|t| format!("\u{201c}{}\u{201d}", text(t))).collect::<Vec<_>>().join(", ")
}
