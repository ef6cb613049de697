//! Tests of `pilot_engine::run`: real repositories made with the git command line, a real
//! SQLite store, real processes for command steps.

use std::path::Path;
use std::sync::Mutex;

use pilot_engine::SystemClock;
use pilot_engine::plan::Plan;
use pilot_engine::run::MASK;
use pilot_engine::run::{
    Answers, DriveOptions, ManualAnswer, NoProgress, Outcome, PlanOrigin, Progress, Run, RunStatus,
    StartRequest, StepStatus, WaiverAnswer, agree_waiver, drive_run, start_run, waive_step,
};
use pilot_engine::store::{RunStore, StoreError};

/// A git repository with one commit, a VERSION file and a changelog entry.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("VERSION"), "1.4.0\n").expect("write VERSION");
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [1.4.0] - 2026-01-07\n- Things\n",
    )
    .expect("write CHANGELOG");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "Release 1.4.0"]);
    dir
}

fn git(dir: &Path, args: &[&str]) {
    crate::common::git_raw_in(dir, args);
}

fn plan(toml_text: &str) -> Plan {
    toml::from_str(toml_text).expect("the test plan fits the model")
}

struct Fixture {
    repo: tempfile::TempDir,
    _data: tempfile::TempDir,
    store: RunStore,
}

fn fixture() -> Fixture {
    let data = tempfile::tempdir().expect("temp dir");
    let store = RunStore::open(&data.path().join("runs.sqlite3")).expect("store opens");
    Fixture { repo: repo(), _data: data, store }
}

impl Fixture {
    fn start(&self, source: &str, dry_run: bool) -> String {
        start_run(
            &self.store,
            &SystemClock,
            StartRequest {
                repo: self.repo.path(),
                plan: plan(source),
                plan_source: source.to_string(),
                origin: PlanOrigin::File("plan.toml".into()),
                version: None,
                environment: None,
                operator: Some("Ada <ada@example.com>".into()),
                dry_run,
                vars: Default::default(),
            },
        )
        .expect("the run starts")
        .id
    }

    fn drive(&self, id: &str, answers: &Answers) -> Run {
        drive_run(&self.store, &SystemClock, &NoProgress, id, answers, DriveOptions::default())
            .expect("the run is driven")
    }

    /// Drive as `pilot resume` and the desktop's "Run again" do.
    fn resume(&self, id: &str, answers: &Answers) -> Run {
        let options = DriveOptions { resuming: true, ..DriveOptions::default() };
        drive_run(&self.store, &SystemClock, &NoProgress, id, answers, options)
            .expect("the run is resumed")
    }
}

fn status_of(run: &Run, id: &str) -> StepStatus {
    run.step(id).map(|s| s.status).unwrap_or_else(|| panic!("step {id} has a record"))
}

fn started_count(run: &Run, id: &str) -> usize {
    run.events
        .iter()
        .filter(|e| e.kind == "step.started" && e.step_id.as_deref() == Some(id))
        .count()
}

const CHECKS_AND_MANUAL: &str = r#"
[plan]
name = "t"
title = "Test plan"
environment = "staging"

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "clean"
title = "Working tree is clean"
kind = "git.clean"

[[phase.step]]
id = "version"
title = "VERSION is valid"
kind = "git.version"

[[phase.step]]
id = "ssh"
title = "Server reachable"
kind = "manual"

[[phase.step]]
id = "ready"
title = "Ready"
kind = "gate"
requires = ["clean", "version", "ssh"]

[[phase]]
id = "deploy"
title = "Deploy"
stage = "deploy"

[[phase.step]]
id = "touch"
title = "Write the marker"
kind = "command"
program = "git"
args = ["config", "--file", "deployed.marker", "release.done", "yes"]
"#;

