//! The go/no-go rule and the sign-off matrix, table-driven.

use chrono::{DateTime, TimeZone, Utc};
use pilot_engine::run::Outcome;
use pilot_engine::signoff::{
    BlockingState, BlockingStep, Decision, RoleRule, RoleState, SignedBy, Signoff, go_no_go,
    is_production, matrix, role_rules, same_person,
};

/// (case, rule, sign-offs, expected state, approvals counted, approvals not counted)
type MatrixCase = (&'static str, RoleRule, Vec<Signoff>, RoleState, usize, usize);
/// (case, completed, blocking steps, sign-offs, outcome, what a reason must mention)
type VerdictCase = (&'static str, bool, Vec<BlockingStep>, Vec<Signoff>, Outcome, &'static str);

const OPERATOR: &str = "Ada Lovelace <ada@example.com>";

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 7, 14, minute, 0).single().expect("valid time")
}

fn rule(id: &str, approvals: u32, operator_may_approve: bool) -> RoleRule {
    RoleRule::typed(id, &id.to_uppercase(), approvals, operator_may_approve)
}

fn said(role: &str, name: &str, decision: Decision, minute: u32) -> Signoff {
    let comment = if decision == Decision::Approve { "" } else { "not yet" };
    Signoff {
        role: role.into(),
        name: name.into(),
        decision,
        comment: comment.into(),
        at: at(minute),
        signed: None,
    }
}

fn step(title: &str, state: BlockingState) -> BlockingStep {
    BlockingStep { title: title.into(), state }
}

fn waived() -> BlockingState {
    BlockingState::Waived { by: "Grace <grace@example.com>".into(), reason: "known flake".into() }
}

/// Each case's role alone through the matrix: its state, and how many approvals count.
fn check_matrix(cases: Vec<MatrixCase>) {
    for (case, r, given, state, counted, not_counted) in cases {
        let m = matrix(std::slice::from_ref(&r), &given, OPERATOR);
        let role = &m[0];
        assert_eq!(role.state, state, "{case}: state ({})", role.describe());
        assert_eq!(role.approved_by.len(), counted, "{case}: approvals counted");
        assert_eq!(role.not_counted.len(), not_counted, "{case}: approvals not counted");
    }
}

#[test]
fn the_matrix_counts_latest_decisions_of_distinct_people_and_enforces_separation_of_duties() {
    use Decision::{Approve, Hold, Reject};
    let ana = "Ana <ana@example.com>";
    let bo = "Bo <bo@example.com>";
    // (case, rule, sign-offs, expected state, approvals counted, not counted)
    let cases: Vec<MatrixCase> = vec![
        ("nobody yet", rule("qa", 1, false), vec![], RoleState::Missing, 0, 0),
        (
            "one approval",
            rule("qa", 1, false),
            vec![said("qa", ana, Approve, 1)],
            RoleState::Approved,
            1,
            0,
        ),
        (
            "two needed, one given",
            rule("qa", 2, false),
            vec![said("qa", ana, Approve, 1)],
            RoleState::Missing,
            1,
            0,
        ),
        (
            "same person twice counts once",
            rule("qa", 2, false),
            vec![said("qa", ana, Approve, 1), said("qa", "ANA@example.com", Approve, 2)],
            RoleState::Missing,
            1,
            0,
        ),
        (
            "two people",
            rule("qa", 2, false),
            vec![said("qa", ana, Approve, 1), said("qa", bo, Approve, 2)],
            RoleState::Approved,
            2,
            0,
        ),
        (
            "a reject",
            rule("qa", 1, false),
            vec![said("qa", ana, Reject, 1)],
            RoleState::Rejected,
            0,
            0,
        ),
        (
            "a reject beats another's approval",
            rule("qa", 1, false),
            vec![said("qa", ana, Approve, 1), said("qa", bo, Reject, 2)],
            RoleState::Rejected,
            1,
            0,
        ),
        (
            "a hold beats another's approval",
            rule("qa", 1, false),
            vec![said("qa", ana, Approve, 1), said("qa", bo, Hold, 2)],
            RoleState::OnHold,
            1,
            0,
        ),
        (
            "a hold lifted by the same person",
            rule("qa", 1, false),
            vec![said("qa", ana, Hold, 1), said("qa", ana, Approve, 2)],
            RoleState::Approved,
            1,
            0,
        ),
        (
            "an approval withdrawn into a reject",
            rule("qa", 1, false),
            vec![said("qa", ana, Approve, 1), said("qa", ana, Reject, 2)],
            RoleState::Rejected,
            0,
            0,
        ),
        (
            "the operator may not approve",
            rule("qa", 1, false),
            vec![said("qa", OPERATOR, Approve, 1)],
            RoleState::Missing,
            0,
            1,
        ),
        (
            "the operator by name only is still the operator",
            rule("qa", 1, false),
            vec![said("qa", "ada lovelace", Approve, 1)],
            RoleState::Missing,
            0,
            1,
        ),
        (
            "the operator may approve where the role allows",
            rule("ops", 1, true),
            vec![said("ops", OPERATOR, Approve, 1)],
            RoleState::Approved,
            1,
            0,
        ),
        (
            "another role's sign-off does not count",
            rule("qa", 1, false),
            vec![said("security", ana, Approve, 1)],
            RoleState::Missing,
            0,
            0,
        ),
        ("no approval required", rule("qa", 0, false), vec![], RoleState::Approved, 0, 0),
    ];
    check_matrix(cases);
}

