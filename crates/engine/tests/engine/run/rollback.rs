//! A rollback asked for after the deploy runs the plan's rollback phase in the same run: who
//! asked and why are recorded first, the steps of going forward that never ran are skipped, the
//! rollback steps run (and run again after a crash, never twice once done), and the run ends
//! "rolled back" — or no-go naming the rollback step that failed. Refused where there is
//! nothing to roll back.

use pilot_engine::SystemClock;
use pilot_engine::run::{
    Answers, ManualAnswer, NewEvent, Outcome, RunError, RunStatus, StepStatus, request_rollback,
    rollback_preview,
};

use super::{CHECKS_AND_MANUAL, fixture, started_count, status_of};

/// The test plan with a rollback phase that undoes the deploy's marker and checks it is gone.
fn with_rollback(undo_program_ok: bool) -> String {
    let key = if undo_program_ok { "release.done" } else { "no-such.key" };
    format!(
        r#"{CHECKS_AND_MANUAL}
[[phase]]
id = "back"
title = "Rollback"
stage = "rollback"

[[phase.step]]
id = "undo"
title = "Remove the marker"
kind = "command"
program = "git"
args = ["config", "--file", "deployed.marker", "--unset", "{key}"]

[[phase.step]]
id = "after"
title = "Working tree still clean"
kind = "git.clean"
"#
    )
}

/// The marker is ignored, so the clean-tree checks of a later run (or of the rollback) see the
/// repository as it was.
fn fixture_ignoring_the_marker() -> super::Fixture {
    let fx = fixture();
    std::fs::write(fx.repo.path().join(".git/info/exclude"), "deployed.marker\n").expect("exclude");
    fx
}

fn ticked() -> Answers {
    let mut answers = Answers::default();
    answers
        .manual
        .insert("ssh".into(), ManualAnswer { done: true, note: None, by: None, value: None });
    answers
}

fn marker_says_done(fx: &super::Fixture) -> bool {
    std::fs::read_to_string(fx.repo.path().join("deployed.marker"))
        .is_ok_and(|text| text.contains("done"))
}

#[test]
fn a_rollback_after_go_runs_the_rollback_phase_in_the_same_run() {
    let fx = fixture_ignoring_the_marker();
    let id = fx.start(&with_rollback(true), false);
    let run = fx.drive(&id, &ticked());
    assert_eq!((run.status, run.outcome), (RunStatus::Completed, Outcome::Go));
    assert!(marker_says_done(&fx), "the deploy wrote its marker");

    let preview = rollback_preview(&run).expect("a GO run can be rolled back");
    let ids: Vec<&str> = preview.iter().map(|s| s.step_id.as_str()).collect();
    assert_eq!(ids, ["undo", "after"], "the confirmation lists the rollback steps in order");
    assert!(preview[0].touches.is_some(), "an action says what it changes: {:?}", preview[0]);
    assert!(preview[1].touches.is_none(), "a check changes nothing");

    let asked = request_rollback(
        &fx.store,
        &SystemClock,
        &id,
        "Bob Reviewer <bob@example.com>",
        "  500s on checkout after the deploy  ",
    )
    .expect("the rollback is recorded");
    assert_eq!((asked.status, asked.outcome), (RunStatus::Running, Outcome::Pending));
    let request = asked.rollback.as_ref().expect("the request is stored with the run");
    assert_eq!(request.by, "Bob Reviewer <bob@example.com>");
    assert_eq!(request.reason, "500s on checkout after the deploy");
    assert!(marker_says_done(&fx), "asking touches nothing");

    let run = fx.drive(&id, &Answers::default());
    assert_eq!(run.status, RunStatus::Completed);
    assert_eq!(run.outcome, Outcome::RolledBack, "the run says it was rolled back");
    assert_eq!(status_of(&run, "undo"), StepStatus::Passed);
    assert_eq!(status_of(&run, "after"), StepStatus::Passed);
    assert!(!marker_says_done(&fx), "the rollback undid the deploy");
    let kinds: Vec<&str> = run.events.iter().map(|e| e.kind.as_str()).collect();
    let asked_at = kinds.iter().position(|k| *k == "run.rollback_requested").expect("logged");
    let undo_at = run
        .events
        .iter()
        .position(|e| e.kind == "step.started" && e.step_id.as_deref() == Some("undo"))
        .expect("undo started");
    assert!(asked_at < undo_at, "the request is in the log before any rollback step: {kinds:?}");
    let last = run.events.last().expect("events");
    assert_eq!(last.kind, "run.rolled_back");
    assert!(last.message.contains("Bob Reviewer") && last.message.contains("500s"), "{last:?}");
    assert!(fx.store.verify_chain(&id).expect("chain").is_intact(), "the log still chains");

    let report = pilot_engine::report::report(&run);
    assert!(report.contains("**Verdict: ↩️ ROLLED BACK**"), "{report}");
    assert!(report.contains("**↩️ Rolled back** — asked for by Bob Reviewer"), "{report}");
    assert!(report.contains("What the rollback did, in order:"), "{report}");

    let again = request_rollback(&fx.store, &SystemClock, &id, "", "twice")
        .expect_err("one rollback per run");
    assert!(again.to_string().contains("already rolled back"), "{again}");
    let driven = fx.drive(&id, &Answers::default());
    assert_eq!(started_count(&driven, "undo"), 1, "a finished rollback never runs again");
}

