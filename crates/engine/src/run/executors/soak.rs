//! `soak`: keep probing after the deploy. Every `interval_secs`, for `duration_secs`, a round
//! loads the step's `url` (p50, p95, errors) and re-runs the read-only checks it names; the
//! round's figures are stored the moment it ends (through the context's checkpoint), so the
//! series survives a crash or a closed app.
//!
//! The window is anchored to the soak's first start, kept in the evidence as
//! `soak.window_start`: a resumed soak keeps the rounds it has, marks the rounds whose time
//! passed while Release Pilot was not running as missed (a gap in the chart, never invented
//! figures), and carries on with the rest of the same window. Time comes from the context's
//! clock; only the waits between rounds are real sleeps.
//!
//! Evidence: `series.<n>.at`, `.p50_ms`, `.p95_ms`, `.errors`, `.probes`, `.error_rate_pct`,
//! `.failed` (the checks that failed) or `.missed`, one group per round numbered from 1; then
//! measurements for the thresholds (worst round's p95, the whole soak's error rate).

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{StepContext, execute, plural};
use crate::plan::kinds::SoakParams;
use crate::run::{Evidence, StepOutcome, StepStatus};
use crate::validate::latency::{self, Load};

/// Requests per round to the soak's URL when the plan does not say.
const DEFAULT_REQUESTS: u32 = 20;
const DEFAULT_CONCURRENCY: u32 = 2;
/// Why a round has no figures, when the app was closed through its time.
const NOT_RUNNING: &str = "Release Pilot was not running";

/// One round's figures, as stored in (and read back from) the evidence.
#[derive(Debug, Clone, Default)]
struct Round {
    p50_ms: Option<f64>,
    p95_ms: Option<f64>,
    errors: u64,
    probes: u64,
    missed: bool,
}

impl Round {
    /// Keep the slowest figures of the round's probes.
    fn worst(&mut self, p50: f64, p95: f64) {
        self.p50_ms = Some(self.p50_ms.map_or(p50, |v| v.max(p50)));
        self.p95_ms = Some(self.p95_ms.map_or(p95, |v| v.max(p95)));
    }
}

/// Run (or resume) the soak.
pub(super) fn soak(p: &SoakParams, ctx: &StepContext<'_>) -> StepOutcome {
    let checks = match checks(p, ctx) {
        Ok(c) => c,
        Err(why) => return StepOutcome::failed(why, Evidence::default()),
    };
    let (interval, duration) = match window(p) {
        Ok(w) => w,
        Err(why) => return StepOutcome::failed(why, Evidence::default()),
    };
    let total = rounds(duration, interval);
    let now = ctx.clock.now();
    let anchor = window_start(ctx.previous).unwrap_or(now);
    let mut ev = Evidence::default()
        .fact("soak.window_start", anchor.to_rfc3339())
        .fact("interval", format!("{interval} s"))
        .fact("duration", format!("{duration} s"))
        .fact("rounds planned", total.to_string());
    if let Some(url) = &p.url {
        ev = ev.fact("url", url.clone());
    }
    if !checks.is_empty() {
        ev = ev.fact("checks", checks.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", "));
    }
    let mut series = stored_series(ctx.previous);
    for (n, round) in series.iter().enumerate() {
        ev = with_round(ev, n + 1, round, ctx.previous);
    }
    if series.is_empty()
        && let Err(why) = (ctx.checkpoint)(&ev, &format!("Soak started: {total} rounds planned"))
    {
        return unrecorded(&why, ev);
    }
    let window_end = anchor + secs(duration);
    let resumed_at = now;
    while (series.len() as u64) < total {
        let n = series.len() as u64 + 1;
        let due = anchor + secs((n - 1) * interval);
        let slot_end = due + secs(interval);
        let now = ctx.clock.now();
        let missed_because = if slot_end <= resumed_at {
            Some(NOT_RUNNING)
        } else if now >= window_end {
            Some("the window had ended (the rounds before it ran late)")
        } else {
            None
        };
        let round = if let Some(why) = missed_because {
            // Its time passed while nothing was probing: say so rather than probe late.
            ev = ev.fact(format!("series.{n}.missed"), why);
            Round { missed: true, ..Round::default() }
        } else {
            if due > now {
                std::thread::sleep((due - now).to_std().unwrap_or(Duration::ZERO));
            }
            let at = ctx.clock.now();
            let (round, failed) = probe(p, &checks, ctx);
            ev = ev.fact(format!("series.{n}.at"), at.to_rfc3339());
            ev = with_round(ev, n as usize, &round, &Evidence::default());
            if !failed.is_empty() {
                ev = ev.fact(format!("series.{n}.failed"), failed.join(", "));
            }
            round
        };
        let line = round_line(n, total, &round);
        series.push(round);
        if let Err(why) = (ctx.checkpoint)(&ev, &line) {
            return unrecorded(&why, ev);
        }
    }
    judge(p, duration, &series, ev)
}

