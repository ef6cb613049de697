//! The record under tampering, with the real `sqlite3` command line (what an attacker with the
//! data folder would use): a NO-GO run's tables edited to say GO, its events deleted, an event
//! changed with the hashes after it removed. Each time `pilot report` refuses to seal the
//! record, and `pilot verify` refuses a report signed before the edit.

use std::path::Path;
use std::process::Command;

use pilot_test_openssh::keygen;

use crate::common::{Sandbox, json, text};

const PLAN: &str = r#"
[plan]
name = "nogo"
title = "A release that fails its checks"
environment = "staging"

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "on-release"
title = "On the release branch"
kind = "git.branch"
expect = "release/not-this-one"

[[phase]]
id = "deploy"
title = "Deploy"
stage = "deploy"

[[phase.step]]
id = "go-live"
title = "Go live"
kind = "manual"
"#;

/// `sqlite3 FILE SQL`, which must succeed.
fn sqlite(store: &Path, sql: &str) {
    let out = Command::new("sqlite3").arg(store).arg(sql).output().expect("the sqlite3 CLI runs");
    assert!(out.status.success(), "sqlite3 {sql}: {}", text(&out.stderr));
}

struct Signed {
    sandbox: Sandbox,
    run_id: String,
    report: std::path::PathBuf,
    allowed: std::path::PathBuf,
}

