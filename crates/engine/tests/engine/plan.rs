//! Tests of `pilot_engine::plan`: loading and validating TOML, variables, the JSON Schema and the
//! plan-format documentation. The shared fixture is a valid plan (`VALID`) and the structure it
//! must parse to; the submodules test problem reporting, variables and the generated docs.

mod docs;
mod gatekeeper;
mod import;
mod problems;
mod variables;

use std::collections::BTreeMap;

use pilot_engine::plan::kinds::{
    CommandParams, GateParams, GitCleanParams, HttpCheckParams, SignoffParams, SystemDiskParams,
};
use pilot_engine::plan::{
    Phase, Plan, PlanError, PlanHeader, Role, Stage, Step, StepAction, load_plan, parse_plan,
};

const VALID: &str = r#"[plan]
name = "staging"
title = "Staging deployment"
description = "Deploy the candidate to staging."
environment = "staging"
secrets = ["admin_password"]
success_criteria = ["All health checks pass", "Version is {{version}}"]

[[plan.role]]
id = "qa_lead"
title = "QA lead"
approvals = 2

[vars]
compose_file = "docker-compose.prod.yml"
admin_password = "hunter2"

[[phase]]
id = "pre-checks"
title = "Pre-deployment checks"
stage = "checks"

[[phase.step]]
id = "disk-free"
title = "Sufficient disk space (≥ 5 GB free)"
kind = "system.disk"
min_free_gb = 5

[[phase.step]]
id = "clean"
title = "Clean tree on {{ branch }}"
kind = "git.clean"
blocking = false

[[phase.step]]
id = "ready"
title = "Ready to deploy"
kind = "gate"
requires = ["disk-free", "clean"]

[[phase]]
id = "validation"
title = "Validation of {{version}}"
stage = "validation"

[[phase.step]]
id = "compose"
title = "Compose up"
kind = "command"
program = "docker-compose"
args = ["-f", "{{compose_file}}", "up", "-d"]
env = { APP_VERSION = "{{version}}", ADMIN_PASSWORD = "{{admin_password}}" }
timeout_secs = 600

[[phase.step]]
id = "version-endpoint"
title = "Version endpoint"
kind = "http.check"
url = "http://127.0.0.1:8080/version"
headers = { Accept = "application/json" }
expect_status = 200
json_pointer = "/version"
json_equals = "{{version}}"

[[phase.step]]
id = "approve"
title = "Sign-off"
kind = "signoff"
roles = ["qa_lead"]
"#;

fn step(id: &str, title: &str, blocking: bool, action: StepAction) -> Step {
    Step {
        id: id.into(),
        title: title.into(),
        description: String::new(),
        blocking,
        source: None,
        action,
    }
}

