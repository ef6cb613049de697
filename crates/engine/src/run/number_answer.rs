//! A manual item that asks for a number ("QA points passed: 190 of 200, at least 95 %"): the
//! answer is recorded as a measurement against the plan's threshold and judged like one, the
//! same way whether it comes from the desktop or an answers file.

use super::{Evidence, Measurement, StepStatus};
use crate::plan::kinds::{NumberAsk, num};

/// The status, summary and evidence of `value` given by `by` for the item `title`.
pub(super) fn judged(
    ask: &NumberAsk,
    title: &str,
    value: f64,
    by: &str,
    blocking: bool,
) -> (StepStatus, String, Evidence) {
    let unit = ask.unit.clone().unwrap_or_default();
    let spaced = if unit.is_empty() { String::new() } else { format!(" {unit}") };
    let answered = match ask.out_of {
        Some(total) if total > 0.0 => {
            format!("{} of {}{spaced} ({:.1} %)", num(value), num(total), value / total * 100.0)
        }
        _ => format!("{}{spaced}", num(value)),
    };
    let passed = ask.passes(value);
    let target = ask.target();
    let evidence = Evidence {
        measurements: vec![Measurement {
            metric: title.to_string(),
            target: target.clone(),
            value,
            unit,
            passed,
        }],
        ..Evidence::default()
    }
    .fact("answered", answered.clone());
    if passed {
        (StepStatus::Passed, format!("{answered}, meets {target}; answered by {by}"), evidence)
    } else {
        let status = if blocking { StepStatus::Failed } else { StepStatus::Warned };
        let summary = format!(
            "{answered}, short of {target}; answered by {by}: fix it and answer again, or waive it with a reason"
        );
        (status, summary, evidence)
    }
}
