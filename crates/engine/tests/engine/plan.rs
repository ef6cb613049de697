//! Tests of `pilot_engine::plan`: loading and validating TOML (every problem with its exact
//! line and column), variables, the JSON Schema and the plan-format documentation, which must
//! not go stale (`UPDATE_DOCS=1 cargo test -p pilot-engine --test engine plan::` rewrites them).

use std::collections::BTreeMap;
use std::path::PathBuf;

use pilot_engine::plan::kinds::{
    CommandParams, GateParams, GitCleanParams, HttpCheckParams, SignoffParams, SystemDiskParams,
};
use pilot_engine::plan::vars::{
    BUILTIN_VARS, UnknownVariable, resolve_plan, run_variables, secret_values, substitute,
    variables_in,
};
use pilot_engine::plan::{
    Phase, Plan, PlanError, PlanHeader, Role, Stage, Step, StepAction, load_plan, parse_plan,
    schema,
};

const BROKEN: &str = r#"[plan]
name = "broken"
titel = "typo"
secrets = ["admin_password", "api_token"]
[[plan.role]]
id = "qa_lead"
title = "QA lead"

[vars]
version = "1.0"
admin_password = "s3cret"
image = "sms:{{version}}-{{image}}"

[extra]
x = 1

[[phase]]
id = "checks"
title = "Checks"
stage = "check"
colour = "red"

[[phase.step]]
id = "clean"
title = "Clean tree"
kind = "git.cleen"

[[phase.step]]
id = "disk"
title = "Disk for {{enviroment}}"
kind = "system.disk"
min_free_gb = "five"
min_free = 5

[[phase.step]]
id = "disk"
title = "Tag {{version"
kind = "git.tag"
name2 = "v1"

[[phase.step]]
id = "gate-empty"
title = "Empty gate"
kind = "gate"
requires = []

[[phase.step]]
id = "gate-missing"
kind = "gate"

[[phase]]
id = "checks"

[[phase.step]]
id = "gate-bad"
title = "Bad gate"
kind = "gate"
requires = ["clean", "nope", "later"]

[[phase.step]]
id = "later"
title = "Later"

[[phase.step]]
id = "odd"
title = "Odd"
kind = "mystery"
whatever = 1

[[phase.step]]
id = "sign"
title = "Sign"
kind = "signoff"
roles = ["qa_lead", "cto"]

[[phase.step]]
id = "http"
title = "HTTP"
kind = "http.check"
url = "http://127.0.0.1:1/"
expect_status = 70000
body_contains = [1]
retry = 3
"#;

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
    Step { id: id.into(), title: title.into(), description: String::new(), blocking, action }
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
            }],
            success_criteria: vec![
                "All health checks pass".into(),
                "Version is {{version}}".into(),
            ],
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
                        StepAction::Signoff(SignoffParams { roles: vec!["qa_lead".into()] }),
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

#[test]
fn valid_plan_parses_to_the_expected_structure() {
    let plan = parse_ok(VALID);
    assert_eq!(plan, expected_valid_plan(), "every table, key and default is read as written");
    assert_eq!(plan.steps().count(), 6, "steps are listed across phases in plan order");
    assert!(plan.step("ready").is_some(), "steps are found by id");
}

