//! Signed approvals on the operator's side (issue 16): publishing the sign-off request of a
//! run that waits at its sign-off, and receiving approvals — from the repository's remote or
//! as files — each verified against the plan's `allowed_signers` (read from the commit being
//! released) and against the request the run last published, then recorded like any
//! sign-off, its signature kept in the sealed record so an auditor can check it again.
//!
//! An approval that cannot count is never recorded: it is returned with why (and logged once
//! as `approval.refused`), so the screen and the CLI can say what to do.

use std::path::Path;

use super::signoff_answer::{check, commit, step_for};
use super::{NewEvent, Run, RunError};
use crate::Clock;
use crate::plan::SignoffRule;
use crate::record::{Fact, StepRecord};
use crate::report::report;
use crate::signature::exchange::{self, ExchangeError};
use crate::signature::{
    AllowedSigners, ApprovalProblem, SignoffRequest, VerifiedApproval, verify_approval,
};
use crate::signoff::{REQUEST_FACT, SignedBy, Signoff, role_rules, signoffs_in};
use crate::store::RunStore;

/// What became of one approval brought to a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// Verified and recorded.
    Recorded(Signoff),
    /// The same signed file was recorded before.
    AlreadyRecorded(Signoff),
    /// Not recorded, with why (in words that say what to do).
    Refused { role: Option<String>, signer: Option<String>, why: String },
}

/// A run's published request, as its sign-off step keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub request: SignoffRequest,
    /// The report published with it (rendered from the run at that moment).
    pub report: String,
    /// The refs written in the repository (empty when only exported).
    pub refs: Vec<String>,
}

/// The plan's signed-approval rule, or why the run takes none.
fn rule(run: &Run) -> Result<&SignoffRule, RunError> {
    run.header.plan.plan.signoff.as_ref().ok_or_else(|| {
        refused(
            "",
            "this plan takes typed sign-offs only: add a [plan.signoff] table (see \
             docs/plan-format.md, \"Signed approvals\") to ask approvers to sign with their keys"
                .into(),
        )
    })
}

/// A role asked for, as (id, title).
type AskedRole = (String, String);

/// The sign-off step the run waits at (the first sign-off step not yet decided), and the roles
/// it asks for.
fn waiting_signoff(run: &Run) -> Result<(&StepRecord, Vec<AskedRole>), RunError> {
    let plan = &run.header.plan;
    for (_, step) in plan.steps() {
        let Some(asked) = step.action.signoff_roles() else { continue };
        let Some(rec) = run.steps.iter().find(|r| r.step_id == step.id) else { continue };
        if rec.status.is_done() {
            continue;
        }
        let roles = plan
            .plan
            .roles
            .iter()
            .filter(|r| asked.is_empty() || asked.contains(&r.id))
            .map(|r| (r.id.clone(), r.title.clone()))
            .collect();
        return Ok((rec, roles));
    }
    Err(refused("", "no sign-off of this run is waiting for a decision".into()))
}

/// Publish the sign-off request of `run_id`: the report as it reads now and the fields an
/// approval must repeat, kept in the sign-off step's evidence (a later request supersedes it:
/// approvals made over an earlier one and not yet received are then refused as made over other
/// evidence; those already recorded stay) and written as refs in the run's repository.
/// Pushing them is [`push_request`].
pub fn publish_request(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
) -> Result<Published, RunError> {
    let _lock = store.lock_run(run_id, clock.now())?;
    let run = store.load_run(run_id)?;
    rule(&run)?;
    if run.header.dry_run {
        return Err(refused("", "no one signs off a dry run: it performs nothing".into()));
    }
    let (rec, roles) = waiting_signoff(&run)?;
    let rendered = report(&run);
    let request = SignoffRequest::for_run(&run, &rendered, &roles, clock.now());
    // Every request stays in the record (an approval recorded earlier is checked again, by
    // `pilot verify`, against the request it answered); approvals arriving from now on must
    // answer this one.
    let mut rec = rec.clone();
    rec.evidence.facts.push(Fact { label: REQUEST_FACT.into(), value: request.to_text() });
    let titles: Vec<&str> = roles.iter().map(|(_, t)| t.as_str()).collect();
    store.update_step(
        run_id,
        &rec,
        NewEvent {
            at: clock.now(),
            kind: "signoff.requested".into(),
            step_id: Some(rec.step_id.clone()),
            message: format!(
                "Sign-off requested from {} (report SHA-256 {})",
                titles.join(", "),
                request.report_sha256
            ),
        },
    )?;
    let refs = match exchange::record_request(
        Path::new(&run.header.repo_path),
        run_id,
        &request.to_text(),
        &rendered,
        clock.now(),
    ) {
        Ok(r) => vec![r],
        Err(e) => return Err(exchange_error(e)),
    };
    Ok(Published { request, report: rendered, refs })
}