/// A rule with signed approvals: principals matching `signers` (OpenSSH patterns) may sign;
/// typed names count only with `allow_unsigned`.
fn signed_rule(id: &str, approvals: u32, signers: &[&str], allow_unsigned: bool) -> RoleRule {
    RoleRule {
        signers: Some(signers.iter().map(|s| (*s).to_string()).collect()),
        allow_unsigned,
        ..RoleRule::typed(id, &id.to_uppercase(), approvals, false)
    }
}

/// A decision signed with the key `fingerprint`, whose allowed-signers principal is `who`.
fn signed(role: &str, who: &str, fingerprint: &str, decision: Decision, minute: u32) -> Signoff {
    Signoff {
        signed: Some(SignedBy {
            fingerprint: format!("SHA256:{fingerprint}"),
            principals: vec![who.to_string()],
            file: format!("(signed by {fingerprint})"),
        }),
        ..said(role, who, decision, minute)
    }
}

#[test]
fn with_signed_approvals_the_matrix_counts_keys_the_role_allows() {
    use Decision::{Approve, Hold, Reject};
    let alan = "alan@qa.example.com";
    let cases: Vec<MatrixCase> = vec![
        (
            "a key the role allows",
            signed_rule("qa", 1, &["*@qa.example.com"], false),
            vec![signed("qa", alan, "k1", Approve, 1)],
            RoleState::Approved,
            1,
            0,
        ),
        (
            "a key whose principal the role does not name",
            signed_rule("qa", 1, &["*@qa.example.com"], false),
            vec![signed("qa", "bo@example.com", "k2", Approve, 1)],
            RoleState::Missing,
            0,
            1,
        ),
        (
            "a negated pattern refuses",
            signed_rule("qa", 1, &["*@qa.example.com,!alan@qa.example.com"], false),
            vec![signed("qa", alan, "k1", Approve, 1)],
            RoleState::Missing,
            0,
            1,
        ),
        (
            "a typed name where only signatures count",
            signed_rule("qa", 1, &[], false),
            vec![said("qa", "Alan <alan@qa.example.com>", Approve, 1)],
            RoleState::Missing,
            0,
            1,
        ),
        (
            "a typed name where the plan allows it",
            signed_rule("qa", 1, &[], true),
            vec![said("qa", "Alan <alan@qa.example.com>", Approve, 1)],
            RoleState::Approved,
            1,
            0,
        ),
        (
            "the operator's key",
            signed_rule("qa", 1, &[], false),
            vec![signed("qa", "ada@example.com", "k3", Approve, 1)],
            RoleState::Missing,
            0,
            1,
        ),
        (
            "one key twice counts once, whatever the principal says",
            signed_rule("qa", 2, &[], false),
            vec![
                signed("qa", alan, "k1", Approve, 1),
                signed("qa", "cy@qa.example.com", "k1", Approve, 2),
            ],
            RoleState::Missing,
            1,
            0,
        ),
        (
            "two keys",
            signed_rule("qa", 2, &[], false),
            vec![
                signed("qa", alan, "k1", Approve, 1),
                signed("qa", "cy@qa.example.com", "k4", Approve, 2),
            ],
            RoleState::Approved,
            2,
            0,
        ),
        (
            "a signed hold",
            signed_rule("qa", 1, &[], false),
            vec![
                signed("qa", alan, "k1", Approve, 1),
                signed("qa", "cy@qa.example.com", "k4", Hold, 2),
            ],
            RoleState::OnHold,
            1,
            0,
        ),
        (
            "a typed reject still stops the release",
            signed_rule("qa", 1, &[], false),
            vec![
                signed("qa", alan, "k1", Approve, 1),
                said("qa", "Bo <bo@example.com>", Reject, 2),
            ],
            RoleState::Rejected,
            1,
            0,
        ),
        (
            "the same name typed and signed are two approvers only if both count",
            signed_rule("qa", 2, &[], false),
            vec![said("qa", alan, Approve, 1), signed("qa", alan, "k1", Approve, 2)],
            RoleState::Missing,
            1,
            1,
        ),
    ];
    check_matrix(cases);

    // One key approves for one role: the same key for QA and operations counts for QA only.
    let rules = [signed_rule("qa", 1, &[], false), signed_rule("ops", 1, &[], false)];
    let given = [signed("qa", alan, "k1", Approve, 1), signed("ops", alan, "k1", Approve, 2)];
    let m = matrix(&rules, &given, OPERATOR);
    assert_eq!(m[0].state, RoleState::Approved);
    assert_eq!(m[1].state, RoleState::Missing, "{}", m[1].describe());
    assert!(
        m[1].not_counted[0].1.contains("one key approves for one role"),
        "{:?}",
        m[1].not_counted
    );
    // And the verdict follows: no GO on one key.
    let v = go_no_go(true, &[step("Deploy", BlockingState::Passed)], &m);
    assert_eq!(v.outcome, Outcome::NoGo, "{:?}", v.reasons);
    let two = [
        signed("qa", alan, "k1", Approve, 1),
        signed("ops", "linus@example.com", "k5", Approve, 2),
    ];
    let v =
        go_no_go(true, &[step("Deploy", BlockingState::Passed)], &matrix(&rules, &two, OPERATOR));
    assert_eq!(v.outcome, Outcome::Go, "{:?}", v.reasons);
}

