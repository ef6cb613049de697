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

struct Team {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    lead_repo: std::path::PathBuf,
    approver_repo: std::path::PathBuf,
    alan: crate::openssh::Key,
}

/// A bare remote, the tech lead's clone with the plan and allowed signers, the approver's clone.
fn team() -> Team {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let keys = root.join("keys");
    std::fs::create_dir_all(&keys).expect("keys");
    let alan = keygen(&keys, "alan", "ed25519", "");

    git(&root, &["init", "-q", "--bare", "shared.git"]);
    git(&root, &["clone", "-q", "shared.git", "lead"]);
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
    git(&root, &["clone", "-q", "shared.git", "approver"]);
    let approver_repo = root.join("approver");
    Team { _dir: dir, root, lead_repo, approver_repo, alan }
}

/// The tech lead's app with the run started and waiting at its sign-off.
fn lead_run(team: &Team) -> (Desktop, String) {
    let lead = app(&team.root.join("lead-data"));
    let repo = lead.grant_repository(&team.lead_repo);
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
    (lead, run.id)
}

#[test]
fn an_approval_signed_in_the_approvers_app_fills_the_tech_leads_signoff() {
    let team = team();
    let (alan, approver_repo) = (&team.alan, &team.approver_repo);

    // The tech lead's workstation.
    let (lead, run_id) = lead_run(&team);
    let requested = lead.request_signoff(&run_id).expect("requested");
    assert_eq!(requested.pushed_to.as_deref(), Some("origin"), "{:?}", requested.push_error);
    assert!(requested.run.approvals.as_ref().is_some_and(|a| a.request.is_some()));

    // The approver's workstation: only the repository they chose.
    let approver = app(&team.root.join("approver-data"));
    let refused = approver.open_requests(&approver_repo.display().to_string(), "origin");
    assert_eq!(refused.map_err(|e| e.kind), Err(ErrorKind::NotChosen), "not chosen, refused");
    let chosen = approver.grant_repository(approver_repo);
    let open = approver.open_requests(&chosen, "origin").expect("listed");
    assert_eq!(open.fetch_error, None);
    assert_eq!(open.requests.len(), 1, "one open request");
    let request = &open.requests[0];
    assert_eq!(request.run_id, run_id);
    assert!(request.report_html.contains("Signed release"), "the report is readable");
    let key = approver.grant_file(&alan.private, FilePurpose::SigningKey);
    let places = SigningPlaces { ssh_dir: None, agent: None };
    let hold = approver.approve_request(
        &chosen,
        "origin",
        &run_id,
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
            &run_id,
            "qa",
            DecisionDto::Approve,
            "regression suite green",
            &SignWithDto::KeyFile(key),
            &places,
        )
        .expect("signed and sent");
    assert_eq!(sent.pushed_to.as_deref(), Some("origin"), "{:?}", sent.push_error);

    // Back on the tech lead's: the approval arrives, verified, and the role is approved.
    let collected = lead.collect_approvals(&run_id).expect("collected");
    assert_eq!(collected.fetch_error, None);
    assert!(
        matches!(collected.received.as_slice(), [ReceivedDto::Recorded { signoff }] if signoff.signed.is_some()),
        "{:?}",
        collected.received
    );
    let qa = &collected.run.signoff[0];
    assert_eq!(qa.state, RoleStateDto::Approved, "{}", qa.summary);
    assert!(!qa.typed_counts, "production counts only signed approvals");
    let again = lead.collect_approvals(&run_id).expect("collected again");
    assert!(
        matches!(again.received.as_slice(), [ReceivedDto::AlreadyRecorded { .. }]),
        "recorded once: {:?}",
        again.received
    );
}

#[test]
fn a_request_and_an_approval_travel_as_files_where_there_is_no_shared_remote() {
    let team = team();
    let (lead, run_id) = lead_run(&team);
    lead.request_signoff(&run_id).expect("requested");
    let request_file = team.root.join("request.txt");
    let not_chosen = lead.export_request(&run_id, &request_file.display().to_string());
    assert_eq!(not_chosen.map_err(|e| e.kind), Err(ErrorKind::NotChosen), "not chosen, refused");
    let path = lead.grant_save_destination(&request_file).expect("a file in an existing folder");
    lead.export_request(&run_id, &path).expect("exported");

    let approver = app(&team.root.join("approver-data"));
    let refused = approver.open_request_file(&path);
    assert_eq!(refused.map_err(|e| e.kind), Err(ErrorKind::NotChosen));
    let chosen = approver.grant_file(&request_file, FilePurpose::SignoffRequest);
    let open = approver.open_request_file(&chosen).expect("read");
    assert_eq!(open.run_id, run_id);
    assert!(open.report_html.contains("Signed release"));
    let key = approver.grant_file(&team.alan.private, FilePurpose::SigningKey);
    let out = team.root.join("qa.approval");
    let destination = approver.grant_save_destination(&out).expect("destination");
    let places = SigningPlaces { ssh_dir: None, agent: None };
    let written = approver
        .sign_request_file(
            &chosen,
            "qa",
            DecisionDto::Approve,
            "",
            &SignWithDto::KeyFile(key),
            &destination,
            &places,
        )
        .expect("signed into a file");
    assert_eq!(written.path, destination);

    let refused = lead.import_approval(&run_id, &destination);
    assert_eq!(refused.map_err(|e| e.kind), Err(ErrorKind::NotChosen), "not chosen, refused");
    let file = lead.grant_file(&out, FilePurpose::Approval);
    let collected = lead.import_approval(&run_id, &file).expect("imported");
    assert!(
        matches!(collected.received.as_slice(), [ReceivedDto::Recorded { .. }]),
        "{:?}",
        collected.received
    );
    assert_eq!(collected.run.signoff[0].state, RoleStateDto::Approved);
    // A file that is not an approval is named, and nothing is recorded.
    std::fs::write(&out, "hello").expect("overwritten");
    let collected = lead.import_approval(&run_id, &file).expect("read");
    assert!(
        matches!(collected.received.as_slice(), [ReceivedDto::Refused { why, .. }] if why.contains("not a signed approval")),
        "{:?}",
        collected.received
    );
}
