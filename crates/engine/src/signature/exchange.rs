//! Sign-off requests and signed approvals exchanged through the repository itself (issue 16),
//! so that approvers on other workstations need no server: git refs of Release Pilot's own,
//! pushed to and fetched from the repository's remote with libgit2.
//!
//! - `refs/release-pilot/requests/<run>`: a commit whose tree holds `request.txt` (the run's
//!   statement fields, as an unsigned approval template) and `report.md` (the report as
//!   rendered when the sign-off was requested), for approvers to read.
//! - `refs/release-pilot/approvals/<run>/<approval>`: one ref per signed approval, holding
//!   `approval.sig`; `<approval>` is derived from the signed file's bytes, so two approvers
//!   never write the same ref and no push ever needs `--force`.
//!
//! The refspecs, for teams that mirror or inspect them by hand:
//! `git fetch origin 'refs/release-pilot/*:refs/release-pilot/*'` and
//! `git push origin 'refs/release-pilot/approvals/<run>/*:refs/release-pilot/approvals/<run>/*'`.
//! Refs are never forced either way: an approval, once pushed, is never overwritten.

use std::path::Path;

use chrono::{DateTime, Utc};
use git2::{Repository, Signature, Time};

use crate::report::sha256_hex;

/// Where requests and approvals live.
pub const REQUESTS_PREFIX: &str = "refs/release-pilot/requests/";
pub const APPROVALS_PREFIX: &str = "refs/release-pilot/approvals/";
/// The fetch refspec: everything of Release Pilot's, never forced.
pub const FETCH_REFSPEC: &str = "refs/release-pilot/*:refs/release-pilot/*";

/// Why an exchange failed, with what to do.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("could not open the repository {path}: {detail}")]
    Open { path: String, detail: String },
    #[error(
        "the repository has no remote named {remote:?}: add the team's shared repository \
         (git remote add {remote} URL), or export the request as a file instead"
    )]
    NoRemote { remote: String },
    #[error(
        "could not reach the remote {remote:?} ({detail}); nothing was lost: what was recorded \
         here stays, and the exchange can be tried again when the remote answers"
    )]
    Unreachable { remote: String, detail: String },
    #[error("the remote {remote:?} refused {refname}: {detail}")]
    Refused { remote: String, refname: String, detail: String },
    #[error("{0:?} cannot be a run id here (letters, digits, '-' and '_' only)")]
    BadRunId(String),
    #[error("git: {0}")]
    Git(String),
}

impl From<git2::Error> for ExchangeError {
    fn from(e: git2::Error) -> Self {
        Self::Git(e.message().to_string())
    }
}

/// A sign-off request as read from its ref.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub run_id: String,
    pub request: String,
    pub report: String,
}

impl Request {
    /// The request's statement, checked against the report published with it.
    pub fn read(&self) -> Result<super::SignoffRequest, String> {
        let request = super::SignoffRequest::parse(&self.request)?;
        super::SignoffRequest::check_report(&request, &self.report)?;
        Ok(request)
    }
}

fn check_run_id(run_id: &str) -> Result<(), ExchangeError> {
    let ok = !run_id.is_empty()
        && run_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok { Ok(()) } else { Err(ExchangeError::BadRunId(run_id.to_string())) }
}

fn open(path: &Path) -> Result<Repository, ExchangeError> {
    Repository::open(path).map_err(|e| ExchangeError::Open {
        path: path.display().to_string(),
        detail: e.message().to_string(),
    })
}

fn signature(at: DateTime<Utc>) -> Result<Signature<'static>, ExchangeError> {
    Ok(Signature::new("Release Pilot", "release-pilot@localhost", &Time::new(at.timestamp(), 0))?)
}