/// The longest soak: a year (beyond it, times would overflow and nobody would wait).
const MAX_SECS: u64 = 366 * 24 * 3600;

/// The interval (at least 1 s) and duration, read from the plan.
fn window(p: &SoakParams) -> Result<(u64, u64), String> {
    let interval = p.interval_secs.secs("interval_secs")?.max(1);
    let duration = p.duration_secs.secs("duration_secs")?;
    if interval > MAX_SECS || duration > MAX_SECS {
        return Err(format!(
            "the soak's interval_secs ({interval}) and duration_secs ({duration}) must each be \
             at most {MAX_SECS} (a year)"
        ));
    }
    Ok((interval, duration))
}

/// Seconds as a time span; `window` bounds every value passed here.
fn secs(n: u64) -> chrono::Duration {
    chrono::Duration::seconds(i64::try_from(n.min(MAX_SECS * 2)).unwrap_or(0))
}

/// The checks the soak repeats: steps of the plan that only look.
fn checks<'a>(p: &SoakParams, ctx: &StepContext<'a>) -> Result<Vec<&'a crate::plan::Step>, String> {
    if p.checks.is_empty() && p.url.is_none() {
        return Err("the soak has nothing to repeat: give it a `url`, `checks`, or both".into());
    }
    let mut found = Vec::new();
    for id in &p.checks {
        let step = ctx.plan.and_then(|plan| plan.step(id));
        let Some(step) = step else {
            return Err(format!("the soak repeats {id:?}, which is not a step of this plan"));
        };
        // Only checks are repeated: an action changes things, a person step asks someone.
        if step.action.class() != crate::plan::StepClass::Check {
            return Err(format!(
                "the soak may only repeat read-only checks, and {id:?} is a {} step; \
                 remove it from `checks`",
                step.kind()
            ));
        }
        found.push(step);
    }
    Ok(found)
}

/// One round: the URL's load, then each check once.
fn probe(
    p: &SoakParams,
    checks: &[&crate::plan::Step],
    ctx: &StepContext<'_>,
) -> (Round, Vec<String>) {
    let mut round = Round::default();
    let mut failed = Vec::new();
    if let Some(url) = &p.url {
        let load = Load {
            requests: u64::from(p.requests_per_round.unwrap_or(DEFAULT_REQUESTS).max(1)),
            concurrency: p.concurrency.unwrap_or(DEFAULT_CONCURRENCY).clamp(1, 256) as usize,
            duration: None,
            timeout: Duration::from_secs(10),
        };
        match latency::run(url, &load) {
            Ok(sample) => {
                if let Some(st) = latency::stats(&sample) {
                    round.worst(st.p50_ms, st.p95_ms);
                }
                round.errors += sample.errors;
                round.probes += sample.total;
                if sample.errors > 0 {
                    let why = sample.first_error.unwrap_or_default();
                    failed.push(format!("{url} ({} errors, first: {why})", sample.errors));
                }
            }
            Err(e) => {
                round.errors += 1;
                round.probes += 1;
                failed.push(format!("{url} ({e})"));
            }
        }
    }
    for step in checks {
        let outcome = execute(step, ctx);
        if let Some((p50, p95)) = check_latency(&outcome.evidence) {
            round.worst(p50, p95);
        }
        round.probes += 1;
        if outcome.status == StepStatus::Failed {
            round.errors += 1;
            failed.push(step.id.clone());
        }
    }
    (round, failed)
}