fn expected_valid_plan() -> Plan {
    Plan {
        plan: PlanHeader {
            name: "staging".into(),
            title: "Staging deployment".into(),
            description: "Deploy the candidate to staging.".into(),
            environment: Some("staging".into()),
            secrets: vec!["admin_password".into()],
            roles: vec![Role {
                id: "qa_lead".into(),
                title: "QA lead".into(),
                approvals: 2,
                operator_may_approve: false,
                signers: vec![],
            }],
            success_criteria: vec![
                "All health checks pass".into(),
                "Version is {{version}}".into(),
            ],
            waivers: None,
            signoff: None,
        },
        vars: BTreeMap::from([
            ("admin_password".to_string(), "hunter2".to_string()),
            ("compose_file".to_string(), "docker-compose.prod.yml".to_string()),
        ]),
        phases: vec![
            Phase {
                id: "pre-checks".into(),
                title: "Pre-deployment checks".into(),
                description: String::new(),
                stage: Stage::Checks,
                steps: vec![
                    step(
                        "disk-free",
                        "Sufficient disk space (≥ 5 GB free)",
                        true,
                        StepAction::SystemDisk(SystemDiskParams { path: None, min_free_gb: 5.0 }),
                    ),
                    step(
                        "clean",
                        "Clean tree on {{ branch }}",
                        false,
                        StepAction::GitClean(GitCleanParams { allow_untracked: false }),
                    ),
                    step(
                        "ready",
                        "Ready to deploy",
                        true,
                        StepAction::Gate(GateParams {
                            requires: vec!["disk-free".into(), "clean".into()],
                        }),
                    ),
                ],
            },
            Phase {
                id: "validation".into(),
                title: "Validation of {{version}}".into(),
                description: String::new(),
                stage: Stage::Validation,
                steps: vec![
                    step(
                        "compose",
                        "Compose up",
                        true,
                        StepAction::Command(CommandParams {
                            program: "docker-compose".into(),
                            args: vec![
                                "-f".into(),
                                "{{compose_file}}".into(),
                                "up".into(),
                                "-d".into(),
                            ],
                            env: BTreeMap::from([
                                ("ADMIN_PASSWORD".to_string(), "{{admin_password}}".to_string()),
                                ("APP_VERSION".to_string(), "{{version}}".to_string()),
                            ]),
                            timeout_secs: Some(600),
                            ..CommandParams::default()
                        }),
                    ),
                    step(
                        "version-endpoint",
                        "Version endpoint",
                        true,
                        StepAction::HttpCheck(HttpCheckParams {
                            url: "http://127.0.0.1:8080/version".into(),
                            headers: BTreeMap::from([(
                                "Accept".to_string(),
                                "application/json".to_string(),
                            )]),
                            expect_status: Some(200),
                            json_pointer: Some("/version".into()),
                            json_equals: Some("{{version}}".into()),
                            ..HttpCheckParams::default()
                        }),
                    ),
                    step(
                        "approve",
                        "Sign-off",
                        true,
                        StepAction::Signoff(SignoffParams {
                            roles: vec!["qa_lead".into()],
                            carry_over: false,
                        }),
                    ),
                ],
            },
        ],
    }
}

fn parse_ok(source: &str) -> Plan {
    match parse_plan(source, "plan.toml") {
        Ok(plan) => plan,
        Err(error) => panic!("the plan should parse, but: {error}"),
    }
}

fn problems(source: &str) -> Vec<String> {
    match parse_plan(source, "plan.toml") {
        Ok(plan) => panic!("expected problems, the plan parsed: {plan:?}"),
        Err(PlanError::Invalid { problems }) => problems
            .iter()
            .map(|p| {
                assert_eq!(p.file, "plan.toml", "every problem names the file it is in");
                format!("{}:{}: {}", p.line, p.column, p.message)
            })
            .collect(),
        Err(other) => panic!("expected Invalid, got {other}"),
    }
}

/// The example of the task brief: every table and most keys.
#[test]
fn valid_plan_parses_to_the_expected_structure() {
    let plan = parse_ok(VALID);
    assert_eq!(plan, expected_valid_plan(), "every table, key and default is read as written");
    assert_eq!(plan.steps().count(), 6, "steps are listed across phases in plan order");
    assert!(plan.step("ready").is_some(), "steps are found by id");
}

#[test]
fn load_plan_reads_the_file_and_names_it_in_problems() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("release.toml");
    std::fs::write(&path, VALID).expect("write plan");
    let (plan, source) = load_plan(&path).expect("the plan loads");
    assert_eq!(plan, expected_valid_plan(), "load_plan parses like parse_plan");
    assert_eq!(source, VALID, "the exact source is returned for the run record");

    std::fs::write(&path, "[plan]\nname = \"x\"\n").expect("write plan");
    match load_plan(&path) {
        Err(PlanError::Invalid { problems }) => {
            assert_eq!(problems.len(), 1, "one problem: the missing title");
            assert_eq!(problems[0].file, path.display().to_string(), "problems name the file");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let missing = dir.path().join("missing.toml");
    assert!(
        matches!(load_plan(&missing), Err(PlanError::Io { .. })),
        "a missing file is an I/O error"
    );
}

#[test]
fn round_trip_through_toml_gives_the_same_plan() {
    let plan = expected_valid_plan();
    let text = toml::to_string(&plan).expect("a plan serializes to TOML");
    assert_eq!(parse_ok(&text), plan, "what the engine writes, it reads back unchanged:\n{text}");
}
