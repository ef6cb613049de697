//! Signed reports through the desktop boundary, with real OpenSSH: keys from `ssh-keygen`, a
//! real `ssh-agent`, signatures made by `ssh-keygen -Y sign` elsewhere and checked by
//! `ssh-keygen -Y verify` — sign, attach, verify good, then flip a byte and see it refused.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pilot_desktop_api::dto::{
    AttachedSignatureDto, ChainStateDto, PlanChoiceDto, ReportCheckDto, SignRequestDto,
    SignWithDto, SignatureProblemDto, StartRunDto,
};
use pilot_desktop_api::{Desktop, DesktopConfig, ErrorKind, FilePurpose, SigningPlaces};
use pilot_engine::{DataPaths, SystemClock};

use crate::openssh::{AgentProcess, Key, allowed_signers, keygen, openssh_accepts, openssh_sign};

/// An app over a temp data folder, a demo run started in it, and its report saved.
struct Signing {
    app: Desktop,
    run_id: String,
    report: PathBuf,
    dir: tempfile::TempDir,
}

impl Signing {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = DesktopConfig {
            data: DataPaths::new(dir.path().join("data")),
            start_repo: None,
            app_version: "0.0.0-test".into(),
        };
        let app = Desktop::open(config, Arc::new(SystemClock)).expect("the store opens");
        let demo = app.create_demo().expect("the demo is created");
        let run = app
            .start_run(StartRunDto {
                repo: demo.path.clone(),
                plan: PlanChoiceDto::File(demo.plan.clone()),
                version: None,
                environment: None,
                operator: Some("Grace Hopper <grace@example.com>".into()),
                dry_run: false,
                vars: Default::default(),
            })
            .expect("the run starts");
        let exported = dir.path().join("exported");
        std::fs::create_dir_all(&exported).expect("export folder");
        let report = exported.join("release-report.md");
        // As the shell does when the Save as… dialog returns.
        app.grant_report_destination(&report).expect("a file in an existing folder");
        app.save_report(&run.id, &s(&report)).expect("the report is saved");
        Self { app, run_id: run.id, report, dir }
    }

    fn key(&self, name: &str, kind: &str, passphrase: &str) -> Key {
        let keys = self.dir.path().join("keys");
        std::fs::create_dir_all(&keys).expect("keys folder");
        keygen(&keys, name, kind, passphrase)
    }

    /// Attach `sig`, chosen first as the shell's dialog would.
    fn attach(&self, sig: &Path) -> Result<AttachedSignatureDto, pilot_desktop_api::ApiError> {
        self.app.grant_file(sig, FilePurpose::Signature);
        self.app.attach_signature(&self.run_id, &s(sig))
    }

    /// Verify the saved report against `allowed`, chosen first as the shell's dialog would.
    fn verify(&self, allowed: &Path) -> Result<ReportCheckDto, pilot_desktop_api::ApiError> {
        self.app.grant_file(allowed, FilePurpose::AllowedSigners);
        self.app.verify_report(&s(&self.report), &s(allowed))
    }

    fn sign_with_file(
        &self,
        key: &Key,
        role: Option<&str>,
    ) -> Result<PathBuf, pilot_desktop_api::ApiError> {
        self.app.grant_file(&key.private, FilePurpose::SigningKey);
        let request = SignRequestDto {
            report: s(&self.report),
            with: SignWithDto::KeyFile(s(&key.private)),
            role: role.map(str::to_string),
        };
        let signed = self.app.sign_report(&self.run_id, &request, &SigningPlaces::default())?;
        Ok(PathBuf::from(signed.signature_path))
    }
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn a_report_signed_here_and_one_signed_elsewhere_both_verify_until_a_byte_changes() {
    let t = Signing::new();
    let ana = t.key("ana", "ed25519", "");
    let bo = t.key("bo", "rsa", "");
    let allowed = t.dir.path().join("allowed_signers");
    allowed_signers(&allowed, &[("ana@example.com", "", &ana), ("bo@example.com", "", &bo)]);

    // Ana signs on this workstation with her key file, for the QA role.
    let sig = t.sign_with_file(&ana, Some("qa_lead")).expect("signed with a key file");
    assert_eq!(sig, PathBuf::from(format!("{}.sig", t.report.display())), "REPORT.sig beside it");
    assert!(
        openssh_accepts(&allowed, "ana@example.com", &sig, &t.report),
        "stock ssh-keygen accepts the signature the app wrote"
    );
    let again = t.sign_with_file(&ana, Some("qa_lead")).expect("signing twice works");
    assert_eq!(again, sig, "and writes the same file");

    // Bo signed a copy on his own workstation with ssh-keygen; the app attaches his file.
    let elsewhere = t.dir.path().join("bo");
    std::fs::create_dir_all(&elsewhere).expect("bo's folder");
    let copy = elsewhere.join("report.md");
    std::fs::copy(&t.report, &copy).expect("bo has a copy");
    let bo_sig = openssh_sign(&bo, "release-pilot", &copy);
    let attached = t.attach(&bo_sig).expect("attached");
    assert_eq!(attached.algorithm, "ssh-rsa", "the RSA key is named: {attached:?}");
    assert!(attached.fingerprint.starts_with("SHA256:"), "with its fingerprint");
    let twice = t.attach(&bo_sig).expect("attached again");
    assert_eq!(twice.seq, attached.seq, "attaching the same signature again adds nothing");

    let check = t.verify(&allowed).expect("verified");
    assert!(check.good, "both signatures are good: {check:#?}");
    assert_eq!(check.content_intact, Some(true), "the content matches its digest");
    assert_eq!(check.chain, ChainStateDto::Matches, "the store's log leads to the chain head");
    assert!(check.chain_head.as_deref().is_some_and(|h| h.starts_with("event #")), "head shown");
    assert_eq!(check.run_id.as_deref(), Some(t.run_id.as_str()), "the run the seal names");
    assert_eq!(
        check.signatures.len(),
        2,
        "REPORT.sig and Bo's attached one, each once: {check:#?}"
    );
    let ana_check = check
        .signatures
        .iter()
        .find(|c| c.principals == ["ana@example.com"])
        .expect("Ana's signature is named by the allowed-signers file");
    assert_eq!(ana_check.role.as_deref(), Some("qa_lead"), "with the role she signed for");
    assert!(
        ana_check.command.contains("ssh-keygen -Y verify -f ")
            && ana_check.command.contains("-I ana@example.com -n release-pilot -s "),
        "the command a reader runs: {}",
        ana_check.command
    );
    // The command shown works with stock tools alone, and fails once the report changes.
    let stock = |command: &str| {
        std::process::Command::new("sh").arg("-c").arg(command).output().expect("sh runs")
    };
    let out = stock(&ana_check.command);
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Good"),
        "the shown command verifies: {} {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let command_before = ana_check.command.clone();
    let bo_check =
        check.signatures.iter().find(|c| c.principals == ["bo@example.com"]).expect("Bo's");
    assert!(bo_check.source.starts_with("attached #"), "Bo's comes from the run: {bo_check:?}");
    assert_eq!(bo_check.file, None, "his file is not beside the report, so the command says so");
    assert!(bo_check.command.contains("SIGNATURE.sig"), "a placeholder: {}", bo_check.command);

    // One byte of the report changes: the digest and both signatures say so.
    let mut bytes = std::fs::read(&t.report).expect("report");
    let at = bytes.iter().position(|&b| b == b'1').expect("a digit to flip");
    bytes[at] = b'2';
    std::fs::write(&t.report, &bytes).expect("tampered");
    let check = t.verify(&allowed).expect("checked");
    assert!(!check.good, "a changed report is not verified");
    assert!(!stock(&command_before).status.success(), "nor by the stock command");
    assert_eq!(check.content_intact, Some(false), "its content no longer matches the digest");
    assert!(
        check
            .signatures
            .iter()
            .all(|c| !c.good && c.problem == Some(SignatureProblemDto::Mismatch)),
        "every signature is refused as not matching: {:#?}",
        check.signatures
    );
    assert!(check.summary.contains("changed"), "the summary says why: {}", check.summary);
    assert!(
        !openssh_accepts(&allowed, "ana@example.com", &sig, &t.report),
        "and ssh-keygen refuses it too"
    );
}

