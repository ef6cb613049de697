//! Signed approvals through the desktop boundary, on two workstations (two data folders, two
//! clones of one bare repository, keys from `ssh-keygen`): the tech lead requests sign-off,
//! the approver lists the open request, reads its report and signs; the tech lead's "Check for
//! approvals" records it. Only folders and key files the user chose are used; a repository the
//! approver did not choose is refused.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use pilot_desktop_api::dto::{
    DecisionDto, PlanChoiceDto, ReceivedDto, RoleStateDto, SignWithDto, StartRunDto,
};
use pilot_desktop_api::{Desktop, DesktopConfig, ErrorKind, FilePurpose, SigningPlaces};
use pilot_engine::{DataPaths, SystemClock};

use crate::openssh::keygen;

const PLAN: &str = r#"[plan]
name = "signed"
title = "Signed release"
environment = "production"

[plan.signoff]

[[plan.role]]
id = "qa"
title = "QA"
signers = ["alan@example.com"]

[[phase]]
id = "approval"
title = "Approval"
stage = "signoff"

[[phase.step]]
id = "approvals"
title = "QA approves"
kind = "signoff"
roles = ["qa"]
"#;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Grace Hopper", "-c", "user.email=grace@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn app(dir: &Path) -> Desktop {
    let config = DesktopConfig {
        data: DataPaths::new(dir.to_path_buf()),
        start_repo: None,
        app_version: "0.0.0-test".into(),
    };
    Desktop::open(config, Arc::new(SystemClock)).expect("the store opens")
}

#[test]
fn an_approval_signed_in_the_approvers_app_fills_the_tech_leads_signoff() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let keys = root.join("keys");
    std::fs::create_dir_all(&keys).expect("keys");
    let alan = keygen(&keys, "alan", "ed25519", "");

    git(root, &["init", "-q", "--bare", "shared.git"]);
    git(root, &["clone", "-q", "shared.git", "lead"]);
    let lead_repo = root.join("lead");
    std::fs::write(lead_repo.join("VERSION"), "2.0.0\n").expect("VERSION");
    std::fs::create_dir_all(lead_repo.join(".release-pilot")).expect("folder");
    std::fs::write(
        lead_repo.join(".release-pilot/allowed_signers"),
        format!("alan@example.com namespaces=\"release-pilot\" {}\n", alan.public_line),
    )
    .expect("allowed signers");
    std::fs::write(lead_repo.join(".release-pilot/plan.toml"), PLAN).expect("plan");
    git(&lead_repo, &["add", "."]);
    git(&lead_repo, &["commit", "-q", "-m", "Release 2.0.0"]);
    git(&lead_repo, &["push", "-q", "origin", "HEAD"]);
    git(root, &["clone", "-q", "shared.git", "approver"]);
    let approver_repo = root.join("approver");

    // The tech lead's workstation.
    let lead = app(&root.join("lead-data"));
    let repo = lead.grant_repository(&lead_repo);
    let run = lead
        .start_run(StartRunDto {
            repo: repo.clone(),
            plan: PlanChoiceDto::File(format!("{repo}/.release-pilot/plan.toml")),
            version: None,
            environment: None,
            operator: Some("Grace Hopper <grace@example.com>".into()),
            dry_run: false,
            vars: Default::default(),
        })
        .expect("the run starts");
    let run = lead.drive_run(&run.id, None, false, &|_| {}).expect("driven");
    assert!(run.approvals.as_ref().is_some_and(|a| a.request.is_none()), "nothing requested yet");
    let requested = lead.request_signoff(&run.id).expect("requested");
    assert_eq!(requested.pushed_to.as_deref(), Some("origin"), "{:?}", requested.push_error);
    assert!(requested.run.approvals.as_ref().is_some_and(|a| a.request.is_some()));

    // The approver's workstation: only the repository they chose.
    let approver = app(&root.join("approver-data"));
    let refused = approver.open_requests(&approver_repo.display().to_string(), "origin");
    assert_eq!(refused.map_err(|e| e.kind), Err(ErrorKind::NotChosen), "not chosen, refused");
    let chosen = approver.grant_repository(&approver_repo);
    let open = approver.open_requests(&chosen, "origin").expect("listed");
    assert_eq!(open.fetch_error, None);
    assert_eq!(open.requests.len(), 1, "one open request");
    let request = &open.requests[0];
    assert_eq!(request.run_id, run.id);
    assert!(request.report_html.contains("Signed release"), "the report is readable");
    let key = approver.grant_file(&alan.private, FilePurpose::SigningKey);
    let places = SigningPlaces { ssh_dir: None, agent: None };
    let hold = approver.approve_request(
        &chosen,
        "origin",
        &run.id,
        "qa",
        DecisionDto::Hold,
        "",
        &SignWithDto::KeyFile(key.clone()),
        &places,
    );
    assert_eq!(hold.map_err(|e| e.kind), Err(ErrorKind::Refused), "a hold needs a comment");
    let sent = approver
        .approve_request(
            &chosen,
            "origin",
            &run.id,
            "qa",
            DecisionDto::Approve,
            "regression suite green",
            &SignWithDto::KeyFile(key),
            &places,
        )
        .expect("signed and sent");
    assert_eq!(sent.pushed_to.as_deref(), Some("origin"), "{:?}", sent.push_error);

    // Back on the tech lead's: the approval arrives, verified, and the role is approved.
    let collected = lead.collect_approvals(&run.id).expect("collected");
    assert_eq!(collected.fetch_error, None);
    assert!(
        matches!(collected.received.as_slice(), [ReceivedDto::Recorded { signoff }] if signoff.signed.is_some()),
        "{:?}",
        collected.received
    );
    let qa = &collected.run.signoff[0];
    assert_eq!(qa.state, RoleStateDto::Approved, "{}", qa.summary);
    assert!(!qa.typed_counts, "production counts only signed approvals");
    let again = lead.collect_approvals(&run.id).expect("collected again");
    assert!(
        matches!(again.received.as_slice(), [ReceivedDto::AlreadyRecorded { .. }]),
        "recorded once: {:?}",
        again.received
    );
}
