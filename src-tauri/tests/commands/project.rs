//! app_info, templates, the demo, repository facts, plan files and plan preview.

use serde_json::{Value, json};

use crate::common::TestApp;

#[test]
fn app_info_names_the_version_and_the_data_folder() {
    let app = TestApp::new();
    let info = app.invoke("app_info", Value::Null).expect("app_info works");
    assert_eq!(info["version"], "0.0.0-test", "the configured version comes back");
    assert_eq!(
        info["dataDir"],
        app.data.path().display().to_string(),
        "the data folder is the one given, in camelCase"
    );
    assert!(info["startRepo"].is_null(), "no --repo was given");
}

#[test]
fn list_templates_lists_the_built_in_templates() {
    let app = TestApp::new();
    let templates = app.invoke("list_templates", Value::Null).expect("list_templates works");
    let names: Vec<&str> =
        templates.as_array().expect("an array").iter().filter_map(|t| t["name"].as_str()).collect();
    assert!(names.contains(&"staging"), "the staging template is offered: {names:?}");
}

#[test]
fn the_demo_is_created_inspected_and_its_plan_found_and_previewed() {
    let app = TestApp::new();
    let demo = app.invoke("create_demo", Value::Null).expect("create_demo works");
    let path = demo["path"].as_str().expect("path");
    assert!(
        path.starts_with(&app.data.path().display().to_string()),
        "the demo is made inside the data folder, not the user's: {path}"
    );
    assert_eq!(demo["version"], "1.15.2", "the demo releases 1.15.2");

    let facts = app.invoke("inspect_repo", json!({ "path": path })).expect("inspect_repo works");
    assert_eq!(facts["version"], "1.15.2", "the facts read VERSION");

    let plans = app.invoke("find_plans", json!({ "repo": path })).expect("find_plans works");
    assert_eq!(plans.as_array().map(Vec::len), Some(1), "the demo keeps one plan: {plans}");
    assert_eq!(plans[0]["relative"], ".release-pilot/plan.toml", "shown relative to the repo");

    let preview = app
        .invoke("preview_plan", json!({ "choice": { "type": "file", "value": plans[0]["path"] } }))
        .expect("preview_plan works");
    assert!(
        preview["phases"].as_array().is_some_and(|p| !p.is_empty()),
        "the preview lists the plan's phases"
    );
}
