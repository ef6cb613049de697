//! `http.latency` and `http.rate_limit` against the live test server, and the statistics of
//! `pilot_engine::validate::latency` on known values.

use std::time::Duration;

use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::{HttpLatencyParams, HttpRateLimitParams};
use pilot_engine::run::StepStatus;
use pilot_engine::validate::latency::{Sample, percentile, stats};

use super::server::{down_url, start};
use super::{assert_status, fact, run};

#[test]
fn latency_reports_percentiles_histogram_and_measurements() {
    let s = start();
    let p = HttpLatencyParams {
        url: s.url("/health"),
        requests: Some(200),
        concurrency: Some(8),
        p95_ms: Some(200.0),
        max_error_rate_pct: Some(0.1),
        ..HttpLatencyParams::default()
    };
    let o = run(StepAction::HttpLatency(p));
    assert_status(&o, StepStatus::Passed, "a local health endpoint is far under 200 ms");
    assert_eq!(fact(&o, "requests"), "200", "exactly the requested number of requests is sent");
    assert_eq!(fact(&o, "histogram.count"), "200", "every latency is recorded");
    assert_eq!(
        fact(&o, "histogram.le_10000ms"),
        "200",
        "the last bucket holds every answer (cumulative)"
    );
    let metrics: Vec<&str> = o.evidence.measurements.iter().map(|m| m.metric.as_str()).collect();
    assert_eq!(
        metrics,
        ["p95 latency /health", "error rate /health"],
        "one measurement per threshold"
    );
    assert!(o.evidence.measurements.iter().all(|m| m.passed), "both thresholds are met");
    assert_eq!(
        o.evidence.measurements[0].target, "≤ 200 ms",
        "the target reads like the runbooks'"
    );
}

#[test]
fn slow_endpoint_misses_the_p95_threshold() {
    let s = start();
    let p = HttpLatencyParams {
        url: s.url("/slow"),
        requests: Some(16),
        concurrency: Some(4),
        p95_ms: Some(50.0),
        ..HttpLatencyParams::default()
    };
    let o = run(StepAction::HttpLatency(p));
    assert_status(&o, StepStatus::Failed, "120 ms answers miss a 50 ms p95");
    let m = &o.evidence.measurements[0];
    assert!(
        !m.passed && m.value >= 120.0,
        "the measured p95 is at least the server's delay: {m:?}"
    );
}

#[test]
fn failing_endpoint_misses_the_error_rate_threshold() {
    let s = start();
    let p = HttpLatencyParams {
        url: s.url("/fail"),
        requests: Some(20),
        max_error_rate_pct: Some(0.1),
        ..HttpLatencyParams::default()
    };
    let o = run(StepAction::HttpLatency(p));
    assert_status(&o, StepStatus::Failed, "every answer is a 500");
    assert_eq!(o.evidence.measurements[0].value, 100.0, "the error rate is 100%");
    assert_eq!(fact(&o, "first error"), "status 500", "the first error is evidence");
}

#[test]
fn latency_against_a_server_that_is_down_fails_clearly() {
    let p =
        HttpLatencyParams { url: down_url(), requests: Some(5), ..HttpLatencyParams::default() };
    let o = run(StepAction::HttpLatency(p));
    assert_status(&o, StepStatus::Failed, "nothing answers");
    assert!(o.summary.contains("no request"), "the summary says nothing answered: {}", o.summary);
}

#[test]
fn percentiles_are_nearest_rank() {
    let v: Vec<f64> = (1..=100).map(f64::from).collect();
    assert_eq!(percentile(&v, 50.0), 50.0, "p50 of 1..=100 is 50");
    assert_eq!(percentile(&v, 95.0), 95.0, "p95 of 1..=100 is 95");
    assert_eq!(percentile(&v, 100.0), 100.0, "p100 is the max");
    assert_eq!(percentile(&[], 50.0), 0.0, "no values, no panic");
    let sample = Sample {
        latencies: (1..=10).map(|i| Duration::from_millis(i * 3)).collect(),
        errors: 1,
        total: 10,
        ..Sample::default()
    };
    let st = stats(&sample).unwrap_or_else(|| panic!("ten latencies have statistics"));
    assert_eq!(st.error_rate_pct, 10.0, "1 error in 10 requests");
    let le_10 = st.histogram.iter().find(|(b, _)| *b == 10).map(|(_, n)| *n);
    assert_eq!(le_10, Some(3), "3, 6 and 9 ms are at or under 10 ms");
}

#[test]
fn rate_limit_reports_when_the_rejection_came() {
    let s = start();
    let p = HttpRateLimitParams {
        url: s.url("/limited"),
        requests: 5,
        window_secs: 10,
        expect_status: None,
    };
    let o = run(StepAction::HttpRateLimit(p));
    assert_status(&o, StepStatus::Passed, "the 6th request is rejected with 429");
    assert!(
        fact(&o, "first rejection").starts_with("request 6 "),
        "it says when: {:?}",
        o.evidence
    );
    assert_eq!(o.evidence.measurements[0].value, 5.0, "5 requests got through");
}

#[test]
fn no_rate_limit_fails() {
    let s = start();
    let p = HttpRateLimitParams {
        url: s.url("/health"),
        requests: 10,
        window_secs: 10,
        expect_status: Some(429),
    };
    let said = StepAction::HttpRateLimit(p.clone()).describe("t");
    let o = run(StepAction::HttpRateLimit(p.clone()));
    assert_status(&o, StepStatus::Failed, "the health endpoint never answers 429");
    assert!(o.summary.contains("not working"), "the summary says so: {}", o.summary);
    // One count everywhere: what the dry run would send is what the live run sent, and a burst
    // that took a fraction of the window says so instead of claiming the whole window.
    let budget = p.budget();
    assert!(said.contains(&format!("up to {budget} requests")), "{said}");
    assert!(o.summary.contains(&format!("after {budget} requests")), "{}", o.summary);
    assert_eq!(fact(&o, "requests sent"), budget.to_string());
    assert!(
        o.summary.contains("all sent in") && o.summary.contains("within the 10 s window"),
        "{}",
        o.summary
    );
}