#[test]
fn a_manual_item_makes_the_run_wait_and_an_answer_lets_it_finish() {
    let fx = fixture();
    let id = fx.start(CHECKS_AND_MANUAL, false);
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(run.status, RunStatus::Waiting, "an unanswered manual item makes the run wait");
    assert_eq!(run.outcome, Outcome::Pending, "no verdict while waiting");
    assert_eq!(status_of(&run, "clean"), StepStatus::Passed, "checks in the phase still ran");
    assert_eq!(status_of(&run, "ssh"), StepStatus::Pending, "the manual item waits");
    assert_eq!(status_of(&run, "ready"), StepStatus::Pending, "the gate after it waits too");
    assert_eq!(status_of(&run, "touch"), StepStatus::Pending, "nothing in later phases ran");
    assert!(!fx.repo.path().join("deployed.marker").exists(), "the action did not run");

    let mut answers = Answers::default();
    answers.manual.insert(
        "ssh".into(),
        ManualAnswer {
            done: true,
            note: Some("checked over RDP".into()),
            by: Some("Grace".into()),
            value: None,
        },
    );
    let run = fx.drive(&id, &answers);
    assert_eq!(run.status, RunStatus::Completed, "answered, the run completes");
    assert_eq!(run.outcome, Outcome::Go, "every blocking step passed: go");
    let ssh = run.step("ssh").expect("record");
    assert_eq!(ssh.note.as_deref(), Some("checked over RDP"), "the note is kept for the report");
    assert_eq!(ssh.answered_by.as_deref(), Some("Grace"), "who answered is kept");
    assert_eq!(started_count(&run, "clean"), 1, "a completed check is never run again on resume");
    assert!(fx.repo.path().join("deployed.marker").exists(), "the action ran once the gate opened");
    assert!(
        run.events.iter().any(|e| e.kind == "run.continued"),
        "continuing after answers is in the event log"
    );
}

/// A run of [`CHECKS_AND_MANUAL`] on a dirty tree, its manual item answered: stopped by the
/// failed `clean` check. Returns the run id, the answers and the run.
fn stopped_by_a_dirty_tree(fx: &Fixture) -> (String, Answers, Run) {
    std::fs::write(fx.repo.path().join("VERSION"), "1.4.0-dirty\n").expect("dirty the tree");
    let id = fx.start(CHECKS_AND_MANUAL, false);
    let mut answers = Answers::default();
    answers
        .manual
        .insert("ssh".into(), ManualAnswer { done: true, note: None, by: None, value: None });
    let run = fx.drive(&id, &answers);
    (id, answers, run)
}

#[test]
fn a_failed_blocking_check_stops_the_run_until_it_is_waived() {
    let fx = fixture();
    let (id, mut answers, run) = stopped_by_a_dirty_tree(&fx);
    assert_eq!(run.status, RunStatus::Failed, "a blocking failure stops the run");
    assert_eq!(run.outcome, Outcome::NoGo, "and the verdict is no-go");
    assert_eq!(status_of(&run, "clean"), StepStatus::Failed, "the dirty tree fails the check");
    assert_eq!(status_of(&run, "touch"), StepStatus::Pending, "the deploy never started");
    let summary = &run.step("clean").expect("record").summary;
    assert!(summary.contains("VERSION"), "the failure names the changed file: {summary}");

    answers.waive.insert(
        "clean".into(),
        WaiverAnswer {
            reason: "VERSION bump only, committed after".into(),
            by: Some("Grace".into()),
            agreed_by: None,
        },
    );
    // The VERSION file no longer matches either; waive that too.
    answers.waive.insert(
        "version".into(),
        WaiverAnswer { reason: "pre-release build".into(), by: None, agreed_by: None },
    );
    let run = fx.drive(&id, &answers);
    assert_eq!(
        status_of(&run, "clean"),
        StepStatus::Waived,
        "the waiver turns the failure into waived"
    );
    let waiver = run.step("clean").and_then(|s| s.waiver.clone()).expect("the waiver is recorded");
    assert_eq!(waiver.by, "Grace", "who waived is recorded");
    assert!(waiver.reason.contains("VERSION bump"), "the reason is recorded");
    assert_eq!(run.status, RunStatus::Completed, "after the waiver the run completes");
    assert_eq!(run.outcome, Outcome::Go, "waived steps do not stand in the way of go");
    assert!(run.events.iter().any(|e| e.kind == "step.waived"), "the waiver is an event");
}

/// A plan whose first check needs a file the repository does not have yet.
const NEEDS_A_FILE: &str = r#"
[plan]
name = "t"
title = "T"

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "env"
title = "The environment file exists"
kind = "file.exists"
path = ".env.production"

[[phase.step]]
id = "clean"
title = "Working tree is clean"
kind = "git.clean"
allow_untracked = true

[[phase.step]]
id = "ready"
title = "Ready"
kind = "gate"
requires = ["env", "clean"]
"#;

