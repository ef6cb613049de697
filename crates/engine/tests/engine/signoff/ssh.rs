//! SSHSIG signing and verifying against real OpenSSH: keys from `ssh-keygen` (ed25519, RSA,
//! encrypted), signing through a real `ssh-agent`, and every refusal with its clear answer.

use std::path::Path;
use std::process::Command;

use chrono::Utc;
use pilot_engine::signature::{
    Agent, AllowedSigners, SignatureError, SignatureProblem, sign_with_agent, sign_with_key_file,
    verify_signature,
};

use super::keys::{AgentProcess, allowed_signers, keygen, openssh_accepts};

const REPORT: &[u8] = b"# Release 1.15.2\n\nVerdict: GO\n";

/// Write the report and a signature file; returns the signature's path.
fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path
}

#[test]
fn ed25519_and_rsa_key_files_sign_what_openssh_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ana = keygen(dir.path(), "ana", "ed25519", "");
    let bo = keygen(dir.path(), "bo", "rsa", "");
    let allowed = allowed_signers(
        dir.path(),
        &[("ana@example.com", "", &ana), ("bo@example.com", "namespaces=\"release-pilot\"", &bo)],
    );
    let report = write(dir.path(), "report.md", std::str::from_utf8(REPORT).expect("utf-8"));
    let signers = AllowedSigners::load(&allowed).expect("allowed signers read");
    for (who, key, role) in [("ana@example.com", &ana, "qa"), ("bo@example.com", &bo, "operations")]
    {
        let file = sign_with_key_file(REPORT, &key.private, None, Some(role)).expect("signed");
        let text = file.to_text().expect("armored");
        let sig = write(dir.path(), &format!("{who}.sig"), &text);
        assert!(
            openssh_accepts(&allowed, who, &sig, &report),
            "ssh-keygen accepts {who}'s signature"
        );
        let check = verify_signature(REPORT, &text, &signers, Utc::now());
        assert!(check.is_good(), "pilot accepts {who}'s signature: {check:?}");
        assert_eq!(check.principals, [who], "and names the signer");
        assert_eq!(check.role.as_deref(), Some(role), "and the role written after the block");
    }
}

#[test]
fn an_encrypted_key_needs_its_passphrase_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = keygen(dir.path(), "locked", "ed25519", "correct horse");
    let err = sign_with_key_file(REPORT, &key.private, None, None).expect_err("needs a passphrase");
    assert!(matches!(err, SignatureError::PassphraseNeeded { .. }), "passphrase needed: {err}");
    assert!(err.to_string().contains("PILOT_KEY_PASSPHRASE"), "the answer says how: {err}");
    let err = sign_with_key_file(REPORT, &key.private, Some("wrong"), None).expect_err("wrong one");
    assert!(matches!(err, SignatureError::WrongPassphrase { .. }), "wrong passphrase: {err}");
    let rsa = keygen(dir.path(), "locked-rsa", "rsa", "correct horse");
    let file = sign_with_key_file(REPORT, &rsa.private, Some("correct horse"), None)
        .expect("the right passphrase signs");
    let allowed = allowed_signers(dir.path(), &[("ops@example.com", "", &rsa)]);
    let report = write(dir.path(), "report.md", std::str::from_utf8(REPORT).expect("utf-8"));
    let sig = write(dir.path(), "r.sig", &file.to_text().expect("armored"));
    assert!(openssh_accepts(&allowed, "ops@example.com", &sig, &report), "OpenSSH accepts it");
}

#[test]
fn a_missing_key_or_a_public_key_in_its_place_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("id_ed25519");
    let err = sign_with_key_file(REPORT, &missing, None, None).expect_err("no such key");
    assert!(err.to_string().contains("id_ed25519"), "the answer names the missing key: {err}");
    let key = keygen(dir.path(), "ana", "ed25519", "");
    let public = dir.path().join("ana.pub");
    let err = sign_with_key_file(REPORT, &public, None, None).expect_err("a .pub cannot sign");
    assert!(err.to_string().contains("not the .pub"), "the answer says which file to give: {err}");
    drop(key);
}

#[test]
fn a_running_ssh_agent_signs_with_ed25519_and_rsa_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let agent_process = AgentProcess::start(dir.path());
    let ed = keygen(dir.path(), "ed", "ed25519", "");
    let rsa = keygen(dir.path(), "rsa", "rsa", "");
    agent_process.add(&ed);
    agent_process.add(&rsa);
    let allowed = allowed_signers(dir.path(), &[("ed@x", "", &ed), ("rsa@x", "", &rsa)]);
    let report = write(dir.path(), "report.md", std::str::from_utf8(REPORT).expect("utf-8"));
    for (who, key) in [("ed@x", &ed), ("rsa@x", &rsa)] {
        let mut agent = Agent::connect(&agent_process.socket).expect("the agent answers");
        let wanted = pilot_engine::signature::read_public_key(&key.private).expect("public key");
        let file = sign_with_agent(REPORT, &mut agent, Some(&wanted), Some("qa")).expect("signed");
        let sig = write(dir.path(), &format!("{who}.sig"), &file.to_text().expect("armored"));
        assert!(
            openssh_accepts(&allowed, who, &sig, &report),
            "OpenSSH accepts {who}'s agent signature"
        );
    }
    let other = keygen(dir.path(), "other", "ed25519", "");
    let wanted = pilot_engine::signature::read_public_key(&other.private).expect("public key");
    let mut agent = Agent::connect(&agent_process.socket).expect("the agent answers");
    let err =
        sign_with_agent(REPORT, &mut agent, Some(&wanted), None).expect_err("not in the agent");
    assert!(
        matches!(err, SignatureError::NoAgentKey { .. }),
        "a key the agent lacks is named: {err}"
    );
    let err = Agent::connect(&dir.path().join("no-agent.sock")).expect_err("no agent there");
    assert!(err.to_string().contains("cannot reach ssh-agent"), "no agent: {err}");
}

