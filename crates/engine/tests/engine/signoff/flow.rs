//! Whole runs: a production-like plan signed off by four roles ends GO, its report signed by
//! two keys (a key file and the agent) that OpenSSH accepts; separation of duties, rejects and
//! holds; the production template with four roles signed; and a seeded secret that reaches
//! nothing.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Utc;
use pilot_engine::SystemClock;
use pilot_engine::plan::{Plan, parse_plan};
use pilot_engine::report::report;
use pilot_engine::run::record_signoff;
use pilot_engine::run::{
    Answers, DriveOptions, ManualAnswer, NoProgress, Outcome, PlanOrigin, Run, RunError, RunStatus,
    SignoffAnswer, SignoffAnswers, StartRequest, StepStatus, WaiverAnswer, drive_run, start_run,
    waive_step,
};
use pilot_engine::signature::{
    Agent, AllowedSigners, ChainFinding, attach_signature, check_report, read_public_key,
    sign_with_agent, sign_with_key_file,
};
use pilot_engine::signoff::{Decision, run_verdict};
use pilot_engine::store::RunStore;

use super::keys::{AgentProcess, allowed_signers, keygen, openssh_accepts};

pub const OPERATOR: &str = "Ada Lovelace <ada@example.com>";

/// A small plan shaped like the production template: checks (one that fails here and is
/// waived), a gate, the four production roles (operations may be approved by the operator),
/// and a final gate.
pub const PROD_LIKE: &str = r#"
[plan]
name = "prod-like"
title = "Production-like release"
environment = "production"
secrets = ["db_password"]

[[plan.role]]
id = "code_review"
title = "Code review"

[[plan.role]]
id = "security_review"
title = "Security review"

[[plan.role]]
id = "qa"
title = "QA sign-off"

[[plan.role]]
id = "operations"
title = "Operations"
operator_may_approve = true

[vars]
db_password = "hunter2-Sup3r-S3cret"

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "branch"
title = "On main"
kind = "git.branch"
expect = "main"

[[phase.step]]
id = "version"
title = "VERSION holds the release"
kind = "git.version"
expect = "{{version}}"

[[phase.step]]
id = "migrations"
title = "Database migrations ready"
kind = "command"
program = "git"
args = ["rev-parse", "--verify", "--quiet", "refs/heads/migrations-{{db_password}}"]
read_only = true

[[phase.step]]
id = "env-secret"
title = "API token present"
kind = "file.env_key"
path = ".env"
key = "API_TOKEN"
min_length = 8

[[phase.step]]
id = "review-gate"
title = "Review passed"
kind = "gate"
requires = ["branch", "version", "migrations", "env-secret"]

[[phase]]
id = "approval"
title = "Deployment approval"
stage = "signoff"

[[phase.step]]
id = "approvals"
title = "Approvals"
kind = "signoff"
roles = ["code_review", "security_review", "qa", "operations"]

[[phase.step]]
id = "go-no-go"
title = "Targets met and approved"
kind = "gate"
requires = ["review-gate", "approvals"]
"#;

/// The token in the repository's `.env`: a value that must never be read into anything.
pub const ENV_TOKEN: &str = "tok-Zq8WmN4vPr7Lx2Ka";

pub fn approve(name: &str) -> SignoffAnswers {
    SignoffAnswers::One(SignoffAnswer {
        name: Some(name.into()),
        decision: Decision::Approve,
        comment: Some("looks right".into()),
    })
}

/// Answers that take PROD_LIKE to GO: the migration check waived, four roles approving.
pub fn prod_like_answers() -> Answers {
    let mut a =
        Answers { by: Some("Grace Hopper <grace@example.com>".into()), ..Answers::default() };
    a.waive.insert(
        "migrations".into(),
        WaiverAnswer { reason: "no migrations in this release".into(), by: None, agreed_by: None },
    );
    a.signoff.insert("code_review".into(), approve("Ana Lopez <ana@example.com>"));
    a.signoff.insert("security_review".into(), approve("Bo Chen <bo@example.com>"));
    a.signoff.insert("qa".into(), approve("Cy Diaz <cy@example.com>"));
    a.signoff.insert("operations".into(), approve(OPERATOR));
    a
}