/// Push the published request to the plan's remote.
pub fn push_request(run: &Run, published: &Published) -> Result<String, ExchangeError> {
    let remote = run.header.plan.plan.signoff.as_ref().map_or("origin", |r| r.remote.as_str());
    exchange::push(Path::new(&run.header.repo_path), remote, &published.refs)?;
    Ok(remote.to_string())
}

/// The request the run last published, if any.
pub fn published_request(run: &Run) -> Option<SignoffRequest> {
    SignoffRequest::all_in(run).pop()
}

/// The plan's `allowed_signers`, read from the commit the run releases (so that who may sign
/// is what was reviewed and committed, not a file anyone can edit on the operator's disk).
pub fn allowed_signers_of(run: &Run) -> Result<AllowedSigners, RunError> {
    let rule = rule(run)?;
    let path = rule.allowed_signers.trim_start_matches("./");
    let commit = run.header.facts.head.as_ref().map(|c| c.id.clone()).ok_or_else(|| {
        refused("", "the run recorded no commit, so it has no allowed_signers to read".into())
    })?;
    let short = &commit[..commit.len().min(10)];
    let not_there = |detail: String| {
        refused(
            "",
            format!(
                "the plan's allowed_signers file {path} could not be read from the commit \
                 {short} being released ({detail}): add it to the repository (one line per \
                 approver: e-mail, namespaces=\"release-pilot\", public key), commit it and \
                 start a new run"
            ),
        )
    };
    let repo = git2::Repository::open(&run.header.repo_path)
        .map_err(|e| not_there(e.message().to_string()))?;
    let oid = git2::Oid::from_str(&commit).map_err(|e| not_there(e.message().to_string()))?;
    let tree = repo
        .find_commit(oid)
        .and_then(|c| c.tree())
        .map_err(|e| not_there(e.message().to_string()))?;
    let entry = tree.get_path(Path::new(path)).map_err(|_| not_there("it is not there".into()))?;
    let blob = repo.find_blob(entry.id()).map_err(|e| not_there(e.message().to_string()))?;
    let text = String::from_utf8_lossy(blob.content()).into_owned();
    Ok(AllowedSigners::parse(&text, Path::new(&format!("{short}:{path}"))))
}

/// Fetch the approvals of `run_id` from the plan's remote and receive them. A remote that does
/// not answer is returned as the first value (nothing is lost: what was fetched before is
/// still received).
pub fn collect_approvals(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
) -> Result<(Option<ExchangeError>, Vec<Received>), RunError> {
    let run = store.load_run(run_id)?;
    let rule = rule(&run)?;
    let repo = Path::new(&run.header.repo_path);
    let fetched = exchange::fetch(repo, &rule.remote).err();
    let files = exchange::approvals(repo, run_id).map_err(exchange_error)?;
    Ok((fetched, receive_approvals(store, clock, run_id, &files)?))
}

