//! `http.check`, `http.latency` and `http.rate_limit`: requests to the deployed service,
//! measured. Each step runs a tokio runtime of its own (the engine's API is blocking) and always
//! ends: every request has a timeout, and a refused, hung or half-closed connection is a failed
//! step that says what happened, never a hang or a panic.

use std::time::{Duration, Instant};

use super::{StepContext, plural, resolve};
use crate::plan::kinds::{HttpCheckParams, HttpLatencyParams, HttpRateLimitParams};
use crate::run::{Evidence, Measurement, StepOutcome};
use crate::validate::latency::{self, Load};
use crate::validate::probe::{self, Answer, ClientOptions, Request};
use crate::validate::{ValidateError, bounded};

/// Body bytes read for expectations (JSON pointers need the whole document).
const MAX_BODY: usize = 1024 * 1024;
/// Body characters kept as evidence.
const EXCERPT_CHARS: usize = 500;

/// One request with expectations, retried with exponential backoff.
pub(super) fn check(p: &HttpCheckParams, ctx: &StepContext<'_>) -> StepOutcome {
    let timeout = Duration::from_millis(p.timeout_ms.unwrap_or(10_000).max(1));
    let method = p.method.as_deref().unwrap_or("GET");
    let ca = p.ca_file.as_deref().map(|f| resolve(ctx.repo_path, f));
    let setup = probe::runtime(1).and_then(|rt| {
        probe::client(&ClientOptions { timeout, ca_file: ca.as_deref(), pool: 1 }).map(|c| (rt, c))
    });
    let (rt, client) = match setup {
        Ok(x) => x,
        Err(e) => return cannot(&e),
    };
    let req = Request { method, url: &p.url, headers: &p.headers, body: p.body.as_deref() };
    let attempts = p.retries.unwrap_or(0).saturating_add(1);
    let mut last = StepOutcome::failed("no request was sent", Evidence::default());
    for attempt in 1..=attempts {
        if attempt > 1 {
            // 250 ms, 500 ms, 1 s, … capped at 5 s: a service still starting gets time.
            let wait = 250u64.saturating_mul(1 << (attempt - 2).min(5)).min(5_000);
            std::thread::sleep(Duration::from_millis(wait));
        }
        let got = rt.block_on(probe::send(&client, &req, MAX_BODY));
        let mut ev = Evidence::default()
            .fact("request", format!("{method} {}", p.url))
            .fact("attempts", attempt.to_string());
        last = match got {
            Err(f) => {
                ev = ev.fact("latency", format!("{} ms", ms(f.latency)));
                StepOutcome::failed(
                    format!(
                        "{method} {} failed: {}; is the service up at that address?",
                        p.url, f.reason
                    ),
                    ev.fact("failed expectation", "an answer"),
                )
            }
            Ok(a) => judge(p, &a, ctx, ev),
        };
        if last.status == crate::run::StepStatus::Passed {
            break;
        }
    }
    last
}

/// Hold an answer against the step's expectations; the first missed one is named.
fn judge(p: &HttpCheckParams, a: &Answer, ctx: &StepContext<'_>, ev: Evidence) -> StepOutcome {
    let ev = ev
        .fact("status", a.status.to_string())
        .fact("latency", format!("{} ms", ms(a.latency)))
        .fact("body excerpt", bounded(&(ctx.redact)(&a.body), EXCERPT_CHARS));
    let expect = p.expect_status.unwrap_or(200);
    let missed = if a.status != expect {
        Some(format!("status {expect} (got {})", a.status))
    } else if let Some(t) = p.body_contains.iter().find(|t| !a.body.contains(t.as_str())) {
        Some(format!("body contains {t:?}"))
    } else if let Some(t) = p.body_not_contains.iter().find(|t| a.body.contains(t.as_str())) {
        Some(format!("body does not contain {t:?}"))
    } else if let Some(ptr) = &p.json_pointer {
        json_missed(ptr, p.json_equals.as_deref().unwrap_or(ctx.version), &a.body, a.truncated)
    } else {
        None
    };
    match missed {
        None => StepOutcome::passed(
            format!("{} answered {} in {} ms", p.url, a.status, ms(a.latency)),
            ev,
        ),
        Some(m) => StepOutcome::failed(
            format!("{} answered {} but the check expected {m}", p.url, a.status),
            ev.fact("failed expectation", m),
        ),
    }
}