#[test]
fn unknown_and_expired_signers_are_named_as_such() {
    let t = Signing::new();
    let ana = t.key("ana", "ed25519", "");
    let stranger = t.key("stranger", "ed25519", "");
    t.sign_with_file(&ana, None).expect("signed");
    let allowed = t.dir.path().join("allowed_signers");
    allowed_signers(&allowed, &[("ana@example.com", "valid-before=\"20200101\"", &ana)]);
    let check = t.verify(&allowed).expect("checked");
    let c = &check.signatures[0];
    assert_eq!(c.problem, Some(SignatureProblemDto::Expired), "an expired key: {c:?}");
    assert!(c.why.as_deref().is_some_and(|w| w.contains("2020-01-01")), "says since when: {c:?}");
    assert!(!check.good, "and the report is not verified");

    allowed_signers(&allowed, &[("someone@example.com", "", &stranger)]);
    let check = t.verify(&allowed).expect("checked");
    let c = &check.signatures[0];
    assert_eq!(c.problem, Some(SignatureProblemDto::UnknownSigner), "nobody allowed it: {c:?}");
    assert!(c.principals.is_empty(), "and no one is named");
    assert!(c.command.contains("-I PRINCIPAL"), "the command leaves the principal to fill in");
}

#[test]
fn signatures_that_cannot_be_attached_or_made_say_what_to_do() {
    let t = Signing::new();
    let ana = t.key("ana", "ed25519", "");

    // Made for another namespace (plain `ssh-keygen -Y sign -n file`).
    let other = t.dir.path().join("other.md");
    std::fs::copy(&t.report, &other).expect("copy");
    let wrong_ns = openssh_sign(&ana, "file", &other);
    let e = t.attach(&wrong_ns).expect_err("wrong namespace");
    assert_eq!(e.kind, ErrorKind::Signature, "a signature problem: {e:?}");
    assert!(e.message.contains("release-pilot"), "names the namespace to use: {}", e.message);

    // Made over another version of the report.
    let stale = t.dir.path().join("stale.md");
    std::fs::write(&stale, "# Release 0.0.0\n").expect("another report");
    let stale_sig = openssh_sign(&ana, "release-pilot", &stale);
    let e = t.attach(&stale_sig).expect_err("another version");
    assert!(e.message.contains("Save as"), "says to save, sign and attach again: {}", e.message);

    // A passphrase-protected key file: the app points to the agent.
    let locked = t.key("locked", "ed25519", "correct horse");
    let e = t.sign_with_file(&locked, None).expect_err("needs its passphrase");
    assert_eq!(e.kind, ErrorKind::Signature, "kind: {e:?}");
    assert!(e.message.contains("ssh-agent") && e.message.contains("ssh-add"), "{}", e.message);

    // A role the plan does not have, and a file that is not this run's report.
    let e = t.sign_with_file(&ana, Some("janitor")).expect_err("no such role");
    assert_eq!(e.kind, ErrorKind::Refused, "kind: {e:?}");
    assert!(e.message.contains("qa_lead"), "lists the plan's roles: {}", e.message);
    t.app.grant_report_destination(&stale).expect("saved over, as far as the app knows");
    let request = SignRequestDto {
        report: s(&stale),
        with: SignWithDto::KeyFile(s(&ana.private)),
        role: None,
    };
    let e = t.app.sign_report(&t.run_id, &request, &SigningPlaces::default()).expect_err("not");
    assert!(e.message.contains("not a Release Pilot report"), "{}", e.message);
    let e = t.attach(&t.dir.path().join("nope.sig")).expect_err("gone");
    assert_eq!(e.kind, ErrorKind::Io, "a missing file is an I/O error: {e:?}");

    // Without an agent, signing through it says how to start one.
    let request = SignRequestDto {
        report: s(&t.report),
        with: SignWithDto::Agent(ana.public_line.clone()),
        role: None,
    };
    let e =
        t.app.sign_report(&t.run_id, &request, &SigningPlaces::default()).expect_err("no agent");
    assert!(e.message.contains("ssh-agent"), "{}", e.message);
}

