//! The Docker deploy steps: `deploy.recreate`, `deploy.exec` and `deploy.wait_log`. The work is
//! done by `crate::docker`; this file turns its reports into step outcomes with evidence
//! (container ids, images old → new, every action with its duration, time to healthy) and a
//! one-line summary that says what to do next on failure.

use std::time::Duration;

use regex::Regex;

use crate::docker::Connection;
use crate::docker::container::Countdown;
use crate::docker::exec as docker_exec;
use crate::docker::logs::{self, LogWait};
use crate::docker::recreate::{self, Action, RecreateOutcome, RecreateReport, RecreateRequest};
use crate::plan::kinds::{DeployExecParams, DeployRecreateParams, DeployWaitLogParams};
use crate::run::{Evidence, Measurement, Meter, MeterUnit, StepOutcome};

use super::super::{StepContext, round1};
use super::failure;

pub(super) const DEFAULT_HEALTH_TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_EXEC_TIMEOUT: Duration = Duration::from_secs(600);
const DEFAULT_LOG_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_GRACE: Duration = Duration::from_secs(10);

pub(super) fn recreate(p: &DeployRecreateParams, ctx: &StepContext<'_>) -> StepOutcome {
    let conn = match Connection::connect() {
        Ok(c) => c,
        Err(e) => return failure(&e, Evidence::default()),
    };
    let timeout = p.health_timeout_secs.map_or(DEFAULT_HEALTH_TIMEOUT, Duration::from_secs);
    let request = RecreateRequest {
        container: &p.container,
        image: &p.image,
        health_timeout: timeout,
        stop_grace: STOP_GRACE,
        now: ctx.clock.now(),
    };
    let report = recreate::recreate(&conn, &request, ctx.output, &|c| countdown(ctx, c));
    recreate_outcome(p, timeout, report)
}

/// The health wait's countdown as the step's meter: it fills as the time allowed runs out.
pub(super) fn countdown(ctx: &StepContext<'_>, c: &Countdown) {
    let total = c.total.as_secs();
    let left = c.left.as_secs();
    (ctx.meter)(Meter {
        label: format!(
            "Waiting for {} to become healthy ({}): {left} s left of {total} s",
            c.container, c.health
        ),
        done: total.saturating_sub(left),
        total,
        unit: MeterUnit::Seconds,
    });
}

fn recreate_outcome(p: &DeployRecreateParams, timeout: Duration, r: RecreateReport) -> StepOutcome {
    let name = &p.container;
    let mut evidence = Evidence::default().fact("container", name).fact("image", &p.image);
    if let Some(old) = &r.old {
        evidence = evidence
            .fact("old container", format!("{} ({})", old.short_id(), old.image))
            .fact("old image id", &old.image_id);
    }
    if let Some(new) = &r.new {
        evidence = evidence
            .fact("new container", format!("{} ({})", new.short_id(), new.image))
            .fact("new image id", &new.image_id);
    }
    if let Some(f) = &r.fallback {
        evidence = evidence.fact("fallback", f);
    }
    evidence = with_actions(evidence, &r.actions);
    let overhead = r.total.saturating_sub(r.docker.api + r.docker.waiting);
    evidence = evidence
        .fact("duration", format!("{:.1} s", r.total.as_secs_f64()))
        .fact(
            "time in Docker",
            format!(
                "{:.1} s in {} API calls, {:.1} s waiting for health",
                r.docker.api.as_secs_f64(),
                r.docker.calls,
                r.docker.waiting.as_secs_f64()
            ),
        )
        .fact("engine overhead", format!("{:.0} ms", overhead.as_secs_f64() * 1000.0));
    if let Some(after) = r.time_to_healthy {
        evidence.measurements.push(met_within("time to healthy", after, timeout));
    }
    if !r.failed_logs.is_empty() {
        evidence = evidence.fact("new container's last log lines", r.failed_logs.join("\n"));
    }
    let old_image =
        r.old.as_ref().map_or_else(|| "the previous image".to_owned(), |o| o.image.clone());
    match r.outcome {
        RecreateOutcome::Deployed => StepOutcome::passed(
            format!(
                "{name} recreated: {old_image} → {} healthy after {:.1} s; the previous container is \
                 kept as {} for the rollback.",
                p.image,
                r.time_to_healthy.unwrap_or_default().as_secs_f64(),
                r.fallback.as_deref().unwrap_or("(none)")
            ),
            evidence,
        ),
        RecreateOutcome::AlreadyDeployed => StepOutcome::passed(
            format!("{name} already runs {} and is healthy: nothing to do.", p.image),
            evidence,
        ),
        RecreateOutcome::RolledBack { reason } => StepOutcome::failed(
            format!(
                "Deploy of {} failed: {reason}. The previous version ({old_image}) was put back and \
                 is healthy, data untouched. Read the new container's last log lines in the \
                 evidence, fix the image, then run the rollback (to restore the backup) or deploy again.",
                p.image
            ),
            evidence,
        ),
        RecreateOutcome::RollbackFailed { reason, detail } => StepOutcome::failed(
            format!(
                "Deploy of {} failed: {reason}; the previous version was put back as {name} but {detail}: \
                 the service is down — run the rollback now (restore the backup) and look at `docker logs {name}`.",
                p.image
            ),
            evidence,
        ),
        RecreateOutcome::NotStarted { error } => {
            failure(&error, evidence.fact("changed", "nothing: the deploy did not start"))
        }
        RecreateOutcome::Interrupted { error, left } => StepOutcome::failed(
            format!(
                "The deploy of {} was interrupted: {error}. Nothing was deleted: {left}. Start \
                 Docker again and re-run the step — it continues from the kept container.",
                p.image
            ),
            evidence.fact("left", left.clone()),
        ),
    }
}

