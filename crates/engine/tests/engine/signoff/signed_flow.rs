//! Signed approvals in a whole run (issue 16): a production-like plan with `[plan.signoff]`
//! waits at its sign-off, publishes its request, and receives approvals signed with real
//! `ssh-keygen` keys. Four distinct keys, each allowed for its role, take it to GO; every way
//! an approval can be wrong is refused with why and changes nothing: a tampered statement, an
//! approval replayed from another run, a key not in `allowed_signers`, a key allowed but not
//! for that role, one key for two roles, the operator's key, an expired and a not-yet-valid
//! key, evidence older than the request, a typed name where only signatures count. The report
//! lists the approvals with one `ssh-keygen -Y verify` command each, which stock OpenSSH
//! accepts on the files `approval_files` gives.

use std::path::Path;

use chrono::{Duration, Utc};
use pilot_engine::SystemClock;
use pilot_engine::record::RunStatus;
use pilot_engine::report::{approval_files, report};
use pilot_engine::run::{
    Answers, Outcome, Received, RunError, SignoffAnswer, SignoffAnswers, StepStatus, WaiverAnswer,
    publish_request, published_request, receive_approvals, record_signoff,
};
use pilot_engine::signature::{
    Approval, SignedApproval, SignoffRequest, sign_message_with_key_file,
};
use pilot_engine::signoff::Decision;
use pilot_test_openssh::Key;

use super::flow::{Fixture, OPERATOR, PROD_LIKE};
use super::keys::keygen;

/// PROD_LIKE with signed approvals: who may sign for each role is named.
fn signed_plan() -> String {
    PROD_LIKE
        .replace(
            "[[plan.role]]\nid = \"code_review\"",
            "[plan.signoff]\nallowed_signers = \".release-pilot/allowed_signers\"\n\n\
             [[plan.role]]\nid = \"code_review\"\nsigners = [\"ana@example.com\"]",
        )
        .replace(
            "id = \"security_review\"",
            "id = \"security_review\"\nsigners = [\"bo@example.com\"]",
        )
        .replace("id = \"qa\"", "id = \"qa\"\nsigners = [\"*@qa.example.com\"]")
        .replace(
            "id = \"operations\"",
            "id = \"operations\"\nsigners = [\"linus@example.com\", \"ada@example.com\"]",
        )
}

/// Answers that take the run to its sign-off: the migration check waived, no typed sign-off.
fn answers() -> Answers {
    let mut a = Answers { by: Some(OPERATOR.into()), ..Answers::default() };
    a.waive.insert(
        "migrations".into(),
        WaiverAnswer { reason: "no migrations in this release".into(), by: None, agreed_by: None },
    );
    a
}

struct Team {
    _dir: tempfile::TempDir,
    ana: Key,
    bo: Key,
    cy: Key,
    linus: Key,
    ada: Key,
    stranger: Key,
    expired: Key,
    future: Key,
}

impl Team {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let k = |who: &str, kind: &str| keygen(dir.path(), who, kind, "");
        Self {
            ana: k("ana", "ed25519"),
            bo: k("bo", "rsa"),
            cy: k("cy", "ed25519"),
            linus: k("linus", "ed25519"),
            ada: k("ada", "ed25519"),
            stranger: k("stranger", "ed25519"),
            expired: k("old", "ed25519"),
            future: k("new", "ed25519"),
            _dir: dir,
        }
    }

    /// The repository's allowed_signers: each key with its principal, one expired, one not
    /// valid yet, the stranger absent.
    fn allowed_signers(&self) -> String {
        let ns = "namespaces=\"git,release-pilot\"";
        let day = |d: i64| (Utc::now() + Duration::days(d)).format("%Y%m%d").to_string();
        format!(
            "ana@example.com {ns} {}\nbo@example.com {ns} {}\ncy@qa.example.com {ns} {}\n\
             linus@example.com {ns} {}\nada@example.com {ns} {}\n\
             old@qa.example.com {ns},valid-before=\"{}\" {}\n\
             new@qa.example.com {ns},valid-after=\"{}\" {}\n",
            self.ana.public_line,
            self.bo.public_line,
            self.cy.public_line,
            self.linus.public_line,
            self.ada.public_line,
            day(-2),
            self.expired.public_line,
            day(5),
            self.future.public_line,
        )
    }
}