#[test]
fn go_needs_every_blocking_step_ok_and_every_role_approved_with_no_reject_or_hold() {
    use BlockingState::{DescribedOnly, Failed, NotPerformed, Passed, Warned};
    use Decision::{Approve, Hold, Reject};
    let rules = [rule("qa", 1, false), rule("ops", 1, true)];
    let both = vec![said("qa", "Ana <ana@x.org>", Approve, 1), said("ops", OPERATOR, Approve, 2)];
    let with = |extra: Signoff| {
        let mut v = both.clone();
        v.push(extra);
        v
    };
    // (case, completed, steps, sign-offs, outcome, a reason must mention)
    let cases: Vec<VerdictCase> = vec![
        (
            "all passed, all approved",
            true,
            vec![step("gate", Passed)],
            both.clone(),
            Outcome::Go,
            "",
        ),
        (
            "a waived gate still goes",
            true,
            vec![step("gate", waived())],
            both.clone(),
            Outcome::Go,
            "",
        ),
        (
            "a warned gate still goes",
            true,
            vec![step("gate", Warned)],
            both.clone(),
            Outcome::Go,
            "",
        ),
        (
            "described in a dry run",
            true,
            vec![step("deploy", DescribedOnly)],
            both.clone(),
            Outcome::Go,
            "",
        ),
        (
            "a failed gate",
            true,
            vec![step("gate", Failed)],
            both.clone(),
            Outcome::NoGo,
            "failed: gate",
        ),
        (
            "a step not performed",
            true,
            vec![step("backup", NotPerformed)],
            both.clone(),
            Outcome::NoGo,
            "not performed: backup",
        ),
        (
            "a role missing",
            true,
            vec![step("gate", Passed)],
            both[..1].to_vec(),
            Outcome::NoGo,
            "OPS: 0 of 1",
        ),
        (
            "a reject",
            true,
            vec![step("gate", Passed)],
            with(said("qa", "Bo <bo@x.org>", Reject, 3)),
            Outcome::NoGo,
            "rejected by Bo",
        ),
        (
            "a hold",
            true,
            vec![step("gate", Passed)],
            with(said("ops", "Cy <cy@x.org>", Hold, 3)),
            Outcome::NoGo,
            "put on hold by Cy <cy@x.org>: not yet",
        ),
        (
            "the operator approving QA does not count",
            true,
            vec![step("gate", Passed)],
            vec![said("qa", OPERATOR, Approve, 1), said("ops", OPERATOR, Approve, 2)],
            Outcome::NoGo,
            "not counted",
        ),
        (
            "not completed",
            false,
            vec![step("gate", Passed)],
            both.clone(),
            Outcome::NoGo,
            "not completed",
        ),
        (
            "a waived gate and a hold",
            true,
            vec![step("gate", waived())],
            with(said("qa", "Bo <bo@x.org>", Hold, 3)),
            Outcome::NoGo,
            "put on hold",
        ),
    ];
    for (case, completed, steps, given, outcome, mention) in cases {
        let roles = matrix(&rules, &given, OPERATOR);
        let v = go_no_go(completed, &steps, &roles);
        assert_eq!(v.outcome, outcome, "{case}: outcome (reasons: {:?})", v.reasons);
        assert!(
            mention.is_empty() || v.reasons.iter().any(|r| r.contains(mention)),
            "{case}: a reason mentions {mention:?}: {:?}",
            v.reasons
        );
        if outcome == Outcome::Go {
            assert!(v.reasons.is_empty(), "{case}: GO has no reason against it: {:?}", v.reasons);
        }
    }
}