#[test]
fn every_bad_signature_gets_its_own_answer_and_openssh_agrees() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ana = keygen(dir.path(), "ana", "ed25519", "");
    let stranger = keygen(dir.path(), "stranger", "ed25519", "");
    let old = keygen(dir.path(), "old", "ed25519", "");
    let git_only = keygen(dir.path(), "git-only", "ed25519", "");
    let allowed = allowed_signers(
        dir.path(),
        &[
            ("ana@example.com", "", &ana),
            ("old@example.com", "valid-before=\"20200101\"", &old),
            ("git@example.com", "namespaces=\"git\"", &git_only),
        ],
    );
    let signers = AllowedSigners::load(&allowed).expect("read");
    let report = write(dir.path(), "report.md", std::str::from_utf8(REPORT).expect("utf-8"));
    let sign = |key: &super::keys::Key| {
        sign_with_key_file(REPORT, &key.private, None, None)
            .expect("signed")
            .to_text()
            .expect("armored")
    };

    // One byte flipped.
    let mut tampered = REPORT.to_vec();
    tampered[2] ^= 0x01;
    let good = sign(&ana);
    let check = verify_signature(&tampered, &good, &signers, Utc::now());
    assert_eq!(check.problem, Some(SignatureProblem::Mismatch), "a changed byte is a mismatch");
    let tampered_file = write(dir.path(), "tampered.md", &String::from_utf8_lossy(&tampered));
    let good_sig = write(dir.path(), "good.sig", &good);
    assert!(
        !openssh_accepts(&allowed, "ana@example.com", &good_sig, &tampered_file),
        "OpenSSH refuses it too"
    );

    // A signature over another version of the report.
    let other = sign_with_key_file(b"# Release 1.15.1\n", &ana.private, None, None)
        .expect("signed")
        .to_text()
        .expect("armored");
    let check = verify_signature(REPORT, &other, &signers, Utc::now());
    assert_eq!(check.problem, Some(SignatureProblem::Mismatch), "another version does not match");

    // Unknown signer.
    let check = verify_signature(REPORT, &sign(&stranger), &signers, Utc::now());
    assert_eq!(check.problem, Some(SignatureProblem::UnknownSigner), "a key nobody allowed");
    let stranger_sig = write(dir.path(), "stranger.sig", &sign(&stranger));
    assert!(
        !openssh_accepts(&allowed, "ana@example.com", &stranger_sig, &report),
        "OpenSSH refuses it"
    );

    // Expired key.
    let check = verify_signature(REPORT, &sign(&old), &signers, Utc::now());
    assert!(
        matches!(&check.problem, Some(SignatureProblem::Expired { detail, .. }) if detail.contains("2020-01-01")),
        "an expired key says when it expired: {:?}",
        check.problem
    );
    let old_sig = write(dir.path(), "old.sig", &sign(&old));
    assert!(!openssh_accepts(&allowed, "old@example.com", &old_sig, &report), "OpenSSH refuses it");

    // A key allowed only for git signatures.
    let check = verify_signature(REPORT, &sign(&git_only), &signers, Utc::now());
    assert!(
        matches!(check.problem, Some(SignatureProblem::NamespaceNotAllowed { .. })),
        "a key allowed for another namespace: {:?}",
        check.problem
    );

    // Signed for another namespace, by ssh-keygen itself.
    let out = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "git", "-f"])
        .arg(&ana.private)
        .arg(&report)
        .output()
        .expect("ssh-keygen signs");
    assert!(out.status.success(), "ssh-keygen signed: {}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.path().join("report.md.sig")).expect("signature");
    let check = verify_signature(REPORT, &text, &signers, Utc::now());
    assert_eq!(
        check.problem,
        Some(SignatureProblem::WrongNamespace { found: "git".into() }),
        "a git signature is not a report signature"
    );
    assert!(
        check.problem.as_ref().is_some_and(|p| p.to_string().contains("release-pilot")),
        "the answer names the namespace expected"
    );

    // Not a signature at all.
    let check = verify_signature(REPORT, "hello", &signers, Utc::now());
    assert!(
        matches!(check.problem, Some(SignatureProblem::Unreadable { .. })),
        "garbage is unreadable"
    );
}