/// Commit the allowed_signers file into the fixture's repository (before the run starts: the
/// run reads it from the commit it releases).
fn commit_allowed(repo: &Path, text: &str) {
    std::fs::create_dir_all(repo.join(".release-pilot")).expect("folder");
    std::fs::write(repo.join(".release-pilot/allowed_signers"), text).expect("written");
    crate::common::git_raw_in(repo, &["add", "."]);
    crate::common::git_raw_in(repo, &["commit", "-q", "-m", "Who may sign off"]);
}

fn sign(request: &SignoffRequest, role: &str, decision: Decision, key: &Key) -> String {
    let approval = Approval::from_request(request, role, decision, "checked", Utc::now());
    let signature = sign_message_with_key_file(approval.to_text().as_bytes(), &key.private, None)
        .expect("signed");
    SignedApproval { signature, approval }.to_text().expect("armored")
}

fn why(received: &[Received]) -> String {
    match received {
        [Received::Refused { why, .. }] => why.clone(),
        other => panic!("one refusal expected: {other:?}"),
    }
}

#[test]
fn four_signed_approvals_take_a_production_run_to_go_and_every_wrong_one_is_refused() {
    let f = Fixture::new();
    let team = Team::new();
    commit_allowed(f.repo.path(), &team.allowed_signers());
    let source = signed_plan();
    let id = f.start(&source, None);
    let run = f.drive(&id, &answers());
    assert_eq!(run.status, RunStatus::Waiting, "the run waits at its sign-off");
    let receive =
        |files: &[String]| receive_approvals(&f.store, &SystemClock, &id, files).expect("received");

    // Nothing can answer a request that was never made.
    let early = receive_approvals(&f.store, &SystemClock, &id, &[String::new()]);
    assert!(
        matches!(&early, Err(RunError::Refused { message, .. }) if message.contains("request sign-off first")),
        "{early:?}"
    );

    let published = publish_request(&f.store, &SystemClock, &id).expect("published");
    let request = published.request.clone();
    assert_eq!(request.roles.len(), 4, "the request asks for the four roles");
    assert_eq!(
        published_request(&f.store.load_run(&id).expect("run")),
        Some(request.clone()),
        "the run keeps the request it published"
    );

    // A typed name no longer counts where the plan asks for signatures.
    let typed = record_signoff(
        &f.store,
        &SystemClock,
        &id,
        "qa",
        "Cy Diaz <cy@qa.example.com>",
        Decision::Approve,
        "",
    );
    assert!(
        matches!(&typed, Err(RunError::Refused { message, .. }) if message.contains("not signed")),
        "a typed approval is refused: {typed:?}"
    );

    // Every way an approval can be wrong, each refused with its reason.
    let good_qa = sign(&request, "qa", Decision::Approve, &team.cy);
    let tampered = good_qa.replace("comment: checked", "comment: checked twice");
    assert!(why(&receive(&[tampered])).contains("changed after it was signed"));

    let other = f.start(&source, None);
    f.drive(&other, &answers());
    let other_request = publish_request(&f.store, &SystemClock, &other).expect("published");
    let replayed = sign(&other_request.request, "qa", Decision::Approve, &team.cy);
    assert!(why(&receive(&[replayed])).contains("its run is"), "replay from another run");

    let unknown = sign(&request, "qa", Decision::Approve, &team.stranger);
    assert!(why(&receive(&[unknown])).contains("allowed-signers"), "a key nobody allowed");

    let not_for_qa = sign(&request, "qa", Decision::Approve, &team.bo);
    let refusal = why(&receive(&[not_for_qa]));
    assert!(refusal.contains("may not sign for QA sign-off"), "{refusal}");

    let by_operator = sign(&request, "qa", Decision::Approve, &team.ada);
    let refusal = why(&receive(&[by_operator]));
    assert!(refusal.contains("may not sign for QA") || refusal.contains("ran this release"));

    let expired = sign(&request, "qa", Decision::Approve, &team.expired);
    assert!(why(&receive(&[expired])).contains("not valid now"), "an expired key");
    let future = sign(&request, "qa", Decision::Approve, &team.future);
    assert!(why(&receive(&[future])).contains("not valid now"), "a not-yet-valid key");

    let mut stale = Approval::from_request(&request, "qa", Decision::Approve, "", Utc::now());
    stale.evidence_sha256 = "0".repeat(64);
    let signature = sign_message_with_key_file(stale.to_text().as_bytes(), &team.cy.private, None)
        .expect("signed");
    let stale = SignedApproval { signature, approval: stale }.to_text().expect("armored");
    assert!(why(&receive(&[stale])).contains("evidence"), "evidence other than the request's");

    let run = f.store.load_run(&id).expect("run");
    assert!(f.store.signoffs(&id).expect("sign-offs").is_empty(), "nothing was recorded");
    assert_eq!(run.status, RunStatus::Waiting);

    // The good ones: four keys, each allowed for its role.
    let good = [
        sign(&request, "code_review", Decision::Approve, &team.ana),
        sign(&request, "security_review", Decision::Approve, &team.bo),
        good_qa.clone(),
    ];
    let got = receive(&good);
    assert!(got.iter().all(|r| matches!(r, Received::Recorded(_))), "{got:?}");
    assert!(
        matches!(
            receive(std::slice::from_ref(&good_qa)).as_slice(),
            [Received::AlreadyRecorded(_)]
        ),
        "the same file twice is recorded once"
    );
    // Ana's key cannot also approve for operations: one key, one role.
    let twice = sign(&request, "operations", Decision::Approve, &team.ana);
    let refusal = why(&receive(&[twice]));
    assert!(
        refusal.contains("may not sign for Operations") || refusal.contains("one key approves"),
        "{refusal}"
    );
    let ops = sign(&request, "operations", Decision::Approve, &team.linus);
    assert!(matches!(receive(&[ops]).as_slice(), [Received::Recorded(_)]));

    let run = f.drive(&id, &answers());
    assert_eq!(run.status, RunStatus::Completed, "{:?}", run.step("approvals"));
    assert_eq!(run.outcome, Outcome::Go, "four signed approvals: GO");
    assert_eq!(run.step("approvals").map(|s| s.status), Some(StepStatus::Passed));

    // The report lists four approvals with fingerprints and one command each, and stock
    // OpenSSH accepts every one on the file it names.
    let markdown = report(&run);
    assert!(markdown.contains("### Approvals"), "{markdown}");
    let files = approval_files(&run);
    assert_eq!(files.len(), 4, "four approval files");
    let dir = tempfile::tempdir().expect("temp dir");
    let allowed = dir.path().join("allowed_signers");
    std::fs::write(&allowed, team.allowed_signers()).expect("written");
    for (name, text) in &files {
        assert!(markdown.contains(name.as_str()), "the report names {name}");
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("folder");
        std::fs::write(&path, text).expect("written");
        let command = markdown
            .lines()
            .find(|l| l.starts_with("sed ") && l.contains(name.as_str()))
            .expect("a command per approval")
            .replace("-f allowed_signers", &format!("-f {}", allowed.display()));
        let out = std::process::Command::new("sh")
            .current_dir(dir.path())
            .args(["-c", &command])
            .output()
            .expect("sh runs");
        assert!(
            out.status.success(),
            "ssh-keygen accepts {name}: {command}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for fingerprint in [&team.ana, &team.bo, &team.cy, &team.linus].map(fingerprint_of) {
        assert!(markdown.contains(&fingerprint), "the report shows {fingerprint}");
    }
}

#[test]
fn a_typed_sign_off_counts_only_where_the_plan_allows_it_and_says_it_was_not_signed() {
    let f = Fixture::new();
    let team = Team::new();
    commit_allowed(f.repo.path(), &team.allowed_signers());
    let source = signed_plan().replace(
        "allowed_signers = \".release-pilot/allowed_signers\"",
        "allowed_signers = \".release-pilot/allowed_signers\"\nallow_unsigned = true",
    );
    let id = f.start(&source, Some("staging"));
    let mut a = answers();
    for (role, who) in [
        ("code_review", "Ana Lopez <ana@example.com>"),
        ("security_review", "Bo Chen <bo@example.com>"),
        ("qa", "Cy Diaz <cy@qa.example.com>"),
        ("operations", "Linus <linus@example.com>"),
    ] {
        a.signoff.insert(
            role.into(),
            SignoffAnswers::One(SignoffAnswer {
                name: Some(who.into()),
                decision: Decision::Approve,
                comment: None,
            }),
        );
    }
    let run = f.drive(&id, &a);
    assert_eq!(run.outcome, Outcome::Go, "typed names count where allowed");
    let markdown = report(&run);
    assert!(
        markdown
            .contains(&format!("Cy Diaz <cy@qa.example.com> (recorded by {OPERATOR}, not signed)"))
            || markdown.contains("(recorded by Ada Lovelace"),
        "the report marks typed sign-offs: {markdown}"
    );
}

fn fingerprint_of(key: &Key) -> String {
    pilot_engine::signature::read_public_key(&key.private)
        .expect("public key")
        .fingerprint(ssh_key::HashAlg::Sha256)
        .to_string()
}