/// What a repeated check measured: an http.latency's p50 and p95, or an http.check's latency.
fn check_latency(ev: &Evidence) -> Option<(f64, f64)> {
    let fact = |label: &str| ev.facts.iter().find(|f| f.label == label).map(|f| f.value.as_str());
    let number = |v: &str| v.trim_end_matches(" ms").trim().parse::<f64>().ok();
    match (fact("p50_ms").and_then(number), fact("p95_ms").and_then(number)) {
        (Some(p50), Some(p95)) => Some((p50, p95)),
        _ => fact("latency").and_then(number).map(|ms| (ms, ms)),
    }
}

/// Pass or fail against the thresholds; missed rounds make it a warning at best.
fn judge(p: &SoakParams, duration: u64, series: &[Round], mut ev: Evidence) -> StepOutcome {
    let ran: Vec<&Round> = series.iter().filter(|r| !r.missed).collect();
    let missed = series.len() - ran.len();
    ev = ev.fact("rounds run", ran.len().to_string()).fact("rounds missed", missed.to_string());
    if ran.is_empty() {
        return StepOutcome::failed(
            format!(
                "no round of the soak ran: its {} s window passed while Release Pilot was not \
                 running; start a new run to soak again",
                duration
            ),
            ev,
        );
    }
    let errors: u64 = ran.iter().map(|r| r.errors).sum();
    let probes: u64 = ran.iter().map(|r| r.probes).sum();
    let rate = if probes == 0 { 0.0 } else { errors as f64 * 100.0 / probes as f64 };
    let worst_p95 = ran
        .iter()
        .filter_map(|r| r.p95_ms)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    let mut missed_thresholds = Vec::new();
    let path = p.url.as_deref().map(super::http::short_url).unwrap_or_default();
    if let (Some(limit), Some(value)) = (p.p95_ms, worst_p95) {
        let metric = format!("soak p95 latency {path}").trim_end().to_owned();
        super::at_most(
            &mut ev,
            &mut missed_thresholds,
            &metric,
            metric.clone(),
            (value, limit),
            "ms",
        );
    }
    if let Some(limit) = p.max_error_rate_pct {
        let metric = "soak error rate";
        super::at_most(&mut ev, &mut missed_thresholds, metric, metric.into(), (rate, limit), "%");
    }
    let mut seen = format!(
        "{} over {} s: {} errors in {} probes ({rate:.2}%)",
        plural(ran.len(), "round", "rounds"),
        duration,
        errors,
        probes
    );
    if let Some(v) = worst_p95 {
        seen.push_str(&format!(", worst p95 {v:.1} ms"));
    }
    if !missed_thresholds.is_empty() {
        return StepOutcome::failed(
            format!("{seen} — missed: {}", missed_thresholds.join("; ")),
            ev,
        );
    }
    if errors > 0 && p.max_error_rate_pct.is_none() {
        // Without an error-rate threshold, any failure during the soak fails it.
        return StepOutcome::failed(format!("{seen}: something failed during the soak"), ev);
    }
    if missed > 0 {
        return StepOutcome {
            status: StepStatus::Warned,
            summary: format!(
                "{seen}; {} not probed while Release Pilot was not running",
                plural(missed, "round was", "rounds were")
            ),
            evidence: ev,
        };
    }
    StepOutcome::passed(seen, ev)
}

