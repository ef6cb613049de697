//! Requests and approvals through the repository (issue 16): a real bare repository as the
//! team's remote and real `git clone`s as workstations. The tech lead publishes a request; two
//! approvers fetch it, read the report, and push their signed approvals at the same moment —
//! both arrive, none overwrites the other; with the remote unreachable nothing is lost and the
//! push succeeds once it answers again.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Utc;
use pilot_engine::signature::exchange::{
    ExchangeError, approvals, fetch, push, record_approval, record_request, requests,
};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").current_dir(dir).args(args).output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A bare remote with one commit, and `n` clones of it.
fn team(dir: &Path, n: usize) -> (PathBuf, Vec<PathBuf>) {
    let remote = dir.join("remote.git");
    git(dir, &["init", "-q", "--bare", "remote.git"]);
    let seed = dir.join("seed");
    git(dir, &["clone", "-q", "remote.git", "seed"]);
    std::fs::write(seed.join("VERSION"), "1.0.0\n").expect("file");
    git(&seed, &["add", "VERSION"]);
    git(&seed, &["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "one"]);
    git(&seed, &["push", "-q", "origin", "HEAD"]);
    let clones = (0..n)
        .map(|i| {
            let name = format!("ws{i}");
            git(dir, &["clone", "-q", "remote.git", &name]);
            dir.join(name)
        })
        .collect();
    (remote, clones)
}

#[test]
fn a_request_goes_out_and_two_approvals_pushed_at_once_both_come_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (remote, ws) = team(dir.path(), 3);
    let (lead, qa, ops) = (&ws[0], &ws[1], &ws[2]);
    let now = Utc::now();

    let request =
        record_request(lead, "r-1", "run: r-1\n", "# Report of r-1\n", now).expect("recorded");
    push(lead, "origin", &[request]).expect("pushed");

    // Each approver fetches, finds the request and reads the report.
    for approver in [qa, ops] {
        fetch(approver, "origin").expect("fetched");
        let open = requests(approver).expect("listed");
        assert_eq!(open.len(), 1, "one open request");
        assert_eq!(open[0].run_id, "r-1");
        assert_eq!(open[0].report, "# Report of r-1\n", "the report as the lead rendered it");
    }

    // Both push at the same moment.
    let qa_ref = record_approval(qa, "r-1", "signed by qa\n", now).expect("recorded");
    let ops_ref = record_approval(ops, "r-1", "signed by ops\n", now).expect("recorded");
    assert_ne!(qa_ref, ops_ref, "each approval has a ref of its own");
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| push(qa, "origin", std::slice::from_ref(&qa_ref)));
        let b = s.spawn(|| push(ops, "origin", std::slice::from_ref(&ops_ref)));
        (a.join().expect("qa's push"), b.join().expect("ops's push"))
    });
    a.expect("qa's approval arrives");
    b.expect("ops's approval arrives");

    fetch(lead, "origin").expect("fetched");
    let mut got = approvals(lead, "r-1").expect("listed");
    got.sort();
    assert_eq!(got, ["signed by ops\n", "signed by qa\n"], "both approvals reached the lead");

    // A ref the remote holds is never overwritten: the same ref with other content is refused.
    let repo = git2::Repository::open(ops).expect("open");
    let commit = repo.find_reference(&ops_ref).expect("ref").peel_to_commit().expect("commit");
    let tree = commit.tree().expect("tree");
    let sig = git2::Signature::now("x", "x@example.com").expect("sig");
    repo.commit(Some("refs/heads/tmp"), &sig, &sig, "other", &tree, &[]).expect("commit");
    let other = repo.find_reference("refs/heads/tmp").expect("tmp").target().expect("oid");
    repo.reference(&ops_ref, other, true, "rewrite locally").expect("local rewrite");
    let err = push(ops, "origin", std::slice::from_ref(&ops_ref)).expect_err("not a fast-forward");
    assert!(
        matches!(err, ExchangeError::Refused { .. } | ExchangeError::Unreachable { .. }),
        "refused, never forced: {err}"
    );
    let remote_repo = git2::Repository::open_bare(&remote).expect("remote");
    assert_eq!(
        remote_repo.find_reference(&ops_ref).expect("still there").target(),
        Some(commit.id()),
        "the remote keeps the approval it had"
    );
}

#[test]
fn with_the_remote_unreachable_nothing_is_lost_and_the_push_is_retried() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (remote, ws) = team(dir.path(), 1);
    let moved = dir.path().join("away.git");
    let approval = record_approval(&ws[0], "r-2", "signed\n", Utc::now()).expect("recorded");

    std::fs::rename(&remote, &moved).expect("the remote goes away");
    let err = push(&ws[0], "origin", std::slice::from_ref(&approval)).expect_err("unreachable");
    assert!(matches!(err, ExchangeError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("nothing was lost"), "says what happened to it: {err}");
    assert_eq!(approvals(&ws[0], "r-2").expect("listed"), ["signed\n"], "kept here");

    std::fs::rename(&moved, &remote).expect("the remote is back");
    push(&ws[0], "origin", std::slice::from_ref(&approval)).expect("the retry arrives");
    let remote_repo = git2::Repository::open_bare(&remote).expect("remote");
    assert!(remote_repo.find_reference(&approval).is_ok(), "the remote has it");

    let err = push(&ws[0], "upstream", &[approval]).expect_err("no such remote");
    assert!(matches!(err, ExchangeError::NoRemote { .. }), "{err}");
    assert!(matches!(
        record_approval(&ws[0], "../x", "s", Utc::now()),
        Err(ExchangeError::BadRunId(_))
    ));
}
