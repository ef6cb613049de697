//! `pilot request`, `pilot requests`, `pilot approve` and `pilot approvals`: sign-off requests
//! and signed approvals through the repository's own refs (or files), over the engine's
//! `run::publish_request` / `run::collect_approvals` and `signature::exchange`.

use std::path::{Path, PathBuf};

use chrono::Utc;
use pilot_engine::SystemClock;
use pilot_engine::run::{
    Received, collect_approvals, publish_request, push_request, receive_approvals,
};
use pilot_engine::signature::exchange::{self, Request};
use pilot_engine::signature::{
    Agent, Approval, SignatureError, SignedApproval, Signer, SignoffRequest, agent_address,
    read_public_key,
};
use pilot_engine::signoff::Decision;
use pilot_engine::store::RunStore;

use crate::cli::ApproveArgs;
use crate::failure::{ExitCode, Failure};
use crate::output::write_text;

const PASSPHRASE_ENV: &str = "PILOT_KEY_PASSPHRASE";

fn refused(why: String) -> Failure {
    Failure::Refused { why }
}

/// `pilot request RUN`: publish, push (unless --no-push), export (with --export).
pub fn request(
    store: &RunStore,
    run_id: &str,
    export: Option<&Path>,
    no_push: bool,
) -> Result<ExitCode, Failure> {
    let published = publish_request(store, &SystemClock, run_id)?;
    let run = store.load_run(run_id)?;
    let roles: Vec<&str> = published.request.roles.iter().map(|r| r.title.as_str()).collect();
    eprintln!(
        "Sign-off requested for run {run_id} from: {} (report SHA-256 {}).",
        roles.join(", "),
        published.request.report_sha256
    );
    if let Some(path) = export {
        write_text(Some(path), &published.request.bundle(&published.report))?;
        eprintln!(
            "Request written to {}: send it to each approver; they answer with \
             `pilot approve --request {} --role ROLE --key KEY --export approval.sig`, and you \
             bring the answer in with `pilot approvals {run_id} --import approval.sig`.",
            path.display(),
            path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        );
    }
    if !no_push {
        match push_request(&run, &published) {
            Ok(remote) => eprintln!(
                "Pushed to the remote {remote:?}: approvers see it with `pilot requests` (or the \
                 app's Approvals screen) after a fetch."
            ),
            Err(e) if export.is_some() => eprintln!("Not pushed: {e}"),
            Err(e) => return Err(refused(format!("the request is recorded here but {e}"))),
        }
    }
    Ok(ExitCode::Waiting)
}

/// `pilot requests`: list open requests, or print one's report.
pub fn requests(
    repo: &Path,
    run: Option<&str>,
    remote: &str,
    no_fetch: bool,
) -> Result<ExitCode, Failure> {
    if !no_fetch && let Err(e) = exchange::fetch(repo, remote) {
        eprintln!("Not fetched, showing what was fetched before: {e}");
    }
    let open = exchange::requests(repo).map_err(|e| refused(e.to_string()))?;
    if let Some(run_id) = run {
        let found = find_request(&open, Some(run_id))?;
        print!("{}", found.report);
        return Ok(ExitCode::Go);
    }
    if open.is_empty() {
        println!("No open sign-off requests in {}.", repo.display());
        return Ok(ExitCode::Go);
    }
    for r in &open {
        match r.read() {
            Ok(req) => {
                let roles: Vec<String> =
                    req.roles.iter().map(|r| format!("{} ({})", r.title, r.id)).collect();
                println!(
                    "{}  {} {} to {}, run by {}, asks: {}",
                    req.run_id,
                    req.plan_name,
                    req.version,
                    req.environment,
                    req.operator,
                    roles.join(", ")
                );
            }
            Err(e) => println!("{}  (unreadable request: {e})", r.run_id),
        }
    }
    Ok(ExitCode::Go)
}