#[test]
fn a_failed_check_runs_again_when_the_run_is_resumed_after_the_fix() {
    let fx = fixture();
    let id = fx.start(NEEDS_A_FILE, false);
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(status_of(&run, "env"), StepStatus::Failed, "the file is missing");
    assert_eq!(run.status, RunStatus::Failed);

    // Continuing (not resuming) does not run it again: nothing says the cause was fixed.
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(started_count(&run, "env"), 1, "not run again");

    // The person fixes the cause, then resumes: the failed check (and the gate it held shut)
    // run again; what passed is kept.
    std::fs::write(fx.repo.path().join(".env.production"), "KEY=1\n").expect("write");
    let run = fx.resume(&id, &Answers::default());
    assert_eq!(status_of(&run, "env"), StepStatus::Passed, "the check passes this time");
    assert_eq!(started_count(&run, "env"), 2, "it ran a second time");
    assert_eq!(started_count(&run, "clean"), 1, "the passed check is not run again");
    assert_eq!(status_of(&run, "ready"), StepStatus::Passed, "the gate opens");
    assert_eq!(run.status, RunStatus::Completed, "and the run goes on to the end");
    let retried = run
        .events
        .iter()
        .find(|e| e.kind == "step.retried" && e.step_id.as_deref() == Some("env"))
        .expect("the retry is in the event log");
    assert!(retried.message.contains("runs again"), "{}", retried.message);
    assert!(
        run.events.iter().any(|e| e.kind == "step.finished"
            && e.step_id.as_deref() == Some("env")
            && e.message.starts_with("Failed")),
        "the first failure stays in the event log"
    );
}

/// The git checks answer from the repository as it was when the run started: resuming does
/// not run them again (they would say the same), and the plan says why.
#[test]
fn a_failed_git_check_is_not_run_again_on_resume() {
    let fx = fixture();
    let (id, answers, run) = stopped_by_a_dirty_tree(&fx);
    assert_eq!(status_of(&run, "clean"), StepStatus::Failed, "the dirty tree fails the check");
    let run = fx.resume(&id, &answers);
    assert_eq!(status_of(&run, "clean"), StepStatus::Failed, "still failed");
    assert_eq!(started_count(&run, "clean"), 1, "and not run again");
    let why = run.header.plan.step("clean").and_then(|s| s.action.retry_refusal());
    assert!(why.is_some_and(|w| w.contains("start a new run")), "{why:?}");
}

/// A failed deploy is meant to be run again once fixed; a waiver (the release deployed by hand)
/// is accepted, and the event log records that it was given over the kind's caution.
#[test]
fn a_waived_deploy_records_the_caution_it_was_given_over() {
    let fx = fixture();
    let source = r#"
[plan]
name = "t"
title = "T"

[[phase]]
id = "deploy"
title = "Deploy"
stage = "deploy"

[[phase.step]]
id = "recreate"
title = "Replace the container"
kind = "deploy.recreate"
container = "release-pilot-test-no-such-container-7f3a"
image = "release-pilot-test-no-such-image:1"
health_timeout_secs = 1
"#;
    let id = fx.start(source, false);
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(status_of(&run, "recreate"), StepStatus::Failed, "no such container (or engine)");

    let reason = "deployed by hand with docker compose";
    let run =
        waive_step(&fx.store, &SystemClock, &id, "recreate", reason, "Grace <grace@example.com>")
            .expect("proposed");
    // A deploy's waiver needs a second person: until one agrees, the step stays failed.
    assert_eq!(status_of(&run, "recreate"), StepStatus::Failed, "only proposed");
    assert!(run.events.iter().any(|e| e.kind == "step.waiver_proposed"), "the proposal is logged");
    for (who, why) in [
        ("Grace <grace@example.com>", "cannot also agree"),
        ("Ada <ada@example.com>", "runs this release"),
    ] {
        let refused = agree_waiver(&fx.store, &SystemClock, &id, "recreate", who)
            .expect_err("four eyes: not the proposer, not the operator");
        assert!(refused.to_string().contains(why), "{refused}");
    }
    let run = agree_waiver(&fx.store, &SystemClock, &id, "recreate", "Linus <linus@example.com>")
        .expect("a second person agrees");
    assert_eq!(status_of(&run, "recreate"), StepStatus::Waived);
    let waiver = run.step("recreate").and_then(|s| s.waiver.clone()).expect("the waiver");
    assert_eq!(waiver.agreed.map(|a| a.by).as_deref(), Some("Linus <linus@example.com>"));
    let event = run.events.iter().rfind(|e| e.kind == "step.waived").expect("the waiver's event");
    assert!(event.message.contains(reason), "{}", event.message);
    assert!(
        event.message.contains("given over the caution: the new version did not take over"),
        "the log says what the person was warned of: {}",
        event.message
    );
}