/// A repository, a store, and runs in them.
pub struct Fixture {
    pub repo: tempfile::TempDir,
    pub _data: tempfile::TempDir,
    pub store: RunStore,
}

impl Fixture {
    pub fn new() -> Self {
        let repo = tempfile::tempdir().expect("temp dir");
        std::fs::write(repo.path().join("VERSION"), "1.15.2\n").expect("VERSION");
        std::fs::write(repo.path().join(".env"), format!("API_TOKEN={ENV_TOKEN}\n")).expect(".env");
        std::fs::write(repo.path().join(".gitignore"), ".env\n").expect(".gitignore");
        for args in [
            &["init", "-q", "-b", "main"][..],
            &["add", "."],
            &["commit", "-q", "-m", "Release 1.15.2"],
        ] {
            crate::common::git_raw_in(repo.path(), args);
        }
        let data = tempfile::tempdir().expect("temp dir");
        let store = RunStore::open(&data.path().join("runs.sqlite3")).expect("store");
        Self { repo, _data: data, store }
    }

    pub fn start(&self, source: &str, environment: Option<&str>) -> String {
        let plan: Plan = parse_plan(source, "test plan").expect("the plan is valid");
        start_run(
            &self.store,
            &SystemClock,
            StartRequest {
                repo: self.repo.path(),
                plan,
                plan_source: source.to_string(),
                origin: PlanOrigin::File("plan.toml".into()),
                version: Some("1.15.2".into()),
                environment: environment.map(str::to_string),
                operator: Some(OPERATOR.into()),
                dry_run: false,
                vars: Default::default(),
            },
        )
        .expect("the run starts")
        .id
    }

    pub fn drive(&self, id: &str, answers: &Answers) -> Run {
        let options = DriveOptions { up_to: None, resuming: true };
        drive_run(&self.store, &SystemClock, &NoProgress, id, answers, options).expect("driven")
    }

    pub fn run_to_end(&self, source: &str, answers: &Answers) -> Run {
        let id = self.start(source, None);
        self.drive(&id, answers)
    }
}

