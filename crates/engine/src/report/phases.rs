//! The phases: a summary table (one row per phase) and then each phase as a task list, one item
//! per step, ticked only when the step passed (a gate: when every step it waits for passed
//! too), with its evidence nested under it.

use std::fmt::Write as _;

use super::evidence;
use super::format;
use super::markdown::{table_head, table_row, text};
use super::view::RunView;
use crate::plan::StepClass;
use crate::record::{StepRecord, StepStatus};

/// The phase summary table.
pub(crate) fn summary(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Phases\n\n");
    if view.phases.is_empty() {
        out.push_str("The plan has no phases.\n\n");
        return;
    }
    table_head(out, &["#", "Phase", "Status", "Steps passed", "Working", "Elapsed"]);
    for (i, phase) in view.phases.iter().enumerate() {
        let passed = phase.steps.iter().filter(|s| view.drawn_status(s) == StepStatus::Passed);
        let start = phase.steps.iter().filter_map(|s| s.started_at).min();
        let end = phase.steps.iter().filter_map(|s| s.finished_at).max();
        table_row(
            out,
            &[
                (i + 1).to_string(),
                text(phase.title),
                view.phase_status(phase).label().to_owned(),
                format!("{}/{}", passed.count(), phase.steps.len()),
                working(view, &phase.steps).map_or_else(|| "—".to_owned(), format::duration_ms),
                format::span(start, end),
            ],
        );
    }
    out.push('\n');
    out.push_str(
        "Working: the time the phase's checks and actions ran (side by side counted once). \
         Elapsed: from its first start to its last finish, waits for people included.\n\n",
    );
}

/// Milliseconds during which at least one of the steps that people do not answer was running:
/// the union of their start–finish spans, so checks run side by side count once and the time
/// a manual item or sign-off waited for someone counts not at all.
pub(crate) fn working(view: &RunView<'_>, steps: &[&StepRecord]) -> Option<i64> {
    let mut spans: Vec<(i64, i64)> = steps
        .iter()
        .filter(|s| {
            let person = view.plan_step(&s.step_id).map(|p| p.action.class() == StepClass::Person);
            // A record its plan does not define is judged by the kind it says it is.
            !person.unwrap_or(matches!(s.kind.as_str(), "manual" | "gate" | "signoff"))
        })
        .filter_map(|s| Some((s.started_at?.timestamp_millis(), s.finished_at?.timestamp_millis())))
        .filter(|(a, b)| b >= a)
        .collect();
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let (mut total, mut current) = (0i64, spans[0]);
    for &(a, b) in &spans[1..] {
        if a <= current.1 {
            current.1 = current.1.max(b);
        } else {
            total += current.1 - current.0;
            current = (a, b);
        }
    }
    Some(total + current.1 - current.0)
}

/// Every phase with its steps and their evidence.
pub(crate) fn details(out: &mut String, view: &RunView<'_>) {
    let _ = writeln!(out, "{}\n", format::LEGEND);
    for (i, phase) in view.phases.iter().enumerate() {
        let _ = writeln!(out, "## Phase {}: {}\n", i + 1, text(phase.title));
        if !phase.description.trim().is_empty() {
            let _ = writeln!(out, "{}\n", text(phase.description));
        }
        if phase.steps.is_empty() {
            out.push_str("No steps.\n\n");
            continue;
        }
        for step in &phase.steps {
            step_item(out, view, step);
        }
        out.push('\n');
    }
}

/// One step as a task-list item, ticked only when its evidence passed: a warned, waived or
/// skipped step keeps an empty box beside its emoji.
fn step_item(out: &mut String, view: &RunView<'_>, step: &StepRecord) {
    let drawn = view.drawn_status(step);
    let tick = if drawn == StepStatus::Passed { 'x' } else { ' ' };
    let emoji = if view.is_waiting_on_person(step) {
        format::WAITING_EMOJI
    } else {
        format::step_emoji(drawn)
    };
    let _ = write!(out, "- [{tick}] {emoji} **{}**", text(&step.title));
    if step.summary.trim().is_empty() {
        out.push('\n');
    } else {
        let _ = writeln!(out, " — {}", text(&step.summary));
    }
    match (&step.waiver, step.status) {
        (Some(w), StepStatus::Waived) => {
            let agreed = w.agreed.as_ref().map_or_else(String::new, |a| {
                let role =
                    a.role.as_deref().map(|r| format!(" for {}", text(r))).unwrap_or_default();
                format!(", agreed by **{}**{role} at {}", text(&a.by), format::time(a.at))
            });
            let _ = writeln!(
                out,
                "  > Waived by **{}** at {}{agreed}: {}",
                text(&w.by),
                format::time(w.at),
                text(&w.reason)
            );
        }
        (Some(w), _) => {
            let _ = writeln!(
                out,
                "  > Waiver proposed by **{}** at {}: {} — not in effect: no second person has agreed",
                text(&w.by),
                format::time(w.at),
                text(&w.reason)
            );
        }
        (None, _) => {}
    }
    evidence::step_evidence(out, view, step);
}