#[test]
fn a_dry_run_only_looks() {
    let fx = fixture();
    let id = fx.start(CHECKS_AND_MANUAL, true);
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(run.status, RunStatus::Completed, "a dry run goes through every phase");
    assert_eq!(status_of(&run, "clean"), StepStatus::Passed, "read-only checks really run");
    let touch = run.step("touch").expect("record");
    assert_eq!(touch.status, StepStatus::Skipped, "actions are not performed");
    assert!(
        touch.summary.starts_with("dry run: would run `git config --file deployed.marker"),
        "the action says what it would do, with its resolved values: {}",
        touch.summary
    );
    assert!(!fx.repo.path().join("deployed.marker").exists(), "nothing was changed");
    assert!(run.header.dry_run, "the run is marked as a dry run");
}

#[test]
fn consecutive_read_only_checks_run_side_by_side() {
    let fx = fixture();
    let step = |id: &str| {
        format!(
            "[[phase.step]]\nid = \"{id}\"\ntitle = \"{id}\"\nkind = \"command\"\nprogram = \"sleep\"\nargs = [\"0.4\"]\nread_only = true\n"
        )
    };
    let source = format!(
        "[plan]\nname = \"t\"\ntitle = \"T\"\n\n[[phase]]\nid = \"p\"\ntitle = \"P\"\n\n{}\n{}\n{}",
        step("a"),
        step("b"),
        step("c")
    );
    let id = fx.start(&source, false);
    let seen = Mutex::new(Vec::new());
    let sink = |p: Progress| {
        // (Each command's start also shows its process id as a line of live output.)
        if let Progress::StepStarted { step_id, .. } = &p {
            seen.lock().expect("lock").push(step_id.clone());
        }
    };
    let run = drive_run(
        &fx.store,
        &SystemClock,
        &sink,
        &id,
        &Answers::default(),
        DriveOptions::default(),
    )
    .expect("drive");
    assert_eq!(run.outcome, Outcome::Go, "all three checks pass");
    let a = run.step("a").expect("a");
    let c = run.step("c").expect("c");
    // Side by side: the last check started before the first one finished.
    assert!(
        c.started_at < a.finished_at,
        "checks overlap in time: a {:?}..{:?}, c started {:?}",
        a.started_at,
        a.finished_at,
        c.started_at
    );
    assert_eq!(seen.lock().expect("lock").len(), 3, "each start was reported once");
}

#[test]
fn an_interrupted_step_runs_again_and_the_log_says_so() {
    let fx = fixture();
    let id = fx.start(CHECKS_AND_MANUAL, false);
    // What a crash in the middle of a step leaves behind: the step marked running.
    let run = fx.store.load_run(&id).expect("load");
    let mut clean = run.step("clean").expect("record").clone();
    clean.status = StepStatus::Running;
    clean.started_at = Some(chrono::Utc::now());
    fx.store
        .update_step(
            &id,
            &clean,
            pilot_engine::run::NewEvent {
                at: chrono::Utc::now(),
                kind: "step.started".into(),
                step_id: Some("clean".into()),
                message: "Started".into(),
            },
        )
        .expect("mark running");

    let run = fx.drive(&id, &Answers::default());
    assert_eq!(status_of(&run, "clean"), StepStatus::Passed, "the interrupted step ran again");
    assert!(
        run.events.iter().any(|e| e.kind == "step.interrupted"),
        "the interruption is in the log"
    );
}

#[test]
fn a_second_driver_is_refused() {
    let fx = fixture();
    let id = fx.start(CHECKS_AND_MANUAL, false);
    let _held = fx.store.lock_run(&id, chrono::Utc::now()).expect("first driver");
    let err = drive_run(
        &fx.store,
        &SystemClock,
        &NoProgress,
        &id,
        &Answers::default(),
        DriveOptions::default(),
    )
    .expect_err("refused");
    assert!(
        matches!(err, pilot_engine::run::RunError::Store(StoreError::Locked { .. })),
        "a run being driven cannot be driven twice: {err}"
    );
}

