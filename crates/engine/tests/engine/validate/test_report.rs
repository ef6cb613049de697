//! `test.report` with reports made by the real tools — pytest's `--junitxml`, and Playwright's
//! JSON reporter running the suite in `tests/test-reports` with the system's Chromium, printed
//! by a `command` step and saved through its `stdout_file` — plus a
//! recorded Playwright report, flaky JUnit elements, and malformed and large files. The real
//! tools are required when `RELEASE_PILOT_REQUIRE_TEST_TOOLS=1` (scripts/test.sh installs
//! them); elsewhere a missing one skips its test with a note.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::{CommandParams, TestReportParams};
use pilot_engine::run::StepStatus;
use pilot_engine::validate::junit;

use super::{assert_status, fact};
use crate::executors::{ready_facts, run_in, temp_dir};

fn import(dir: &Path, p: TestReportParams) -> pilot_engine::run::StepOutcome {
    run_in(dir, &ready_facts(dir), StepAction::TestReport(p))
}

fn params(path: &str) -> TestReportParams {
    TestReportParams { path: path.into(), ..TestReportParams::default() }
}

const PYTEST_SUITE: &str = r#"
import pytest

def test_login_critical():
    assert 1 + 1 == 2

def test_checkout_critical():
    assert "total" == "sum", "checkout total is wrong"

def test_profile():
    assert True

@pytest.mark.skip(reason="not on staging")
def test_export():
    pass

@pytest.fixture
def broken():
    raise RuntimeError("database is locked")

def test_search(broken):
    pass
"#;

/// The interpreter to run pytest with: the one scripts/test.sh verified
/// (`RELEASE_PILOT_PYTHON`), else whatever `python3` is first on PATH.
fn python() -> String {
    std::env::var("RELEASE_PILOT_PYTHON").unwrap_or_else(|_| "python3".into())
}

#[test]
fn pytest_junit_report_is_tallied_with_critical_failures() {
    let python = python();
    let has_pytest = Command::new(&python)
        .args(["-m", "pytest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pytest {
        return missing_tool(&format!(
            "{python} -m pytest does not run (apt-get install python3-pytest, or set \
             RELEASE_PILOT_PYTHON to an interpreter that has pytest)"
        ));
    }
    let dir = temp_dir();
    std::fs::write(dir.path().join("test_app.py"), PYTEST_SUITE)
        .unwrap_or_else(|e| panic!("write the pytest suite: {e}"));
    let out = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--junitxml=report.xml",
            "test_app.py",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("pytest runs: {e}"));
    assert!(dir.path().join("report.xml").exists(), "pytest wrote its report: {out:?}");

    let mut p = params("report.xml");
    p.min_pass_rate_pct = Some(50.0);
    p.critical = Some("critical".into());
    p.all_critical_pass = true;
    let o = import(dir.path(), p);
    assert_status(&o, StepStatus::Failed, "a critical test failed");
    assert_eq!(fact(&o, "total"), "5", "five tests in the suite");
    assert_eq!(fact(&o, "passed"), "2", "login and profile pass");
    assert_eq!(fact(&o, "failed"), "2", "checkout fails, search errors");
    assert_eq!(fact(&o, "skipped"), "1", "export is skipped");
    assert_eq!(fact(&o, "critical"), "1 of 2 failed", "checkout is the failing critical test");
    assert!(
        fact(&o, "critical failure: test_app › test_checkout_critical")
            .contains("checkout total is wrong"),
        "the failure message is evidence: {:?}",
        o.evidence.facts
    );
    let rate = &o.evidence.measurements[0];
    assert!(rate.passed && rate.value == 50.0, "2 of 4 run pass: 50% meets ≥ 50%: {rate:?}");
    assert!(!o.evidence.measurements[1].passed, "the critical gate is missed");
}

/// A real tool this machine lacks: a failure where the tools are required, else a skip.
fn missing_tool(why: &str) {
    assert!(
        std::env::var_os("RELEASE_PILOT_REQUIRE_TEST_TOOLS").is_none(),
        "{why}; scripts/test.sh installs it"
    );
    eprintln!("skipped: {why}");
}

/// The Playwright suite of `tests/test-reports` (installed by `npm ci` there).
fn playwright_suite() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/test-reports")
}

