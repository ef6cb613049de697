//! Four eyes on waivers where the plan asks for them: a waiver from an answers file takes
//! effect only with an `agreed_by` who is neither the operator nor the proposer; until then the
//! step stays failed and the log and the report say the waiver waits for a second person.

use pilot_engine::run::{Answers, RunStatus, StepStatus, WaiverAnswer};

use super::{CHECKS_AND_MANUAL, fixture, status_of};

fn with_four_eyes() -> String {
    CHECKS_AND_MANUAL.replace(
        "environment = \"staging\"\n",
        "environment = \"staging\"\n\n[[plan.role]]\nid = \"ops\"\ntitle = \"Operations\"\n\n[plan.waivers]\nsecond_person = \"ops\"\n",
    )
}

fn waive_version(agreed_by: Option<&str>) -> Answers {
    let mut answers = Answers::default();
    answers.manual.insert(
        "ssh".into(),
        pilot_engine::run::ManualAnswer { done: true, note: None, by: None, value: None },
    );
    answers.waive.insert(
        "version".into(),
        WaiverAnswer {
            reason: "pre-release build".into(),
            by: Some("Grace <grace@example.com>".into()),
            agreed_by: agreed_by.map(Into::into),
        },
    );
    answers
}

#[test]
fn a_waiver_needs_a_second_person_of_the_named_role() {
    let fx = fixture();
    // VERSION says 1.4.0; the run is for 1.5.0, so the version check fails.
    let id = {
        let plan = pilot_engine::plan::parse_plan(&with_four_eyes(), "t.toml").expect("valid");
        pilot_engine::run::start_run(
            &fx.store,
            &pilot_engine::SystemClock,
            pilot_engine::run::StartRequest {
                repo: fx.repo.path(),
                plan,
                plan_source: with_four_eyes(),
                origin: pilot_engine::run::PlanOrigin::File("t.toml".into()),
                version: Some("1.5.0".into()),
                environment: None,
                operator: Some("Ada <ada@example.com>".into()),
                dry_run: false,
                vars: Default::default(),
            },
        )
        .expect("starts")
        .id
    };
    let run = fx.drive(&id, &waive_version(None));
    assert_eq!(status_of(&run, "version"), StepStatus::Failed, "proposed only");
    assert_eq!(run.status, RunStatus::Failed);
    let proposed = run.events.iter().filter(|e| e.kind == "step.waiver_proposed").count();
    assert_eq!(proposed, 1, "the proposal is logged once");
    let report = pilot_engine::report::report(&run);
    assert!(report.contains("not in effect: no second person has agreed"), "{report}");

    let run = fx.resume(&id, &waive_version(Some("Ada <ada@example.com>")));
    assert_eq!(status_of(&run, "version"), StepStatus::Failed, "the operator may not agree");
    assert!(
        run.events.iter().any(|e| e.message.contains("runs this release")),
        "the refusal is logged"
    );

    let run = fx.resume(&id, &waive_version(Some("Linus <linus@example.com>")));
    assert_eq!(status_of(&run, "version"), StepStatus::Waived);
    let waiver = run.step("version").and_then(|s| s.waiver.clone()).expect("waiver");
    let agreed = waiver.agreed.expect("agreed");
    assert_eq!(
        (agreed.by.as_str(), agreed.role.as_deref()),
        ("Linus <linus@example.com>", Some("ops"))
    );
    let report = pilot_engine::report::report(&run);
    assert!(report.contains("agreed by **Linus \\<linus@example.com>** for ops"), "{report}");
}