#[test]
fn answers_that_do_not_fit_the_plan_are_refused_before_anything_runs() {
    let fx = fixture();
    let id = fx.start(CHECKS_AND_MANUAL, false);
    let mut answers = Answers::default();
    answers
        .manual
        .insert("clean".into(), ManualAnswer { done: true, note: None, by: None, value: None });
    answers
        .waive
        .insert("nope".into(), WaiverAnswer { reason: " ".into(), by: None, agreed_by: None });
    let err =
        drive_run(&fx.store, &SystemClock, &NoProgress, &id, &answers, DriveOptions::default())
            .expect_err("refused");
    let text = err.to_string();
    assert!(text.contains("not a manual item"), "answering a check is refused: {text}");
    assert!(text.contains("no step `nope`"), "an unknown step is named: {text}");
    assert!(text.contains("written reason"), "an empty reason is refused: {text}");
    let run = fx.store.load_run(&id).expect("load");
    assert!(run.steps.iter().all(|s| s.status == StepStatus::Pending), "nothing ran");
}

#[test]
fn the_desktop_drives_one_screen_at_a_time_and_records_answers_as_they_come() {
    use pilot_engine::plan::Stage;
    use pilot_engine::run::{answer_manual, waive_step};
    let fx = fixture();
    std::fs::write(fx.repo.path().join("notes.txt"), "scratch\n").expect("an untracked file");
    let id = fx.start(CHECKS_AND_MANUAL, false);
    let checks_only = DriveOptions { up_to: Some(Stage::Checks), resuming: false };

    let run =
        drive_run(&fx.store, &SystemClock, &NoProgress, &id, &Answers::default(), checks_only)
            .expect("drive");
    assert_eq!(run.status, RunStatus::Failed, "a failed blocking check stops the run");
    assert_eq!(
        status_of(&run, "clean"),
        StepStatus::Failed,
        "the untracked file fails the clean check"
    );
    assert_eq!(
        status_of(&run, "version"),
        StepStatus::Passed,
        "the other checks of the screen still ran"
    );
    assert_eq!(status_of(&run, "ssh"), StepStatus::Pending, "the manual item is still open");
    assert_eq!(
        status_of(&run, "ready"),
        StepStatus::Pending,
        "the gate waits: it is not closed for good"
    );

    let run = answer_manual(&fx.store, &SystemClock, &id, "ssh", true, Some("RDP ok"), "Grace")
        .expect("tick");
    assert_eq!(status_of(&run, "ssh"), StepStatus::Passed, "the tick is stored at once");
    let again = answer_manual(&fx.store, &SystemClock, &id, "ssh", false, None, "Grace")
        .expect_err("final");
    assert!(again.to_string().contains("already answered"), "an answer is final: {again}");
    let not_manual = answer_manual(&fx.store, &SystemClock, &id, "clean", true, None, "Grace")
        .expect_err("not manual");
    assert!(
        not_manual.to_string().contains("not a manual item"),
        "checks cannot be ticked: {not_manual}"
    );
    let no_reason =
        waive_step(&fx.store, &SystemClock, &id, "clean", "  ", "Grace").expect_err("reason");
    assert!(
        no_reason.to_string().contains("written reason"),
        "a waiver needs a reason: {no_reason}"
    );
    let run =
        waive_step(&fx.store, &SystemClock, &id, "clean", "scratch file, not shipped", "Grace")
            .expect("waive");
    assert_eq!(status_of(&run, "clean"), StepStatus::Waived, "the waiver is stored at once");

    let run =
        drive_run(&fx.store, &SystemClock, &NoProgress, &id, &Answers::default(), checks_only)
            .expect("drive");
    // The gate opens once answered and waived, but on a waiver: drawn warned, not passed.
    assert_eq!(
        status_of(&run, "ready"),
        StepStatus::Warned,
        "the gate opens once answered and waived, as a warning"
    );
    let gate = run.step("ready").expect("gate");
    assert!(
        gate.summary.contains("waived by Grace"),
        "the gate names the waiver: {}",
        gate.summary
    );
    assert_eq!(run.status, RunStatus::Running, "the run stays open at the end of the screen");
    assert_eq!(status_of(&run, "touch"), StepStatus::Pending, "the deploy screen has not started");
    assert!(
        run.events.iter().any(|e| e.kind == "run.continued"),
        "continuing after answers is logged"
    );

    let run = drive_run(
        &fx.store,
        &SystemClock,
        &NoProgress,
        &id,
        &Answers::default(),
        DriveOptions::default(),
    )
    .expect("drive");
    assert_eq!(run.status, RunStatus::Completed, "driving without a limit finishes the run");
    assert_eq!(run.outcome, Outcome::Go, "answered and waived: go");
}

