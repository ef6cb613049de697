//! How values read in the report: times in UTC, durations and sizes for people, measured numbers
//! without float noise, and the words and emoji for every status. One place, so the whole report
//! says things the same way.

use chrono::{DateTime, Utc};

use crate::record::{Outcome, RunStatus, StepStatus};

/// `2026-01-07 14:03:05 UTC`.
pub(crate) fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `2026-01-07 14:03:05`, for columns whose header already says UTC.
pub(crate) fn time_bare(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A duration for people: `340 ms`, `4.2 s`, `12 min 4 s`, `1 h 5 min`. A negative duration
/// (a clock that went backwards) is shown as a dash rather than as a wrong number.
pub(crate) fn duration_ms(ms: i64) -> String {
    if ms < 0 {
        return "—".to_owned();
    }
    if ms < 1_000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 {
        let tenths = (ms + 50) / 100;
        return if tenths % 10 == 0 {
            format!("{} s", tenths / 10)
        } else {
            format!("{}.{} s", tenths / 10, tenths % 10)
        };
    }
    let secs = (ms + 500) / 1_000;
    if secs < 3_600 {
        let (m, s) = (secs / 60, secs % 60);
        return if s == 0 { format!("{m} min") } else { format!("{m} min {s} s") };
    }
    let mins = (secs + 30) / 60;
    let (h, m) = (mins / 60, mins % 60);
    if m == 0 { format!("{h} h") } else { format!("{h} h {m} min") }
}

/// The duration between two moments, when both are known.
pub(crate) fn span(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => duration_ms((e - s).num_milliseconds()),
        _ => "—".to_owned(),
    }
}

/// `2.4 MB (2,412,544 bytes)`: decimal units, as the plans use them, and the exact count that
/// a backup check compares.
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 4] =
        [("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1_000)];
    for (unit, size) in UNITS {
        if n >= size {
            #[allow(clippy::cast_precision_loss)] // One decimal is all that is shown.
            let v = n as f64 / size as f64;
            return format!("{} {unit} ({} bytes)", number(v), thousands(n));
        }
    }
    format!("{n} bytes")
}

/// `2412544` as `2,412,544`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A measured number without float noise: `41.2`, `0.05`, `120`.
pub(crate) fn number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    // Small values keep more decimals so that an error rate of 0.004 % does not read as 0.
    let decimals = if v != 0.0 && v.abs() < 0.1 { 4 } else { 2 };
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

/// A value with its unit: `41.2 GB`, `0.05%`, `120 ms`.
pub(crate) fn measured(value: f64, unit: &str) -> String {
    let unit = unit.trim();
    match unit {
        "" => number(value),
        "%" => format!("{}%", number(value)),
        _ => format!("{} {unit}", number(value)),
    }
}

/// The emoji for a step status; the legend in the report lists them all.
pub(crate) fn step_emoji(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Passed => "✅",
        StepStatus::Failed => "❌",
        StepStatus::Warned => "⚠️",
        StepStatus::Waived => "🟡",
        StepStatus::Skipped => "⏭️",
        StepStatus::Pending => "⏸️",
        StepStatus::Running => "▶️",
    }
}

/// The word for a step status.
pub(crate) fn step_word(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Passed => "passed",
        StepStatus::Failed => "failed",
        StepStatus::Warned => "warned",
        StepStatus::Waived => "waived",
        StepStatus::Skipped => "skipped",
        StepStatus::Pending => "pending",
        StepStatus::Running => "running",
    }
}

/// The emoji used for "waiting on a person" (a manual item or sign-off the run stopped at).
pub(crate) const WAITING_EMOJI: &str = "✋";

/// The legend line, shown once before the phases.
pub(crate) const LEGEND: &str = "Legend: ✅ passed · ❌ failed · ⚠️ warned (non-blocking) · \
     🟡 waived · ⏭️ skipped · ⏸️ pending · ▶️ running · ✋ waiting on a person";

/// `GO`, `NO-GO`, `PENDING`, `ROLLED BACK` with its emoji.
pub(crate) fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Go => "✅ GO",
        Outcome::NoGo => "❌ NO-GO",
        Outcome::Pending => "⏸️ PENDING",
        Outcome::RolledBack => "↩️ ROLLED BACK",
    }
}

/// Where the run stands, in words.
pub(crate) fn run_status(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Running => "running",
        RunStatus::Waiting => "waiting on a person",
        RunStatus::Completed => "completed",
        RunStatus::Failed => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_wrote_them() {
        assert_eq!(duration_ms(340), "340 ms", "sub-second in ms");
        assert_eq!(duration_ms(4_200), "4.2 s", "seconds with one decimal");
        assert_eq!(duration_ms(724_000), "12 min 4 s", "minutes and seconds");
        assert_eq!(duration_ms(3_900_000), "1 h 5 min", "hours and minutes");
        assert_eq!(duration_ms(-5), "—", "negative is unknown");
    }

    #[test]
    fn numbers_and_sizes_have_no_float_noise() {
        assert_eq!(number(41.2), "41.2", "trailing zeros trimmed");
        assert_eq!(number(120.0), "120", "integers stay integers");
        assert_eq!(number(0.004), "0.004", "small values keep their digits");
        assert_eq!(bytes(2_412_544), "2.41 MB (2,412,544 bytes)", "size with exact count");
        assert_eq!(bytes(512), "512 bytes", "small sizes in bytes");
    }
}
