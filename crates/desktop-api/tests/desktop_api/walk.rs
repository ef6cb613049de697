//! The demo walked through the desktop boundary, screen by screen, as the UI does it.

use std::sync::{Arc, Mutex};

use pilot_desktop_api::dto::{
    DecisionDto, OutcomeDto, PlanChoiceDto, RoleStateDto, RunEventDto, RunStatusDto, StageDto,
    StartRunDto, StepStatusDto,
};
use pilot_desktop_api::{Desktop, DesktopConfig, ErrorKind};
use pilot_engine::{DataPaths, SystemClock};

fn desktop(dir: &std::path::Path) -> Desktop {
    let config = DesktopConfig {
        data: DataPaths::new(dir),
        start_repo: None,
        app_version: "0.0.0-test".into(),
    };
    Desktop::open(config, Arc::new(SystemClock)).expect("the store opens")
}

fn status(run: &pilot_desktop_api::dto::RunDto, step: &str) -> StepStatusDto {
    run.phases
        .iter()
        .flat_map(|p| &p.steps)
        .find(|s| s.id == step)
        .map(|s| s.status)
        .unwrap_or_else(|| panic!("step {step}"))
}

#[test]
fn the_demo_walks_from_project_to_report() {
    let data = tempfile::tempdir().expect("temp dir");
    let app = desktop(data.path());
    let demo = app.create_demo().expect("the demo is created");
    let facts = app.inspect_repo(&demo.path).expect("the demo is a repository");
    assert_eq!(facts.version.as_deref(), Some("1.15.2"), "the demo releases 1.15.2");
    let plans = app.find_plans(&demo.path).expect("plans");
    assert_eq!(plans.len(), 1, "the demo keeps one plan: {plans:?}");
    assert_eq!(plans[0].relative, ".release-pilot/plan.toml", "shown relative to the repository");
    let preview = app.preview_plan(&PlanChoiceDto::File(plans[0].path.clone())).expect("preview");
    let tag = preview
        .phases
        .iter()
        .flat_map(|p| &p.steps)
        .find(|s| s.id == "tag-release")
        .expect("tag step");
    assert!(
        tag.will_do.contains("git tag"),
        "the preview says what an action will do: {}",
        tag.will_do
    );

    let run = app
        .start_run(StartRunDto {
            repo: demo.path.clone(),
            plan: PlanChoiceDto::File(plans[0].path.clone()),
            version: None,
            environment: Some(" ".into()),
            operator: Some("Grace Hopper <grace@example.com>".into()),
            dry_run: false,
            vars: Default::default(),
        })
        .expect("the run starts");
    assert_eq!(run.environment, "staging", "a blank environment falls back to the plan's");
    assert!(
        run.phases.iter().flat_map(|p| &p.steps).all(|s| s.status == StepStatusDto::Pending),
        "nothing ran yet"
    );

    let events = Mutex::new(Vec::new());
    let on_event = |e: RunEventDto| events.lock().expect("lock").push(e);
    let run = app.drive_run(&run.id, Some(StageDto::Checks), false, &on_event).expect("checks");
    assert_eq!(
        status(&run, "pushed"),
        StepStatusDto::Failed,
        "the unpushed commit fails its check"
    );
    assert_eq!(run.status, RunStatusDto::Failed, "the checks screen stops on it");
    assert!(
        events
            .lock()
            .expect("lock")
            .iter()
            .any(|e| matches!(e, RunEventDto::StepFinished { step } if step.id == "disk")),
        "progress streams step by step"
    );

    let refused = app.waive_step(&run.id, "pushed", "   ", None).expect_err("a reason is required");
    assert_eq!(
        refused.kind,
        ErrorKind::Refused,
        "an empty reason is refused, not an internal error"
    );
    app.waive_step(&run.id, "pushed", "Only the release notes changed", None).expect("waived");
    for item in ["team-notified", "staging-access"] {
        app.answer_manual(&run.id, item, true, Some("done"), None).expect("ticked");
    }
    let run =
        app.drive_run(&run.id, Some(StageDto::Checks), false, &on_event).expect("checks again");
    // The gate opens, but on a waiver ("pushed"), so it is drawn warned, never passed.
    assert_eq!(status(&run, "ready"), StepStatusDto::Warned, "the gate opens on a waiver");
    let gate = run.phases.iter().flat_map(|p| &p.steps).find(|s| s.id == "ready").expect("gate");
    assert!(
        gate.summary.contains("pushed") || gate.summary.contains("waived by"),
        "{}",
        gate.summary
    );
    assert_eq!(
        status(&run, "tag-release"),
        StepStatusDto::Pending,
        "the deploy waits for its screen"
    );

    let rollback = app.rollback_readiness(&run.id).expect("readiness");
    assert_eq!(
        rollback.previous_release.as_deref(),
        Some("v1.15.1"),
        "the rollback target is the previous release"
    );
    assert!(!rollback.ready, "no verified backup yet, so not ready");

    for item in ["backup-documented", "login-page", "announced"] {
        app.answer_manual(&run.id, item, true, None, Some("QA")).expect("ticked");
    }
    // The sign-off screen: each role decides, and the matrix says where it stands.
    let held = app
        .record_signoff(
            &run.id,
            "qa_lead",
            "Quinn <q@example.com>",
            DecisionDto::Hold,
            "smoke tests still running",
        )
        .expect("a hold is recorded");
    let qa = held.signoff.iter().find(|r| r.id == "qa_lead").expect("the QA role is in the matrix");
    assert_eq!(qa.state, RoleStateDto::OnHold, "a hold is shown as such");
    assert!(qa.summary.contains("smoke tests still running"), "with its reason: {}", qa.summary);
    for (role, who) in
        [("tech_lead", "Tom <tom@example.com>"), ("qa_lead", "Quinn <q@example.com>")]
    {
        app.record_signoff(&run.id, role, who, DecisionDto::Approve, "").expect("signed off");
    }
    let run = app.drive_run(&run.id, None, false, &on_event).expect("to the end");
    assert_eq!(run.status, RunStatusDto::Completed, "the run completes");
    assert_eq!(
        run.outcome,
        OutcomeDto::Go,
        "checks passed or waived, backup verified, both roles approved"
    );
    assert!(run.verdict_reasons.is_empty(), "a go needs no reasons: {:?}", run.verdict_reasons);
    let rollback = app.rollback_readiness(&run.id).expect("readiness");
    assert!(
        rollback.ready,
        "with the verified backup the rollback is ready: {:?}",
        rollback.checks
    );

    let out = data.path().join("report.md");
    app.grant_report_destination(&out).expect("the data folder exists");
    let saved = app.save_report(&run.id, out.to_str().expect("utf-8")).expect("saved");
    let text = std::fs::read_to_string(&out).expect("report on disk");
    assert_eq!(saved.bytes as usize, text.len(), "the size reported is the file's");
    assert!(text.contains("Only the release notes changed"), "the waiver reason is in the report");
    let history = app.list_runs().expect("history");
    assert_eq!(history[0].id, run.id, "the run is in the history");
    assert!(!history[0].unfinished, "a completed run is not offered for resuming");
}

