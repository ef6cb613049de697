//! The dry run's promise, for every kind in the catalogue: an action is never performed (it is
//! recorded as what it would do) and never runs side by side with checks; a check really runs;
//! a person step is only described. The kinds and their required parameters are read from the
//! JSON Schema the kind table generates, so a kind added to the table is covered here without
//! editing this file.

use std::path::Path;

use pilot_engine::SystemClock;
use pilot_engine::plan::{StepClass, parse_plan, schema};
use pilot_engine::run::{
    Answers, DriveOptions, NoProgress, PlanOrigin, Run, StartRequest, StepStatus, drive_run,
    start_run,
};
use pilot_engine::store::RunStore;
use serde_json::Value;

/// A value the schema accepts for a required parameter. Strings that name steps (a gate's
/// `requires`, a soak's `checks`) name the check before, so the plan loads; URLs point at a
/// loopback port nothing listens on, so a check that sends a request fails at once.
fn placeholder(name: &str, schema: &Value) -> String {
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => {
            types.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("").to_owned()
        }
        // A number or a `{{variable}}` (durations): the first choice.
        _ => schema
            .get("anyOf")
            .and_then(|choices| choices.get(0)?.get("type")?.as_str())
            .unwrap_or("")
            .to_owned(),
    };
    match ty.as_str() {
        "integer" | "number" => "1".into(),
        "boolean" => "false".into(),
        "array" => "[\"before\"]".into(),
        _ if name.contains("url") => "\"http://127.0.0.1:9/\"".into(),
        _ => "\"missing-on-purpose\"".into(),
    }
}

/// One plan per kind: a check before it, the kind's step, a check after it.
fn plan_for(kind: &schema::KindSchema) -> String {
    let params: String = kind
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| format!("{} = {}\n", p.name, placeholder(&p.name, &p.schema)))
        .chain(
            // Kinds that need one of two optional keys, which the schema cannot require.
            match kind.kind {
                "log.scan" => Some("file = \"missing-on-purpose.log\"\n".to_owned()),
                "soak" => Some("checks = [\"before\"]\n".to_owned()),
                _ => None,
            },
        )
        .collect();
    format!(
        r#"[plan]
name = "dry"
title = "Dry run of {kind}"

[[plan.role]]
id = "qa"
title = "QA"

[[phase]]
id = "p"
title = "Everything"

[[phase.step]]
id = "before"
title = "Before"
kind = "system.memory"
min_available_gb = 0

[[phase.step]]
id = "x"
title = "The kind under test"
kind = "{kind}"
{params}
[[phase.step]]
id = "after"
title = "After"
kind = "system.memory"
min_available_gb = 0
"#,
        kind = kind.kind
    )
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("VERSION"), "1.0.0\n").expect("write VERSION");
    crate::common::git_raw_in(dir.path(), &["init", "-q", "-b", "main"]);
    crate::common::git_raw_in(dir.path(), &["add", "."]);
    crate::common::git_raw_in(dir.path(), &["commit", "-q", "-m", "Release 1.0.0"]);
    dir
}

fn dry_run(store: &RunStore, repo: &Path, source: &str, kind: &str) -> Run {
    let plan = parse_plan(source, "dry.toml")
        .unwrap_or_else(|e| panic!("the generated plan for {kind} loads: {e}\n{source}"));
    let header = start_run(
        store,
        &SystemClock,
        StartRequest {
            repo,
            plan,
            plan_source: source.to_string(),
            origin: PlanOrigin::File("dry.toml".into()),
            version: None,
            environment: None,
            operator: Some("Ada <ada@example.com>".into()),
            dry_run: true,
            vars: Default::default(),
        },
    )
    .unwrap_or_else(|e| panic!("a dry run of {kind} starts: {e}"));
    drive_run(
        store,
        &SystemClock,
        &NoProgress,
        &header.id,
        &Answers::default(),
        DriveOptions::default(),
    )
    .unwrap_or_else(|e| panic!("a dry run of {kind} is driven: {e}"))
}

/// Where in the event log `kind_of_event` happened for `step`.
fn seq(run: &Run, kind_of_event: &str, step: &str) -> u64 {
    run.events
        .iter()
        .find(|e| e.kind == kind_of_event && e.step_id.as_deref() == Some(step))
        .map(|e| e.seq)
        .unwrap_or_else(|| panic!("{kind_of_event} of {step} is in the log: {:#?}", run.events))
}

