//! Every claim the report draws follows from stored evidence: table-driven over the status of
//! the one step that proves a criterion and that a gate waits for, the status the gate's own
//! record says, the run's state and verdict, and live or dry run. For every combination, no box,
//! criterion, gate or phase is drawn as passed unless the evidence under it passed.

use pilot_engine::plan::Plan;
use pilot_engine::report::report;
use pilot_engine::run::{Outcome, RunStatus, StepStatus, Waiver};

use super::fixture::{at, staging_run, step};
use super::gfm::parse;

const PLAN: &str = r#"
[plan]
name = "claims"
title = "Claims"
success_criteria = [
  { text = "The service answers its health check", requires = ["proof"] },
  "A promise no step of the plan proves",
]

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "proof"
title = "Health endpoint answers 200"
kind = "http.check"
url = "http://127.0.0.1:9/health"

[[phase]]
id = "decide"
title = "Decision"

[[phase.step]]
id = "gate"
title = "Go on only with a healthy service"
kind = "gate"
requires = ["proof"]
"#;

const STEP_STATUSES: [StepStatus; 5] = [
    StepStatus::Passed,
    StepStatus::Failed,
    StepStatus::Waived,
    StepStatus::Skipped,
    StepStatus::Pending,
];

const RUN_STATES: [(RunStatus, Outcome); 5] = [
    (RunStatus::Completed, Outcome::Go),
    (RunStatus::Completed, Outcome::NoGo),
    (RunStatus::Failed, Outcome::NoGo),
    (RunStatus::Waiting, Outcome::Pending),
    (RunStatus::Running, Outcome::Pending),
];

#[test]
fn nothing_is_drawn_as_passed_unless_its_evidence_passed() {
    let plan: Plan = toml::from_str(PLAN).expect("the claims plan is valid");
    let mut cases = 0;
    for proof in STEP_STATUSES {
        // The gate's row as stored: what the engine would write, or a row that claims more.
        for gate in
            [StepStatus::Passed, StepStatus::Warned, StepStatus::Failed, StepStatus::Pending]
        {
            for (status, outcome) in RUN_STATES {
                for dry_run in [false, true] {
                    cases += 1;
                    let mut run = staging_run();
                    run.header.plan = plan.clone();
                    run.header.dry_run = dry_run;
                    run.status = status;
                    run.outcome = outcome;
                    let mut p =
                        step("checks", "proof", "Health endpoint answers 200", "http.check", proof);
                    if proof == StepStatus::Waived {
                        p.waiver = Some(Waiver {
                            reason: "The load balancer answers for it".into(),
                            by: "Ana Lopez".into(),
                            at: at(14, 5, 0),
                            agreed: None,
                        });
                    }
                    let g =
                        step("decide", "gate", "Go on only with a healthy service", "gate", gate);
                    run.steps = vec![p, g];
                    let case = format!(
                        "proof {proof:?}, gate {gate:?}, run {status:?}/{outcome:?}, dry run {dry_run}"
                    );
                    let md = report(&run);
                    let proved = proof == StepStatus::Passed;

                    let criterion = line(&md, "The service answers its health check");
                    assert_eq!(
                        criterion.starts_with("- [x]"),
                        proved && !dry_run,
                        "{case}: the criterion is ticked only when its step passed in a live run:\n{criterion}"
                    );
                    if proof == StepStatus::Waived && !dry_run {
                        assert!(
                            criterion
                                .contains("waived by Ana Lopez: The load balancer answers for it"),
                            "{case}: a waived proof says who waived it and why:\n{criterion}"
                        );
                    }
                    assert!(
                        line(&md, "A promise no step of the plan proves").starts_with("- [ ]"),
                        "{case}: a criterion no step proves is never ticked"
                    );

                    let proof_item = line(&md, "**Health endpoint answers 200**");
                    assert_eq!(proof_item.starts_with("- [x]"), proved, "{case}: {proof_item}");
                    let gate_item = line(&md, "**Go on only with a healthy service**");
                    let gate_drawn_passed =
                        gate_item.starts_with("- [x]") || gate_item.contains("✅");
                    assert_eq!(
                        gate_drawn_passed,
                        proved && gate == StepStatus::Passed,
                        "{case}: a gate is drawn passed only when it and what it waits for passed:\n{gate_item}"
                    );

                    let parsed = parse(&md);
                    let phases = parsed.table("#", "Phase");
                    assert_eq!(
                        phases.rows[0][2] == "✅ passed",
                        proved,
                        "{case}: the checks phase is passed only when its step passed: {}",
                        phases.rows[0][2]
                    );
                    assert_eq!(
                        phases.rows[1][2] == "✅ passed",
                        proved && gate == StepStatus::Passed,
                        "{case}: the decision phase: {}",
                        phases.rows[1][2]
                    );
                    let expected_ticks = usize::from(proved)
                        + usize::from(proved && gate == StepStatus::Passed)
                        + usize::from(proved && !dry_run);
                    assert_eq!(parsed.ticked, expected_ticks, "{case}: boxes ticked\n{md}");
                }
            }
        }
    }
    assert_eq!(cases, 5 * 4 * 5 * 2);
}

/// The report's one task-list item that contains `needle`.
fn line<'m>(md: &'m str, needle: &str) -> &'m str {
    let found: Vec<&str> =
        md.lines().filter(|l| l.starts_with("- [") && l.contains(needle)).collect();
    assert_eq!(found.len(), 1, "one line holds {needle:?}, found {found:?}");
    found[0]
}