/// A NO-GO run, its report written and signed, the signature attached.
fn signed_nogo_run() -> Signed {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let dir = sandbox.root.path().to_path_buf();
    let plan = dir.join("plan.toml");
    std::fs::write(&plan, PLAN).expect("plan");
    let out = sandbox.pilot(&[
        "run",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--plan",
        plan.to_str().expect("utf-8"),
        "--json",
    ]);
    let value = json(&out);
    assert_eq!(value["outcome"], "no-go", "the branch check fails: {}", text(&out.stderr));
    let run_id = value["run_id"].as_str().expect("run id").to_string();
    let report = dir.join("report.md");
    let out = sandbox.pilot(&["report", &run_id, "-o", report.to_str().expect("utf-8")]);
    assert!(out.status.success(), "report: {}", text(&out.stderr));
    let key = keygen(&dir, "ada", "ed25519", "");
    let out = sandbox.pilot(&[
        "sign",
        report.to_str().expect("utf-8"),
        "--key",
        key.private.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "signed: {}", text(&out.stderr));
    let allowed = dir.join("allowed_signers");
    std::fs::write(&allowed, format!("ada@example.com {}\n", key.public_line)).expect("signers");
    let signed = Signed { sandbox, run_id, report, allowed };
    let (code, said) = signed.verify();
    assert_eq!(code, Some(0), "verified before the edit: {said}");
    signed
}

impl Signed {
    fn store(&self) -> std::path::PathBuf {
        self.sandbox.store_file()
    }

    fn verify(&self) -> (Option<i32>, String) {
        let out = self.sandbox.pilot(&[
            "verify",
            self.report.to_str().expect("utf-8"),
            "--allowed-signers",
            self.allowed.to_str().expect("utf-8"),
        ]);
        (out.status.code(), text(&out.stdout) + &text(&out.stderr))
    }

    /// `pilot report` is refused, saying why; returns what it said.
    fn report_refused(&self) -> String {
        let fresh = self.sandbox.root.path().join("again.md");
        let out =
            self.sandbox.pilot(&["report", &self.run_id, "-o", fresh.to_str().expect("utf-8")]);
        let said = text(&out.stderr);
        assert!(!out.status.success(), "no report is sealed from an edited record: {said}");
        assert!(!fresh.exists(), "and no file is left behind");
        assert!(said.contains("was changed after it was written"), "{said}");
        said
    }
}

#[test]
fn editing_the_steps_and_runs_tables_to_say_go_is_found() {
    let signed = signed_nogo_run();
    sqlite(
        &signed.store(),
        &format!(
            "UPDATE steps SET status = 'passed' WHERE run_id = '{id}';
             UPDATE runs SET status = 'completed', outcome = 'go' WHERE id = '{id}';",
            id = signed.run_id
        ),
    );
    let said = signed.report_refused();
    assert!(said.contains("on-release") && said.contains("Failed"), "names the step: {said}");
    assert!(said.contains("the runs table says"), "and the run: {said}");
    let (code, said) = signed.verify();
    assert_ne!(code, Some(0), "the signed report no longer verifies: {said}");
    assert!(said.contains("NOT verified") && said.contains("steps table"), "{said}");
    // What the product shows comes from the sealed log, not from the edited tables.
    let shown = signed.sandbox.pilot(&["resume", &signed.run_id, "--json"]);
    assert_eq!(json(&shown)["outcome"], "no-go", "{}", text(&shown.stderr));
}

#[test]
fn deleting_a_runs_events_is_found() {
    let signed = signed_nogo_run();
    sqlite(
        &signed.store(),
        &format!(
            "DROP TRIGGER events_no_delete; DELETE FROM events WHERE run_id = '{}';",
            signed.run_id
        ),
    );
    let said = signed.report_refused();
    assert!(said.contains("event log is empty"), "{said}");
    let (code, said) = signed.verify();
    assert_ne!(code, Some(0), "the signed report no longer verifies: {said}");
    assert!(said.contains("event log is empty"), "{said}");
}

#[test]
fn an_edited_event_with_its_hashes_removed_is_not_legacy() {
    let signed = signed_nogo_run();
    sqlite(
        &signed.store(),
        &format!(
            "DROP TRIGGER events_no_update;
             UPDATE events SET message = 'passed: all good', hash = NULL, prev_hash = NULL
                WHERE run_id = '{}' AND seq >= 3;",
            signed.run_id
        ),
    );
    let said = signed.report_refused();
    assert!(said.contains("has no hash"), "{said}");
    let (code, said) = signed.verify();
    assert_ne!(code, Some(0), "{said}");
}

#[test]
fn a_changed_event_stops_the_report_from_sealing_it() {
    let signed = signed_nogo_run();
    sqlite(
        &signed.store(),
        &format!(
            "DROP TRIGGER events_no_update;
             UPDATE events SET message = 'passed: all good' WHERE run_id = '{}' AND seq = 3;",
            signed.run_id
        ),
    );
    let said = signed.report_refused();
    assert!(said.contains("event #3 was changed"), "{said}");
}

/// A report rewritten by hand to say GO, its digest recomputed so that it looks sealed, and
/// signed by someone who trusted it: its signature is good, its chain head is the record's,
/// but the record at that head renders another report, so `pilot verify` refuses it.
#[test]
fn a_report_rewritten_to_say_go_is_refused_though_its_signature_is_good() {
    use sha2::{Digest, Sha256};
    let signed = signed_nogo_run();
    let written = std::fs::read_to_string(&signed.report).expect("report");
    let at = written.rfind("\n## Integrity\n").expect("sealed") + 1;
    let (content, seal) = written.split_at(at);
    let old_digest = hex::encode(Sha256::digest(content.as_bytes()));
    let verdict = content.lines().find(|l| l.starts_with("**Verdict:")).expect("verdict line");
    let forged = content.replace(verdict, "**Verdict: ✅ GO** — every check passed.");
    let new_digest = hex::encode(Sha256::digest(forged.as_bytes()));
    std::fs::write(&signed.report, forged + &seal.replace(&old_digest, &new_digest))
        .expect("forged");
    let key = signed.sandbox.root.path().join("ada");
    let _ = std::fs::remove_file(signed.sandbox.root.path().join("report.md.sig"));
    let out = signed.sandbox.pilot(&[
        "sign",
        signed.report.to_str().expect("utf-8"),
        "--key",
        key.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "a deceived signer signs it: {}", text(&out.stderr));
    let (code, said) = signed.verify();
    assert_ne!(code, Some(0), "{said}");
    assert!(said.contains("content: matches its digest"), "the digest was recomputed: {said}");
    assert!(said.contains("claims differ from the record"), "{said}");
}