#[test]
fn errors_name_what_went_wrong() {
    let data = tempfile::tempdir().expect("temp dir");
    let app = desktop(data.path());
    app.grant_repository(data.path());
    let e = app.inspect_repo(data.path().to_str().expect("utf-8")).expect_err("not a repository");
    assert_eq!(e.kind, ErrorKind::Repository, "kind");
    assert!(e.message.contains("not a git repository"), "message: {}", e.message);
    let e = app.get_run("nope").expect_err("no such run");
    assert_eq!(e.kind, ErrorKind::NotFound, "kind");
    let e =
        app.preview_plan(&PlanChoiceDto::Template("nope".into())).expect_err("no such template");
    assert_eq!(e.kind, ErrorKind::NotFound, "kind");
    assert!(e.message.contains("staging"), "lists the templates: {}", e.message);
}

#[test]
fn the_project_screen_gives_the_plans_variables_other_values_for_one_run() {
    let data = tempfile::tempdir().expect("temp dir");
    let app = desktop(data.path());
    let demo = app.create_demo().expect("the demo is created");
    let choice = PlanChoiceDto::File(demo.plan.clone());
    let preview = app.preview_plan(&choice).expect("preview");
    let url = preview.vars.iter().find(|v| v.name == "service_url").expect("the demo's vars");
    assert_eq!(url.value.as_deref(), Some("http://127.0.0.1:8080"), "shown with the plan's value");
    assert!(!url.secret);

    let start = |vars: &[(&str, &str)]| {
        app.start_run(StartRunDto {
            repo: demo.path.clone(),
            plan: choice.clone(),
            version: None,
            environment: Some("qa".into()),
            operator: Some("Grace Hopper <grace@example.com>".into()),
            dry_run: true,
            vars: vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        })
    };
    let refused = start(&[("servce_url", "http://127.0.0.1:9")]).expect_err("a misspelt name");
    assert!(
        refused.message.contains("servce_url") && refused.message.contains("service_url"),
        "names the variable and the plan's: {}",
        refused.message
    );
    let run = start(&[("service_url", "http://127.0.0.1:8181")]).expect("the run starts");
    let started = &run.events[0].message;
    assert!(
        started.contains("service_url = \"http://127.0.0.1:8181\""),
        "the value given is part of the run's record: {started}"
    );
    let probe = run
        .phases
        .iter()
        .flat_map(|p| &p.steps)
        .find(|s| s.will_do.contains("127.0.0.1:8181"))
        .map(|s| s.id.clone());
    assert!(probe.is_some(), "the run's steps use the value given");
}
