//! Tests of `pilot_engine::store`: a real SQLite file in a temp folder.

use chrono::{TimeZone, Utc};
use pilot_engine::plan::Plan;
use pilot_engine::repo::{Changelog, RepoFacts, VersionFile, Worktree};
use pilot_engine::run::{
    Evidence, NewEvent, Outcome, PlanOrigin, RunHeader, RunStatus, StepRecord, StepStatus, Waiver,
};
use pilot_engine::store::{RunStore, StoreError};

const PLAN: &str = r#"
[plan]
name = "tiny"
title = "Tiny plan"

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "clean"
title = "Working tree is clean"
kind = "git.clean"

[[phase.step]]
id = "ssh"
title = "Server reachable"
kind = "manual"
"#;

fn facts() -> RepoFacts {
    RepoFacts {
        path: "/repo".into(),
        branch: Some("main".into()),
        detached: false,
        bare: false,
        shallow: false,
        head: None,
        worktree: Worktree { clean: true, changes: vec![] },
        tags: vec![],
        head_tags: vec![],
        version: VersionFile {
            file: "VERSION".into(),
            value: Some("1.2.3".into()),
            valid: true,
            error: None,
        },
        latest_release: None,
        previous_release: None,
        changelog: Changelog {
            file: "CHANGELOG.md".into(),
            has_entry: true,
            heading: None,
            line: None,
            exists: true,
        },
        release_notes: vec![],
        upstream: None,
        commits_since_previous_release: vec![],
        warnings: vec![],
    }
}

fn header(id: &str) -> RunHeader {
    let plan: Plan = toml::from_str(PLAN).expect("the test plan is valid TOML for the model");
    RunHeader {
        id: id.into(),
        plan_origin: PlanOrigin::Template("tiny".into()),
        plan_source: PLAN.into(),
        plan_template: None,
        secrets_given: Vec::new(),
        plan_hash: "abc".into(),
        plan,
        repo_path: "/repo".into(),
        facts: facts(),
        version: "1.2.3".into(),
        environment: "staging".into(),
        operator: "Ada <ada@example.com>".into(),
        dry_run: false,
        started_at: Utc.with_ymd_and_hms(2026, 1, 7, 14, 0, 0).single().expect("valid time"),
    }
}

fn pending(step_id: &str, kind: &str) -> StepRecord {
    StepRecord {
        phase_id: "checks".into(),
        step_id: step_id.into(),
        title: step_id.into(),
        kind: kind.into(),
        blocking: true,
        status: StepStatus::Pending,
        summary: String::new(),
        evidence: Evidence::default(),
        started_at: None,
        finished_at: None,
        waiver: None,
        note: None,
        answered_by: None,
    }
}

fn event(kind: &str) -> NewEvent {
    NewEvent {
        at: Utc.with_ymd_and_hms(2026, 1, 7, 14, 0, 1).single().expect("valid time"),
        kind: kind.into(),
        step_id: None,
        message: format!("{kind} happened"),
    }
}

fn new_store(dir: &tempfile::TempDir) -> RunStore {
    RunStore::open(&dir.path().join("runs.sqlite3")).expect("a new store opens in an empty folder")
}

#[test]
fn a_run_round_trips_through_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = new_store(&dir);
    store
        .create_run(
            &header("r1"),
            &[pending("clean", "git.clean"), pending("ssh", "manual")],
            event("run.started"),
        )
        .expect("creating a run succeeds");

    let mut done = pending("clean", "git.clean");
    done.status = StepStatus::Waived;
    done.summary = "3 changes".into();
    done.evidence = Evidence::default().fact("changes", "3");
    done.waiver =
        Some(Waiver { reason: "docs only".into(), by: "Ada".into(), at: Utc::now(), agreed: None });
    store.update_step("r1", &done, event("step.waived")).expect("updating a step succeeds");
    drop(store);

    // A fresh handle sees exactly what was committed.
    let store = new_store(&dir);
    let run = store.load_run("r1").expect("the run loads back");
    assert_eq!(run.header, header("r1"), "the header is stored whole");
    assert_eq!(run.status, RunStatus::Running, "a new run is running");
    assert_eq!(run.outcome, Outcome::Pending, "a new run has no verdict");
    assert_eq!(run.steps.len(), 2, "every step has a record");
    assert_eq!(run.steps[0].status, StepStatus::Waived, "the update was committed");
    assert_eq!(
        run.steps[0].waiver.as_ref().map(|w| w.reason.as_str()),
        Some("docs only"),
        "the waiver reason is kept"
    );
    assert_eq!(run.steps[0].evidence.facts[0].value, "3", "evidence is kept");
    assert_eq!(run.steps[1].step_id, "ssh", "steps keep plan order");
    let kinds: Vec<&str> = run.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["run.started", "step.waived"], "events are kept in log order");
    assert_eq!(
        run.events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2],
        "events are numbered from 1"
    );

    let list = store.list_runs().expect("listing works");
    assert_eq!(list.len(), 1, "one run listed");
    assert_eq!(list[0].version, "1.2.3", "the listing carries the version");
}