/// Verify each approval file and record those that count.
pub fn receive_approvals(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
    files: &[String],
) -> Result<Vec<Received>, RunError> {
    let _lock = store.lock_run(run_id, clock.now())?;
    let mut run = store.load_run(run_id)?;
    let allowed = allowed_signers_of(&run)?;
    let request = published_request(&run).ok_or_else(|| {
        refused(
            "",
            "this run has published no sign-off request yet, so no approval can answer one: \
             request sign-off first (`pilot request RUN`, or \"Request sign-off\")"
                .into(),
        )
    })?;
    let mut out = Vec::new();
    for file in files {
        let file = file.replace("\r\n", "\n");
        let recorded = signoffs_in(&run.header.plan, &run.steps)
            .into_iter()
            .find(|s| s.signed.as_ref().is_some_and(|b| b.file == file));
        if let Some(s) = recorded {
            out.push(Received::AlreadyRecorded(s));
            continue;
        }
        let received = match verify_approval(&file, &allowed, &request, clock.now()) {
            Err(problem) => refusal_of(&file, &problem, &request),
            Ok(good) => record(store, &run, good, &file)?,
        };
        if let Received::Refused { why, .. } = &received {
            let message = format!("Approval refused: {why}");
            if !run.events.iter().any(|e| e.message == message) {
                store.append_event(
                    run_id,
                    NewEvent {
                        at: clock.now(),
                        kind: "approval.refused".into(),
                        step_id: None,
                        message,
                    },
                )?;
            }
        }
        out.push(received);
        run = store.load_run(run_id)?;
    }
    Ok(out)
}

/// Record one verified approval, or say why it does not count.
fn record(
    store: &RunStore,
    run: &Run,
    good: VerifiedApproval,
    file: &str,
) -> Result<Received, RunError> {
    let a = &good.approval;
    let signoff = Signoff {
        role: a.role.clone(),
        name: good.principals.join(", "),
        decision: a.decision,
        comment: a.comment.trim().to_string(),
        at: a.at,
        signed: Some(SignedBy {
            fingerprint: good.fingerprint.clone(),
            principals: good.principals.clone(),
            file: file.to_string(),
        }),
    };
    let refuse = |why: String| Received::Refused {
        role: Some(a.role.clone()),
        signer: Some(format!("{} ({})", good.principals.join(", "), good.fingerprint)),
        why,
    };
    let rec = match step_for(run, &run.steps, &a.role) {
        Ok(rec) => rec,
        Err(RunError::Refused { message, .. }) => return Ok(refuse(message)),
        Err(e) => return Err(e),
    };
    match check(run, rec, &signoff) {
        Ok(()) => {}
        Err(RunError::Refused { message, .. }) => return Ok(refuse(message)),
        Err(e) => return Err(e),
    }
    commit(store, run, rec, &signoff)?;
    Ok(Received::Recorded(signoff))
}

fn refusal_of(file: &str, problem: &ApprovalProblem, request: &SignoffRequest) -> Received {
    let parsed = crate::signature::SignedApproval::parse(file).ok();
    let role = parsed.as_ref().map(|p| p.approval.role.clone());
    let signer = parsed.as_ref().map(|p| p.key().fingerprint(ssh_key::HashAlg::Sha256).to_string());
    let what_to_do = match problem {
        ApprovalProblem::UnknownSigner | ApprovalProblem::NamespaceNotAllowed(_) => {
            " — add the approver's key to the plan's allowed_signers file (with \
             namespaces=\"release-pilot\"), commit it, and start a new run"
        }
        ApprovalProblem::Differs(d) if d.field.starts_with("evidence") => {
            " — it was made over another version of the report: the approver must decide again \
             on the request published now"
        }
        ApprovalProblem::Differs(_) => " — it answers another run or release",
        ApprovalProblem::NotValidNow(..) | ApprovalProblem::Revoked => {
            " — the approver needs a key that is valid now"
        }
        _ => "",
    };
    Received::Refused {
        role,
        signer,
        why: format!("approval for run {}: {problem}{what_to_do}", request.run_id),
    }
}

fn exchange_error(e: ExchangeError) -> RunError {
    refused("", e.to_string())
}

fn refused(step_id: &str, message: String) -> RunError {
    RunError::Refused { step_id: step_id.to_string(), message }
}

/// Who may sign for each role (for screens that say it before anyone signs): the role's
/// title and its principal patterns (empty: anyone in `allowed_signers`).
pub fn signers_by_role(run: &Run) -> Vec<(String, Vec<String>)> {
    role_rules(&run.header.plan, &run.header.plan_source, &run.header.environment)
        .into_iter()
        .map(|r| (r.title, r.signers.unwrap_or_default()))
        .collect()
}
