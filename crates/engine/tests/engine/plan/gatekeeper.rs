//! `plan check` is the run's gatekeeper: for every parameter rule an executor applies, a plan
//! that breaks it fails to load, with the problem at the parameter's line — and the same rule
//! stops the step at run time when a `{{variable}}` only breaks it once substituted.

use pilot_engine::SystemClock;
use pilot_engine::plan::{PlanError, parse_plan};
use pilot_engine::run::{
    Answers, DriveOptions, NoProgress, PlanOrigin, StartRequest, StepStatus, drive_run, start_run,
};
use pilot_engine::store::RunStore;

/// A check before the step under test, an action, the step, and a check after it.
fn plan_with(step: &str, vars: &str) -> String {
    format!(
        r#"[plan]
name = "gate"
title = "Gatekeeper"

[vars]
{vars}

[[phase]]
id = "p"
title = "Everything"

[[phase.step]]
id = "before"
title = "A check before"
kind = "system.memory"
min_available_gb = 0

[[phase.step]]
id = "act"
title = "An action"
kind = "command"
program = "git"
args = ["--version"]

[[phase.step]]
id = "x"
title = "The step under test"
{step}

[[phase.step]]
id = "later"
title = "A check after"
kind = "system.memory"
min_available_gb = 0
"#
    )
}

/// (what is wrong, the step's keys, the key whose line the problem is on, words it says)
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "a duration written with a unit",
        "kind = \"soak\"\nchecks = [\"before\"]\ninterval_secs = 60\nduration_secs = \"24h\"",
        "duration_secs",
        "not a whole number of seconds",
    ),
    (
        "an interval of 0",
        "kind = \"soak\"\nchecks = [\"before\"]\ninterval_secs = 0\nduration_secs = 60",
        "interval_secs",
        "interval_secs is 0",
    ),
    (
        "a soak over a year",
        "kind = \"soak\"\nchecks = [\"before\"]\ninterval_secs = 1\nduration_secs = 99999999",
        "duration_secs",
        "more than a year",
    ),
    (
        "a soak with nothing to repeat",
        "kind = \"soak\"\nchecks = []\ninterval_secs = 1\nduration_secs = 5",
        "checks",
        "nothing to repeat",
    ),
    (
        "a soak repeating an action",
        "kind = \"soak\"\nchecks = [\"before\", \"act\"]\ninterval_secs = 1\nduration_secs = 5",
        "checks",
        "`act` is a command step",
    ),
    (
        "a soak repeating a later step",
        "kind = \"soak\"\nchecks = [\"later\"]\ninterval_secs = 1\nduration_secs = 5",
        "checks",
        "comes after it",
    ),
    (
        "a soak probing a non-http URL",
        "kind = \"soak\"\nurl = \"localhost:8080\"\ninterval_secs = 1\nduration_secs = 5",
        "url",
        "not an http:// or https:// URL",
    ),
    (
        "an invalid forbid pattern",
        "kind = \"log.scan\"\nfile = \"app.log\"\nforbid = [\"ERROR\", \"(unclosed\"]",
        "forbid",
        "not a valid regular expression",
    ),
    (
        "log.scan with both sources",
        "kind = \"log.scan\"\nfile = \"app.log\"\ncontainer = \"web\"",
        "container",
        "exactly one of",
    ),
    (
        "an invalid wait_log pattern",
        "kind = \"deploy.wait_log\"\ncontainer = \"web\"\npattern = \"started [\"",
        "pattern",
        "not a valid regular expression",
    ),
    (
        "a wait of 0 seconds",
        "kind = \"deploy.wait_log\"\ncontainer = \"web\"\npattern = \"started\"\ntimeout_secs = 0",
        "timeout_secs",
        "the least it can be is 1",
    ),
    (
        "an invalid critical pattern",
        "kind = \"test.report\"\npath = \"junit.xml\"\ncritical = \"(auth\"",
        "critical",
        "not a valid regular expression",
    ),
    (
        "an unknown report format",
        "kind = \"test.report\"\npath = \"junit.xml\"\nformat = \"xml\"",
        "format",
        "unknown report format",
    ),
    (
        "a pass rate over 100 %",
        "kind = \"test.report\"\npath = \"junit.xml\"\nmin_pass_rate_pct = 150.0",
        "min_pass_rate_pct",
        "from 0 to 100",
    ),
    (
        "a URL that is not http",
        "kind = \"http.check\"\nurl = \"ftp://127.0.0.1/\"",
        "url",
        "not an http:// or https:// URL",
    ),
    (
        "a method that is not one",
        "kind = \"http.check\"\nurl = \"http://127.0.0.1/\"\nmethod = \"G E T\"",
        "method",
        "not an HTTP method",
    ),
    (
        "a status out of range",
        "kind = \"http.check\"\nurl = \"http://127.0.0.1/\"\nexpect_status = 999",
        "expect_status",
        "from 100 to 599",
    ),
    (
        "a JSON pointer without a slash",
        "kind = \"http.check\"\nurl = \"http://127.0.0.1/\"\njson_pointer = \"version\"",
        "json_pointer",
        "must start with",
    ),
    (
        "json_equals with nothing to compare",
        "kind = \"http.check\"\nurl = \"http://127.0.0.1/\"\njson_equals = \"1.0.0\"",
        "json_equals",
        "needs a json_pointer",
    ),
    (
        "a timeout of 0 ms",
        "kind = \"http.check\"\nurl = \"http://127.0.0.1/\"\ntimeout_ms = 0",
        "timeout_ms",
        "the least it can be is 1",
    ),
    (
        "no requests",
        "kind = \"http.latency\"\nurl = \"http://127.0.0.1/\"\nrequests = 0",
        "requests",
        "the least it can be is 1",
    ),
    (
        "a latency limit of 0",
        "kind = \"http.latency\"\nurl = \"http://127.0.0.1/\"\np95_ms = 0.0",
        "p95_ms",
        "above 0",
    ),
    (
        "a rate-limit window of 0",
        "kind = \"http.rate_limit\"\nurl = \"http://127.0.0.1/\"\nrequests = 10\nwindow_secs = 0",
        "window_secs",
        "the least it can be is 1",
    ),
    (
        "a rollback restoring from a check",
        "kind = \"rollback\"\nbackup_step = \"before\"",
        "backup_step",
        "takes no backup",
    ),
    (
        "a rollback re-running an action",
        "kind = \"rollback\"\nrecheck = [\"act\"]",
        "recheck",
        "only read-only checks",
    ),
    ("an empty program", "kind = \"command\"\nprogram = \" \"", "program", "program is empty"),
    (
        "a command timeout of 0",
        "kind = \"command\"\nprogram = \"git\"\ntimeout_secs = 0",
        "timeout_secs",
        "the least it can be is 1",
    ),
    (
        "a share of nothing",
        "kind = \"manual\"\nnumber = { at_least_pct = 95.0 }",
        "number",
        "needs number.out_of",
    ),
    (
        "a threshold no answer meets",
        "kind = \"manual\"\nnumber = { at_least = 10.0, at_most = 5.0 }",
        "number",
        "no answer could pass",
    ),
    (
        "a health wait of 0",
        "kind = \"deploy.recreate\"\ncontainer = \"web\"\nimage = \"web:2\"\nhealth_timeout_secs = 0",
        "health_timeout_secs",
        "the least it can be is 1",
    ),
];