/// Write `files` as the tree of a new commit on `refname` (the ref's current commit, if any,
/// is its parent).
fn commit_files(
    repo: &Repository,
    refname: &str,
    files: &[(&str, &[u8])],
    message: &str,
    at: DateTime<Utc>,
) -> Result<(), ExchangeError> {
    let mut tree = repo.treebuilder(None)?;
    for (name, bytes) in files {
        let blob = repo.blob(bytes)?;
        tree.insert(name, blob, 0o100644)?;
    }
    let tree = repo.find_tree(tree.write()?)?;
    let parent = repo.find_reference(refname).ok().and_then(|r| r.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let who = signature(at)?;
    repo.commit(Some(refname), &who, &who, message, &tree, &parents)?;
    Ok(())
}

fn read_file(repo: &Repository, refname: &str, name: &str) -> Result<Vec<u8>, ExchangeError> {
    let tree = repo.find_reference(refname)?.peel_to_tree()?;
    let entry = tree
        .get_name(name)
        .ok_or_else(|| ExchangeError::Git(format!("{refname} holds no {name}")))?;
    Ok(repo.find_blob(entry.id())?.content().to_vec())
}

/// Record the sign-off request of `run_id` in the repository (not pushed yet).
pub fn record_request(
    repo_path: &Path,
    run_id: &str,
    request: &str,
    report: &str,
    at: DateTime<Utc>,
) -> Result<String, ExchangeError> {
    check_run_id(run_id)?;
    let repo = open(repo_path)?;
    let refname = format!("{REQUESTS_PREFIX}{run_id}");
    let files: [(&str, &[u8]); 2] =
        [("request.txt", request.as_bytes()), ("report.md", report.as_bytes())];
    commit_files(&repo, &refname, &files, &format!("Sign-off requested for run {run_id}"), at)?;
    Ok(refname)
}

/// Record a signed approval for `run_id` (not pushed yet); returns its ref.
pub fn record_approval(
    repo_path: &Path,
    run_id: &str,
    signed: &str,
    at: DateTime<Utc>,
) -> Result<String, ExchangeError> {
    check_run_id(run_id)?;
    let repo = open(repo_path)?;
    let id = &sha256_hex(signed.as_bytes())[..16];
    let refname = format!("{APPROVALS_PREFIX}{run_id}/{id}");
    if repo.find_reference(&refname).is_err() {
        let files: [(&str, &[u8]); 1] = [("approval.sig", signed.as_bytes())];
        commit_files(&repo, &refname, &files, &format!("Approval for run {run_id}"), at)?;
    }
    Ok(refname)
}

/// The open requests in the repository (as last fetched), by run id.
pub fn requests(repo_path: &Path) -> Result<Vec<Request>, ExchangeError> {
    let repo = open(repo_path)?;
    let mut out = Vec::new();
    for reference in repo.references_glob(&format!("{REQUESTS_PREFIX}*"))? {
        let reference = reference?;
        let Ok(name) = reference.name() else { continue };
        let run_id = name.trim_start_matches(REQUESTS_PREFIX).to_string();
        let text =
            |file| read_file(&repo, name, file).map(|b| String::from_utf8_lossy(&b).into_owned());
        out.push(Request { run_id, request: text("request.txt")?, report: text("report.md")? });
    }
    out.sort_by(|a, b| a.run_id.cmp(&b.run_id));
    Ok(out)
}

/// The signed approval files recorded for `run_id` (as last fetched), in ref order.
pub fn approvals(repo_path: &Path, run_id: &str) -> Result<Vec<String>, ExchangeError> {
    check_run_id(run_id)?;
    let repo = open(repo_path)?;
    let mut out = Vec::new();
    for reference in repo.references_glob(&format!("{APPROVALS_PREFIX}{run_id}/*"))? {
        let reference = reference?;
        let Ok(name) = reference.name() else { continue };
        out.push(String::from_utf8_lossy(&read_file(&repo, name, "approval.sig")?).into_owned());
    }
    Ok(out)
}

/// The refs of the approvals recorded here for `run_id` (pushed or not): pushing them all sends
/// what an earlier push could not, and is a no-op for those the remote holds.
pub fn approval_refs(repo_path: &Path, run_id: &str) -> Result<Vec<String>, ExchangeError> {
    check_run_id(run_id)?;
    let repo = open(repo_path)?;
    let mut out = Vec::new();
    for reference in repo.references_glob(&format!("{APPROVALS_PREFIX}{run_id}/*"))? {
        if let Ok(name) = reference?.name() {
            out.push(name.to_string());
        }
    }
    out.sort();
    Ok(out)
}

/// Record a signed approval for `run_id` and push it, with every approval kept here for the
/// run (one an earlier push could not send goes too). The ref is returned either way: when the
/// push fails, the approval stays recorded and the next send pushes it.
pub fn send_approval(
    repo_path: &Path,
    remote: &str,
    run_id: &str,
    signed: &str,
    at: DateTime<Utc>,
) -> Result<(String, Result<(), ExchangeError>), ExchangeError> {
    let refname = record_approval(repo_path, run_id, signed, at)?;
    let pending = approval_refs(repo_path, run_id)?;
    Ok((refname, push(repo_path, remote, &pending)))
}

/// Fetch every Release Pilot ref from `remote` (never forced).
pub fn fetch(repo_path: &Path, remote: &str) -> Result<(), ExchangeError> {
    let repo = open(repo_path)?;
    let mut r = repo
        .find_remote(remote)
        .map_err(|_| ExchangeError::NoRemote { remote: remote.to_string() })?;
    r.fetch(&[FETCH_REFSPEC], None, None).map_err(|e| ExchangeError::Unreachable {
        remote: remote.to_string(),
        detail: e.message().to_string(),
    })
}

/// Push the refs named (requests or approvals) to `remote`, never forced: a ref the remote
/// already holds with other content is refused, not overwritten.
pub fn push(repo_path: &Path, remote: &str, refnames: &[String]) -> Result<(), ExchangeError> {
    let repo = open(repo_path)?;
    let mut r = repo
        .find_remote(remote)
        .map_err(|_| ExchangeError::NoRemote { remote: remote.to_string() })?;
    let specs: Vec<String> = refnames.iter().map(|n| format!("{n}:{n}")).collect();
    let mut refused: Vec<(String, String)> = Vec::new();
    let mut callbacks = git2::RemoteCallbacks::new();
    callbacks.push_update_reference(|name, status| {
        if let Some(why) = status {
            refused.push((name.to_string(), why.to_string()));
        }
        Ok(())
    });
    let mut options = git2::PushOptions::new();
    options.remote_callbacks(callbacks);
    r.push(&specs, Some(&mut options)).map_err(|e| ExchangeError::Unreachable {
        remote: remote.to_string(),
        detail: e.message().to_string(),
    })?;
    drop(options);
    match refused.into_iter().next() {
        None => Ok(()),
        Some((refname, detail)) => {
            Err(ExchangeError::Refused { remote: remote.to_string(), refname, detail })
        }
    }
}
