//! A step's evidence as a nested list under its task-list item: what kind of step it was and how
//! long it took, who answered it, the facts and measurements it saw, the command it ran with the
//! exit code and an output excerpt, and the files it looked at with size and SHA-256.
//!
//! Indentation matters: the item's content starts at column 2, the nested bullets' content at
//! column 4, so fenced output blocks are indented by four spaces to stay inside their bullet.

use std::fmt::Write as _;

use super::format;
use super::markdown::{code, fenced, text};
use super::view::RunView;
use crate::record::{CommandEvidence, FileEvidence, Measurement, StepRecord};

/// The nested evidence list of one step.
pub(crate) fn step_evidence(out: &mut String, view: &RunView<'_>, step: &StepRecord) {
    let mut meta = vec![code(&step.kind)];
    meta.push(if step.blocking { "blocking" } else { "non-blocking" }.to_owned());
    if let Some(ms) = step.duration_ms() {
        meta.push(format::duration_ms(ms));
    }
    if view.is_waiting_on_person(step) {
        meta.push("waiting on a person".to_owned());
    }
    if let Some(source) = view.plan_step(&step.step_id).and_then(|s| s.source.as_deref()) {
        meta.push(format!("from {}", code(source)));
    }
    let _ = writeln!(out, "  - {}", meta.join(" · "));

    if let Some(by) = &step.answered_by {
        let _ = writeln!(out, "  - Answered by {}", text(by));
    }
    if let Some(note) = step.note.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = writeln!(out, "  - Note: {}", text(note));
    }
    let ev = &step.evidence;
    let mut histogram: Vec<String> = Vec::new();
    for f in &ev.facts {
        if let Some(bucket) =
            f.label.strip_prefix("histogram.le_").and_then(|b| b.strip_suffix("ms"))
        {
            // One line for the whole histogram (the stored evidence keeps every bucket; the
            // desktop draws it): only the buckets that counted something.
            if f.value != "0" {
                histogram.push(format!("≤ {bucket} ms: {}", f.value));
            }
            continue;
        }
        if f.label == crate::signoff::REQUEST_FACT {
            // The request's text is in the record; the report names what it asked for.
            let digest = f.value.lines().find_map(|l| l.strip_prefix("report-sha256: "));
            let _ = writeln!(
                out,
                "  - Sign-off requested over the report with SHA-256 {}",
                code(digest.unwrap_or("unknown"))
            );
            continue;
        }
        if f.label.ends_with(".approval") {
            // The signed file itself: listed under "Approvals", written beside the report.
            continue;
        }
        if f.label == "histogram.count" {
            histogram.push(format!("{} in all", f.value));
            continue;
        }
        let value = if f.label == "body excerpt" {
            one_line(&f.value, BODY_CHARS)
        } else {
            f.value.clone()
        };
        let _ = writeln!(out, "  - {}: {}", text(&f.label), text(&value));
    }
    if !histogram.is_empty() {
        let _ = writeln!(out, "  - Latency histogram: {}", text(&histogram.join(" · ")));
    }
    for m in &ev.measurements {
        let _ = writeln!(out, "  - {}", measurement(m));
    }
    if let Some(c) = &ev.command {
        command(out, c);
    }
    for f in &ev.files {
        let _ = writeln!(out, "  - File: {}", file(f));
    }
}

/// How much of a response body the report quotes (the stored evidence keeps its excerpt).
const BODY_CHARS: usize = 160;

/// Text on one line, runs of whitespace as one space, cut at `max` characters with the count
/// of what was left out.
fn one_line(value: &str, max: usize) -> String {
    let flat = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let total = flat.chars().count();
    if total <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    format!("{cut}… ({} more characters in the stored evidence)", total - max)
}

/// `free disk space: 41.2 GB (target ≥ 5 GB) ✅`.
pub(crate) fn measurement(m: &Measurement) -> String {
    format!(
        "{}: {} (target {}) {}",
        text(&m.metric),
        text(&format::measured(m.value, &m.unit)),
        text(&m.target),
        if m.passed { "✅" } else { "❌" }
    )
}

/// `` `/backups/app.db` — 2.41 MB (2,412,544 bytes), sha256 `…` ``.
pub(crate) fn file(f: &FileEvidence) -> String {
    let mut s = format!("{} — {}", code(&f.path), format::bytes(f.size_bytes));
    if let Some(t) = f.modified {
        let _ = write!(s, ", modified {}", format::time(t));
    }
    if let Some(h) = &f.sha256 {
        let _ = write!(s, ", sha256 {}", code(h));
    }
    s
}

/// The command line, how it ended, and its output excerpts in fenced blocks.
fn command(out: &mut String, c: &CommandEvidence) {
    let mut line = c.program.clone();
    for a in &c.args {
        line.push(' ');
        // Quote an argument a person would otherwise misread as two.
        if a.is_empty() || a.contains(char::is_whitespace) {
            let _ = write!(line, "\"{a}\"");
        } else {
            line.push_str(a);
        }
    }
    let _ = write!(out, "  - Command: {}", code(&line));
    if !c.cwd.is_empty() {
        let _ = write!(out, " in {}", code(&c.cwd));
    }
    out.push('\n');
    let took = format::duration_ms(i64::try_from(c.duration_ms).unwrap_or(i64::MAX));
    let _ = match (c.exit_code, c.timed_out) {
        (_, true) => writeln!(out, "  - Timed out after {took} and was stopped"),
        (Some(code), false) => writeln!(out, "  - Exit code {code} after {took}"),
        (None, false) => writeln!(out, "  - Did not finish normally (no exit code) after {took}"),
    };
    for (label, body) in [("Output", &c.stdout_excerpt), ("Errors (stderr)", &c.stderr_excerpt)] {
        if body.trim().is_empty() {
            continue;
        }
        let _ = writeln!(out, "  - {label}:");
        fenced(out, "    ", body);
    }
}