fn find_request<'r>(open: &'r [Request], run: Option<&str>) -> Result<&'r Request, Failure> {
    match run {
        Some(id) => open.iter().find(|r| r.run_id == id).ok_or_else(|| {
            refused(format!(
                "no sign-off request for run {id} here (open: {}); fetch again later, or ask \
                 the operator for the request file",
                if open.is_empty() {
                    "none".to_string()
                } else {
                    open.iter().map(|r| r.run_id.as_str()).collect::<Vec<_>>().join(", ")
                }
            ))
        }),
        None => match open {
            [one] => Ok(one),
            [] => Err(refused(
                "there is no open sign-off request in this repository (after a fetch): ask the \
                 operator to request sign-off, or give --request FILE"
                    .into(),
            )),
            many => Err(refused(format!(
                "there are {} open requests ({}): choose one with --run",
                many.len(),
                many.iter().map(|r| r.run_id.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        },
    }
}

/// `pilot approve`: read the request, sign the decision, push it or write it.
pub fn approve(args: &ApproveArgs) -> Result<ExitCode, Failure> {
    let decision = Decision::parse(&args.decision).ok_or_else(|| {
        refused(format!("--decision {:?}: write approve, hold or reject", args.decision))
    })?;
    if decision != Decision::Approve && args.comment.trim().is_empty() {
        return Err(refused(format!(
            "a {decision} needs --comment saying why, so the operator knows what to fix"
        )));
    }
    let repo = &args.repo.repo;
    let (request, _report) = match &args.request {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|source| Failure::Read { path: path.clone(), source })?;
            SignoffRequest::unbundle(&text)
                .map_err(|e| refused(format!("{}: {e}", path.display())))?
        }
        None => {
            if let Err(e) = exchange::fetch(repo, &args.remote) {
                eprintln!("Not fetched, using what was fetched before: {e}");
            }
            let open = exchange::requests(repo).map_err(|e| refused(e.to_string()))?;
            let found = find_request(&open, args.run.as_deref())?;
            let request = found
                .read()
                .map_err(|e| refused(format!("the request of run {}: {e}", found.run_id)))?;
            (request, found.report.clone())
        }
    };
    if request.role_title(&args.role).is_none() {
        let asked: Vec<&str> = request.roles.iter().map(|r| r.id.as_str()).collect();
        return Err(refused(format!(
            "run {} does not ask for the role {:?}; it asks for: {}",
            request.run_id,
            args.role,
            asked.join(", ")
        )));
    }
    let approval =
        Approval::from_request(&request, &args.role, decision, &args.comment, Utc::now());
    let text = if args.agent {
        let address = agent_address(std::env::var("SSH_AUTH_SOCK").ok().as_deref())
            .ok_or(SignatureError::NoAgent)?;
        let mut agent = Agent::connect(&address)?;
        let wanted = args.key.as_deref().map(read_public_key).transpose()?;
        SignedApproval::sign(approval, Signer::Agent { agent: &mut agent, key: wanted.as_ref() })?
    } else {
        let key = args.key.as_deref().ok_or(SignatureError::NoAgent)?;
        let passphrase = std::env::var(PASSPHRASE_ENV).ok();
        SignedApproval::sign(approval, Signer::KeyFile { key, passphrase: passphrase.as_deref() })?
    }
    .to_text()?;
    let title = request.role_title(&args.role).unwrap_or(&args.role).to_string();
    if let Some(path) = &args.export {
        write_text(Some(path), &text)?;
        eprintln!(
            "Your {decision} for {title} of run {} is signed and written to {}: send it to the \
             operator ({}).",
            request.run_id,
            path.display(),
            request.operator
        );
        return Ok(ExitCode::Go);
    }
    let (refname, pushed) =
        exchange::send_approval(repo, &args.remote, &request.run_id, &text, Utc::now())
            .map_err(|e| refused(e.to_string()))?;
    pushed.map_err(|e| {
        refused(format!(
            "your signed {decision} is kept in this repository ({refname}), but {e}; run the \
             same command again to push it (every approval kept here goes with the next push), \
             or send it as a file with --export"
        ))
    })?;
    eprintln!(
        "Your {decision} for {title} of run {} is signed and pushed to {:?}.",
        request.run_id, args.remote
    );
    Ok(ExitCode::Go)
}

/// `pilot approvals RUN`: fetch, import, verify, record; list each.
pub fn approvals(
    store: &RunStore,
    run_id: &str,
    import: &[PathBuf],
    no_fetch: bool,
) -> Result<ExitCode, Failure> {
    let mut received = Vec::new();
    if !no_fetch {
        let (unreachable, got) = collect_approvals(store, &SystemClock, run_id)?;
        if let Some(e) = unreachable {
            eprintln!("Not fetched ({e}); what was fetched before is used.");
        }
        received.extend(got);
    }
    let mut files = Vec::new();
    for path in import {
        files.push(
            std::fs::read_to_string(path)
                .map_err(|source| Failure::Read { path: path.clone(), source })?,
        );
    }
    if !files.is_empty() {
        received.extend(receive_approvals(store, &SystemClock, run_id, &files)?);
    }
    let mut refused_any = false;
    for r in &received {
        match r {
            Received::Recorded(s) => println!(
                "recorded: {} {} for {} ({})",
                s.who(),
                s.decision.past(),
                s.role,
                s.signed.as_ref().map_or("", |b| b.fingerprint.as_str())
            ),
            Received::AlreadyRecorded(s) => {
                println!("already recorded: {} {} for {}", s.who(), s.decision.past(), s.role)
            }
            Received::Refused { why, .. } => {
                refused_any = true;
                println!("refused: {why}");
            }
        }
    }
    if received.is_empty() {
        println!("No approvals for run {run_id} yet.");
    }
    Ok(if refused_any { ExitCode::NoGo } else { ExitCode::Go })
}