#[test]
fn run_state_changes_are_stored_with_their_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = new_store(&dir);
    store
        .create_run(&header("r1"), &[pending("clean", "git.clean")], event("run.started"))
        .expect("create");
    let at = Utc.with_ymd_and_hms(2026, 1, 7, 15, 0, 0).single();
    store
        .set_run_state("r1", RunStatus::Completed, Outcome::Go, at, event("run.finished"))
        .expect("setting the state works");
    let run = store.load_run("r1").expect("load");
    assert_eq!(
        (run.status, run.outcome),
        (RunStatus::Completed, Outcome::Go),
        "the state was stored"
    );
    assert_eq!(run.finished_at, at, "the finish time was stored");
    assert_eq!(run.events.last().map(|e| e.kind.as_str()), Some("run.finished"), "with its event");
}

#[test]
fn an_unknown_run_is_named_in_the_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = new_store(&dir);
    let err = store.load_run("nope").expect_err("there is no such run");
    assert!(matches!(err, StoreError::NoSuchRun { .. }), "a missing run is NoSuchRun, got {err:?}");
    assert!(err.to_string().contains("nope"), "the message names the run: {err}");
    let err = store
        .update_step("nope", &pending("clean", "git.clean"), event("x"))
        .expect_err("no such run");
    assert!(
        matches!(err, StoreError::NoSuchRun { .. }),
        "updating a missing run is NoSuchRun, got {err:?}"
    );
}

#[test]
fn a_damaged_file_is_reported_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("runs.sqlite3");
    let garbage = b"this is not a database, but somebody's runs might be in here".repeat(200);
    std::fs::write(&path, &garbage).expect("write garbage");
    let err = RunStore::open(&path).expect_err("garbage is not a store");
    assert!(
        matches!(err, StoreError::Damaged { .. }),
        "garbage is reported as damage, got {err:?}"
    );
    assert!(err.to_string().contains("runs.sqlite3"), "the message names the file: {err}");
    assert_eq!(
        std::fs::read(&path).expect("read back"),
        garbage,
        "the damaged file is never overwritten"
    );
}

#[test]
fn a_store_with_a_broken_page_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("runs.sqlite3");
    {
        let store = RunStore::open(&path).expect("open");
        for i in 0..50 {
            store
                .create_run(
                    &header(&format!("r{i}")),
                    &[pending("clean", "git.clean")],
                    event("run.started"),
                )
                .expect("create");
        }
        // Fold the WAL into the main file so the damage below hits real data.
        drop(store);
        let conn = rusqlite::Connection::open(&path).expect("plain open");
        conn.pragma_update(None, "journal_mode", "DELETE").expect("leave WAL");
    }
    let mut bytes = std::fs::read(&path).expect("read");
    assert!(bytes.len() > 8192, "the store has several pages");
    // Scribble over the second page (a b-tree page of the runs table).
    for b in &mut bytes[4096 + 8..4096 + 512] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).expect("write damaged copy");
    let err = RunStore::open(&path).expect_err("a broken page is damage");
    assert!(
        matches!(err, StoreError::Damaged { .. }),
        "broken page reported as damage, got {err:?}"
    );
    assert_eq!(
        std::fs::read(&path).expect("read back"),
        bytes,
        "the damaged file is left as it was"
    );
}

#[test]
fn a_store_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("runs.sqlite3");
    drop(RunStore::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("plain open");
    conn.pragma_update(None, "user_version", 999).expect("pretend to be newer");
    drop(conn);
    let err = RunStore::open(&path).expect_err("a newer schema is refused");
    assert!(
        matches!(err, StoreError::TooNew { found: 999, .. }),
        "newer schema is TooNew, got {err:?}"
    );
}

#[test]
fn the_event_log_is_append_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("runs.sqlite3");
    let store = RunStore::open(&path).expect("open");
    store.create_run(&header("r1"), &[], event("run.started")).expect("create");
    let conn = rusqlite::Connection::open(&path).expect("plain open");
    let update = conn.execute("UPDATE events SET message = 'rewritten'", []);
    assert!(update.is_err(), "changing an event is refused by the store itself");
    let delete = conn.execute("DELETE FROM events", []);
    assert!(delete.is_err(), "removing an event is refused by the store itself");
    assert_eq!(store.events("r1").expect("events").len(), 1, "the log is intact");
}

#[test]
fn only_one_driver_may_hold_a_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = new_store(&dir);
    store.create_run(&header("r1"), &[], event("run.started")).expect("create");
    let now = Utc::now();
    let first = store.lock_run("r1", now).expect("the first driver gets the lock");
    let err = store.lock_run("r1", now).expect_err("a second driver is refused");
    assert!(matches!(err, StoreError::Locked { .. }), "a held run is Locked, got {err:?}");
    assert!(err.to_string().contains("r1"), "the message names the run: {err}");
    drop(first);
    store.lock_run("r1", now).expect("once released, the run can be driven again");
}

#[test]
fn two_handles_can_work_on_the_same_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = new_store(&dir);
    let b = new_store(&dir);
    a.create_run(&header("r1"), &[pending("clean", "git.clean")], event("run.started"))
        .expect("create via a");
    b.append_event("r1", event("note")).expect("append via b");
    assert_eq!(a.events("r1").expect("events").len(), 2, "a sees b's event");
}
