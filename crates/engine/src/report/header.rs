//! The top of the report: the title, the dry-run banner, the verdict with its reasons, and the
//! metadata table (repository, commit, tags, operator, times, plan). A reader who stops here
//! knows whether the release may go and why.

use std::fmt::Write as _;

use super::format;
use super::markdown::{code, code_cell, table_head, table_row, text};
use super::view::RunView;
use crate::record::{PlanOrigin, StepStatus};
use crate::signoff::RoleState;

/// At most this many steps are named per reason in the verdict; the phases list them all.
const MAX_NAMED: usize = 20;

/// Title, banner and verdict.
pub(crate) fn title_and_verdict(out: &mut String, view: &RunView<'_>) {
    let h = &view.run.header;
    let _ = writeln!(
        out,
        "# {} — {} ({})\n",
        text(&h.plan.plan.title),
        text(&h.version),
        text(&h.environment)
    );
    if h.dry_run {
        out.push_str("> **DRY RUN** — actions were not performed; only read-only checks ran.\n\n");
    }
    verdict(out, view);
}

fn verdict(out: &mut String, view: &RunView<'_>) {
    let run = view.run;
    let count = |st: StepStatus| run.steps.iter().filter(|s| s.status == st).count();
    let mut tally = Vec::new();
    for st in [
        StepStatus::Passed,
        StepStatus::Failed,
        StepStatus::Warned,
        StepStatus::Waived,
        StepStatus::Skipped,
        StepStatus::Pending,
        StepStatus::Running,
    ] {
        let n = count(st);
        if n > 0 {
            tally.push(format!("{n} {}", format::step_word(st)));
        }
    }
    let tally = if tally.is_empty() { "no steps".to_owned() } else { tally.join(", ") };
    let _ = writeln!(
        out,
        "**Verdict: {}** — run {}; {} step{}: {}.\n",
        format::outcome(run.outcome),
        format::run_status(run.status),
        run.steps.len(),
        if run.steps.len() == 1 { "" } else { "s" },
        tally
    );

    let mut reasons = String::new();
    if let Some(asked) = &run.rollback {
        let state = match (run.outcome, run.status) {
            (crate::record::Outcome::RolledBack, _) => "↩️ Rolled back",
            (_, crate::record::RunStatus::Failed) => "❌ Rollback stopped by a failed step",
            _ => "▶️ Rollback asked for, not finished",
        };
        let _ = writeln!(
            reasons,
            "- {state}: asked for by {} at {}: {}",
            text(&asked.by),
            format::time(asked.at),
            text(&asked.reason)
        );
    }
    reason(
        &mut reasons,
        "❌ Failed",
        view.run.steps.iter().filter(|s| s.status == StepStatus::Failed),
        |s| text(&s.summary),
    );
    reason(
        &mut reasons,
        "🟡 Waived",
        run.steps.iter().filter(|s| s.waiver.is_some() && s.status == StepStatus::Waived),
        |s| {
            s.waiver
                .as_ref()
                .map_or_else(String::new, |w| format!("by {}: {}", text(&w.who()), text(&w.reason)))
        },
    );
    reason(
        &mut reasons,
        &format!("{} Waiting on a person", format::WAITING_EMOJI),
        run.steps.iter().filter(|s| view.is_waiting_on_person(s)),
        |s| {
            let signoff =
                view.plan_step(&s.step_id).is_some_and(|p| p.action.signoff_roles().is_some());
            if signoff { text(&s.summary) } else { String::new() }
        },
    );
    reason(
        &mut reasons,
        "⚠️ Warned",
        run.steps.iter().filter(|s| s.status == StepStatus::Warned),
        |s| text(&s.summary),
    );
    signoff_reasons(&mut reasons, view);
    if !reasons.is_empty() {
        out.push_str(&reasons);
        out.push('\n');
    }
}

/// One bullet per role the sign-off asks for: approved (by whom), or what stands in the way.
fn signoff_reasons(out: &mut String, view: &RunView<'_>) {
    let run = view.run;
    for role in crate::signoff::run_verdict(run, &run.steps, run.status).roles {
        let mark = match role.state {
            RoleState::Approved => "✅ Signed off",
            RoleState::Rejected => "❌ Rejected",
            RoleState::OnHold => "✋ On hold",
            RoleState::Missing => "✋ Sign-off missing",
        };
        let _ = writeln!(out, "- {mark}: {}", text(&role.describe()));
    }
}