#[test]
fn a_rollback_is_refused_where_there_is_nothing_to_roll_back() {
    let fx = fixture_ignoring_the_marker();
    let refusal =
        |id: &str, reason: &str| match request_rollback(&fx.store, &SystemClock, id, "", reason) {
            Err(RunError::RollbackRefused(why)) => why,
            other => panic!("refused, not {other:?}"),
        };

    let dry = fx.start(&with_rollback(true), true);
    fx.drive(&dry, &ticked());
    assert!(refusal(&dry, "x").contains("dry run"), "a dry run changed nothing");

    let waiting = fx.start(&with_rollback(true), false);
    let run = fx.drive(&waiting, &Answers::default());
    assert_eq!(run.status, RunStatus::Waiting, "stopped at the manual item, before the deploy");
    assert!(refusal(&waiting, "x").contains("nothing has changed"));

    let no_phase = fx.start(CHECKS_AND_MANUAL, false);
    fx.drive(&no_phase, &ticked());
    assert!(refusal(&no_phase, "x").contains("no rollback phase"));

    let go = fx.start(&with_rollback(true), false);
    fx.drive(&go, &ticked());
    let why = refusal(&go, "   ");
    assert!(why.contains("written reason"), "a reason is required: {why}");
    let run = fx.store.load_run(&go).expect("load");
    assert!(run.rollback.is_none(), "a refused request leaves nothing behind");
    assert_eq!(run.outcome, Outcome::Go);
}

#[test]
fn a_rollback_skips_what_never_ran_and_resumes_after_a_crash() {
    let fx = fixture_ignoring_the_marker();
    // A manual item after the deploy: the run waits there when the rollback is asked for.
    let source = with_rollback(true).replace(
        "[[phase]]\nid = \"back\"",
        "[[phase.step]]\nid = \"smoke\"\ntitle = \"Smoke test by hand\"\nkind = \"manual\"\n\n[[phase]]\nid = \"back\"",
    );
    let id = fx.start(&source, false);
    let run = fx.drive(&id, &ticked());
    assert_eq!(run.status, RunStatus::Waiting, "waits for the smoke test after the deploy");
    request_rollback(&fx.store, &SystemClock, &id, "", "smoke test failed").expect("asked");

    // What kill -9 in the middle of the first rollback step leaves behind.
    let run = fx.store.load_run(&id).expect("load");
    let mut undo = run.step("undo").expect("record").clone();
    undo.status = StepStatus::Running;
    undo.started_at = Some(chrono::Utc::now());
    let started = NewEvent {
        at: chrono::Utc::now(),
        kind: "step.started".into(),
        step_id: Some("undo".into()),
        message: "Started".into(),
    };
    fx.store.update_step(&id, &undo, started).expect("mark running");

    let run = fx.resume(&id, &Answers::default());
    assert_eq!(run.outcome, Outcome::RolledBack, "the rollback finished after the crash");
    assert_eq!(status_of(&run, "smoke"), StepStatus::Skipped, "the smoke test is not asked");
    let smoke = run.step("smoke").expect("record");
    assert!(smoke.summary.contains("rollback was asked for"), "{}", smoke.summary);
    assert!(run.events.iter().any(|e| e.kind == "step.interrupted"), "the crash is logged");
    assert_eq!(status_of(&run, "touch"), StepStatus::Passed, "the deploy's record is kept");
}

