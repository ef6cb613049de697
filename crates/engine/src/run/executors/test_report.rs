//! `test.report`: import a JUnit XML or Playwright JSON report and gate on it: totals, pass
//! rate, failures with their messages (bounded), flaky tests counted apart, and the critical
//! subset that must all pass.

use std::path::Path;

use regex::Regex;

use super::{StepContext, plural, resolve};
use crate::plan::kinds::TestReportParams;
use crate::run::{Evidence, FileEvidence, Measurement, StepOutcome};
use crate::validate::tests::TestTally;
use crate::validate::{junit, playwright};

pub(super) fn import(p: &TestReportParams, ctx: &StepContext<'_>) -> StepOutcome {
    let path = resolve(ctx.repo_path, &p.path);
    let critical = match p.critical.as_deref().map(Regex::new).transpose() {
        Ok(c) => c,
        Err(e) => {
            return StepOutcome::failed(
                format!("the critical pattern is not a valid regular expression: {e}"),
                Evidence::default(),
            );
        }
    };
    let format = match p.format.as_deref().unwrap_or("auto") {
        "junit" => "junit",
        "playwright" => "playwright",
        "auto" => sniff(&path),
        other => {
            return StepOutcome::failed(
                format!(
                    "unknown report format {other:?}: use \"junit\", \"playwright\" or \"auto\""
                ),
                Evidence::default(),
            );
        }
    };
    let read = match format {
        "playwright" => playwright::read(&path, critical.as_ref()),
        _ => junit::read(&path, critical.as_ref()),
    };
    let mut ev = Evidence::default();
    if let Ok(meta) = std::fs::metadata(&path) {
        ev.files.push(FileEvidence {
            path: path.display().to_string(),
            size_bytes: meta.len(),
            sha256: None,
            modified: meta.modified().ok().map(Into::into),
        });
    }
    match read {
        Err(e) => StepOutcome::failed(format!("{e}; was the test run finished?"), ev),
        Ok(t) => judge(p, &t, critical.is_some(), ev),
    }
}

/// "junit" unless the file's first non-blank byte opens a JSON object.
fn sniff(path: &Path) -> &'static str {
    use std::io::Read;
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    let first =
        head[..n].iter().find(|b| !(b.is_ascii_whitespace() || matches!(b, 0xEF | 0xBB | 0xBF)));
    if first == Some(&b'{') { "playwright" } else { "junit" }
}

fn judge(p: &TestReportParams, t: &TestTally, has_critical: bool, mut ev: Evidence) -> StepOutcome {
    let rate = t.pass_rate_pct();
    ev = ev
        .fact("total", t.total.to_string())
        .fact("passed", t.passed.to_string())
        .fact("failed", t.failed.to_string())
        .fact("skipped", t.skipped.to_string())
        .fact("flaky", t.flaky.to_string())
        .fact("pass rate", format!("{rate:.2} %"));
    if has_critical {
        ev = ev.fact("critical", format!("{} of {} failed", t.critical_failed, t.critical_total));
    }
    for f in &t.failures {
        let label = if f.critical { "critical failure" } else { "failure" };
        ev = ev.fact(format!("{label}: {}", f.id), f.message.clone());
    }
    let mut missed = Vec::new();
    if let Some(min) = p.min_pass_rate_pct {
        let passed = rate >= min;
        if !passed {
            missed.push(format!("pass rate {rate:.1}% < {min}%"));
        }
        ev.measurements.push(Measurement {
            metric: "test pass rate".into(),
            target: format!("≥ {min} %"),
            value: (rate * 100.0).round() / 100.0,
            unit: "%".into(),
            passed,
        });
    }
    if p.all_critical_pass {
        let passed = t.critical_failed == 0 && has_critical;
        if !has_critical {
            missed.push("all_critical_pass needs a `critical` pattern".into());
        } else if !passed {
            missed.push(format!(
                "{} failing",
                plural(t.critical_failed as usize, "critical test", "critical tests")
            ));
        }
        ev.measurements.push(Measurement {
            metric: "critical tests failing".into(),
            target: "= 0".into(),
            value: t.critical_failed as f64,
            unit: String::new(),
            passed,
        });
    }
    let mut seen = format!(
        "{} passed of {} run ({rate:.1}%), {} failed, {} skipped",
        t.passed,
        t.passed + t.failed,
        t.failed,
        t.skipped
    );
    if t.flaky > 0 {
        seen.push_str(&format!(
            ", {} passed only on retry",
            plural(t.flaky as usize, "flaky test", "flaky tests")
        ));
    }
    if t.total == 0 {
        return StepOutcome::failed("the report has no tests: did the test run start?", ev);
    }
    if missed.is_empty() {
        StepOutcome::passed(seen, ev)
    } else {
        StepOutcome::failed(format!("{seen} — missed: {}", missed.join("; ")), ev)
    }
}

executors! {
    TestReportParams => import,
}
