//! `soak` through real runs: a real store, the test server on 127.0.0.1, the system clock and
//! real one-second intervals. Resuming is tested here from a stored half-finished soak (the
//! state a kill leaves behind); `crates/cli/tests/cli/soak.rs` kills a real `pilot` for it.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use pilot_engine::plan::Plan;
use pilot_engine::run::{
    Answers, DriveOptions, Evidence, NewEvent, NoProgress, PlanOrigin, Progress, Run, StartRequest,
    StepRecord, StepStatus, drive_run, start_run,
};
use pilot_engine::store::RunStore;
use pilot_engine::{Clock, SystemClock};

use super::server::start;
use crate::executors::temp_dir;

struct Fixture {
    repo: tempfile::TempDir,
    _data: tempfile::TempDir,
    store: RunStore,
}

fn fixture() -> Fixture {
    let repo = temp_dir();
    std::fs::write(repo.path().join("VERSION"), "1.2.3\n").expect("write VERSION");
    crate::common::git_raw_in(repo.path(), &["init", "-q", "-b", "main"]);
    crate::common::git_raw_in(repo.path(), &["add", "."]);
    crate::common::git_raw_in(repo.path(), &["commit", "-q", "-m", "Release 1.2.3"]);
    let data = temp_dir();
    let store = RunStore::open(&data.path().join("runs.sqlite3")).expect("the store opens");
    Fixture { repo, _data: data, store }
}

impl Fixture {
    fn start(&self, source: &str) -> String {
        let plan: Plan = toml::from_str(source).expect("the test plan fits the model");
        start_run(
            &self.store,
            &SystemClock,
            StartRequest {
                repo: self.repo.path(),
                plan,
                plan_source: source.to_string(),
                origin: PlanOrigin::File("plan.toml".into()),
                version: None,
                environment: None,
                operator: Some("Ada <ada@example.com>".into()),
                dry_run: false,
                vars: Default::default(),
            },
        )
        .expect("the run starts")
        .id
    }

    fn drive(&self, id: &str, resuming: bool) -> Run {
        let options = DriveOptions { up_to: None, resuming };
        drive_run(&self.store, &SystemClock, &NoProgress, id, &Answers::default(), options)
            .expect("the run is driven")
    }
}

/// A plan with one soak step (and an http.check it may repeat).
fn plan(url: &str, soak: &str) -> String {
    format!(
        r#"
[plan]
name = "t"
title = "T"

[[phase]]
id = "p"
title = "P"

[[phase.step]]
id = "health"
title = "Health"
kind = "http.check"
url = "{url}"

[[phase.step]]
id = "soak"
title = "Soak"
kind = "soak"
{soak}
"#
    )
}

fn soak_record(run: &Run) -> &StepRecord {
    run.step("soak").unwrap_or_else(|| panic!("the soak step has a record"))
}

fn fact<'a>(rec: &'a StepRecord, label: &str) -> Option<&'a str> {
    rec.evidence.facts.iter().find(|f| f.label == label).map(|f| f.value.as_str())
}

fn time(rec: &StepRecord, label: &str) -> DateTime<Utc> {
    let v = fact(rec, label).unwrap_or_else(|| panic!("{label} is in {:?}", rec.evidence));
    DateTime::parse_from_rfc3339(v).unwrap_or_else(|e| panic!("{label} is a time: {e}")).into()
}