#[test]
fn a_failed_rollback_step_stops_it_no_go_and_says_what_failed() {
    let fx = fixture_ignoring_the_marker();
    let id = fx.start(&with_rollback(false), false);
    fx.drive(&id, &ticked());
    request_rollback(&fx.store, &SystemClock, &id, "", "bad release").expect("asked");
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(run.outcome, Outcome::NoGo, "a rollback that did not finish is not rolled back");
    assert_eq!(status_of(&run, "undo"), StepStatus::Failed);
    let last = run.events.last().expect("events");
    assert!(last.message.starts_with("Rollback stopped: \"Remove the marker\""), "{last:?}");
    let report = pilot_engine::report::report(&run);
    assert!(report.contains("Rollback stopped by a failed step"), "{report}");
}

/// A plan that backs up a SQLite database on this machine, "deploys" (writes the marker), and
/// whose rollback restores the backup in place of the database (no container named).
fn with_a_local_database(rollback_step: &str) -> String {
    format!(
        r#"{CHECKS_AND_MANUAL}
[[phase.step]]
id = "db-backup"
title = "Database backed up"
kind = "backup.sqlite"
path = "app.db"
dest_dir = "backups"

[[phase]]
id = "back"
title = "Rollback"
stage = "rollback"

[[phase.step]]
id = "restore"
title = "Restore the database"
kind = "rollback"
backup_step = "db-backup"
{rollback_step}
"#
    )
}

fn students(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    conn.query_row("SELECT count(*) FROM students", [], |r| r.get(0)).expect("count")
}

#[test]
fn a_rollback_without_a_container_restores_the_database_on_this_machine() {
    let fx = fixture_ignoring_the_marker();
    std::fs::write(
        fx.repo.path().join(".git/info/exclude"),
        "deployed.marker\napp.db*\nbackups/\n",
    )
    .expect("exclude");
    let db = fx.repo.path().join("app.db");
    let conn = rusqlite::Connection::open(&db).expect("create the database");
    conn.execute_batch(
        "CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT);
         INSERT INTO students (name) VALUES ('Ada'), ('Grace'), ('Barbara');",
    )
    .expect("seed");
    drop(conn);
    let id = fx.start(&with_a_local_database(""), false);
    let run = fx.drive(&id, &ticked());
    assert_eq!(run.outcome, Outcome::Go, "{:?}", run.steps);

    // Written after the backup: the restore takes it away.
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute("INSERT INTO students (name) VALUES ('After')", []).expect("insert");
    drop(conn);
    assert_eq!(students(&db), 4);

    let preview = rollback_preview(&run).expect("can roll back");
    assert!(
        preview[0].touches.as_deref().is_some_and(|t| t.contains("database")),
        "the confirmation says the database is replaced: {preview:?}"
    );
    request_rollback(&fx.store, &SystemClock, &id, "", "bad migration").expect("asked");
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(run.outcome, Outcome::RolledBack, "{:?}", run.step("restore"));
    assert_eq!(students(&db), 3, "the database is as the backup had it");
    let restore = run.step("restore").expect("record");
    let fact = |label: &str| {
        restore.evidence.facts.iter().find(|f| f.label == label).map(|f| f.value.clone())
    };
    assert!(fact("backup restored").is_some_and(|b| b.contains("backups")), "{restore:?}");
    assert_eq!(fact("rows restored").as_deref(), Some("3 in 1 table(s)"));
}

#[test]
fn a_rollback_step_that_puts_nothing_back_does_not_make_the_run_rolled_back() {
    let fx = fixture_ignoring_the_marker();
    // No container, no db_path, and a backup step of another kind: nothing it could restore.
    let source = with_rollback(true).replace("kind = \"git.clean\"\n\"#", "kind = \"git.clean\"\n")
        + "\n[[phase.step]]\nid = \"nothing\"\ntitle = \"Put the previous version back\"\nkind = \"rollback\"\n";
    let id = fx.start(&source, false);
    fx.drive(&id, &ticked());
    request_rollback(&fx.store, &SystemClock, &id, "", "bad release").expect("asked");
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(status_of(&run, "nothing"), StepStatus::Skipped);
    assert_eq!(run.outcome, Outcome::NoGo, "a skipped rollback step put nothing back");
    let last = run.events.last().expect("events");
    assert!(last.message.starts_with("Rollback not complete:"), "{last:?}");
}