#[test]
fn every_parameter_an_executor_refuses_fails_plan_check_at_its_line() {
    for (what, step, param, says) in CASES {
        let text = plan_with(step, "");
        let problems = match parse_plan(&text, "gate.toml") {
            Err(PlanError::Invalid { problems }) => problems,
            Ok(_) => panic!("{what}: plan check must refuse it:\n{step}"),
            Err(e) => panic!("{what}: {e}"),
        };
        let under_test = text.find("id = \"x\"").expect("the step");
        let line = text[..under_test].lines().count()
            + text[under_test..]
                .lines()
                .position(|l| l.starts_with(&format!("{param} =")))
                .unwrap_or_else(|| panic!("{what}: the case sets {param}"));
        assert!(
            problems.iter().any(|p| p.message.contains(says) && p.line == line + 1),
            "{what}: a problem saying {says:?} at line {} ({param}); got {problems:#?}",
            line + 1
        );
    }
}

#[test]
fn the_same_plans_without_the_fault_pass() {
    // The fixed twin of a few cases: the rules refuse the fault, not the kind.
    for step in [
        "kind = \"soak\"\nchecks = [\"before\"]\ninterval_secs = 1\nduration_secs = \"86400\"",
        "kind = \"log.scan\"\nfile = \"app.log\"\nforbid = [\"ERROR\", \"\\\\(unclosed\"]",
        "kind = \"http.check\"\nurl = \"http://127.0.0.1/\"\njson_pointer = \"/version\"\njson_equals = \"1.0.0\"",
        "kind = \"soak\"\nchecks = [\"before\"]\ninterval_secs = \"{{every}}\"\nduration_secs = 5",
    ] {
        let text = plan_with(step, "every = \"1\"");
        if let Err(e) = parse_plan(&text, "gate.toml") {
            panic!("a valid step is accepted:\n{step}\n{e}");
        }
    }
}

#[test]
fn a_variable_that_breaks_a_rule_once_substituted_stops_the_step_before_it_runs() {
    let text = plan_with(
        "kind = \"soak\"\nchecks = [\"before\"]\ninterval_secs = 1\nduration_secs = \"{{soak_for}}\"",
        "soak_for = \"24h\"",
    );
    let plan = parse_plan(&text, "gate.toml").expect("the check cannot judge a variable");
    let repo = tempfile::tempdir().expect("temp dir");
    std::fs::write(repo.path().join("VERSION"), "1.0.0\n").expect("VERSION");
    crate::common::git_raw_in(repo.path(), &["init", "-q", "-b", "main"]);
    crate::common::git_raw_in(repo.path(), &["add", "."]);
    crate::common::git_raw_in(repo.path(), &["commit", "-q", "-m", "1.0.0"]);
    let data = tempfile::tempdir().expect("temp dir");
    let store = RunStore::open(&data.path().join("runs.sqlite3")).expect("store");
    let header = start_run(
        &store,
        &SystemClock,
        StartRequest {
            repo: repo.path(),
            plan,
            plan_source: text.clone(),
            origin: PlanOrigin::File("gate.toml".into()),
            version: None,
            environment: None,
            operator: Some("Ada <ada@example.com>".into()),
            dry_run: false,
            vars: Default::default(),
        },
    )
    .expect("starts");
    let run = drive_run(
        &store,
        &SystemClock,
        &NoProgress,
        &header.id,
        &Answers::default(),
        DriveOptions::default(),
    )
    .expect("driven");
    let x = run.step("x").expect("record");
    assert_eq!(x.status, StepStatus::Failed, "{}", x.summary);
    assert!(x.summary.contains("not a whole number of seconds"), "{}", x.summary);
    assert!(x.summary.contains("pilot plan check"), "says where to look: {}", x.summary);
}