pub(super) fn exec(p: &DeployExecParams, ctx: &StepContext<'_>) -> StepOutcome {
    let conn = match Connection::connect() {
        Ok(c) => c,
        Err(e) => return failure(&e, Evidence::default()),
    };
    let shown = p.command.join(" ");
    let timeout = p.timeout_secs.map_or(DEFAULT_EXEC_TIMEOUT, Duration::from_secs);
    let env: Vec<String> = p.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let result = match docker_exec::run(&conn, &p.container, &p.command, &env, timeout, ctx.output)
    {
        Ok(r) => r,
        Err(e) => {
            return failure(
                &e,
                Evidence::default().fact("container", &p.container).fact("command", &shown),
            );
        }
    };
    let evidence = Evidence {
        command: Some(crate::run::CommandEvidence {
            program: p.command.first().cloned().unwrap_or_default(),
            args: p.command.iter().skip(1).cloned().collect(),
            cwd: format!("container {}", p.container),
            exit_code: result.exit_code.and_then(|c| i32::try_from(c).ok()),
            timed_out: result.timed_out,
            duration_ms: u64::try_from(result.duration.as_millis()).unwrap_or(u64::MAX),
            stdout_excerpt: result.stdout.join("\n"),
            stderr_excerpt: result.stderr.join("\n"),
        }),
        ..Evidence::default()
    }
    .fact("container", &p.container);
    let last = result
        .stderr
        .last()
        .or(result.stdout.last())
        .map(|l| format!(" (last output: \"{l}\")"))
        .unwrap_or_default();
    match result.exit_code {
        _ if result.timed_out => StepOutcome::failed(
            format!(
                "`{shown}` in {} did not finish within {} s{last}: find out why it hangs (it may \
                 still be running in the container), then re-run the step.",
                p.container,
                timeout.as_secs()
            ),
            evidence,
        ),
        Some(code) if code == i64::from(p.expect_exit) => StepOutcome::passed(
            format!(
                "`{shown}` in {} exited with code {code} in {:.1} s.",
                p.container,
                result.duration.as_secs_f64()
            ),
            evidence,
        ),
        code => StepOutcome::failed(
            format!(
                "`{shown}` in {} exited with code {} (expected {}){last}: read the output, fix the \
                 cause; if it changed data half-way, run the rollback to restore the backup.",
                p.container,
                code.map_or_else(|| "unknown".to_owned(), |c| c.to_string()),
                p.expect_exit
            ),
            evidence,
        ),
    }
}

pub(super) fn wait_log(p: &DeployWaitLogParams, ctx: &StepContext<'_>) -> StepOutcome {
    let pattern = match Regex::new(&p.pattern) {
        Ok(r) => r,
        Err(e) => {
            return StepOutcome::failed(
                format!(
                    "The pattern `{}` is not a valid regular expression ({e}): fix it in the plan.",
                    p.pattern
                ),
                Evidence::default(),
            );
        }
    };
    let conn = match Connection::connect() {
        Ok(c) => c,
        Err(e) => return failure(&e, Evidence::default()),
    };
    let timeout = p.timeout_secs.map_or(DEFAULT_LOG_TIMEOUT, Duration::from_secs);
    let evidence = Evidence::default().fact("container", &p.container).fact("pattern", &p.pattern);
    match logs::wait_for_line(&conn, &p.container, &pattern, timeout, ctx.output) {
        Ok(LogWait::Found { line, after }) => {
            let mut evidence = evidence.fact("line", &line);
            let metric = format!("time to \"{}\"", p.pattern);
            evidence.measurements.push(met_within(&metric, after, timeout));
            StepOutcome::passed(
                format!(
                    "{} logged \"{}\" after {:.1} s.",
                    p.container,
                    line.trim(),
                    after.as_secs_f64()
                ),
                evidence,
            )
        }
        Ok(LogWait::TimedOut { last_lines }) => StepOutcome::failed(
            format!(
                "{} did not log a line matching `{}` within {} s: read its last lines in the \
                 evidence (`docker logs {}`), then re-run the step or roll back.",
                p.container,
                p.pattern,
                timeout.as_secs(),
                p.container
            ),
            evidence.fact("last lines", last_lines.join("\n")),
        ),
        Ok(LogWait::Ended { last_lines }) => StepOutcome::failed(
            format!(
                "{} stopped before logging a line matching `{}`: read its last lines in the \
                 evidence, then roll back.",
                p.container, p.pattern
            ),
            evidence.fact("last lines", last_lines.join("\n")),
        ),
        Err(e) => failure(&e, evidence),
    }
}

pub(super) fn with_actions(mut evidence: Evidence, actions: &[Action]) -> Evidence {
    for a in actions {
        evidence = evidence.fact("action", format!("{} — {:.2} s", a.what, a.took.as_secs_f64()));
    }
    evidence
}

/// How long something took (a container turning healthy, a log line appearing) against the
/// time it was allowed: met, since what never happened has no such measurement (its step
/// failed instead).
pub(super) fn met_within(metric: &str, after: Duration, allowed: Duration) -> Measurement {
    Measurement {
        metric: metric.into(),
        target: format!("≤ {} s", allowed.as_secs()),
        value: round1(after.as_secs_f64()),
        unit: "s".into(),
        passed: true,
    }
}
