//! `log.scan` on real log files: forbidden patterns with their lines as evidence (bounded),
//! required patterns, CRLF endings, and lines from before the deploy left out with `since`.

use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::LogScanParams;
use pilot_engine::run::StepStatus;
use pilot_engine::validate::logs;

use super::{assert_status, fact};
use crate::executors::{ready_facts, run_in, temp_dir};

const LOG: &str = "2026-11-20T09:00:00Z ERROR old failure before the deploy\r\n\
2026-11-20T10:00:01Z INFO Started server process [1]\r\n\
2026-11-20T10:00:02Z INFO Application startup complete.\r\n\
2026-11-20T10:05:00Z ERROR could not reach the database\r\n\
Traceback (most recent call last):\r\n\
  File \"app.py\", line 3, in <module>\r\n";

fn scan(log: &str, forbid: &[&str], require: &[&str]) -> pilot_engine::run::StepOutcome {
    let dir = temp_dir();
    std::fs::write(dir.path().join("app.log"), log).unwrap_or_else(|e| panic!("write: {e}"));
    let p = LogScanParams {
        container: None,
        file: Some("app.log".into()),
        forbid: forbid.iter().map(|s| (*s).to_owned()).collect(),
        require: require.iter().map(|s| (*s).to_owned()).collect(),
    };
    run_in(dir.path(), &ready_facts(dir.path()), StepAction::LogScan(p))
}

#[test]
fn forbidden_lines_fail_the_scan_with_the_lines_as_evidence() {
    let o = scan(LOG, &["ERROR|CRITICAL", "^Traceback"], &["Application startup complete"]);
    assert_status(&o, StepStatus::Failed, "the log has errors and a traceback");
    assert_eq!(
        fact(&o, "line 4 matches \"ERROR|CRITICAL\""),
        "2026-11-20T10:05:00Z ERROR could not reach the database",
        "the line is evidence, without its CR"
    );
    assert_eq!(o.evidence.measurements[0].value, 2.0, "two ERROR lines");
    assert_eq!(o.evidence.measurements[1].value, 1.0, "one traceback");
    assert!(
        fact(&o, "line 3 has \"Application startup complete\"").contains("startup"),
        "the required line is evidence"
    );
}

#[test]
fn clean_log_with_required_lines_passes() {
    let o = scan(
        "INFO Application startup complete.\nINFO GET /health 200\n",
        &["ERROR"],
        &["startup complete"],
    );
    assert_status(&o, StepStatus::Passed, "nothing forbidden, the required line is there");
    assert!(o.evidence.measurements.iter().all(|m| m.passed), "the forbidden count is met");
}

#[test]
fn a_missing_required_line_fails() {
    let o = scan("INFO Started\n", &[], &["Application startup complete"]);
    assert_status(&o, StepStatus::Failed, "the service never said it started");
    assert!(
        o.summary.contains("no line matches the required"),
        "the summary says which: {}",
        o.summary
    );
}

#[test]
fn matching_lines_kept_are_bounded() {
    let log: String = (0..500).map(|i| format!("ERROR number {i}\n")).collect();
    let o = scan(&log, &["ERROR"], &[]);
    let kept = o.evidence.facts.iter().filter(|f| f.label.contains("matches")).count();
    assert_eq!(kept, logs::MAX_LINES_KEPT, "only the first lines are kept as evidence");
    assert_eq!(o.evidence.measurements[0].value, 500.0, "every line is counted");
}

#[test]
fn since_leaves_out_lines_logged_before_the_deploy() {
    let dir = temp_dir();
    let path = dir.path().join("app.log");
    std::fs::write(&path, LOG).unwrap_or_else(|e| panic!("write: {e}"));
    let forbid = logs::patterns(&["ERROR".into()]).unwrap_or_else(|e| panic!("pattern: {e}"));
    let since = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
        .unwrap_or_else(|e| panic!("time: {e}"))
        .to_utc();
    let s =
        logs::scan_file(&path, &forbid, &[], Some(since)).unwrap_or_else(|e| panic!("scan: {e}"));
    assert_eq!(s.forbidden[0].count, 1, "the 09:00 error predates the deploy");
    assert_eq!(s.lines_scanned, 5, "untimestamped traceback lines are still scanned");
}

#[test]
fn bad_pattern_and_container_source_are_explained() {
    let o = scan("x\n", &["(unclosed"], &[]);
    assert_status(&o, StepStatus::Failed, "an invalid regex cannot scan");
    assert!(o.summary.contains("(unclosed"), "the bad pattern is named: {}", o.summary);
    let both = StepAction::LogScan(LogScanParams {
        container: Some("sms".into()),
        file: Some("app.log".into()),
        ..LogScanParams::default()
    });
    let dir = temp_dir();
    let o = run_in(dir.path(), &ready_facts(dir.path()), both);
    assert_status(&o, StepStatus::Failed, "a container and a file at once is ambiguous");
    assert!(o.summary.contains("exactly one"), "the fix is named: {}", o.summary);
}
