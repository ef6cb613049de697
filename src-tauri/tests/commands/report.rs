//! The report (Markdown, HTML, saved) and rollback readiness of a run.

use serde_json::{Value, json};

use crate::common::TestApp;

/// A demo run driven through its checks, with the failing one waived.
fn checked_run(app: &TestApp) -> String {
    let repo = app.demo();
    let run = app.start_demo_run(&repo);
    let id = run["id"].as_str().expect("run id").to_string();
    let drive =
        json!({ "runId": id, "upTo": "checks", "resuming": false, "onEvent": "__CHANNEL__:1" });
    app.invoke("drive_run", drive).expect("checks run");
    app.invoke(
        "waive_step",
        json!({ "runId": id, "stepId": "pushed", "reason": "Only the release notes changed", "by": null }),
    )
    .expect("waived");
    id
}

#[test]
fn the_report_comes_as_markdown_and_html_and_is_saved_where_asked() {
    let app = TestApp::new();
    let id = checked_run(&app);

    let markdown = app.invoke("report_markdown", json!({ "runId": id })).expect("report_markdown");
    let markdown = markdown.as_str().expect("the report is a string");
    assert!(markdown.contains("Only the release notes changed"), "the waiver is reported");

    let html = app.invoke("report_html", json!({ "runId": id })).expect("report_html works");
    assert!(
        html.as_str().is_some_and(|h| h.contains("<h1") || h.contains("<h2")),
        "the report is rendered to HTML: {html}"
    );

    let out = app.data.path().join("report.md");
    let refused = app
        .invoke("save_report", json!({ "runId": id, "path": out.display().to_string() }))
        .expect_err("nobody chose where to save it yet");
    assert_eq!(refused["kind"], "notChosen", "a path not chosen is refused as such: {refused}");
    assert!(!out.exists(), "nothing was written");
    app.desktop().grant_report_destination(&out).expect("chosen in the Save as… dialog");
    let saved = app
        .invoke("save_report", json!({ "runId": id, "path": out.display().to_string() }))
        .expect("save_report works");
    let text = std::fs::read_to_string(&out).expect("the report is on disk");
    assert_eq!(text, markdown, "the saved file is the report");
    assert_eq!(saved["bytes"], Value::from(text.len()), "the size returned is the file's");
    assert_eq!(saved["path"], out.display().to_string(), "the path returned is the one given");
}

#[test]
fn rollback_readiness_names_the_previous_release() {
    let app = TestApp::new();
    let id = checked_run(&app);
    let rollback = app.invoke("rollback_readiness", json!({ "runId": id })).expect("works");
    assert_eq!(rollback["previousRelease"], "v1.15.1", "the rollback target is the last release");
    assert_eq!(rollback["ready"], false, "no verified backup yet, so not ready");
}

#[test]
fn a_rollback_is_refused_before_anything_changed_and_runs_in_the_same_run_after_the_backup() {
    let app = TestApp::new();
    let id = checked_run(&app);
    let rollback = app.invoke("rollback_readiness", json!({ "runId": id })).expect("works");
    assert!(
        rollback["refusal"].as_str().is_some_and(|r| r.contains("nothing has changed")),
        "after the checks nothing changed, so nothing to roll back: {rollback}"
    );
    let refused = app
        .invoke("request_rollback", json!({ "runId": id, "reason": "early", "by": null }))
        .expect_err("refused");
    assert!(refused.to_string().contains("nothing has changed"), "{refused}");

    // Through the backup (an action): now there is something to put back.
    for step in ["team-notified", "staging-access", "backup-documented"] {
        app.invoke(
            "answer_manual",
            json!({ "runId": id, "stepId": step, "done": true, "note": null, "by": null }),
        )
        .expect("ticked");
    }
    let drive =
        json!({ "runId": id, "upTo": "backup", "resuming": false, "onEvent": "__CHANNEL__:1" });
    let run = app.invoke("drive_run", drive).expect("the backup runs");
    let backup_done = run["phases"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["steps"].as_array().into_iter().flatten())
        .any(|s| s["id"] == "db-backup" && s["status"] == "passed");
    assert!(backup_done, "the backup passed: {}", run["events"]);
    let rollback = app.invoke("rollback_readiness", json!({ "runId": id })).expect("works");
    assert_eq!(rollback["refusal"], Value::Null, "a rollback can be asked for: {rollback}");
    let touches = rollback["steps"][0]["touches"].as_str().unwrap_or_default();
    assert!(touches.contains("database"), "the panel names what it replaces: {touches}");

    let asked = app
        .invoke(
            "request_rollback",
            json!({ "runId": id, "reason": "QA found a blocker", "by": "Alan Turing <alan@example.com>" }),
        )
        .expect("recorded");
    assert_eq!(asked["rollback"]["by"], "Alan Turing <alan@example.com>");
    let drive = json!({ "runId": id, "upTo": null, "resuming": false, "onEvent": "__CHANNEL__:1" });
    let run = app.invoke("drive_run", drive).expect("the rollback runs");
    assert_eq!(run["outcome"], "rolledBack", "the same run ends rolled back: {}", run["events"]);
    assert_eq!(
        run["verdictReasons"][0],
        "rolled back at the request of Alan Turing <alan@example.com>: QA found a blocker"
    );
}