#[test]
fn the_setup_lists_key_files_and_the_agent_and_the_agent_signs() {
    let t = Signing::new();
    let ssh = t.dir.path().join("ssh");
    std::fs::create_dir_all(&ssh).expect("a ~/.ssh of its own");
    let ed = keygen(&ssh, "id_ed25519", "ed25519", "");
    keygen(&ssh, "id_locked", "ed25519", "correct horse");
    keygen(&ssh, "id_ecdsa", "ecdsa", "");
    std::fs::write(ssh.join("known_hosts"), "example.com ssh-ed25519 AAAA\n").expect("not a key");
    let agent = AgentProcess::start(t.dir.path());
    agent.add(&ed);
    let places = SigningPlaces { ssh_dir: Some(ssh.clone()), agent: Some(agent.socket.clone()) };

    let setup = t.app.signing_setup(&places);
    let names: Vec<&str> =
        setup.keys.iter().map(|k| k.path.rsplit('/').next().unwrap_or("")).collect();
    assert_eq!(names, ["id_ed25519", "id_ecdsa", "id_locked"], "usable keys first: {setup:#?}");
    assert!(setup.keys[0].unusable.is_none(), "the plain ed25519 key can sign");
    let locked = &setup.keys[2];
    assert!(locked.encrypted, "the passphrase is seen without asking for it");
    assert!(locked.unusable.as_deref().is_some_and(|u| u.contains("ssh-agent")), "{locked:?}");
    assert!(
        setup.keys[1].unusable.as_deref().is_some_and(|u| u.contains("ed25519 or RSA")),
        "ecdsa"
    );
    assert_eq!(setup.agent.problem, None, "the agent is reachable: {:?}", setup.agent);
    assert_eq!(setup.agent.identities.len(), 1, "it holds one key");
    let identity = &setup.agent.identities[0];
    assert_eq!(identity.public_key, ed.public_line, "named by its public key");
    assert_eq!(identity.fingerprint, setup.keys[0].fingerprint, "same key, same fingerprint");

    let request = SignRequestDto {
        report: s(&t.report),
        with: SignWithDto::Agent(identity.public_key.clone()),
        role: Some("tech_lead".into()),
    };
    let signed = t.app.sign_report(&t.run_id, &request, &places).expect("the agent signs");
    assert_eq!(signed.attached.role.as_deref(), Some("tech_lead"), "for the role chosen");
    let allowed = t.dir.path().join("allowed_signers");
    allowed_signers(&allowed, &[("ed@example.com", "namespaces=\"release-pilot\"", &ed)]);
    assert!(
        openssh_accepts(&allowed, "ed@example.com", Path::new(&signed.signature_path), &t.report),
        "ssh-keygen accepts what the agent signed"
    );
    let check = t.verify(&allowed).expect("checked");
    assert!(check.good, "verified: {check:#?}");

    let nowhere = SigningPlaces { ssh_dir: Some(ssh.join("missing")), agent: None };
    let setup = t.app.signing_setup(&nowhere);
    assert!(setup.keys.is_empty(), "a missing folder lists nothing, without an error");
    assert!(
        setup.agent.problem.as_deref().is_some_and(|p| p.contains("SSH_AUTH_SOCK")),
        "and says why there is no agent: {:?}",
        setup.agent
    );
}

