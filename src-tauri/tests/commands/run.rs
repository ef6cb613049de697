//! A run driven through the commands: start, drive with progress on a channel, answer,
//! waive, reload, list.

use serde_json::json;

use crate::common::{TestApp, step_status};

#[test]
fn a_demo_run_is_driven_to_the_end_with_progress_on_the_channel() {
    let app = TestApp::new();
    let repo = app.demo();
    let run = app.start_demo_run(&repo);
    let run_id = run["id"].as_str().expect("run id").to_string();
    assert_eq!(step_status(&run, "pushed"), "pending", "starting a run executes nothing");

    let run = app
        .invoke(
            "drive_run",
            json!({ "runId": run_id, "upTo": "checks", "resuming": false, "onEvent": "__CHANNEL__:7" }),
        )
        .expect("drive_run works");
    assert_eq!(step_status(&run, "pushed"), "failed", "the demo's unpushed commit fails");

    let events = app.received(7);
    assert!(!events.is_empty(), "progress arrived on the channel the webview named");
    assert!(
        events.iter().enumerate().all(|(i, e)| e.index == i),
        "messages are numbered in the order they were sent: {:?}",
        events.iter().map(|e| e.index).collect::<Vec<_>>()
    );
    let kinds: Vec<&str> = events.iter().filter_map(|e| e.message["event"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"phaseStarted"), "a phase opens the stream: {kinds:?}");
    assert!(kinds.contains(&"stepFinished"), "finished steps are reported: {kinds:?}");
    let finished = events
        .iter()
        .find(|e| {
            e.message["event"] == "stepFinished" && e.message["data"]["step"]["id"] == "pushed"
        })
        .expect("the failed check is reported");
    assert_eq!(
        finished.message["data"]["step"]["status"], "failed",
        "the event carries the step as stored, tagged {{event, data}}"
    );

    let run = app
        .invoke(
            "waive_step",
            json!({ "runId": run_id, "stepId": "pushed", "reason": "Only the release notes changed", "by": "QA" }),
        )
        .expect("waive_step works");
    assert_eq!(step_status(&run, "pushed"), "waived", "the failed check is waived");

    for item in ["team-notified", "staging-access", "backup-documented", "login-page", "announced"]
    {
        let run = app
            .invoke(
                "answer_manual",
                json!({ "runId": run_id, "stepId": item, "done": true, "note": "done", "by": null }),
            )
            .expect("answer_manual works");
        assert_eq!(step_status(&run, item), "passed", "ticking {item} passes it");
    }

    for (role, name) in [
        ("tech_lead", "Grace Hopper <grace@example.com>"),
        ("qa_lead", "Alan Turing <alan@example.com>"),
    ] {
        let run = app
            .invoke(
                "record_signoff",
                json!({ "runId": run_id, "role": role, "name": name, "decision": "approve", "comment": "" }),
            )
            .expect("record_signoff works");
        let state = run["signoff"]
            .as_array()
            .and_then(|roles| roles.iter().find(|r| r["id"] == role))
            .map(|r| r["state"].clone());
        assert_eq!(state, Some(json!("approved")), "{role} is approved in the sign-off matrix");
    }

    let run = app
        .invoke(
            "drive_run",
            json!({ "runId": run_id, "upTo": null, "resuming": false, "onEvent": "__CHANNEL__:8" }),
        )
        .expect("drive_run to the end works");
    assert_eq!(run["status"], "completed", "the run completes");
    let last = app.received(8).last().map(|e| e.message.clone()).expect("progress to the end");
    assert_eq!(last["event"], "runFinished", "the stream ends with the run's outcome: {last}");

    let reloaded = app.invoke("get_run", json!({ "runId": run_id })).expect("get_run works");
    assert_eq!(reloaded, run, "the stored run is what drive_run returned");

    let history = app.invoke("list_runs", serde_json::Value::Null).expect("list_runs works");
    assert_eq!(history[0]["id"], run_id.as_str(), "the run is in the history");
    assert_eq!(history[0]["unfinished"], false, "a completed run is not offered for resuming");
}
