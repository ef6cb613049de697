//! `http.check` against a live server and against broken ones: down, hanging, malformed JSON,
//! closing mid-body. Every broken case must end quickly with a failed step that says why.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::HttpCheckParams;
use pilot_engine::run::StepStatus;

use super::server::{down_url, start};
use super::{assert_status, fact, run};

fn check(url: String) -> HttpCheckParams {
    HttpCheckParams { url, timeout_ms: Some(1_000), ..HttpCheckParams::default() }
}

#[test]
fn healthy_endpoint_passes_every_expectation() {
    let s = start();
    let mut p = check(s.url("/health"));
    p.body_contains = vec!["\"ok\"".into()];
    p.body_not_contains = vec!["error".into()];
    p.json_pointer = Some("/version".into());
    p.json_equals = Some("1.2.3".into());
    p.headers = BTreeMap::from([("Accept".into(), "application/json".into())]);
    let o = run(StepAction::HttpCheck(p));
    assert_status(&o, StepStatus::Passed, "the health endpoint meets every expectation");
    assert_eq!(fact(&o, "status"), "200", "the status is evidence");
    assert!(fact(&o, "body excerpt").contains("1.2.3"), "the body excerpt is evidence");
    assert!(fact(&o, "latency").ends_with(" ms"), "the latency is evidence");
}

#[test]
fn json_pointer_defaults_to_the_run_version_and_names_the_mismatch() {
    let s = start();
    let mut p = check(s.url("/health"));
    p.json_pointer = Some("/version".into());
    let o = run(StepAction::HttpCheck(p.clone()));
    assert_status(
        &o,
        StepStatus::Passed,
        "without json_equals the run's version (1.2.3) is expected",
    );
    p.json_equals = Some("2.0.0".into());
    let o = run(StepAction::HttpCheck(p));
    assert_status(&o, StepStatus::Failed, "1.2.3 is not 2.0.0");
    assert!(
        fact(&o, "failed expectation").contains("/version = \"2.0.0\""),
        "the missed expectation is named: {:?}",
        o.evidence
    );
}

#[test]
fn wrong_status_and_body_expectations_fail_with_their_name() {
    let s = start();
    let o = run(StepAction::HttpCheck(check(s.url("/fail"))));
    assert_status(&o, StepStatus::Failed, "500 is not the expected 200");
    assert!(
        fact(&o, "failed expectation").contains("status 200"),
        "the status expectation is named"
    );
    assert!(fact(&o, "body excerpt").contains("database is locked"), "the error body is evidence");

    let mut p = check(s.url("/health"));
    p.body_not_contains = vec!["ok".into()];
    let o = run(StepAction::HttpCheck(p));
    assert_status(&o, StepStatus::Failed, "the body contains a forbidden text");
    assert!(fact(&o, "failed expectation").contains("does not contain"), "named: {:?}", o.evidence);
}

#[test]
fn server_down_fails_clearly_after_retries() {
    let mut p = check(down_url());
    p.retries = Some(2);
    let started = Instant::now();
    let o = run(StepAction::HttpCheck(p));
    assert_status(&o, StepStatus::Failed, "nothing listens on that port");
    assert!(
        o.summary.contains("could not connect"),
        "the summary says the connection failed: {}",
        o.summary
    );
    assert!(
        !o.summary.contains("error sending request"),
        "and why, without the client's wrappers: {}",
        o.summary
    );
    assert_eq!(fact(&o, "attempts"), "3", "two retries make three attempts");
    assert!(started.elapsed() < Duration::from_secs(5), "retries back off briefly, not forever");
}

#[test]
fn hanging_server_times_out_instead_of_hanging() {
    let s = start();
    let mut p = check(s.url("/hang"));
    p.timeout_ms = Some(300);
    let started = Instant::now();
    let o = run(StepAction::HttpCheck(p));
    assert_status(&o, StepStatus::Failed, "a server that never answers fails the check");
    assert!(o.summary.contains("timed out"), "the summary says it timed out: {}", o.summary);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout bounds the step: {:?}",
        started.elapsed()
    );
}

#[test]
fn malformed_json_fails_the_pointer_expectation() {
    let s = start();
    let mut p = check(s.url("/malformed"));
    p.json_pointer = Some("/version".into());
    let o = run(StepAction::HttpCheck(p));
    assert_status(&o, StepStatus::Failed, "a truncated JSON document cannot hold the version");
    assert!(
        fact(&o, "failed expectation").contains("not JSON"),
        "it says the body is not JSON: {:?}",
        o.evidence
    );
}

#[test]
fn connection_closed_mid_body_fails_clearly() {
    let s = start();
    let o = run(StepAction::HttpCheck(check(s.url("/midbody"))));
    assert_status(&o, StepStatus::Failed, "a body cut short is not an answer");
    assert!(
        o.summary.contains("mid-body"),
        "the summary says the connection closed mid-body: {}",
        o.summary
    );
}

#[test]
fn a_missing_ca_file_is_a_clear_failure() {
    let mut p = check("https://127.0.0.1:1/health".into());
    p.ca_file = Some("no-such-ca.pem".into());
    let o = run(StepAction::HttpCheck(p));
    assert_status(&o, StepStatus::Failed, "the CA file does not exist");
    assert!(o.summary.contains("no-such-ca.pem"), "the summary names the file: {}", o.summary);
}

/// A login flow is a POST with a body: sent as given, with its headers.
#[test]
fn a_post_with_a_body_signs_in() {
    let s = start();
    let mut p = check(s.url("/login"));
    p.method = Some("POST".into());
    p.headers =
        BTreeMap::from([("Content-Type".into(), "application/x-www-form-urlencoded".into())]);
    p.body = Some("user=qa&password=correct-horse".into());
    p.json_pointer = Some("/token".into());
    p.json_equals = Some("signed-in".into());
    let said = StepAction::HttpCheck(p.clone()).describe("login");
    assert!(said.contains("POST") && said.contains("30-byte body"), "{said}");
    let o = run(StepAction::HttpCheck(p.clone()));
    assert_status(&o, StepStatus::Passed, "the POST's body reached the server");

    p.body = Some("user=qa&password=".into());
    p.json_pointer = None;
    p.json_equals = None;
    let o = run(StepAction::HttpCheck(p));
    assert_status(&o, StepStatus::Failed, "without a password the login is refused (401)");
}