#[test]
fn a_soak_records_every_round_streams_progress_and_passes() {
    let s = start();
    let fx = fixture();
    let source = plan(
        &s.url("/health"),
        &format!(
            "url = \"{}\"\nchecks = [\"health\"]\ninterval_secs = 1\nduration_secs = 3\n\
             requests_per_round = 10\np95_ms = 200\nmax_error_rate_pct = 1",
            s.url("/health")
        ),
    );
    let id = fx.start(&source);
    let lines = Mutex::new(Vec::new());
    let sink = |p: Progress| {
        if let Progress::StepOutput { step_id, line } = p {
            lines.lock().unwrap_or_else(|e| e.into_inner()).push((step_id, line));
        }
    };
    let run =
        drive_run(&fx.store, &SystemClock, &sink, &id, &Answers::default(), Default::default())
            .expect("the run is driven");
    let rec = soak_record(&run);
    assert_eq!(rec.status, StepStatus::Passed, "a healthy service passes: {}", rec.summary);
    for n in 1..=3 {
        assert_eq!(
            fact(rec, &format!("series.{n}.probes")),
            Some("11"),
            "round {n} sent 10 requests and ran the health check once: {:?}",
            rec.evidence
        );
        assert!(fact(rec, &format!("series.{n}.p95_ms")).is_some(), "round {n} has a p95");
    }
    assert_eq!(fact(rec, "series.4.probes"), None, "a 3 s window at 1 s holds 3 rounds");
    let gap = time(rec, "series.2.at") - time(rec, "series.1.at");
    assert!(gap.num_milliseconds() >= 900, "rounds are an interval apart, not back to back: {gap}");
    let metrics: Vec<(&str, bool)> =
        rec.evidence.measurements.iter().map(|m| (m.metric.as_str(), m.passed)).collect();
    assert_eq!(
        metrics,
        [("soak p95 latency /health", true), ("soak error rate", true)],
        "one measurement per threshold, both met"
    );
    let lines = lines.into_inner().unwrap_or_else(|e| e.into_inner());
    let soak_lines: Vec<&str> =
        lines.iter().filter(|(s, _)| s == "soak").map(|(_, l)| l.as_str()).collect();
    assert_eq!(soak_lines.len(), 4, "the start and each round are streamed: {soak_lines:?}");
    assert!(soak_lines[3].starts_with("Round 3 of 3: p95 "), "rounds say n of m: {soak_lines:?}");
    let stored = run.events.iter().filter(|e| e.kind == "step.progress").count();
    assert_eq!(stored, 4, "each streamed line was stored first, as an event");
}

#[test]
fn a_soak_against_a_failing_or_slow_service_fails() {
    let s = start();
    let fx = fixture();
    let failing = plan(
        &s.url("/health"),
        &format!("url = \"{}\"\ninterval_secs = 1\nduration_secs = 1", s.url("/fail")),
    );
    let run = fx.drive(&fx.start(&failing), false);
    let rec = soak_record(&run);
    assert_eq!(rec.status, StepStatus::Failed, "500s fail a soak without thresholds");
    assert!(
        fact(rec, "series.1.failed").is_some_and(|f| f.contains("/fail") && f.contains("500")),
        "the round names what failed: {:?}",
        rec.evidence
    );

    let slow = plan(
        &s.url("/health"),
        &format!(
            "url = \"{}\"\nrequests_per_round = 4\ninterval_secs = 1\nduration_secs = 1\np95_ms = 50",
            s.url("/slow")
        ),
    );
    let run = fx.drive(&fx.start(&slow), false);
    let rec = soak_record(&run);
    assert_eq!(rec.status, StepStatus::Failed, "120 ms answers miss a 50 ms p95");
    let m = &rec.evidence.measurements[0];
    assert!(!m.passed && m.value >= 120.0, "the worst round's p95 is measured: {m:?}");
}

/// A failed soak run again (the person resumed after fixing the service) is a new attempt: a
/// new window and new rounds, not the finished window of the failed one.
#[test]
fn a_failed_soak_run_again_on_resume_starts_a_new_window() {
    let s = start();
    let fx = fixture();
    let failing = plan(
        &s.url("/health"),
        &format!("url = \"{}\"\ninterval_secs = 1\nduration_secs = 1", s.url("/fail")),
    );
    let id = fx.start(&failing);
    let run = fx.drive(&id, false);
    let first = soak_record(&run).clone();
    assert_eq!(first.status, StepStatus::Failed, "500s fail the soak");

    let run = fx.drive(&id, true);
    let again = soak_record(&run);
    assert!(
        time(again, "soak.window_start") > time(&first, "soak.window_start"),
        "a new window: {:?} then {:?}",
        fact(&first, "soak.window_start"),
        fact(again, "soak.window_start")
    );
    assert_eq!(again.status, StepStatus::Failed, "the service still fails");
    assert!(fact(again, "series.1.failed").is_some(), "its own first round: {:?}", again.evidence);
    assert!(
        run.events.iter().any(|e| e.kind == "step.retried" && e.step_id.as_deref() == Some("soak")),
        "the retry is in the log"
    );
}