#[test]
fn a_waiver_is_part_of_the_grounds_with_who_and_why() {
    let roles =
        matrix(&[rule("qa", 1, false)], &[said("qa", "Ana", Decision::Approve, 1)], OPERATOR);
    let v = go_no_go(true, &[step("Backend tests", waived())], &roles);
    assert_eq!(v.outcome, Outcome::Go, "a waived step does not stop go");
    assert!(
        v.grounds
            .iter()
            .any(|g| g.contains("Backend tests waived by Grace") && g.contains("known flake")),
        "the verdict's grounds name the waiver, its author and reason: {:?}",
        v.grounds
    );
    assert!(
        v.grounds.iter().any(|g| g.contains("QA: approved by Ana")),
        "and who approved: {:?}",
        v.grounds
    );
}

#[test]
fn production_is_read_from_the_environment_and_switches_the_operator_default_off() {
    for (env, production) in [
        ("production", true),
        ("Production", true),
        ("prod", true),
        ("prod-eu", true),
        ("production_2", true),
        ("staging", false),
        ("preprod", false),
        ("products", false),
    ] {
        assert_eq!(is_production(env), production, "is {env:?} production?");
    }
    let source = r#"
[plan]
name = "p"
title = "P"
[[plan.role]]
id = "qa"
title = "QA"
[[plan.role]]
id = "ops"
title = "Ops"
operator_may_approve = true
[[plan.role]]
id = "sec"
title = "Security"
operator_may_approve = false
"#;
    let plan: pilot_engine::plan::Plan = toml::from_str(source).expect("plan");
    let flags = |env: &str| -> Vec<bool> {
        role_rules(&plan, source, env).iter().map(|r| r.operator_may_approve).collect()
    };
    assert_eq!(
        flags("production"),
        [false, true, false],
        "production: off unless the role says so"
    );
    assert_eq!(flags("staging"), [true, true, false], "elsewhere: on unless the role says no");
}

#[test]
fn people_are_compared_by_address_or_by_name() {
    assert!(same_person("Ana <ana@x.org>", "ana@x.org"), "the address decides");
    assert!(same_person("Ana Lopez <ana@x.org>", "ana lopez"), "a bare name matches the name");
    assert!(!same_person("Ana <ana@x.org>", "Ana <ana@y.org>"), "two addresses are two people");
    assert!(!same_person("Ana", "Bo"), "different names");
}