/// Rounds in a window: one at its start, then one every interval before it ends.
fn rounds(duration_secs: u64, interval: u64) -> u64 {
    duration_secs.div_ceil(interval).max(1)
}

/// The window's start stored by an earlier attempt.
fn window_start(previous: &Evidence) -> Option<DateTime<Utc>> {
    let v = previous.facts.iter().find(|f| f.label == "soak.window_start")?;
    DateTime::parse_from_rfc3339(&v.value).ok().map(|t| t.with_timezone(&Utc))
}

/// The rounds an earlier attempt stored, in order (stopping at the first gap).
fn stored_series(previous: &Evidence) -> Vec<Round> {
    let fact =
        |label: String| previous.facts.iter().find(|f| f.label == label).map(|f| f.value.as_str());
    let mut out = Vec::new();
    for n in 1.. {
        if fact(format!("series.{n}.missed")).is_some() {
            out.push(Round { missed: true, ..Round::default() });
            continue;
        }
        let Some(probes) = fact(format!("series.{n}.probes")).and_then(|v| v.parse().ok()) else {
            break;
        };
        out.push(Round {
            p50_ms: fact(format!("series.{n}.p50_ms")).and_then(|v| v.parse().ok()),
            p95_ms: fact(format!("series.{n}.p95_ms")).and_then(|v| v.parse().ok()),
            errors: fact(format!("series.{n}.errors")).and_then(|v| v.parse().ok()).unwrap_or(0),
            probes,
            missed: false,
        });
    }
    out
}

/// A round's facts. For a stored round, its time and failed checks come from `previous`.
fn with_round(mut ev: Evidence, n: usize, r: &Round, previous: &Evidence) -> Evidence {
    let keep = |suffix: &str| {
        let label = format!("series.{n}.{suffix}");
        previous.facts.iter().find(|f| f.label == label).map(|f| (label, f.value.clone()))
    };
    if r.missed {
        let why = keep("missed").map_or_else(|| NOT_RUNNING.to_owned(), |f| f.1);
        return ev.fact(format!("series.{n}.missed"), why);
    }
    if let Some((label, at)) = keep("at") {
        ev = ev.fact(label, at);
    }
    if let Some(v) = r.p50_ms {
        ev = ev.fact(format!("series.{n}.p50_ms"), format!("{v:.2}"));
    }
    if let Some(v) = r.p95_ms {
        ev = ev.fact(format!("series.{n}.p95_ms"), format!("{v:.2}"));
    }
    let rate = if r.probes == 0 { 0.0 } else { r.errors as f64 * 100.0 / r.probes as f64 };
    ev = ev
        .fact(format!("series.{n}.errors"), r.errors.to_string())
        .fact(format!("series.{n}.probes"), r.probes.to_string())
        .fact(format!("series.{n}.error_rate_pct"), format!("{rate:.3}"));
    if let Some((label, failed)) = keep("failed") {
        ev = ev.fact(label, failed);
    }
    ev
}

/// "Round 2 of 12: p95 4.1 ms, 0 errors in 21 probes" — the event log's and the screen's line.
fn round_line(n: u64, total: u64, r: &Round) -> String {
    if r.missed {
        return format!("Round {n} of {total}: missed (not probed in its time)");
    }
    let p95 = r.p95_ms.map(|v| format!("p95 {v:.1} ms, ")).unwrap_or_default();
    format!("Round {n} of {total}: {p95}{} errors in {} probes", r.errors, r.probes)
}

/// The store refused a round: the soak cannot promise resumability, so it stops here.
fn unrecorded(why: &str, ev: Evidence) -> StepOutcome {
    StepOutcome::failed(
        format!("the soak stopped: a round could not be stored ({why}); resume the run to go on"),
        ev,
    )
}

executors! {
    SoakParams => soak,
}
