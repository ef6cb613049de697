//! `log.scan`: forbidden patterns (ERROR, CRITICAL, a traceback) with the matching lines as
//! evidence, and required patterns ("Application startup complete"), in a log file or in a
//! container's log read through the Docker Engine API. Either way only what was logged since the
//! run began counts: Docker is asked for the lines since then; a file's lines with an older
//! timestamp are left out.

use super::{StepContext, plural, resolve};
use crate::docker::Connection;
use crate::plan::kinds::LogScanParams;
use crate::run::{Evidence, Measurement, StepOutcome};
use crate::validate::logs;

pub(super) fn scan(p: &LogScanParams, ctx: &StepContext<'_>) -> StepOutcome {
    let (forbid, require) = match (logs::patterns(&p.forbid), logs::patterns(&p.require)) {
        (Ok(f), Ok(r)) => (f, r),
        (Err(e), _) | (_, Err(e)) => {
            return StepOutcome::failed(e.to_string(), Evidence::default());
        }
    };
    let since = Some(ctx.run_started_at);
    let (source, scan) = match (p.container.as_deref(), p.file.as_deref()) {
        (Some(name), None) => {
            let read = Connection::connect()
                .and_then(|conn| crate::docker::logs::logs_since(&conn, name, since, None));
            match read {
                Ok(lines) => (
                    format!("container {name}"),
                    logs::scan_lines(
                        lines.iter().map(|l| l.text.as_str()),
                        &forbid,
                        &require,
                        since,
                    ),
                ),
                Err(e) => return super::docker::failure(&e, Evidence::default()),
            }
        }
        (None, Some(file)) => {
            let path = resolve(ctx.repo_path, file);
            match logs::scan_file(&path, &forbid, &require, since) {
                Ok(s) => (path.display().to_string(), s),
                Err(e) => {
                    return StepOutcome::failed(
                        format!("{e}; is the log path right?"),
                        Evidence::default(),
                    );
                }
            }
        }
        _ => {
            return StepOutcome::failed(
                "The step must name exactly one of `container` (its log, through Docker) or \
                 `file` (a log file): fix the plan, then re-run the step.",
                Evidence::default(),
            );
        }
    };
    let mut ev = Evidence::default()
        .fact("log", &source)
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
        StepOutcome::failed(format!("{source}: {}", problems.join("; ")), ev)
    }
}

executors! {
    LogScanParams => scan,
}
