//! Variables: substitution, discovery, the run's merged values, resolving a plan, secrets.

use std::collections::BTreeMap;

use pilot_engine::plan::StepAction;
use pilot_engine::plan::vars::{
    BUILTIN_VARS, UnknownVariable, resolve_plan, run_variables, secret_values, substitute,
    variables_in,
};

use super::expected_valid_plan;

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
        resolved.plan.success_criteria[1].text(),
        "Version is <version>",
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

#[test]
fn plan_variables_may_use_each_other_in_any_order() {
    let mut plan = expected_valid_plan();
    plan.vars.insert("a_url".into(), "{{z_scheme}}://{{host}}:{{port}}/v{{version}}".into());
    plan.vars.insert("host".into(), "127.0.0.1".into());
    plan.vars.insert("port".into(), "80{{port_suffix}}".into());
    plan.vars.insert("port_suffix".into(), "80".into());
    plan.vars.insert("z_scheme".into(), "http".into());
    let merged = run_variables(&plan, &[("version", "1.4.0".to_string())]);
    assert_eq!(
        merged.get("a_url").map(String::as_str),
        Some("http://127.0.0.1:8080/v1.4.0"),
        "resolved through two levels, whatever their names' order"
    );
}

#[test]
fn a_variable_that_uses_itself_is_refused_at_its_key() {
    let text = "[plan]\nname = \"v\"\ntitle = \"V\"\n\n[vars]\na = \"{{b}}/x\"\nb = \"{{a}}\"\nc = \"{{c}}\"\n\n[[phase]]\nid = \"p\"\ntitle = \"P\"\n";
    let problems = match pilot_engine::plan::parse_plan(text, "v.toml") {
        Err(pilot_engine::plan::PlanError::Invalid { problems }) => problems,
        other => panic!("refused, not {other:?}"),
    };
    let at: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.message.as_str())).collect();
    assert!(at.iter().any(|(l, m)| *l == 6 && m.contains("`a` uses itself (a → b → a)")), "{at:?}");
    assert!(at.iter().any(|(l, m)| *l == 8 && m.contains("`c` uses itself (c → c)")), "{at:?}");
}