#[test]
fn rollback_phases_are_kept_ready_and_not_run_forward() {
    let fx = fixture();
    let source = format!(
        "{CHECKS_AND_MANUAL}\n[[phase]]\nid = \"back\"\ntitle = \"Rollback\"\nstage = \"rollback\"\n\n[[phase.step]]\nid = \"undo\"\ntitle = \"Remove the marker\"\nkind = \"command\"\nprogram = \"git\"\nargs = [\"config\", \"--file\", \"deployed.marker\", \"--unset\", \"release.done\"]\n"
    );
    let id = fx.start(&source, false);
    let mut answers = Answers::default();
    answers
        .manual
        .insert("ssh".into(), ManualAnswer { done: true, note: None, by: None, value: None });
    let run = fx.drive(&id, &answers);
    assert_eq!(run.status, RunStatus::Completed, "the run completes without its rollback phase");
    assert_eq!(run.outcome, Outcome::Go, "an unused rollback does not count against go");
    assert_eq!(status_of(&run, "undo"), StepStatus::Pending, "the rollback step did not run");
    assert!(fx.repo.path().join("deployed.marker").exists(), "the deploy's effect is still there");
}

mod four_eyes;
mod rollback;

#[test]
fn the_answers_file_is_named_and_hashed_in_the_event_log_once_per_content() {
    let fx = fixture();
    let id = fx.start(CHECKS_AND_MANUAL, false);
    let file = fx.repo.path().join("answers.toml");
    std::fs::write(&file, "[manual.ssh]\ndone = false\n").expect("write");
    let first = Answers::load(&file).expect("loads");
    let digest = first.source.as_ref().map(|s| s.sha256.clone()).expect("hashed");
    assert_eq!(digest.len(), 64, "a SHA-256 in hex");
    fx.drive(&id, &first);
    let run = fx.resume(&id, &Answers::load(&file).expect("loads"));
    let logged: Vec<&str> = run
        .events
        .iter()
        .filter(|e| e.kind == "answers.loaded")
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(logged.len(), 1, "the same file is logged once: {logged:?}");
    assert!(logged[0].contains(&digest) && logged[0].contains("answers.toml"), "{logged:?}");

    std::fs::write(&file, "[manual.ssh]\ndone = true\n").expect("change it");
    let run = fx.resume(&id, &Answers::load(&file).expect("loads"));
    let count = run.events.iter().filter(|e| e.kind == "answers.loaded").count();
    assert_eq!(count, 2, "a changed file is logged again with its new digest");
}

