//! `pilot request`, `pilot requests`, `pilot approve` and `pilot approvals` without Docker:
//! a bare repository as the team's remote, a second clone and data folder as the approver's
//! workstation, keys from `ssh-keygen` and a real `ssh-agent`. An approval signed through the
//! agent arrives through the remote; one sent by file arrives by import; with the remote
//! unreachable nothing is lost — the approval stays in the approver's repository and the same
//! command pushes it once the remote answers; an approval over an earlier request is refused
//! after the tech lead requests again; and stock `ssh-keygen` accepts what the report lists.

use std::path::{Path, PathBuf};
use std::process::Command;

use pilot_test_openssh::{AgentProcess, keygen};

use crate::common::{Sandbox, git, json, text};

const PLAN: &str = r#"[plan]
name = "signed"
title = "Signed release"
environment = "production"

[plan.signoff]

[[plan.role]]
id = "qa"
title = "QA"
signers = ["alan@example.com"]

[[plan.role]]
id = "operations"
title = "Operations"
signers = ["linus@example.com"]

[[phase]]
id = "approval"
title = "Approval"
stage = "signoff"

[[phase.step]]
id = "approvals"
title = "QA and operations approve"
kind = "signoff"
roles = ["qa", "operations"]
"#;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn approvals_travel_by_remote_agent_and_file_and_survive_an_unreachable_remote() {
    let lead = Sandbox::new();
    let approver = Sandbox::new();
    let root = lead.root.path().to_path_buf();
    let keys = root.join("keys");
    std::fs::create_dir_all(&keys).expect("keys");
    let (alan, linus) = (keygen(&keys, "alan", "ed25519", ""), keygen(&keys, "linus", "rsa", ""));

    git(&root, &["init", "-q", "--bare", "shared.git"]);
    git(&root, &["clone", "-q", "shared.git", "lead"]);
    let repo = root.join("lead");
    std::fs::write(repo.join("VERSION"), "3.1.0\n").expect("VERSION");
    std::fs::create_dir_all(repo.join(".release-pilot")).expect("folder");
    let ns = "namespaces=\"release-pilot\"";
    std::fs::write(
        repo.join(".release-pilot/allowed_signers"),
        format!(
            "alan@example.com {ns} {}\nlinus@example.com {ns} {}\n",
            alan.public_line, linus.public_line
        ),
    )
    .expect("allowed signers");
    std::fs::write(repo.join(".release-pilot/plan.toml"), PLAN).expect("plan");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "Release 3.1.0"]);
    git(&repo, &["push", "-q", "origin", "HEAD"]);
    git(&root, &["clone", "-q", "shared.git", "approver"]);
    let approver_repo = root.join("approver");

    let plan = repo.join(".release-pilot/plan.toml");
    let out = lead.pilot(&[
        "run",
        "--repo",
        s(&repo),
        "--plan",
        s(&plan),
        "--operator",
        "Grace Hopper <grace@example.com>",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(3), "waits for approvals: {}", text(&out.stderr));
    let run_id = json(&out)["run_id"].as_str().expect("id").to_owned();

    // Nothing to approve before the request; then the request, pushed and exported.
    let out = approver.pilot(&["requests", "--repo", s(&approver_repo)]);
    assert!(text(&out.stdout).contains("No open sign-off requests"), "{}", text(&out.stdout));
    let first_request = root.join("request-1.txt");
    let out = lead.pilot(&["request", &run_id, "--export", s(&first_request)]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));

    // QA approves through the ssh-agent, from the approver's clone.
    let agent = AgentProcess::start(&keys);
    agent.add(&alan);
    let pub_key = PathBuf::from(format!("{}.pub", alan.private.display()));
    let out = approver
        .command()
        .env("SSH_AUTH_SOCK", &agent.socket)
        .args(["approve", "--repo", s(&approver_repo), "--role", "qa", "--agent", "--key"])
        .arg(&pub_key)
        .output()
        .expect("pilot runs");
    assert_eq!(out.status.code(), Some(0), "signed through the agent: {}", text(&out.stderr));

    // Operations approves while the remote is unreachable: kept, and pushed on the retry.
    let moved = root.join("shared-away.git");
    std::fs::rename(root.join("shared.git"), &moved).expect("the remote goes away");
    let approve_ops = || {
        approver.pilot(&[
            "approve",
            "--repo",
            s(&approver_repo),
            "--run",
            &run_id,
            "--role",
            "operations",
            "--key",
            s(&linus.private),
        ])
    };
    let out = approve_ops();
    assert_eq!(out.status.code(), Some(2), "not pushed: {}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(said.contains("kept in this repository") && said.contains("again"), "{said}");
    let kept = git(&approver_repo, &["for-each-ref", "refs/release-pilot/approvals/"]);
    assert_eq!(kept.lines().count(), 2, "both approvals are kept locally:\n{kept}");
    std::fs::rename(&moved, root.join("shared.git")).expect("the remote is back");
    let out = approve_ops();
    assert_eq!(out.status.code(), Some(0), "pushed on the retry: {}", text(&out.stderr));

    // The tech lead receives both; QA's is checked, operations' too.
    let out = lead.pilot(&["approvals", &run_id]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let said = text(&out.stdout);
    assert!(said.contains("recorded: alan@example.com approved for qa"), "{said}");
    // Two operations approvals (the first, kept, and the retry) are one key: counted once.
    assert!(said.contains("linus@example.com approved for operations"), "{said}");

    // Requesting again: an approval made over the first request is refused as stale.
    let out = lead.pilot(&["request", &run_id, "--no-push"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stale = root.join("stale.approval");
    let out = approver.pilot(&[
        "approve",
        "--request",
        s(&first_request),
        "--role",
        "qa",
        "--comment",
        "looked again",
        "--key",
        s(&alan.private),
        "--export",
        s(&stale),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = lead.pilot(&["approvals", &run_id, "--no-fetch", "--import", s(&stale)]);
    assert_eq!(out.status.code(), Some(1), "refused: {}", text(&out.stdout));
    assert!(text(&out.stdout).contains("evidence"), "{}", text(&out.stdout));

    // The run goes on to GO; ssh-keygen accepts each approval the report lists.
    let out = lead.pilot(&["resume", &run_id, "--json"]);
    assert_eq!(json(&out)["outcome"], "go", "{}", text(&out.stderr));
    let report = root.join("out").join("report.md");
    std::fs::create_dir_all(report.parent().expect("folder")).expect("folder");
    let out = lead.pilot(&["report", &run_id, "-o", s(&report)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let markdown = std::fs::read_to_string(&report).expect("report");
    let out_dir = report.parent().expect("folder");
    std::fs::write(
        out_dir.join("allowed_signers"),
        git(&repo, &["show", "HEAD:.release-pilot/allowed_signers"]),
    )
    .expect("allowed signers");
    let commands: Vec<&str> =
        markdown.lines().filter(|l| l.starts_with("sed ") && l.contains("approvals-")).collect();
    assert_eq!(commands.len(), 2, "{markdown}");
    for command in commands {
        let out = Command::new("sh")
            .current_dir(out_dir)
            .args(["-c", command])
            .output()
            .expect("sh runs");
        assert!(out.status.success(), "{command}: {}{}", text(&out.stdout), text(&out.stderr));
    }
}