#[test]
fn four_roles_sign_off_the_verdict_is_go_and_two_keys_sign_the_report() {
    let f = Fixture::new();
    let run = f.run_to_end(PROD_LIKE, &prod_like_answers());
    assert_eq!(run.status, RunStatus::Completed, "the run completes");
    assert_eq!(run.outcome, Outcome::Go, "four roles approved, the waived check: GO");
    let approvals = run.step("approvals").expect("sign-off step");
    assert_eq!(
        approvals.status,
        StepStatus::Passed,
        "the sign-off step passed: {}",
        approvals.summary
    );
    let recorded = f.store.signoffs(&run.header.id).expect("sign-offs");
    assert_eq!(recorded.len(), 4, "four sign-offs recorded");
    let signoff_events = run.events.iter().filter(|e| e.kind == "signoff.recorded").count();
    assert_eq!(signoff_events, 4, "each sign-off is an event with who and when");
    assert!(
        run.events.iter().any(|e| e.kind == "step.waived" && e.message.contains("Grace Hopper")),
        "the waiver is an event with who"
    );
    let verdict = run_verdict(&run, &run.steps, run.status);
    assert!(
        verdict
            .grounds
            .iter()
            .any(|g| g.contains("Database migrations ready waived by Grace Hopper")),
        "the verdict rests on the waiver with who and why: {:?}",
        verdict.grounds
    );

    let md = report(&run);
    assert!(md.contains("**Verdict: ✅ GO**"), "the verdict is at the top");
    assert!(
        md.contains("✅ Signed off: Operations: approved by Ada Lovelace"),
        "who signed, at the top"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let report_path = dir.path().join("report.md");
    std::fs::write(&report_path, &md).expect("report exported");

    // Two signers: the QA lead with a key file, the security reviewer through ssh-agent.
    let qa_key = keygen(dir.path(), "cy", "ed25519", "");
    let sec_key = keygen(dir.path(), "bo", "rsa", "");
    let agent_process = AgentProcess::start(dir.path());
    agent_process.add(&sec_key);
    let qa_sig = sign_with_key_file(md.as_bytes(), &qa_key.private, None, Some("qa"))
        .expect("signed with the key file")
        .to_text()
        .expect("armored");
    let mut agent = Agent::connect(&agent_process.socket).expect("agent");
    let wanted = read_public_key(&sec_key.private).expect("public key");
    let sec_sig =
        sign_with_agent(md.as_bytes(), &mut agent, Some(&wanted), Some("security_review"))
            .expect("signed through the agent")
            .to_text()
            .expect("armored");
    let allowed = allowed_signers(
        dir.path(),
        &[
            ("cy@example.com", "", &qa_key),
            ("bo@example.com", "namespaces=\"release-pilot\"", &sec_key),
        ],
    );
    for (who, text) in [("cy@example.com", &qa_sig), ("bo@example.com", &sec_sig)] {
        let path = dir.path().join(format!("{who}.sig"));
        std::fs::write(&path, text).expect("signature written");
        assert!(openssh_accepts(&allowed, who, &path, &report_path), "ssh-keygen accepts {who}");
        attach_signature(
            &f.store,
            &SystemClock,
            &run.header.id,
            &path.display().to_string(),
            text,
            who,
        )
        .expect("the signature is attached");
    }
    let after = f.store.load_run(&run.header.id).expect("run");
    assert_eq!(report(&after), md, "attaching signatures does not change the report");
    assert_eq!(
        after.events.iter().filter(|e| e.kind == "signature.attached").count(),
        2,
        "each signature is an event"
    );

    let signers = AllowedSigners::load(&allowed).expect("allowed signers");
    let check =
        check_report(md.as_bytes(), &signers, &[], Some(&f.store), Utc::now()).expect("checked");
    assert!(
        check.is_good(),
        "pilot verify accepts the report and both attached signatures: {check:?}"
    );
    assert_eq!(check.chain, ChainFinding::Matches, "the log leads to the report's chain head");
    let who: Vec<(Vec<String>, Option<String>)> = check
        .signatures
        .iter()
        .map(|s| (s.check.principals.clone(), s.check.role.clone()))
        .collect();
    assert_eq!(
        who,
        [
            (vec!["cy@example.com".to_string()], Some("qa".to_string())),
            (vec!["bo@example.com".to_string()], Some("security_review".to_string())),
        ],
        "each signature names its signer and role"
    );

    // One byte flipped: both OpenSSH and pilot refuse.
    let mut bytes = md.clone().into_bytes();
    let at = md.find("Verdict").expect("verdict") + 1;
    bytes[at] ^= 0x20;
    std::fs::write(&report_path, &bytes).expect("tampered");
    for who in ["cy@example.com", "bo@example.com"] {
        let path = dir.path().join(format!("{who}.sig"));
        assert!(
            !openssh_accepts(&allowed, who, &path, &report_path),
            "ssh-keygen refuses {who} now"
        );
    }
    let check = check_report(&bytes, &signers, &[], Some(&f.store), Utc::now()).expect("checked");
    assert!(!check.is_good(), "pilot verify refuses the tampered report");
    assert_eq!(check.content_intact, Some(false), "its digest no longer matches");
    assert!(check.signatures.iter().all(|s| !s.check.is_good()), "and no signature matches");
}

#[test]
fn separation_of_duties_rejects_and_holds_block_go_with_their_reasons() {
    let f = Fixture::new();
    // The operator approves QA: refused, and the run waits for a real QA approval.
    let mut answers = prod_like_answers();
    answers.signoff.insert("qa".into(), approve(OPERATOR));
    let id = f.start(PROD_LIKE, None);
    let run = f.drive(&id, &answers);
    assert_eq!(run.status, RunStatus::Waiting, "QA has no valid approval: the run waits");
    assert!(
        run.events
            .iter()
            .any(|e| e.kind == "signoff.refused" && e.message.contains("separation of duties")),
        "the refused approval is logged with why"
    );
    assert!(
        run.step("approvals").is_some_and(|s| s.summary.contains("QA sign-off: 0 of 1")),
        "the sign-off step says what is missing"
    );
    let err =
        record_signoff(&f.store, &SystemClock, &id, "qa", "ada@example.com", Decision::Approve, "")
            .expect_err("the desktop cannot record it either");
    assert!(
        matches!(&err, RunError::Refused { message, .. } if message.contains("separation of duties")),
        "refused with why: {err}"
    );
    let err =
        record_signoff(&f.store, &SystemClock, &id, "qa", "Cy <cy@x.org>", Decision::Hold, "")
            .expect_err("a hold needs a reason");
    assert!(err.to_string().contains("comment"), "a hold must say why: {err}");

    // A hold keeps it waiting with its reason; lifted, then a reject ends it NO-GO.
    record_signoff(
        &f.store,
        &SystemClock,
        &id,
        "qa",
        "Cy <cy@x.org>",
        Decision::Hold,
        "flaky login",
    )
    .expect("hold recorded");
    let run = f.drive(&id, &answers);
    assert_eq!(run.status, RunStatus::Waiting, "on hold: still waiting");
    assert!(
        run.step("approvals")
            .is_some_and(|s| s.summary.contains("put on hold by Cy <cy@x.org>: flaky login")),
        "the hold is shown with its reason"
    );
    assert!(
        report(&run).contains("✋ On hold: QA sign-off: put on hold by Cy"),
        "and at the top of the report"
    );
    record_signoff(
        &f.store,
        &SystemClock,
        &id,
        "qa",
        "Dee <dee@x.org>",
        Decision::Reject,
        "CVE-2026-1 open",
    )
    .expect("reject recorded");
    let run = f.drive(&id, &answers);
    assert_eq!(run.status, RunStatus::Failed, "a reject stops the run");
    assert_eq!(run.outcome, Outcome::NoGo, "and the verdict is NO-GO");
    let last = run.events.last().expect("events");
    assert!(
        last.message.contains("rejected by Dee <dee@x.org>: CVE-2026-1 open"),
        "with the reason: {}",
        last.message
    );

    // Resuming does not ask again: the rejection is a decision, not a failure to retry.
    let run = f.drive(&id, &answers);
    assert_eq!(run.status, RunStatus::Failed, "still stopped by the reject");
    assert!(
        !run.events.iter().any(|e| e.kind == "step.retried"),
        "the rejected sign-off is not re-opened"
    );

    // Waiving the rejected sign-off does not turn the reject into a GO.
    let run = waive_step(&f.store, &SystemClock, &id, "approvals", "ship anyway", "Boss")
        .expect("waived");
    let verdict = run_verdict(&run, &run.steps, RunStatus::Completed);
    assert_eq!(verdict.outcome, Outcome::NoGo, "a reject stands whatever the step's status");
}

#[test]
fn the_production_template_ends_with_four_roles_signed() {
    let f = Fixture::new();
    let template = pilot_engine::plan::templates::template("production").expect("template");
    let plan = parse_plan(template.source, "production").expect("valid");
    let mut answers = prod_like_answers();
    answers.waive.clear();
    for (_, step) in plan.steps() {
        if matches!(step.action, pilot_engine::plan::StepAction::Manual(_)) {
            answers.manual.insert(
                step.id.clone(),
                ManualAnswer { done: true, note: None, by: None, value: None },
            );
        }
    }
    // The first hour's soak, shortened through its variables as a rehearsal would.
    // Its Docker commands (`docker run -v VOLUME:/data …`) would create the volume on a real
    // engine: give it a name of this test's own, removed when the test ends.
    let volume = VolumeGuard(format!("rp-test-flow-{}-data", std::process::id()));
    let source = template
        .source
        .replace("soak_interval_secs = \"300\"", "soak_interval_secs = \"1\"")
        .replace("soak_duration_secs = \"3600\"", "soak_duration_secs = \"1\"")
        .replace("volume = \"sms_data\"", &format!("volume = {:?}", volume.0))
        // A rehearsal with typed names: signed approvals are `signed_flow.rs`'s.
        .replace("allow_unsigned = false", "allow_unsigned = true");
    assert_ne!(source, template.source, "the template has the soak variables");
    assert!(source.contains(&volume.0), "the template names its volume in a variable");
    let id = f.start(&source, None);
    let mut run = f.drive(&id, &answers);
    // Waive, with a reason, whatever cannot pass on this machine (no staging, no Docker, no
    // Python project), as a team would for a rehearsal.
    for _ in 0..30 {
        if run.status != RunStatus::Failed {
            break;
        }
        for failed in run.steps.iter().filter(|s| s.status == StepStatus::Failed) {
            waive_step(
                &f.store,
                &SystemClock,
                &id,
                &failed.step_id,
                "not available on the test machine",
                "Grace",
            )
            .unwrap_or_else(|e| {
                panic!("waiving {} ({:?}) failed: {e}", failed.step_id, failed.status)
            });
            // Production asks for four eyes: operations agrees to each waiver.
            pilot_engine::run::agree_waiver(
                &f.store,
                &SystemClock,
                &id,
                &failed.step_id,
                "Linus Torvalds <linus@example.com>",
            )
            .unwrap_or_else(|e| panic!("agreeing to the waiver of {} failed: {e}", failed.step_id));
        }
        run = f.drive(&id, &answers);
    }
    assert_eq!(
        run.status,
        RunStatus::Completed,
        "with waivers the production template runs to the end"
    );
    let approvals = run.step("approvals").expect("the template's sign-off step");
    assert_eq!(approvals.status, StepStatus::Passed, "four roles signed: {}", approvals.summary);
    assert_eq!(f.store.signoffs(&id).expect("sign-offs").len(), 4, "four sign-offs recorded");
    let verdict = run_verdict(&run, &run.steps, run.status);
    assert_eq!(verdict.roles.len(), 4, "the verdict checks four roles");
    assert!(
        verdict.roles.iter().all(|r| r.state == pilot_engine::signoff::RoleState::Approved),
        "all approved"
    );
    // Every gate passed or was waived with a reason, every role approved: GO, with no
    // reason against it.
    assert_eq!(run.outcome, Outcome::Go, "waivers and four approvals make it GO");
    assert!(verdict.reasons.is_empty(), "nothing stands against GO: {:?}", verdict.reasons);
}

#[test]
fn a_seeded_secret_reaches_neither_evidence_nor_log_nor_report() {
    let f = Fixture::new();
    let run = f.run_to_end(PROD_LIKE, &prod_like_answers());
    let secret = "hunter2-Sup3r-S3cret";
    let migrations = run.step("migrations").expect("step");
    assert!(
        migrations.evidence.command.is_some(),
        "the command that used the secret left evidence"
    );
    let outputs: BTreeMap<&str, String> = BTreeMap::from([
        ("evidence", serde_json::to_string(&run.steps).expect("json")),
        ("event log", serde_json::to_string(&run.events).expect("json")),
        ("report", report(&run)),
        ("sign-offs", format!("{:?}", f.store.signoffs(&run.header.id).expect("sign-offs"))),
        ("store steps and events", raw_tables(f.store.path())),
    ]);
    for (what, text) in &outputs {
        assert!(!text.contains(secret), "the plan secret is not in the {what}");
        assert!(!text.contains(ENV_TOKEN), "the env-file value is not in the {what}");
    }
}

/// Every text column of the steps, events, sign-offs and signatures tables.
fn raw_tables(store: &Path) -> String {
    let conn = rusqlite::Connection::open(store).expect("open");
    let mut out = String::new();
    for sql in [
        "SELECT summary || evidence_json || COALESCE(waiver_json, '') || COALESCE(note, '') FROM steps",
        "SELECT kind || COALESCE(step_id, '') || message FROM events",
        "SELECT role || name || comment FROM signoffs",
    ] {
        let mut stmt = conn.prepare(sql).expect("query");
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).expect("rows");
        for row in rows {
            out.push_str(&row.expect("text"));
        }
    }
    out
}

/// Removes a volume a template's Docker command may have created, when the test ends.
struct VolumeGuard(String);

impl Drop for VolumeGuard {
    fn drop(&mut self) {
        if let Ok(conn) = pilot_engine::docker::Connection::connect() {
            let _ = pilot_engine::docker::volume::remove(&conn, &self.0);
        }
    }
}