#[test]
fn broken_plan_lists_every_problem_at_its_line_and_column() {
    let expected = [
        "1:1: [plan] is missing `title`",
        "3:1: unknown key `titel` in [plan]; expected one of: description, environment, name, role, secrets, success_criteria, title; did you mean title?",
        "4:30: secret `api_token` is not a [vars] key",
        "10:1: [vars] key `version` is a built-in variable; choose another name",
        "12:26: unknown variable `{{image}}` (a [vars] value may use only built-in variables)",
        "14:2: unknown key `extra` in the plan file; expected one of: phase, plan, vars",
        "20:9: `stage` in phase `checks` must be one of checks, backup, deploy, validation, signoff, rollback, found the string \"check\"; did you mean checks?",
        "21:1: unknown key `colour` in phase `checks`; expected one of: description, id, stage, step, title",
        "26:8: unknown step kind `git.cleen`; did you mean git.clean?",
        "30:19: unknown variable `{{enviroment}}`; did you mean environment?",
        "32:15: `min_free_gb` in step `disk` must be a number, found the string \"five\"",
        "33:1: unknown parameter `min_free` for kind system.disk; its parameters are: min_free_gb, path; did you mean min_free_gb?",
        "35:1: step `disk` (git.tag) is missing the parameter `name` (string)",
        "36:6: duplicate step id `disk`; first used on line 29",
        "37:14: `{{` without a closing `}}`",
        "39:1: unknown parameter `name2` for kind git.tag; its parameters are: at_head, name; did you mean name?",
        "45:12: a gate that names no steps: list the steps it waits for in `requires`",
        "47:1: a gate that names no steps: list the steps it waits for in `requires`",
        "47:1: step `gate-missing` is missing `title`",
        "51:1: phase `checks` is missing `title`",
        "52:6: duplicate phase id `checks`; first used on line 18",
        "58:22: gate requires unknown step `nope`",
        "58:30: gate requires `later`, which comes after it (line 61); a gate can only wait for earlier steps",
        "60:1: step `later` is missing `kind`",
        "67:8: unknown step kind `mystery`; the kinds are: manual, gate, git.clean, git.branch, git.head, git.version, git.changelog, git.release_notes, git.upstream, git.tag, git.previous_release, system.disk, system.memory, file.exists, file.age, file.env_key, command, docker.engine, docker.image, docker.volume, docker.container, backup.sqlite, backup.command, backup.recent, deploy.recreate, deploy.exec, deploy.wait_log, deploy.command, rollback, http.check, http.latency, http.rate_limit, log.scan, test.report, soak, signoff",
        "74:21: unknown role `cto` in signoff; the plan's roles are: qa_lead",
        "81:17: `expect_status` in step `http` must be between 0 and 65535",
        "82:18: `body_contains` in step `http` must be a string, found an integer",
        "83:1: unknown parameter `retry` for kind http.check; its parameters are: body_contains, body_not_contains, ca_file, expect_status, headers, json_equals, json_pointer, method, retries, timeout_ms, url; did you mean retries?",
    ];
    assert_eq!(
        problems(BROKEN),
        expected,
        "each mistake is reported once, in reading order, at its key or value"
    );
}

#[test]
fn syntax_errors_are_reported_with_the_parser_position() {
    let source =
        "[plan]\nname = \"x\"\ntitle = \"y\"\nbad = \n\n[[phase]]\nid = \"p\"\nid = \"q\"\n";
    assert_eq!(
        problems(source),
        [
            "4:7: TOML syntax error: string values must be quoted, expected literal string",
            "8:1: TOML syntax error: duplicate key",
        ],
        "every syntax error is listed, and the structural checks do not run on a broken tree"
    );
    assert_eq!(
        problems("[plan\nname = 1\n"),
        ["1:6: TOML syntax error: unclosed table, expected `]`"],
        "an unclosed table header points just past it"
    );
}

#[test]
fn a_file_without_plan_table_is_rejected() {
    assert_eq!(
        problems("[[phase]]\nid = \"p\"\ntitle = \"P\"\n"),
        ["1:1: the plan file is missing the [plan] table"],
        "the [plan] table is required"
    );
}

#[test]
fn crlf_and_byte_order_mark_are_tolerated() {
    let windows = format!("\u{feff}{}", VALID.replace('\n', "\r\n"));
    assert_eq!(
        parse_ok(&windows),
        expected_valid_plan(),
        "a plan saved by a Windows editor reads the same"
    );
    let broken = "\u{feff}[plan]\r\nname = \"x\"\r\ntitle = \"y\"\r\n[[phase]]\r\nid = \"p\"\r\ntitle = \"é {{nope}}\"\r\n";
    assert_eq!(
        problems(broken),
        ["6:12: unknown variable `{{nope}}`"],
        "columns count characters (é is one) and ignore the byte-order mark"
    );
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

// ----- variables ---------------------------------------------------------------------------

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
}