#[test]
fn variables_given_for_a_run_override_the_plan_and_are_recorded() {
    let fx = fixture();
    let source = CHECKS_AND_MANUAL.replace(
        "environment = \"staging\"\n",
        "environment = \"staging\"\nsecrets = [\"token\"]\n\n[vars]\nkey = \"release.done\"\nvalue = \"yes\"\ntoken = \"plan-default\"\n",
    )
    .replace("\"release.done\", \"yes\"", "\"{{key}}\", \"{{value}}-{{token}}\"");
    let given = |pairs: &[(&str, &str)]| -> std::collections::BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
    };
    let start = |vars| {
        start_run(
            &fx.store,
            &SystemClock,
            StartRequest {
                repo: fx.repo.path(),
                plan: plan(&source),
                plan_source: source.clone(),
                origin: PlanOrigin::File("plan.toml".into()),
                version: None,
                environment: None,
                operator: Some("Ada <ada@example.com>".into()),
                dry_run: false,
                vars,
            },
        )
    };
    let refused = start(given(&[("nope", "1")])).expect_err("unknown variable");
    assert!(
        refused.to_string().contains("`nope`") && refused.to_string().contains("key, token, value"),
        "{refused}"
    );

    let header = start(given(&[("value", "{{key}}-overridden"), ("token", "s3cr3t-given")]))
        .expect("starts");
    let step = header.plan.step("touch").expect("step");
    let args = serde_json::to_string(&step.action).expect("json");
    assert!(
        args.contains(&format!("release.done-overridden-{MASK}")) && !args.contains("s3cr3t"),
        "given values win and may use others; the stored plan masks the secret: {args}"
    );
    let run = fx.store.load_run(&header.id).expect("load");
    let started = &run.events[0].message;
    assert!(started.contains("value = \"{{key}}-overridden\""), "{started}");
    assert!(
        !started.contains("s3cr3t-given") && started.contains("token = "),
        "a secret by name only: {started}"
    );
    // Driven, the step runs with the real value, which the store never holds.
    let mut answers = Answers::default();
    answers
        .manual
        .insert("ssh".into(), ManualAnswer { done: true, note: None, by: None, value: None });
    drive_run(&fx.store, &SystemClock, &NoProgress, &header.id, &answers, DriveOptions::default())
        .expect("drives");
    let marker =
        std::fs::read_to_string(fx.repo.path().join("deployed.marker")).unwrap_or_default();
    assert!(
        marker.contains("release.done-overridden-s3cr3t-given"),
        "ran with the secret: {marker}"
    );
    let stored = std::fs::read(fx.store.path()).expect("store file");
    assert!(
        !String::from_utf8_lossy(&stored).contains("s3cr3t-given"),
        "the store holds no secret"
    );
}

/// A manual item may ask for a number with a threshold: judged like a measurement, from the
/// desktop (`answer_number`) or an answers file (`value = …`).
#[test]
fn a_numeric_manual_answer_is_judged_against_its_threshold() {
    let fx = fixture();
    let source = CHECKS_AND_MANUAL.replace(
        "id = \"ssh\"\ntitle = \"Server reachable\"\nkind = \"manual\"\n",
        "id = \"ssh\"\ntitle = \"Server reachable\"\nkind = \"manual\"\n\n[[phase.step]]\nid = \"qa-points\"\ntitle = \"QA points passed\"\nkind = \"manual\"\nnumber = { unit = \"points\", out_of = 200, at_least_pct = 95 }\n",
    );
    let mut answers = Answers::default();
    answers
        .manual
        .insert("ssh".into(), ManualAnswer { done: true, note: None, by: None, value: None });
    answers
        .manual
        .insert("qa-points".into(), ManualAnswer { done: true, note: None, by: None, value: None });
    let id = fx.start(&source, false);
    let refused =
        drive_run(&fx.store, &SystemClock, &NoProgress, &id, &answers, DriveOptions::default())
            .expect_err("a tick is not a number");
    assert!(refused.to_string().contains("asks for a number"), "{refused}");

    let short = fx.start(&source, false);
    let mut given = answers.clone();
    given.manual.insert(
        "qa-points".into(),
        ManualAnswer { done: false, note: None, by: None, value: Some(180.0) },
    );
    let run = fx.drive(&short, &given);
    let rec = run.step("qa-points").expect("record");
    assert_eq!(rec.status, StepStatus::Failed, "180 of 200 is 90 %: {}", rec.summary);
    assert!(
        rec.summary.contains("180 of 200 points (90.0 %)")
            && rec.summary.contains("short of ≥ 95 % of 200 points"),
        "{}",
        rec.summary
    );
    let m = &rec.evidence.measurements[0];
    assert_eq!((m.value, m.passed, m.target.as_str()), (180.0, false, "≥ 95 % of 200 points"));

    let fine = fx.start(&source, false);
    let mut without = answers.clone();
    without.manual.remove("qa-points");
    without
        .manual
        .insert("ssh".into(), ManualAnswer { done: true, note: None, by: None, value: None });
    fx.drive(&fine, &without);
    let run = pilot_engine::run::answer_number(
        &fx.store,
        &SystemClock,
        &fine,
        "qa-points",
        190.0,
        None,
        "Alan",
    )
    .expect("answered from the desktop");
    let rec = run.step("qa-points").expect("record");
    assert_eq!(rec.status, StepStatus::Passed, "190 of 200 is 95 %: {}", rec.summary);
    let report = pilot_engine::report::report(&run);
    assert!(
        report.contains("QA points passed: 190 points (target ≥ 95 % of 200 points) ✅"),
        "{report}"
    );
}