/// `Some(what was expected)` when the JSON pointer does not hold the value.
fn json_missed(ptr: &str, want: &str, body: &str, truncated: bool) -> Option<String> {
    let doc: serde_json::Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) if truncated => {
            return Some(format!("JSON at {ptr} (the body is over {MAX_BODY} bytes: {e})"));
        }
        Err(e) => return Some(format!("a JSON body with {ptr} = {want:?} (not JSON: {e})")),
    };
    let Some(got) = doc.pointer(ptr) else {
        return Some(format!("{ptr} = {want:?} (the body has no {ptr})"));
    };
    // "1.4.0" equals the string "1.4.0"; 3 equals "3"; true equals "true".
    let same = match got {
        serde_json::Value::String(s) => s == want,
        other => serde_json::from_str::<serde_json::Value>(want).is_ok_and(|w| &w == other),
    };
    (!same).then(|| format!("{ptr} = {want:?} (got {got})"))
}

/// Percentiles and error rate under load, each threshold a measurement.
pub(super) fn latency(p: &HttpLatencyParams, _ctx: &StepContext<'_>) -> StepOutcome {
    let load = Load {
        requests: u64::from(p.requests.unwrap_or(100)),
        concurrency: p.concurrency.unwrap_or(4).clamp(1, 1024) as usize,
        duration: p.duration_secs.map(Duration::from_secs),
        timeout: Duration::from_secs(10),
    };
    let sample = match latency::run(&p.url, &load) {
        Ok(s) => s,
        Err(e) => return cannot(&e),
    };
    let path = short_url(&p.url);
    let mut ev = Evidence::default()
        .fact("url", p.url.clone())
        .fact("requests", sample.total.to_string())
        .fact("concurrency", load.concurrency.to_string())
        .fact("errors", sample.errors.to_string())
        .fact("wall time", format!("{} ms", ms(sample.wall)));
    if let Some(e) = &sample.first_error {
        ev = ev.fact("first error", bounded(e, EXCERPT_CHARS));
    }
    let Some(st) = latency::stats(&sample) else {
        let why = sample.first_error.as_deref().unwrap_or("no request was sent");
        return StepOutcome::failed(
            format!("no request to {} was answered ({why}); is the service up?", p.url),
            ev,
        );
    };
    for (label, v) in [
        ("p50", st.p50_ms),
        ("p95", st.p95_ms),
        ("p99", st.p99_ms),
        ("max", st.max_ms),
        ("mean", st.mean_ms),
    ] {
        ev = ev.fact(format!("{label}_ms"), format!("{v:.2}"));
    }
    ev = ev.fact("error_rate_pct", format!("{:.3}", st.error_rate_pct));
    for (le, n) in &st.histogram {
        ev = ev.fact(format!("histogram.le_{le}ms"), n.to_string());
    }
    ev = ev.fact("histogram.count", st.count.to_string());
    let thresholds = [
        ("p50 latency", st.p50_ms, p.p50_ms, "ms"),
        ("p95 latency", st.p95_ms, p.p95_ms, "ms"),
        ("p99 latency", st.p99_ms, p.p99_ms, "ms"),
        ("max latency", st.max_ms, p.max_ms, "ms"),
        ("error rate", st.error_rate_pct, p.max_error_rate_pct, "%"),
    ];
    let mut missed = Vec::new();
    for (name, value, limit, unit) in thresholds {
        let Some(limit) = limit else { continue };
        super::at_most(&mut ev, &mut missed, name, format!("{name} {path}"), (value, limit), unit);
    }
    let seen = format!(
        "{} to {}: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, errors {:.2}%",
        plural(sample.total as usize, "request", "requests"),
        p.url,
        st.p50_ms,
        st.p95_ms,
        st.p99_ms,
        st.error_rate_pct
    );
    if missed.is_empty() {
        StepOutcome::passed(seen, ev)
    } else {
        StepOutcome::failed(format!("{seen} — missed: {}", missed.join("; ")), ev)
    }
}

