//! The runbook handed back executed (issue 17): the team's own Markdown, every other byte as it
//! was, with each checkbox that a step imported from it (`source = "FILE:LINE"`) ticked only
//! when its step passed — unticked otherwise, whatever the file said — and one evidence line
//! added under it: what the step found, who waived it and why, who answered it. Evidence for a
//! command inside a code block, or a table row, is added after the block or the table (nothing
//! is written inside them). A pure function of the run and the runbook's bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::record::{Run, StepRecord, StepStatus};

/// The marker of every line this adds, so a reader (and a test) can tell them from the team's.
pub const ADDED: &str = "Release Pilot:";

/// The runbook `bytes` (named `file` in the steps' `source`) with `run`'s evidence.
pub fn executed_runbook(run: &Run, bytes: &[u8], file: &str) -> String {
    let text = String::from_utf8_lossy(bytes);
    let by_line = steps_by_line(run, file);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(text.len() + by_line.len() * 96);
    let mut fence: Option<(char, usize)> = None;
    let mut pending: Vec<String> = Vec::new();
    let mut in_table = false;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = index + 1;
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        // Leaving a table: what its rows found goes right after it.
        if in_table && !trimmed.starts_with('|') {
            flush(&mut out, &mut pending, newline);
            in_table = false;
        }
        let fence_here = fence_of(trimmed, line.len() - trimmed.len());
        let closing = match (fence, fence_here) {
            (None, Some(f)) => {
                fence = Some(f);
                false
            }
            (Some((c, n)), Some((fc, fnn))) if c == fc && fnn >= n => {
                fence = None;
                true
            }
            _ => false,
        };
        let step = by_line.get(&line_no);
        match step {
            Some(rec) if fence.is_none() && !closing && checkbox(trimmed).is_some() => {
                let indent = &line[..line.len() - trimmed.len()];
                let (marker, rest) = checkbox(trimmed).expect("checked above");
                let tick = if rec.status == StepStatus::Passed { "x" } else { " " };
                out.push_str(indent);
                let _ = write!(out, "{marker} [{tick}]{rest}");
                let ending = &raw[line.len()..];
                out.push_str(if ending.is_empty() { newline } else { ending });
                let _ = write!(out, "{indent}  *{ADDED} {}*{newline}", evidence(rec));
                continue;
            }
            Some(rec) if fence.is_some() || closing => {
                pending.push(format!("`{}`: {}", line.trim(), evidence(rec)));
            }
            Some(rec) if trimmed.starts_with('|') => {
                in_table = true;
                let first = trimmed.trim_matches('|').split('|').next().unwrap_or("").trim();
                pending.push(format!("{first}: {}", evidence(rec)));
            }
            _ => {}
        }
        out.push_str(raw);
        if trimmed.starts_with('|') {
            in_table = true;
        }
        if closing {
            flush(&mut out, &mut pending, newline);
        }
    }
    if !pending.is_empty() {
        if !out.ends_with('\n') {
            out.push_str(newline);
        }
        flush(&mut out, &mut pending, newline);
    }
    out
}

/// Write what waited for the end of a block or a table, as a list of added lines.
fn flush(out: &mut String, pending: &mut Vec<String>, newline: &str) {
    if pending.is_empty() {
        return;
    }
    for line in pending.drain(..) {
        let _ = write!(out, "- *{ADDED} {line}*{newline}");
    }
}

/// A line's fence marker (its character and length), if it is one.
fn fence_of(trimmed: &str, indent: usize) -> Option<(char, usize)> {
    let c = trimmed.chars().next().filter(|c| (*c == '`' || *c == '~') && indent < 4)?;
    let n = trimmed.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

/// `- [ ] words` → ("-", " words"): the list marker and what follows the box.
fn checkbox(trimmed: &str) -> Option<(&str, &str)> {
    for marker in ["-", "*", "+"] {
        if let Some(rest) = trimmed.strip_prefix(marker).and_then(|r| r.strip_prefix(' ')) {
            for boxed in ["[ ]", "[x]", "[X]"] {
                if let Some(after) = rest.strip_prefix(boxed) {
                    return Some((marker, after));
                }
            }
        }
    }
    None
}

/// The runbook file the run's steps were imported from (the file part of the first `source`).
pub fn runbook_file(run: &Run) -> Option<String> {
    run.header
        .plan
        .steps()
        .find_map(|(_, s)| s.source.as_deref()?.rsplit_once(':').map(|(f, _)| f.to_string()))
}

/// The steps imported from `file`, by the line they came from.
fn steps_by_line<'r>(run: &'r Run, file: &str) -> BTreeMap<usize, &'r StepRecord> {
    let prefix = format!("{file}:");
    // Records by step id, looked up once each: an imported runbook has thousands of steps.
    let records: BTreeMap<&str, &StepRecord> =
        run.steps.iter().map(|r| (r.step_id.as_str(), r)).collect();
    let mut out = BTreeMap::new();
    for (_, step) in run.header.plan.steps() {
        let Some(line) = step
            .source
            .as_deref()
            .and_then(|s| s.strip_prefix(&prefix))
            .and_then(|l| l.parse::<usize>().ok())
        else {
            continue;
        };
        if let Some(rec) = records.get(step.id.as_str()) {
            out.insert(line, *rec);
        }
    }
    out
}

/// One line of evidence: the result, and what the record says about it.
fn evidence(rec: &StepRecord) -> String {
    let summary = rec.summary.split_whitespace().collect::<Vec<_>>().join(" ");
    let word = match rec.status {
        StepStatus::Passed => "✅ passed",
        StepStatus::Failed => "❌ failed",
        StepStatus::Warned => "⚠️ warned",
        StepStatus::Waived => "⚠️ waived",
        StepStatus::Skipped => "⏭️ not performed",
        StepStatus::Pending | StepStatus::Running => "⏳ not done yet",
    };
    let mut line = word.to_string();
    if !summary.is_empty() {
        let _ = write!(line, " — {summary}");
    }
    if let Some(w) = &rec.waiver {
        let _ = write!(line, " (waived by {}: {})", w.by, w.reason);
    }
    if let Some(by) = &rec.answered_by {
        let _ = write!(line, " (answered by {by})");
    }
    line.replace('*', "\\*")
}
