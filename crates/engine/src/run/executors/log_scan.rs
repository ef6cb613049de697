//! `log.scan`: forbidden patterns (ERROR, CRITICAL, a traceback) with the matching lines as
//! evidence, and required patterns ("Application startup complete"), in a log file. Container
//! logs arrive with the Docker executors; until then such a step is "not supported yet".

use super::{StepContext, plural, resolve};
use crate::plan::kinds::LogScanParams;
use crate::run::{Evidence, Measurement, StepOutcome};
use crate::validate::logs;

pub(super) fn scan(p: &LogScanParams, ctx: &StepContext<'_>) -> StepOutcome {
    let Some(file) = p.file.as_deref().filter(|_| p.container.is_none()) else {
        return StepOutcome::skipped(
            "not supported yet: scanning container logs arrives with the Docker executors; name a `file` instead",
        );
    };
    let (forbid, require) = match (logs::patterns(&p.forbid), logs::patterns(&p.require)) {
        (Ok(f), Ok(r)) => (f, r),
        (Err(e), _) | (_, Err(e)) => {
            return StepOutcome::failed(e.to_string(), Evidence::default());
        }
    };
    let path = resolve(ctx.repo_path, file);
    // The run's start is not in the step context yet: the whole file is scanned (lines with an
    // older timestamp are only left out once the runner passes `since`).
    let scan = match logs::scan_file(&path, &forbid, &require, Some(ctx.run_started_at)) {
        Ok(s) => s,
        Err(e) => {
            return StepOutcome::failed(
                format!("{e}; is the log path right?"),
                Evidence::default(),
            );
        }
    };
    let mut ev = Evidence::default()
        .fact("log", path.display().to_string())
        .fact("lines scanned", scan.lines_scanned.to_string());
    let mut problems = Vec::new();
    for h in &scan.forbidden {
        for (n, line) in &h.lines {
            ev = ev.fact(format!("line {n} matches {:?}", h.pattern), line.clone());
        }
        if h.count > 0 {
            problems.push(format!(
                "{} {:?}",
                plural(h.count as usize, "line matches", "lines match"),
                h.pattern
            ));
        }
        ev.measurements.push(Measurement {
            metric: format!("log lines matching {:?}", h.pattern),
            target: "= 0".into(),
            value: h.count as f64,
            unit: String::new(),
            passed: h.count == 0,
        });
    }
    for h in &scan.required {
        match h.lines.first() {
            Some((n, line)) => ev = ev.fact(format!("line {n} has {:?}", h.pattern), line.clone()),
            None => problems.push(format!("no line matches the required {:?}", h.pattern)),
        }
    }
    if problems.is_empty() {
        StepOutcome::passed(
            format!(
                "{} scanned: no forbidden pattern, every required one present",
                plural(scan.lines_scanned as usize, "log line", "log lines")
            ),
            ev,
        )
    } else {
        StepOutcome::failed(format!("{}: {}", path.display(), problems.join("; ")), ev)
    }
}