#[test]
fn substitute_replaces_names_with_or_without_spaces() {
    let v = values(&[("version", "1.4.0"), ("image", "sms")]);
    assert_eq!(
        substitute("{{image}}:{{ version }} v{{version}}", &v),
        Ok("sms:1.4.0 v1.4.0".to_string()),
        "spaces inside the braces are allowed"
    );
    assert_eq!(
        substitute("no variables {", &v),
        Ok("no variables {".to_string()),
        "plain text is unchanged"
    );
    assert_eq!(
        substitute("open {{version", &v),
        Ok("open {{version".to_string()),
        "an unclosed `{{` is left as written"
    );
    assert_eq!(
        substitute("{{version}} {{ missing }}", &v),
        Err(UnknownVariable { name: "missing".into() }),
        "an unknown name is an error naming it"
    );
    assert_eq!(
        UnknownVariable { name: "x".into() }.to_string(),
        "unknown variable {{x}}",
        "the error reads like the plan"
    );
}

#[test]
fn variables_in_lists_names_and_offsets() {
    assert_eq!(
        variables_in("a {{x}} b {{ y }} {{z"),
        vec![("x".to_string(), 2), ("y".to_string(), 10)],
        "each name with the byte offset of its `{{`; unclosed ones are not variables"
    );
}

#[test]
fn run_variables_merge_builtins_and_resolve_plan_vars_once() {
    let mut plan = expected_valid_plan();
    plan.vars.insert("image".into(), "sms:{{version}}".into());
    let merged =
        run_variables(&plan, &[("version", "1.4.0".to_string()), ("branch", "main".to_string())]);
    assert_eq!(
        merged.get("image").map(String::as_str),
        Some("sms:1.4.0"),
        "plan vars may use built-ins"
    );
    assert_eq!(
        merged.get("environment").map(String::as_str),
        Some("staging"),
        "environment defaults to [plan] environment"
    );
    let chosen = run_variables(&plan, &[("environment", "prod".to_string())]);
    assert_eq!(
        chosen.get("environment").map(String::as_str),
        Some("prod"),
        "the run's environment wins"
    );
    assert_eq!(
        secret_values(&plan),
        vec!["hunter2".to_string()],
        "secret values come from the named vars"
    );
}

#[test]
fn resolve_plan_substitutes_every_string_but_ids() {
    let plan = expected_valid_plan();
    let builtins: Vec<(&str, String)> =
        BUILTIN_VARS.iter().map(|name| (*name, format!("<{name}>"))).collect();
    let merged = run_variables(&plan, &builtins);
    let resolved = resolve_plan(&plan, &merged).expect("every variable is known");
    assert_eq!(resolved.phases[1].title, "Validation of <version>", "phase titles are substituted");
    assert_eq!(
        resolved.plan.success_criteria[1], "Version is <version>",
        "success criteria are substituted"
    );
    assert_eq!(
        resolved.steps().nth(1).map(|(_, s)| s.title.as_str()),
        Some("Clean tree on <branch>"),
        "step titles are substituted"
    );
    match &resolved.phases[1].steps[0].action {
        StepAction::Command(c) => {
            assert_eq!(c.args[1], "docker-compose.prod.yml", "array parameters are substituted");
            assert_eq!(
                c.env.get("APP_VERSION").map(String::as_str),
                Some("<version>"),
                "table parameters are substituted"
            );
            assert_eq!(
                c.env.get("ADMIN_PASSWORD").map(String::as_str),
                Some("hunter2"),
                "secrets substitute like any variable"
            );
            assert_eq!(c.timeout_secs, Some(600), "non-string parameters survive the round trip");
        }
        other => panic!("expected the command step, got {other:?}"),
    }
    assert_eq!(resolved.phases[1].steps[0].id, "compose", "ids are kept");

    let missing = resolve_plan(&plan, &values(&[("branch", "main")]));
    assert_eq!(
        missing,
        Err(UnknownVariable { name: "version".into() }),
        "an unresolvable name is reported"
    );
}

// ----- schema and documentation --------------------------------------------------------------

fn docs_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs").join(name)
}

fn updating() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some()
}

