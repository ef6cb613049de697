//! One approval per sign-off step: a decision recorded at the staging sign-off does not approve
//! the production sign-off that asks the same role later, unless the plan says it carries over.

use pilot_engine::SystemClock;
use pilot_engine::run::{Answers, RunStatus, StepStatus, record_signoff};
use pilot_engine::signoff::Decision;

use super::flow::Fixture;

fn two_signoffs(carry_over: bool) -> String {
    format!(
        r#"
[plan]
name = "two-signoffs"
title = "Staging, then production"
environment = "staging"

[[plan.role]]
id = "qa"
title = "QA lead"

[[phase]]
id = "staging"
title = "Staging"
stage = "signoff"

[[phase.step]]
id = "staging-signoff"
title = "QA approves staging"
kind = "signoff"
roles = ["qa"]

[[phase.step]]
id = "production-signoff"
title = "QA approves production"
kind = "signoff"
roles = ["qa"]
carry_over = {carry_over}
"#
    )
}

fn status(run: &pilot_engine::run::Run, id: &str) -> StepStatus {
    run.step(id).map(|s| s.status).expect("a record")
}

#[test]
fn an_approval_at_one_signoff_step_does_not_approve_the_next() {
    let fx = Fixture::new();
    let id = fx.start(&two_signoffs(false), None);
    fx.drive(&id, &Answers::default());
    let qa = "Alan Turing <alan@example.com>";
    record_signoff(&fx.store, &SystemClock, &id, "qa", qa, Decision::Approve, "staging ok")
        .expect("recorded at the staging sign-off");
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(status(&run, "staging-signoff"), StepStatus::Passed);
    assert_eq!(status(&run, "production-signoff"), StepStatus::Pending, "it needs its own");
    assert_eq!(run.status, RunStatus::Waiting, "the run waits for the production decision");

    record_signoff(&fx.store, &SystemClock, &id, "qa", qa, Decision::Approve, "production ok")
        .expect("recorded at the production sign-off");
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(status(&run, "production-signoff"), StepStatus::Passed);
    assert_eq!(run.status, RunStatus::Completed);
}

#[test]
fn a_plan_may_say_a_decision_carries_over() {
    let fx = Fixture::new();
    let id = fx.start(&two_signoffs(true), None);
    fx.drive(&id, &Answers::default());
    let qa = "Alan Turing <alan@example.com>";
    record_signoff(&fx.store, &SystemClock, &id, "qa", qa, Decision::Approve, "both")
        .expect("recorded");
    let run = fx.drive(&id, &Answers::default());
    assert_eq!(status(&run, "production-signoff"), StepStatus::Passed, "carried over");
    assert_eq!(run.status, RunStatus::Completed);
}