#[test]
fn signing_refuses_a_report_key_signature_or_signers_file_nobody_chose() {
    let t = Signing::new();
    let ana = t.key("ana", "ed25519", "");
    let refused = |e: pilot_desktop_api::ApiError, path: &Path, what_to_do: &str| {
        assert_eq!(e.kind, ErrorKind::NotChosen, "refused as not chosen: {e:?}");
        assert!(e.message.contains(&s(path)), "names {}: {}", path.display(), e.message);
        assert!(e.message.contains(what_to_do), "says to use {what_to_do}: {}", e.message);
    };

    // A key file nobody chose (and not in the ~/.ssh the app lists).
    let request = SignRequestDto {
        report: s(&t.report),
        with: SignWithDto::KeyFile(s(&ana.private)),
        role: None,
    };
    let e = t.app.sign_report(&t.run_id, &request, &SigningPlaces::default()).expect_err("key");
    refused(e, &ana.private, "Browse…");
    // A copy of the report the user never saved with Save as… (so no REPORT.sig beside it).
    let copy = t.dir.path().join("copy.md");
    std::fs::copy(&t.report, &copy).expect("copy");
    t.app.grant_file(&ana.private, FilePurpose::SigningKey);
    let request = SignRequestDto { report: s(&copy), ..request };
    let e = t.app.sign_report(&t.run_id, &request, &SigningPlaces::default()).expect_err("copy");
    refused(e, &copy, "Save as…");
    assert!(!t.dir.path().join("copy.md.sig").exists(), "nothing was written beside it");

    let sig = openssh_sign(&ana, "release-pilot", &copy);
    let e = t.app.attach_signature(&t.run_id, &s(&sig)).expect_err("signature");
    refused(e, &sig, "Browse…");
    let allowed = t.dir.path().join("allowed_signers");
    allowed_signers(&allowed, &[("ana@example.com", "", &ana)]);
    let e = t.app.verify_report(&s(&t.report), &s(&allowed)).expect_err("allowed_signers");
    refused(e, &allowed, "Browse…");
    let e = t.app.verify_report(&s(&copy), &s(&allowed)).expect_err("an unsaved report");
    refused(e, &copy, "Save as…");
    // A signature chosen as such is not an allowed_signers file: a grant is for its purpose.
    t.app.grant_file(&sig, FilePurpose::Signature);
    let e = t.app.verify_report(&s(&t.report), &s(&sig)).expect_err("wrong purpose");
    refused(e, &sig, "allowed_signers");

    // Once chosen, each works; a key listed from the app's ~/.ssh needs no dialog.
    t.app.attach_signature(&t.run_id, &s(&sig)).expect("the chosen signature is attached");
    t.verify(&allowed).expect("the chosen allowed_signers file is read");
    let ssh = t.dir.path().join("ssh");
    std::fs::create_dir_all(&ssh).expect("a ~/.ssh of its own");
    let listed = keygen(&ssh, "id_ed25519", "ed25519", "");
    let places = SigningPlaces { ssh_dir: Some(ssh), agent: None };
    let request = SignRequestDto {
        report: s(&t.report),
        with: SignWithDto::KeyFile(s(&listed.private)),
        role: None,
    };
    t.app.sign_report(&t.run_id, &request, &places).expect("a key from the listed ~/.ssh signs");
}