#[test]
fn playwright_report_made_by_playwright_with_the_system_chromium() {
    let suite = playwright_suite();
    let cli = suite.join("node_modules/@playwright/test/cli.js");
    let chromium = std::env::var_os("CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into());
    if !cli.is_file() {
        return missing_tool("Playwright is not installed (npm ci in tests/test-reports)");
    }
    if !Path::new(&chromium).exists() {
        return missing_tool("Chromium is not installed (apt-get install chromium)");
    }
    // Run as a plan would: a `command` step printing the JSON report to stdout and saving it
    // (`stdout_file`), then the `test.report` step importing that file.
    let dir = temp_dir();
    let report = dir.path().join("report.json");
    let run = CommandParams {
        program: "node".into(),
        args: vec![cli.display().to_string(), "test".into(), "--reporter=json".into()],
        cwd: Some(suite.display().to_string()),
        env: [
            ("REPORT_DIR".to_owned(), dir.path().display().to_string()),
            ("CHROMIUM".to_owned(), chromium.to_string_lossy().into_owned()),
        ]
        .into(),
        timeout_secs: Some(180),
        // Playwright exits 1 when a test failed, as one does here.
        expect_exit: 1,
        stdout_file: Some(report.display().to_string()),
        read_only: true,
        ..CommandParams::default()
    };
    let ran = run_in(dir.path(), &ready_facts(dir.path()), StepAction::Command(run));
    assert_status(&ran, StepStatus::Passed, "Playwright ran the suite");
    assert!(report.is_file(), "the command step saved the report: {:?}", ran.evidence);

    let mut p = params("report.json");
    p.critical = Some("@critical".into());
    p.all_critical_pass = true;
    p.min_pass_rate_pct = Some(50.0);
    let o = import(dir.path(), p);
    assert_status(&o, StepStatus::Failed, "a @critical test failed");
    assert_eq!(fact(&o, "total"), "4", "four tests in the suite: {:?}", o.evidence.facts);
    assert_eq!(fact(&o, "passed"), "2", "the form shows; remembers me on its retry");
    assert_eq!(fact(&o, "failed"), "1", "the wrong password is not explained");
    assert_eq!(fact(&o, "skipped"), "1", "the export is skipped");
    assert_eq!(fact(&o, "flaky"), "1", "remembers me passed only on its retry");
    assert_eq!(fact(&o, "critical"), "1 of 2 failed", "critical chosen by tag");
    let failure = o
        .evidence
        .facts
        .iter()
        .find(|f| f.label.starts_with("critical failure:") && f.label.contains("wrong password"))
        .unwrap_or_else(|| panic!("the critical failure is evidence: {:?}", o.evidence.facts));
    assert!(failure.value.contains("Wrong password"), "its message is kept: {failure:?}");
    let rate = &o.evidence.measurements[0];
    assert!(rate.passed && (rate.value - 66.67).abs() < 0.01, "2 of 3 run pass: {rate:?}");
}

/// A JUnit report with Surefire's retry elements and a pytest-rerunfailures style repeat.
const FLAKY_JUNIT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="api" tests="4">
    <testcase classname="api.Orders" name="creates"><flakyFailure message="timeout"/></testcase>
    <testcase classname="api.Orders" name="lists"><rerunFailure message="500"/><failure message="still 500">trace</failure></testcase>
    <testcase classname="api.Users" name="signs up"><failure><![CDATA[AssertionError: expected 201]]></failure></testcase>
    <testcase classname="api.Users" name="signs up"/>
    <testcase classname="api.Users" name="logs out"/>
  </testsuite>
</testsuites>
"#;

#[test]
fn flaky_tests_are_counted_apart_as_passes() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("r.xml"), FLAKY_JUNIT).unwrap_or_else(|e| panic!("write: {e}"));
    let mut p = params("r.xml");
    p.min_pass_rate_pct = Some(75.0);
    let o = import(dir.path(), p);
    assert_status(&o, StepStatus::Passed, "3 of 4 pass (two of them on retry)");
    assert_eq!(fact(&o, "total"), "4", "a repeated test counts once");
    assert_eq!(fact(&o, "flaky"), "2", "flakyFailure and the fail-then-pass repeat are flaky");
    assert_eq!(fact(&o, "failed"), "1", "a rerunFailure followed by a failure still fails");
    assert_eq!(
        fact(&o, "failure: api.Orders › lists"),
        "still 500",
        "the message attribute is kept"
    );
    assert!(
        o.summary.contains("2 flaky tests"),
        "the summary counts flaky tests apart: {}",
        o.summary
    );
}

