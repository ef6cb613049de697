//! A chatty step's output through `drive_run`: batched by the shell's forwarding thread into a
//! few channel messages, every line delivered in order, all of it before the step's result.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{TestApp, step_status};

/// Fewer than a batch keeps per step (2,000), so every line must arrive whatever the timing.
const LINES: usize = 1500;

/// A repository whose plan has one command step printing `LINES` lines as fast as it can.
fn chatty_repo(dir: &Path) -> String {
    std::fs::create_dir_all(dir.join(".release-pilot")).expect("plan folder");
    std::fs::write(dir.join("VERSION"), "1.0.0\n").expect("VERSION");
    let plan = format!(
        r#"[plan]
name = "chatty"
title = "Chatty output"

[[phase]]
id = "checks"
title = "Checks"
stage = "checks"

[[phase.step]]
id = "chatty"
title = "Print {LINES} lines"
kind = "command"
program = "sh"
args = ["-c", "i=0; while [ $i -lt {LINES} ]; do echo \"line $i\"; i=$((i+1)); done"]
read_only = true
"#
    );
    std::fs::write(dir.join(".release-pilot").join("plan.toml"), plan).expect("plan");
    for args in
        [&["init", "-q", "-b", "main"][..], &["add", "."], &["commit", "-q", "-m", "chatty"]]
    {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .status()
            .expect("git runs");
        assert!(ok.success(), "git {args:?} succeeds in the test repository");
    }
    dir.display().to_string()
}

#[cfg(unix)]
#[test]
fn a_chatty_step_s_output_arrives_batched_in_order_and_before_its_result() {
    let app = TestApp::new();
    let repo_dir = tempfile::tempdir().expect("a temp repository folder");
    let repo = chatty_repo(repo_dir.path());
    let plan = repo_dir.path().join(".release-pilot").join("plan.toml");
    app.desktop().grant_repository(repo_dir.path());
    let run = app
        .invoke(
            "start_run",
            json!({ "request": {
                "repo": repo,
                "plan": { "type": "file", "value": plan.display().to_string() },
                "version": null, "environment": null, "operator": "Test", "dryRun": false,
            }}),
        )
        .expect("start_run works");
    let run_id = run["id"].as_str().expect("run id").to_string();
    let run = app
        .invoke(
            "drive_run",
            json!({ "runId": run_id, "upTo": "checks", "resuming": false, "onEvent": "__CHANNEL__:9" }),
        )
        .expect("drive_run works");
    assert_eq!(step_status(&run, "chatty"), "passed", "the chatty step ran: {run}");

    let events: Vec<Value> = app.received(9).into_iter().map(|r| r.message).collect();
    let outputs: Vec<&Value> = events.iter().filter(|e| e["event"] == "stepOutput").collect();
    let lines: Vec<&str> = outputs
        .iter()
        .flat_map(|e| e["data"]["lines"].as_array().expect("a batch carries lines"))
        .map(|l| l.as_str().expect("lines are strings"))
        .collect();
    // The engine's own note that the program started (with its pid, recorded so a resume
    // never starts a second copy) comes first; then the program's lines, each once, in order.
    let (started, lines) = lines.split_first().expect("some output arrived");
    assert!(
        started.contains("started (pid "),
        "the first line says the program started: {started:?}"
    );
    let want: Vec<String> = (0..LINES).map(|i| format!("line {i}")).collect();
    assert!(
        lines == want,
        "every line arrives once, in the order printed: {} lines, first {:?}, last {:?}",
        lines.len(),
        lines.first(),
        lines.last()
    );
    assert!(
        outputs.iter().all(|e| e["data"]["omitted"] == 0 && e["data"]["stepId"] == "chatty"),
        "nothing is left out at this rate, and each batch names its step"
    );
    assert!(
        outputs.len() <= LINES / 20,
        "{LINES} lines come in a few batches, not one message per line: {} messages",
        outputs.len()
    );
    let finished = events
        .iter()
        .position(|e| e["event"] == "stepFinished")
        .expect("the step's result is reported");
    let last_output =
        events.iter().rposition(|e| e["event"] == "stepOutput").expect("output was reported");
    assert!(last_output < finished, "all output arrives before the step's result");
}
