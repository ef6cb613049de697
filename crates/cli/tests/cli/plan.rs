//! `pilot plan check | export | answers` and `pilot templates`.

use crate::common::{Sandbox, json, text};

const BROKEN: &str = r#"[plan]
name = "broken"
title = "Broken plan"

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "disk"
title = "Disk"
kind = "system.disk"
min_free_gb = 5.0
colour = "blue"

[[phase.step]]
id = "disk"
title = "Disk again"
kind = "system.dsk"

[[phase.step]]
id = "branch"
title = "On {{branch}}"
kind = "git.branch"
expect = "{{main_branch}}"

[[phase.step]]
id = "ready"
title = "Ready"
kind = "gate"
requires = []
"#;

#[test]
fn plan_check_lists_every_problem_with_line_and_column() {
    let sandbox = Sandbox::new();
    let file = sandbox.root.path().join("broken.toml");
    std::fs::write(&file, BROKEN).expect("write plan");
    let out = sandbox.pilot(&["plan", "check", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "a broken plan is bad input: {}", text(&out.stdout));
    let report = text(&out.stdout);
    let name = file.to_str().expect("utf-8");
    // Every problem, each with file, line and column.
    let expected: [(&[usize], &str); 5] = [
        (&[14], "colour"),             // unknown parameter
        (&[17], "duplicate"),          // duplicate step id
        (&[19], "system.dsk"),         // unknown kind
        (&[25], "main_branch"),        // unknown variable
        (&[27, 31], "names no steps"), // a gate that names no steps (its table or its key)
    ];
    for (lines, needle) in expected {
        let found = report.lines().any(|l| {
            lines.iter().any(|line| l.starts_with(&format!("{name}:{line}:"))) && l.contains(needle)
        });
        assert!(found, "a problem at line {lines:?} mentioning {needle:?} is listed:\n{report}");
    }
    assert!(report.lines().count() >= expected.len(), "every problem is listed at once:\n{report}");

    let out = sandbox.pilot(&["plan", "check", "--json", name]);
    assert_eq!(out.status.code(), Some(2), "--json keeps the exit code");
    let value = json(&out);
    assert_eq!(value["ok"], false, "not ok");
    assert!(
        value["problems"].as_array().expect("problems").len() >= expected.len(),
        "problems listed as JSON"
    );
}

#[test]
fn templates_export_and_check_cleanly() {
    let sandbox = Sandbox::new();
    let out = sandbox.pilot(&["templates", "--json"]);
    assert_eq!(out.status.code(), Some(0), "templates lists");
    let names: Vec<String> = json(&out)
        .as_array()
        .expect("list")
        .iter()
        .map(|t| t["name"].as_str().expect("name").to_string())
        .collect();
    for expected in ["staging", "production", "readiness"] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} is a built-in template: {names:?}"
        );
    }
    for name in names {
        let file = sandbox.root.path().join(format!("{name}.toml"));
        let out = sandbox.pilot(&["plan", "export", &name, "-o", file.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(0), "export {name}: {}", text(&out.stderr));
        let out = sandbox.pilot(&["plan", "check", file.to_str().expect("utf-8")]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "the exported {name} plan is valid: {}",
            text(&out.stdout)
        );
    }
    let out = sandbox.pilot(&["plan", "export", "nope"]);
    assert_eq!(out.status.code(), Some(2), "an unknown template is bad input");
    assert!(text(&out.stderr).contains("staging"), "the error lists the templates there are");
}

#[test]
fn plan_answers_lists_every_manual_item() {
    let sandbox = Sandbox::new();
    let out = sandbox.pilot(&["plan", "answers", "--template", "staging"]);
    assert_eq!(out.status.code(), Some(0), "answers skeleton printed");
    let skeleton: toml::Table =
        toml::from_str(&text(&out.stdout)).expect("the skeleton is valid TOML");
    let manual = skeleton["manual"].as_table().expect("a [manual] table");
    assert!(
        manual.len() > 10,
        "every manual item of the staging plan is listed ({})",
        manual.len()
    );
    assert!(manual.values().all(|v| v["done"].as_bool() == Some(false)), "nothing is pre-ticked");
}