/// Recorded in the format of Playwright's JSON reporter (`--reporter=json`, v1.4x).
const PLAYWRIGHT_JSON: &str = r#"{
  "config": {"version": "1.48.0", "projects": [{"id": "chromium", "name": "chromium"}]},
  "suites": [{
    "title": "login.spec.ts", "file": "login.spec.ts", "line": 0, "column": 0, "specs": [],
    "suites": [{
      "title": "login", "file": "login.spec.ts", "line": 3, "column": 6,
      "specs": [
        {"title": "signs in", "ok": true, "tags": ["@critical"], "id": "a1", "file": "login.spec.ts", "line": 4, "column": 7,
         "tests": [{"timeout": 30000, "annotations": [], "expectedStatus": "passed", "projectId": "chromium", "projectName": "chromium",
           "results": [{"workerIndex": 0, "status": "passed", "duration": 812, "errors": [], "stdout": [], "stderr": [], "retry": 0, "startTime": "2026-11-20T10:00:00.000Z", "attachments": []}],
           "status": "expected"}]},
        {"title": "remembers me", "ok": true, "tags": [], "id": "a2", "file": "login.spec.ts", "line": 9, "column": 7,
         "tests": [{"timeout": 30000, "annotations": [], "expectedStatus": "passed", "projectId": "chromium", "projectName": "chromium",
           "results": [
             {"workerIndex": 0, "status": "failed", "duration": 5000, "error": {"message": "Timed out 5000ms waiting for expect(locator).toBeVisible()", "stack": "..."}, "errors": [], "retry": 0, "attachments": []},
             {"workerIndex": 1, "status": "passed", "duration": 900, "errors": [], "retry": 1, "attachments": []}],
           "status": "flaky"}]},
        {"title": "rejects a wrong password", "ok": false, "tags": ["@critical"], "id": "a3", "file": "login.spec.ts", "line": 14, "column": 7,
         "tests": [{"timeout": 30000, "annotations": [], "expectedStatus": "passed", "projectId": "chromium", "projectName": "chromium",
           "results": [{"workerIndex": 0, "status": "failed", "duration": 300, "error": {"message": "Error: expect(received).toHaveText(expected)\n\nExpected: \"Wrong password\""}, "errors": [], "retry": 0, "attachments": []}],
           "status": "unexpected"}]},
        {"title": "exports", "ok": true, "tags": [], "id": "a4", "file": "login.spec.ts", "line": 20, "column": 7,
         "tests": [{"timeout": 30000, "annotations": [{"type": "skip"}], "expectedStatus": "skipped", "projectId": "chromium", "projectName": "chromium",
           "results": [{"workerIndex": 0, "status": "skipped", "duration": 0, "errors": [], "retry": 0, "attachments": []}],
           "status": "skipped"}]}
      ]
    }]
  }],
  "errors": [],
  "stats": {"startTime": "2026-11-20T10:00:00.000Z", "duration": 7100, "expected": 1, "skipped": 1, "unexpected": 1, "flaky": 1}
}"#;

#[test]
fn playwright_json_is_detected_and_tallied_with_tags() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("results.json"), PLAYWRIGHT_JSON)
        .unwrap_or_else(|e| panic!("write: {e}"));
    let mut p = params("results.json");
    p.critical = Some("@critical".into());
    p.all_critical_pass = true;
    let o = import(dir.path(), p);
    assert_status(&o, StepStatus::Failed, "a @critical test failed");
    assert_eq!(fact(&o, "total"), "4", "four specs on one project");
    assert_eq!(fact(&o, "flaky"), "1", "\"remembers me\" passed on retry");
    assert_eq!(fact(&o, "critical"), "1 of 2 failed", "critical chosen by tag");
    let msg =
        fact(&o, "critical failure: [chromium] login.spec.ts › login › rejects a wrong password");
    assert!(msg.contains("Wrong password"), "the failure message is kept: {:?}", o.evidence.facts);
}

#[test]
fn malformed_reports_fail_with_a_clear_error() {
    let dir = temp_dir();
    let cases: [(&str, &[u8], &str); 5] = [
        ("truncated.xml", b"<testsuites><testsuite name=\"a\"><testcase name=\"x\">", "truncated"),
        ("bad.xml", b"<testsuites><testsuite></testcase></testsuites>", "JUnit XML"),
        ("notes.xml", b"just some text", "no <testsuites>"),
        ("bad.json", b"{\"suites\": [ {\"title\": 3 ", "Playwright JSON"),
        ("binary.xml", &[0xff, 0xfe, 0x00, 0x3c, 0x00, 0x01, 0x02], "JUnit XML"),
    ];
    for (name, bytes, says) in cases {
        std::fs::write(dir.path().join(name), bytes).unwrap_or_else(|e| panic!("write: {e}"));
        let o = import(dir.path(), params(name));
        assert_status(&o, StepStatus::Failed, &format!("{name} is not a usable report"));
        assert!(o.summary.contains(says), "{name}: the summary says {says:?}: {}", o.summary);
    }
    let o = import(dir.path(), params("missing.xml"));
    assert!(o.summary.contains("could not read"), "a missing file is named: {}", o.summary);
}

#[test]
fn a_large_junit_report_streams() {
    // 40,000 test cases (~5 MB); the 50 MB figure is measured by scripts/bench-validate.sh.
    let dir = temp_dir();
    let path = dir.path().join("big.xml");
    let mut f = std::io::BufWriter::new(
        std::fs::File::create(&path).unwrap_or_else(|e| panic!("create: {e}")),
    );
    let _ = writeln!(f, "<?xml version=\"1.0\"?><testsuites><testsuite name=\"big\">");
    for i in 0..40_000 {
        if i % 100 == 0 {
            let _ = writeln!(
                f,
                "<testcase classname=\"big.C{i}\" name=\"t{i}\"><failure message=\"boom {i}\">{}</failure></testcase>",
                "x".repeat(50)
            );
        } else {
            let _ = writeln!(f, "<testcase classname=\"big.C{i}\" name=\"t{i}\" time=\"0.01\"/>");
        }
    }
    let _ = writeln!(f, "</testsuite></testsuites>");
    drop(f);
    let t = junit::read(&path, None).unwrap_or_else(|e| panic!("the report parses: {e}"));
    assert_eq!(t.total, 40_000, "every test case is counted");
    assert_eq!(t.failed, 400, "every hundredth fails");
    assert_eq!(t.failures.len(), 20, "only a bounded number of failures is kept as evidence");
}