/// Send requests one after another until the rejection status comes (or the window ends).
pub(super) fn rate_limit(p: &HttpRateLimitParams, _ctx: &StepContext<'_>) -> StepOutcome {
    let expect = p.expect_status.unwrap_or(429);
    let window = Duration::from_secs(p.window_secs.max(1));
    let setup = probe::runtime(1).and_then(|rt| {
        probe::client(&ClientOptions {
            timeout: window.min(Duration::from_secs(10)),
            ca_file: None,
            pool: 1,
        })
        .map(|c| (rt, c))
    });
    let (rt, client) = match setup {
        Ok(x) => x,
        Err(e) => return cannot(&e),
    };
    let headers = std::collections::BTreeMap::new();
    let req = Request { method: "GET", url: &p.url, headers: &headers, body: None };
    let budget = p.budget();
    let start = Instant::now();
    let mut sent = 0u64;
    let mut rejected_at = None;
    while sent < budget && start.elapsed() < window {
        sent += 1;
        match rt.block_on(probe::send(&client, &req, 64 * 1024)) {
            Ok(a) if a.status == expect => {
                rejected_at = Some((sent, start.elapsed()));
                break;
            }
            Ok(_) => {}
            Err(f) => {
                return StepOutcome::failed(
                    format!("request {sent} to {} failed: {}", p.url, f.reason),
                    Evidence::default().fact("requests sent", sent.to_string()),
                );
            }
        }
    }
    let ev = Evidence::default()
        .fact("url", p.url.clone())
        .fact("requests sent", sent.to_string())
        .fact("limit", format!("{} per {} s", p.requests, p.window_secs));
    let limit = u64::from(p.requests);
    match rejected_at {
        Some((n, at)) => {
            let allowed = n - 1;
            let passed = allowed <= limit;
            let mut ev = ev.fact("first rejection", format!("request {n} after {} ms", ms(at)));
            ev.measurements.push(Measurement {
                metric: format!("requests before {expect} {}", short_url(&p.url)),
                target: format!("≤ {limit}"),
                value: allowed as f64,
                unit: String::new(),
                passed,
            });
            let seen = format!("{expect} came at request {n}, {} ms into the window", ms(at));
            if passed {
                StepOutcome::passed(seen, ev)
            } else {
                StepOutcome::failed(format!("{seen}: the limit lets more than {limit} through"), ev)
            }
        }
        None => {
            let took = start.elapsed();
            let when = if sent >= budget {
                format!(
                    "all sent in {:.2} s, within the {} s window",
                    took.as_secs_f64(),
                    p.window_secs
                )
            } else {
                format!("the {} s window ended", p.window_secs)
            };
            StepOutcome::failed(
                format!(
                    "no {expect} after {} to {} ({when}): rate limiting is not working",
                    plural(sent as usize, "request", "requests"),
                    p.url,
                ),
                ev.fact("time taken", format!("{:.2} s", took.as_secs_f64())),
            )
        }
    }
}

/// The step could not measure at all (bad CA file, no runtime).
fn cannot(e: &ValidateError) -> StepOutcome {
    StepOutcome::failed(format!("could not send the request: {e}"), Evidence::default())
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// The path of a URL, so metric names stay short ("/health").
pub(super) fn short_url(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or_else(|| "/".to_owned(), |i| rest[i..].to_owned())
}

executors! {
    HttpCheckParams => check,
    HttpLatencyParams => latency,
    HttpRateLimitParams => rate_limit,
}
