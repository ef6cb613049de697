//! What the UI receives when a command fails: `{kind, message}` and nothing else, and an app
//! whose run store cannot be opened still answering (with that error) instead of failing.

use std::sync::Arc;

use pilot_desktop_api::Desktop;
use pilot_engine::SystemClock;
use release_pilot_app::AppState;
use serde_json::{Value, json};

use crate::common::{TestApp, config};

#[test]
fn a_folder_that_is_not_a_repository_answers_a_repository_error() {
    let app = TestApp::new();
    let folder = app.data.path().join("plain-folder");
    std::fs::create_dir_all(&folder).expect("a plain folder");
    app.desktop().grant_repository(&folder);
    let error = app
        .invoke("inspect_repo", json!({ "path": folder.display().to_string() }))
        .expect_err("a plain folder is not a repository");
    let object = error.as_object().expect("the error is an object");
    assert_eq!(object.len(), 2, "exactly kind and message cross to the UI: {error}");
    assert_eq!(error["kind"], "repository", "the kind lets the UI pick how to show it");
    let message = error["message"].as_str().expect("a message");
    assert!(message.contains("not a git repository"), "the message says what is wrong: {message}");
}

#[test]
fn unknown_runs_and_refused_waivers_have_their_own_kinds() {
    let app = TestApp::new();
    let error = app.invoke("get_run", json!({ "runId": "no-such-run" })).expect_err("no run");
    assert_eq!(error["kind"], "notFound", "kinds are camelCase: {error}");

    let repo = app.demo();
    let run = app.start_demo_run(&repo);
    let error = app
        .invoke(
            "waive_step",
            json!({ "runId": run["id"], "stepId": "pushed", "reason": "  ", "by": null }),
        )
        .expect_err("a waiver needs a reason");
    assert_eq!(error["kind"], "refused", "an empty reason is refused, not an internal error");
}

#[test]
fn a_missing_argument_or_a_bad_channel_is_refused_by_tauri_before_the_engine_runs() {
    let app = TestApp::new();
    let error = app.invoke("inspect_repo", json!({})).expect_err("path is required");
    assert!(
        error.as_str().is_some_and(|e| e.contains("path")),
        "Tauri's own argument errors are plain strings naming the argument: {error}"
    );
    let error = app
        .invoke(
            "drive_run",
            json!({ "runId": "x", "upTo": null, "resuming": false, "onEvent": "not-a-channel" }),
        )
        .expect_err("onEvent must be a channel");
    assert!(
        error.as_str().is_some_and(|e| e.contains("__CHANNEL__")),
        "a bad channel is named as such: {error}"
    );
}

#[test]
fn a_damaged_store_is_reported_by_every_command_and_left_untouched() {
    let data = tempfile::tempdir().expect("temp data folder");
    let store = config(data.path()).data.store_file();
    let garbage = b"this is not an SQLite database, but somebody's runs may be in here".repeat(64);
    std::fs::write(&store, &garbage).expect("a damaged store file");

    let state = AppState::open(Ok(config(data.path())));
    assert!(state.problem().is_some(), "the damaged store is noticed when the app opens");
    let app = TestApp::with_state(state, data);
    for (cmd, args) in [
        ("app_info", Value::Null),
        ("list_runs", Value::Null),
        ("get_run", json!({ "runId": "any" })),
        ("inspect_repo", json!({ "path": "." })),
    ] {
        let error = app.invoke(cmd, args).expect_err("the store cannot be used");
        assert_eq!(error["kind"], "store", "{cmd} reports the store problem: {error}");
        assert!(
            error["message"].as_str().is_some_and(|m| m.contains("damaged")),
            "{cmd}'s message says the store is damaged and what to do: {error}"
        );
    }
    let after = std::fs::read(&store).expect("the store file is still there");
    assert_eq!(after, garbage, "the damaged file is never overwritten");
}

#[test]
fn an_opened_desktop_and_a_failed_one_are_told_apart() {
    let data = tempfile::tempdir().expect("temp data folder");
    let desktop = Desktop::open(config(data.path()), Arc::new(SystemClock)).expect("opens");
    assert!(AppState::ready(desktop).problem().is_none(), "an opened store is no problem");
    let failed = AppState::failed(pilot_desktop_api::ApiError::new(
        pilot_desktop_api::ErrorKind::Store,
        "no data folder",
    ));
    assert!(failed.desktop().is_err(), "a failed state hands out its error, not a desktop");
}