#[test]
fn every_action_is_skipped_in_a_dry_run_and_runs_alone() {
    let data = tempfile::tempdir().expect("temp dir");
    let store = RunStore::open(&data.path().join("runs.sqlite3")).expect("store opens");
    let repo = repo();
    let kinds = schema::kinds();
    assert_eq!(kinds.len(), pilot_engine::plan::StepAction::KIND_NAMES.len(), "every kind");
    let mut actions = 0;
    for kind in &kinds {
        let source = plan_for(kind);
        let class = parse_plan(&source, "dry.toml")
            .ok()
            .and_then(|p| p.step("x").map(|s| s.action.class()))
            .unwrap_or_else(|| panic!("the plan for {} loads", kind.kind));
        let run = dry_run(&store, repo.path(), &source, kind.kind);
        let x = run.step("x").expect("the step has a record");
        match class {
            StepClass::Action => {
                actions += 1;
                assert_eq!(x.status, StepStatus::Skipped, "{} is not performed", kind.kind);
                assert!(
                    x.summary.starts_with("dry run: would "),
                    "{} says what it would do instead: {}",
                    kind.kind,
                    x.summary
                );
                assert!(
                    x.evidence.command.is_none() && x.evidence.measurements.is_empty(),
                    "{} gathered no evidence, so nothing ran: {:?}",
                    kind.kind,
                    x.evidence
                );
                // Alone: the check before has finished before it starts, and the check after
                // starts only once it has finished.
                assert!(
                    seq(&run, "step.finished", "before") < seq(&run, "step.started", "x"),
                    "{} waits for the checks before it",
                    kind.kind
                );
                assert!(
                    seq(&run, "step.finished", "x") < seq(&run, "step.started", "after"),
                    "{} is done before the checks after it start",
                    kind.kind
                );
                let after = run.step("after").expect("record");
                assert!(
                    after.summary.contains("comes after actions that a dry run does not perform"),
                    "a check after {} is not judged against a world the action did not change: {}",
                    kind.kind,
                    after.summary
                );
            }
            StepClass::Check => {
                assert!(
                    !x.summary.starts_with("dry run: would "),
                    "{} only looks, so a dry run really runs it: {}",
                    kind.kind,
                    x.summary
                );
                assert_ne!(x.status, StepStatus::Pending, "{} ran", kind.kind);
            }
            StepClass::Person => {
                assert_eq!(
                    x.answered_by, None,
                    "no one answered {} in a dry run, and none was invented",
                    kind.kind
                );
            }
        }
    }
    assert!(actions >= 8, "the catalogue's actions were all driven ({actions})");
}

/// A check, an action, a gate over the check alone and a gate over both: in a dry run neither
/// gate is "passed" — each says what it would do — and the phase is not drawn as passed.
const GATES: &str = r#"
[plan]
name = "gates"
title = "Gates in a dry run"

[[phase]]
id = "p"
title = "Checks and a deploy"

[[phase.step]]
id = "memory"
title = "Memory"
kind = "system.memory"
min_available_gb = 0

[[phase.step]]
id = "checked"
title = "Checks passed"
kind = "gate"
requires = ["memory"]

[[phase.step]]
id = "deploy"
title = "Deploy"
kind = "command"
program = "git"
args = ["tag", "v9.9.9"]

[[phase.step]]
id = "ready"
title = "Ready for production"
kind = "gate"
requires = ["memory", "deploy"]
"#;

#[test]
fn a_dry_run_says_what_gates_would_do_and_never_that_they_passed() {
    let data = tempfile::tempdir().expect("temp dir");
    let store = RunStore::open(&data.path().join("runs.sqlite3")).expect("store opens");
    let repo = repo();
    let run = dry_run(&store, repo.path(), GATES, "gates");

    let checked = run.step("checked").expect("record");
    assert_eq!(
        checked.status,
        StepStatus::Skipped,
        "a dry run decides no gate: {}",
        checked.summary
    );
    assert_eq!(
        checked.summary, "dry run: would open, since all 1 required step(s) passed or were waived",
        "it says what it would do"
    );
    let ready = run.step("ready").expect("record");
    assert_eq!(ready.status, StepStatus::Skipped, "{}", ready.summary);
    assert_eq!(
        ready.summary,
        "dry run: would wait for 1 required step(s) a dry run does not perform: Deploy",
        "it names what it would wait for"
    );

    let md = pilot_engine::report::report(&run);
    assert!(
        !md.contains("open: all") && md.contains("dry run: would open, since all 1"),
        "no gate is reported open, each says what it would do: {md}"
    );
    let phase_row = md
        .lines()
        .find(|l| l.starts_with("| 1 |") && l.contains("Checks and a deploy"))
        .unwrap_or_else(|| panic!("the phases table has the phase: {md}"));
    assert!(
        !phase_row.contains("passed |") || phase_row.contains("skipped"),
        "a phase whose steps were only described is not drawn as passed: {phase_row}"
    );
    assert!(phase_row.contains("⏭️ skipped"), "it says it was skipped: {phase_row}");
    assert!(!repo.path().join(".git/refs/tags/v9.9.9").exists(), "the deploy did not run");
}