/// One bullet per step with a reason; capped so that a huge run keeps a readable verdict.
fn reason<'a>(
    out: &mut String,
    label: &str,
    steps: impl Iterator<Item = &'a crate::record::StepRecord>,
    detail: impl Fn(&crate::record::StepRecord) -> String,
) {
    let mut rest = 0usize;
    for (i, s) in steps.enumerate() {
        if i >= MAX_NAMED {
            rest += 1;
            continue;
        }
        let d = detail(s);
        let sep = if d.is_empty() { "" } else { " — " };
        let _ = writeln!(out, "- {label}: **{}** ({}){sep}{d}", text(&s.title), code(&s.step_id));
    }
    if rest > 0 {
        let _ = writeln!(out, "- {label}: … and {rest} more (see the phases below)");
    }
}

/// The metadata table.
pub(crate) fn metadata(out: &mut String, view: &RunView<'_>) {
    let run = view.run;
    let h = &run.header;
    let f = &h.facts;
    let mut rows: Vec<[String; 2]> = Vec::with_capacity(16);
    let mut row = |k: &str, v: String| rows.push([k.to_owned(), v]);

    row("Run", code_cell(&h.id));
    row("Repository", code_cell(&h.repo_path));
    row(
        "Branch",
        match (&f.branch, f.detached) {
            (Some(b), _) => code_cell(b),
            (None, true) => "detached HEAD".to_owned(),
            (None, false) => "— (no branch)".to_owned(),
        },
    );
    row(
        "Commit",
        f.head.as_ref().map_or_else(
            || "— (no commit)".to_owned(),
            |c| format!("{} {}", code_cell(&c.short_id), text(&c.summary)),
        ),
    );
    row("Version", text(&h.version));
    row("Environment", text(&h.environment));
    row("Release tag", release_tag(view));
    row(
        "Previous release",
        f.previous_release.as_ref().map_or_else(
            || "— (none found)".to_owned(),
            |p| {
                let mut s = format!("{} ({})", code_cell(&p.tag), text(&p.version));
                if !p.commit.is_empty() {
                    let _ = write!(s, " at {}", code_cell(short(&p.commit)));
                }
                s
            },
        ),
    );
    row("Operator", text(&h.operator));
    row("Mode", if h.dry_run { "dry run".to_owned() } else { "live".to_owned() });
    row("Started", format::time(h.started_at));
    row("Finished", run.finished_at.map_or_else(|| "— (not finished)".to_owned(), format::time));
    row("Duration", format::span(Some(h.started_at), run.finished_at));
    let all: Vec<&crate::record::StepRecord> = run.steps.iter().collect();
    row(
        "Working",
        super::phases::working(view, &all).map_or_else(
            || "— (no check or action ran)".to_owned(),
            |ms| {
                format!(
                    "{} (checks and actions running; the rest of the duration waited for people)",
                    format::duration_ms(ms)
                )
            },
        ),
    );
    row("Status", format::run_status(run.status).to_owned());
    row("Outcome", format::outcome(run.outcome).to_owned());
    let origin = match &h.plan_origin {
        PlanOrigin::Template(name) => format!("built-in template {}", code_cell(name)),
        PlanOrigin::File(path) => format!("file {}", code_cell(path)),
    };
    let hash: String = h.plan_hash.chars().take(12).collect();
    row("Plan", format!("{} — {origin}, sha256 {}", text(&h.plan.plan.title), code_cell(&hash)));

    table_head(out, &["Field", "Value"]);
    for r in &rows {
        table_row(out, r);
    }
    out.push('\n');
}

/// The tag that marks this release at HEAD: `v{version}` or `{version}` when present,
/// otherwise every tag at HEAD — at the start, or put there by a step of the run (its
/// `run.tagged` events).
fn release_tag(view: &RunView<'_>) -> String {
    let h = &view.run.header;
    let mut tags = h.facts.head_tags.clone();
    let during = view.run.events.iter().filter(|e| e.kind == crate::record::TAGGED);
    tags.extend(during.filter_map(|e| crate::record::tagged_name(&e.message)).map(str::to_string));
    let tags = &tags;
    let wanted = [format!("v{}", h.version), h.version.clone()];
    if let Some(t) = tags.iter().find(|t| wanted.contains(t)) {
        return code_cell(t);
    }
    if tags.is_empty() {
        return "— (no tag at HEAD)".to_owned();
    }
    tags.iter().map(|t| code_cell(t)).collect::<Vec<_>>().join(", ")
}

/// A commit id shortened for people (9 hex digits, as `git log --oneline` shows them in a
/// large repository).
pub(crate) fn short(id: &str) -> &str {
    id.get(..9).unwrap_or(id)
}