#[test]
fn a_soak_may_only_repeat_read_only_checks() {
    let fx = fixture();
    let source = r#"
[plan]
name = "t"
title = "T"

[[phase]]
id = "p"
title = "P"

[[phase.step]]
id = "deploy"
title = "Deploy"
kind = "command"
program = "true"

[[phase.step]]
id = "soak"
title = "Soak"
kind = "soak"
checks = ["deploy"]
interval_secs = 1
duration_secs = 1
"#;
    let run = fx.drive(&fx.start(source), false);
    let rec = soak_record(&run);
    assert_eq!(rec.status, StepStatus::Failed, "an action is never repeated by a soak");
    assert!(
        rec.summary.contains("read-only") && rec.summary.contains("deploy"),
        "the summary says which check and why: {}",
        rec.summary
    );
}

/// Leave the soak as a kill would: "running", with the evidence of its rounds so far.
fn interrupt(fx: &Fixture, id: &str, evidence: Evidence) {
    let run = fx.store.load_run(id).expect("the run loads");
    let mut rec = soak_record(&run).clone();
    rec.status = StepStatus::Running;
    rec.started_at = Some(SystemClock.now());
    rec.evidence = evidence;
    let event = NewEvent {
        at: SystemClock.now(),
        kind: "step.progress".into(),
        step_id: Some("soak".into()),
        message: "Round 1 of 4".into(),
    };
    fx.store.update_step(id, &rec, event).expect("the store takes the record");
}

#[test]
fn a_resumed_soak_keeps_its_window_and_rounds_and_marks_the_gap() {
    let s = start();
    let fx = fixture();
    let source = plan(
        &s.url("/health"),
        &format!("url = \"{}\"\ninterval_secs = 1\nduration_secs = 4", s.url("/health")),
    );
    let id = fx.start(&source);
    // Round 1 ran 2.5 s ago; the app was closed through round 2's second.
    let anchor = SystemClock.now() - chrono::Duration::milliseconds(2500);
    let before = Evidence::default()
        .fact("soak.window_start", anchor.to_rfc3339())
        .fact("series.1.at", anchor.to_rfc3339())
        .fact("series.1.p50_ms", "0.40")
        .fact("series.1.p95_ms", "0.90")
        .fact("series.1.errors", "0")
        .fact("series.1.probes", "20")
        .fact("series.1.error_rate_pct", "0.000");
    interrupt(&fx, &id, before);
    let run = fx.drive(&id, true);
    let rec = soak_record(&run);
    assert_eq!(
        time(rec, "soak.window_start"),
        anchor,
        "the window stays anchored at the first start"
    );
    assert_eq!(time(rec, "series.1.at"), anchor, "the stored round is kept as it was");
    assert_eq!(fact(rec, "series.1.p95_ms"), Some("0.90"), "with its figures");
    assert!(fact(rec, "series.2.missed").is_some(), "round 2's time passed unprobed: {rec:?}");
    assert_eq!(fact(rec, "series.3.probes"), Some("20"), "round 3 runs on resume");
    assert_eq!(fact(rec, "series.4.probes"), Some("20"), "and round 4 in its time");
    assert_eq!(rec.status, StepStatus::Warned, "a gap makes it a warning: {}", rec.summary);
    assert!(rec.summary.contains("1 round was not probed"), "it says so: {}", rec.summary);
    assert!(
        run.events.iter().any(|e| e.kind == "step.interrupted"),
        "the event log records the interruption"
    );
}

#[test]
fn a_soak_whose_window_passed_while_closed_fails_and_says_why() {
    let s = start();
    let fx = fixture();
    let source = plan(
        &s.url("/health"),
        &format!("url = \"{}\"\ninterval_secs = 60\nduration_secs = 600", s.url("/health")),
    );
    let id = fx.start(&source);
    let anchor = SystemClock.now() - chrono::Duration::hours(1);
    interrupt(&fx, &id, Evidence::default().fact("soak.window_start", anchor.to_rfc3339()));
    let run = fx.drive(&id, true);
    let rec = soak_record(&run);
    assert_eq!(rec.status, StepStatus::Failed, "no round ran: nothing was proven");
    assert!(rec.summary.contains("no round of the soak ran"), "it says why: {}", rec.summary);
    assert_eq!(fact(rec, "rounds missed"), Some("10"), "every round is accounted for");
}