#[test]
fn committed_schema_matches_the_types() {
    let generated = format!(
        "{}\n",
        serde_json::to_string_pretty(&schema::plan_schema()).expect("the schema serializes")
    );
    let path = docs_path("plan.schema.json");
    if updating() {
        std::fs::write(&path, &generated).expect("write the schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed.replace("\r\n", "\n") == generated,
        "docs/plan.schema.json is stale; regenerate it with \
         `UPDATE_DOCS=1 cargo test -p pilot-engine --test engine plan::` and commit it"
    );
}

#[test]
fn step_schema_has_one_branch_per_kind_told_apart_by_kind() {
    let schema = schema::plan_schema();
    let branches =
        schema.pointer("/$defs/Step/oneOf").and_then(|b| b.as_array()).expect("Step is a oneOf");
    let kinds: Vec<&str> = branches
        .iter()
        .map(|b| {
            b.pointer("/properties/kind/const")
                .and_then(|k| k.as_str())
                .expect("each branch fixes kind")
        })
        .collect();
    assert_eq!(kinds, StepAction::KIND_NAMES, "one branch per kind, in catalogue order");
    for branch in branches {
        let required =
            branch.get("required").and_then(|r| r.as_array()).expect("each branch has required");
        assert!(required.iter().any(|r| r == "kind"), "kind is required in every branch: {branch}");
    }
    assert_eq!(
        schema.pointer("/$defs/Step/unevaluatedProperties"),
        Some(&serde_json::Value::Bool(false)),
        "editors flag unknown step keys although serde's flatten cannot deny them"
    );
    let common = schema.pointer("/$defs/Step/required").expect("Step has required keys");
    assert_eq!(
        common,
        &serde_json::json!(["id", "title"]),
        "id and title are required on every step"
    );
}

#[test]
fn kind_catalogue_covers_every_kind_and_knows_which_execute() {
    let kinds = schema::kinds();
    let names: Vec<&str> = kinds.iter().map(|k| k.kind).collect();
    assert_eq!(names, StepAction::KIND_NAMES, "the catalogue lists every kind");
    let disk = kinds.iter().find(|k| k.kind == "system.disk").expect("system.disk");
    assert!(disk.supported, "system.disk executes today");
    let min = disk.params.iter().find(|p| p.name == "min_free_gb").expect("min_free_gb");
    assert!(min.required && min.type_name == "number", "min_free_gb is a required number: {min:?}");
    let soak = kinds.iter().find(|k| k.kind == "soak").expect("soak");
    assert!(!soak.supported, "soak is not executed yet");
}

const BEGIN: &str = "<!-- BEGIN GENERATED: kinds reference (UPDATE_DOCS=1 cargo test -p pilot-engine --test engine plan::) -->\n";
const END: &str = "<!-- END GENERATED: kinds reference -->";

#[test]
fn plan_format_doc_lists_every_kind_and_parameter() {
    let path = docs_path("plan-format.md");
    let doc =
        std::fs::read_to_string(&path).expect("docs/plan-format.md exists").replace("\r\n", "\n");
    let (before, rest) =
        doc.split_once(BEGIN).expect("the doc has the generated-section start marker");
    let (section, after) =
        rest.split_once(END).expect("the doc has the generated-section end marker");
    let generated = schema::kinds_reference_markdown();
    if updating() && section != generated {
        std::fs::write(&path, format!("{before}{BEGIN}{generated}{END}{after}"))
            .expect("write the doc");
    } else {
        assert!(
            section == generated,
            "the kinds reference in docs/plan-format.md is stale; regenerate it with \
             `UPDATE_DOCS=1 cargo test -p pilot-engine --test engine plan::`"
        );
    }
    for kind in schema::kinds() {
        assert!(
            generated.contains(&format!("### `{}`", kind.kind)),
            "the doc has a section for {}",
            kind.kind
        );
        for param in &kind.params {
            assert!(
                generated.contains(&format!("| `{}` |", param.name)),
                "the doc lists {}'s parameter {}",
                kind.kind,
                param.name
            );
        }
    }
    for name in BUILTIN_VARS {
        assert!(
            doc.contains(&format!("| `{name}` |")),
            "the doc explains the built-in variable {name}"
        );
    }
}

#[test]
fn plan_format_doc_examples_are_valid_plans() {
    let doc =
        std::fs::read_to_string(docs_path("plan-format.md")).expect("docs/plan-format.md exists");
    let examples: Vec<&str> = doc
        .split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split_once("```").map(|(toml, _)| toml))
        .collect();
    assert_eq!(examples.len(), 2, "the layout and the complete example");
    for example in examples {
        if let Err(error) = parse_plan(example, "plan-format.md") {
            panic!("a documented example must be a valid plan: {error}");
        }
    }
}
