//! Signed reports through the commands, as the UI calls them: sign a saved report with a key
//! file made by `ssh-keygen`, verify it against an allowed_signers file, attach a signature
//! file, and the error JSON (`{kind: "signature", message}`) for a key the app cannot use.

use std::path::Path;
use std::process::Command;

use pilot_desktop_api::FilePurpose;
use serde_json::{Value, json};

use crate::common::TestApp;

/// `ssh-keygen -t ed25519` in `dir`, with a passphrase when not empty; returns the private key.
fn keygen(dir: &Path, name: &str, passphrase: &str) -> std::path::PathBuf {
    let key = dir.join(name);
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen runs (openssh-client is installed)");
    assert!(out.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&out.stderr));
    key
}

/// A demo run with its report saved; returns the run id and the report's path.
fn saved_report(app: &TestApp) -> (String, String) {
    let repo = app.demo();
    let run = app.start_demo_run(&repo);
    let id = run["id"].as_str().expect("run id").to_string();
    let report = app.data.path().join("release-report.md");
    app.desktop().grant_report_destination(&report).expect("chosen in the Save as… dialog");
    let report = report.display().to_string();
    app.invoke("save_report", json!({ "runId": id, "path": report })).expect("saved");
    (id, report)
}

#[test]
fn a_saved_report_is_signed_attached_and_verified_through_the_commands() {
    let app = TestApp::new();
    let (id, report) = saved_report(&app);
    let key = keygen(app.data.path(), "ana", "");
    app.desktop().grant_file(&key, FilePurpose::SigningKey);

    let setup = app.invoke("signing_setup", Value::Null).expect("signing_setup answers");
    assert!(setup["keys"].is_array(), "the key files are listed: {setup}");
    assert!(setup["agent"].is_object(), "the agent is described (even when absent): {setup}");

    let signed = app
        .invoke(
            "sign_report",
            json!({ "runId": id, "request": {
                "report": report,
                "with": { "type": "keyFile", "value": key.display().to_string() },
                "role": "qa_lead",
            }}),
        )
        .expect("sign_report works");
    let sig = format!("{report}.sig");
    assert_eq!(signed["signaturePath"], sig, "REPORT.sig beside the report: {signed}");
    assert_eq!(signed["attached"]["role"], "qa_lead", "attached with its role: {signed}");
    assert_eq!(signed["attached"]["seq"], 1, "the run's first signature");

    let public = std::fs::read_to_string(format!("{}.pub", key.display())).expect("public key");
    let allowed = app.data.path().join("allowed_signers");
    std::fs::write(&allowed, format!("ana@example.com {public}")).expect("allowed_signers");
    app.desktop().grant_file(&allowed, FilePurpose::AllowedSigners);
    let check = app
        .invoke(
            "verify_report",
            json!({ "report": report, "allowedSigners": allowed.display().to_string() }),
        )
        .expect("verify_report works");
    assert_eq!(check["good"], true, "the signature is good: {check}");
    assert_eq!(check["contentIntact"], true, "the content matches its digest");
    assert_eq!(check["chain"], "matches", "the run's log leads to the chain head");
    let first = &check["signatures"][0];
    assert_eq!(first["principals"], json!(["ana@example.com"]), "the signer: {first}");
    assert_eq!(first["problem"], Value::Null, "no problem");
    // The command shown checks it with stock tools alone.
    let command = first["command"].as_str().expect("a command");
    let out = std::process::Command::new("sh").arg("-c").arg(command).output().expect("sh runs");
    assert!(
        command.contains("ssh-keygen -Y verify") && out.status.success(),
        "the command to check it alone works: {first} {}",
        String::from_utf8_lossy(&out.stderr)
    );

    app.desktop().grant_file(Path::new(&sig), FilePurpose::Signature);
    let attached = app
        .invoke("attach_signature", json!({ "runId": id, "path": sig }))
        .expect("attaching the file written adds nothing new");
    assert_eq!(attached["seq"], 1, "the same signature, once: {attached}");
}

#[test]
fn keys_and_files_the_app_cannot_use_answer_kind_and_message() {
    let app = TestApp::new();
    let (id, report) = saved_report(&app);
    let locked = keygen(app.data.path(), "locked", "correct horse");
    app.desktop().grant_file(&locked, FilePurpose::SigningKey);
    let error = app
        .invoke(
            "sign_report",
            json!({ "runId": id, "request": {
                "report": report,
                "with": { "type": "keyFile", "value": locked.display().to_string() },
                "role": null,
            }}),
        )
        .expect_err("a passphrase-protected key file cannot sign here");
    assert_eq!(error.as_object().map(|o| o.len()), Some(2), "kind and message only: {error}");
    assert_eq!(error["kind"], "signature", "a signing problem: {error}");
    assert!(
        error["message"].as_str().is_some_and(|m| m.contains("ssh-agent")),
        "says to use the agent: {error}"
    );

    let not_sig = app.data.path().join("notes.sig");
    std::fs::write(&not_sig, "hello").expect("a file that is not a signature");
    app.desktop().grant_file(&not_sig, FilePurpose::Signature);
    let error = app
        .invoke("attach_signature", json!({ "runId": id, "path": not_sig.display().to_string() }))
        .expect_err("not a signature");
    assert_eq!(error["kind"], "signature", "{error}");

    let none = app.data.path().join("none");
    app.desktop().grant_file(&none, FilePurpose::AllowedSigners);
    let error = app
        .invoke(
            "verify_report",
            json!({ "report": report, "allowedSigners": none.display().to_string() }),
        )
        .expect_err("no allowed_signers file");
    assert_eq!(error["kind"], "io", "a missing file is an I/O error: {error}");
}
