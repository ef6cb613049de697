//! Signed approvals from the desktop, on both sides. The operator's: "Request sign-off"
//! (publish the run's request and push it) and "Check for approvals" (fetch, verify, record;
//! the sign-off screen polls it while open). The approver's: the open requests of a repository
//! they chose, each with its report, and "Sign and send" — their decision signed with their own
//! key (a key file they chose or one the ssh-agent holds) and pushed back, never forced.

use std::path::Path;

use chrono::Utc;
use pilot_engine::run::{collect_approvals, publish_request, push_request};
use pilot_engine::signature::exchange::{self, ExchangeError};
use pilot_engine::signature::{
    Agent, Approval, PublicKey, SignatureError, SignedApproval, Signer, SignoffRequest,
};
use ssh_key::HashAlg;

use crate::dto::{
    ApprovalFileDto, ApprovalSentDto, CollectedDto, DecisionDto, OpenRequestDto, OpenRequestsDto,
    RequestedDto, RequestedRoleDto, SignWithDto,
};
use crate::{ApiError, Desktop, ErrorKind, FilePurpose, SigningPlaces, markdown_to_html};

fn exchange_error(e: ExchangeError) -> ApiError {
    ApiError::new(ErrorKind::Refused, e.to_string())
}

impl Desktop {
    /// Publish the sign-off request of a run waiting at its sign-off, and push it to the
    /// plan's remote. A push that fails is said, not an error: the request is recorded and
    /// "Request sign-off" again pushes it.
    pub fn request_signoff(&self, run_id: &str) -> Result<RequestedDto, ApiError> {
        let published = publish_request(&self.store, self.clock.as_ref(), run_id)?;
        let run = self.store.load_run(run_id)?;
        let pushed = push_request(&run, &published).map_err(|e| e.to_string());
        Ok(RequestedDto::new((&run).into(), &published, pushed))
    }

    /// Fetch the run's approvals from its remote, verify each, record those that count.
    pub fn collect_approvals(&self, run_id: &str) -> Result<CollectedDto, ApiError> {
        let (fetch, received) = collect_approvals(&self.store, self.clock.as_ref(), run_id)?;
        Ok(CollectedDto {
            run: (&self.store.load_run(run_id)?).into(),
            fetch_error: fetch.map(|e| e.to_string()),
            received: received.iter().map(Into::into).collect(),
        })
    }

    /// The open sign-off requests of a repository the user chose, fetched from `remote` first.
    pub fn open_requests(&self, repo: &str, remote: &str) -> Result<OpenRequestsDto, ApiError> {
        self.grants.repository(repo)?;
        let path = Path::new(repo);
        let fetch_error = exchange::fetch(path, remote).err().map(|e| e.to_string());
        let mut requests = Vec::new();
        let mut unreadable = Vec::new();
        for r in exchange::requests(path).map_err(exchange_error)? {
            match r.read() {
                Ok(req) => requests.push(open_request(&req, &r.report)),
                Err(e) => unreadable.push(format!("run {}: {e}", r.run_id)),
            }
        }
        Ok(OpenRequestsDto { repo: repo.to_string(), fetch_error, requests, unreadable })
    }

    /// Sign the approver's decision on the request of `run_id` in `repo` and push it.
    #[allow(clippy::too_many_arguments)]
    pub fn approve_request(
        &self,
        repo: &str,
        remote: &str,
        run_id: &str,
        role: &str,
        decision: DecisionDto,
        comment: &str,
        with: &SignWithDto,
        places: &SigningPlaces,
    ) -> Result<ApprovalSentDto, ApiError> {
        self.grants.repository(repo)?;
        if let SignWithDto::KeyFile(key) = with {
            self.grants.file(key, FilePurpose::SigningKey, places.ssh_dir.as_deref())?;
        }
        let refused = |message: String| ApiError::new(ErrorKind::Refused, message);
        let path = Path::new(repo);
        let found = exchange::requests(path)
            .map_err(exchange_error)?
            .into_iter()
            .find(|r| r.run_id == run_id)
            .ok_or_else(|| {
                refused(format!(
                    "there is no open request for run {run_id} in {repo} any more: refresh the \
                     list"
                ))
            })?;
        let request = found.read().map_err(refused)?;
        let (text, fingerprint) = sign_decision(&request, role, decision, comment, with, places)?;
        let (refname, pushed) = exchange::send_approval(path, remote, run_id, &text, Utc::now())
            .map_err(exchange_error)?;
        let (pushed_to, push_error) = match pushed {
            Ok(()) => (Some(remote.to_string()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        Ok(ApprovalSentDto {
            run_id: run_id.to_string(),
            role: role.to_string(),
            decision,
            fingerprint,
            refname,
            pushed_to,
            push_error,
        })
    }
}

/// What the approver's screen shows of a request.
fn open_request(req: &SignoffRequest, report: &str) -> OpenRequestDto {
    OpenRequestDto {
        run_id: req.run_id.clone(),
        plan: req.plan_name.clone(),
        version: req.version.clone(),
        environment: req.environment.clone(),
        operator: req.operator.clone(),
        commit: req.commit.clone(),
        roles: req
            .roles
            .iter()
            .map(|r| RequestedRoleDto { id: r.id.clone(), title: r.title.clone() })
            .collect(),
        requested_at: crate::dto::time(req.at),
        report_html: markdown_to_html(report),
        report_sha256: req.report_sha256.clone(),
    }
}

/// The approver's decision on `request`, signed with their key: the approval file's text and
/// the key's fingerprint.
fn sign_decision(
    request: &SignoffRequest,
    role: &str,
    decision: DecisionDto,
    comment: &str,
    with: &SignWithDto,
    places: &SigningPlaces,
) -> Result<(String, String), ApiError> {
    let refused = |message: String| ApiError::new(ErrorKind::Refused, message);
    let run_id = &request.run_id;
    if request.role_title(role).is_none() {
        return Err(refused(format!("run {run_id} does not ask for the role {role:?}")));
    }
    let decided = pilot_engine::signoff::Decision::from(decision);
    if decided != pilot_engine::signoff::Decision::Approve && comment.trim().is_empty() {
        return Err(refused(format!(
            "a {decided} needs a comment saying why, so the operator knows what to fix"
        )));
    }
    let approval = Approval::from_request(request, role, decided, comment, Utc::now());
    let signed = match with {
        SignWithDto::KeyFile(key) => SignedApproval::sign(
            approval,
            Signer::KeyFile { key: Path::new(key), passphrase: None },
        )?,
        SignWithDto::Agent(public_key) => {
            let wanted = PublicKey::from_openssh(public_key.trim()).map_err(|e| {
                ApiError::new(
                    ErrorKind::Signature,
                    format!(
                        "the agent key to sign with is not an OpenSSH public key ({e}): choose \
                         it again from the agent's list"
                    ),
                )
            })?;
            let address = places.agent.as_deref().ok_or(SignatureError::NoAgent)?;
            let mut agent = Agent::connect(address)?;
            SignedApproval::sign(approval, Signer::Agent { agent: &mut agent, key: Some(&wanted) })?
        }
    };
    let fingerprint = signed.key().fingerprint(HashAlg::Sha256).to_string();
    Ok((signed.to_text()?, fingerprint))
}

/// A file the webview names, read whole when it is small enough to be what it says.
fn read_small(path: &str, what: &str, limit: u64) -> Result<String, ApiError> {
    let io = |e: std::io::Error| {
        ApiError::new(ErrorKind::Io, format!("could not read {what} {path}: {e}"))
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > limit {
        return Err(ApiError::new(
            ErrorKind::Refused,
            format!(
                "{path} is {size} bytes: too large to be {what}; choose the file you were sent"
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    String::from_utf8(bytes).map_err(|_| {
        ApiError::new(ErrorKind::Refused, format!("{path} is not text, so it is not {what}"))
    })
}

/// An approval file is a few kilobytes (an RSA-16384 signature and a statement).
const APPROVAL_LIMIT: u64 = 64 * 1024;
/// A request file holds a report: generous, but bounded.
const REQUEST_LIMIT: u64 = 64 * 1024 * 1024;

impl Desktop {
    /// Write the run's published request, with its report, as one file where the user chose in
    /// the save dialog (for approvers without the shared remote).
    pub fn export_request(&self, run_id: &str, path: &str) -> Result<String, ApiError> {
        self.grants.save_destination(path).map_err(|_| {
            ApiError::new(
                ErrorKind::NotChosen,
                format!(
                    "the request may be written only to the file you chose in its Save dialog, \
                     and {path} is not that file: click “Export the request as a file…” again"
                ),
            )
        })?;
        let run = self.store.load_run(run_id)?;
        let request = pilot_engine::run::published_request(&run).ok_or_else(|| {
            ApiError::new(
                ErrorKind::Refused,
                "this run has published no sign-off request yet: press “Request sign-off” first"
                    .to_string(),
            )
        })?;
        let repo = Path::new(&run.header.repo_path);
        let report = exchange::requests(repo)
            .map_err(exchange_error)?
            .into_iter()
            .find(|r| r.run_id == run_id)
            .map(|r| r.report)
            .filter(|report| SignoffRequest::check_report(&request, report).is_ok())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorKind::Refused,
                    "the report published with the request is no longer in the repository: \
                     press “Request again”, then export"
                        .to_string(),
                )
            })?;
        pilot_engine::write::write_file_atomically(
            Path::new(path),
            request.bundle(&report).as_bytes(),
        )
        .map_err(|e| {
            ApiError::new(
                ErrorKind::Io,
                format!("could not write {path}: {e}. Choose another folder"),
            )
        })?;
        Ok(path.to_string())
    }

    /// Receive an approval file an approver sent (chosen in the open dialog).
    pub fn import_approval(&self, run_id: &str, path: &str) -> Result<CollectedDto, ApiError> {
        self.grants.file(path, FilePurpose::Approval, None)?;
        let text = read_small(path, "an approval file", APPROVAL_LIMIT)?;
        let received = pilot_engine::run::receive_approvals(
            &self.store,
            self.clock.as_ref(),
            run_id,
            &[text],
        )?;
        Ok(CollectedDto {
            run: (&self.store.load_run(run_id)?).into(),
            fetch_error: None,
            received: received.iter().map(Into::into).collect(),
        })
    }

    /// A request file the tech lead sent (chosen in the open dialog), as the approver reads it.
    pub fn open_request_file(&self, path: &str) -> Result<OpenRequestDto, ApiError> {
        self.grants.file(path, FilePurpose::SignoffRequest, None)?;
        let text = read_small(path, "a sign-off request file", REQUEST_LIMIT)?;
        let (request, report) = SignoffRequest::unbundle(&text)
            .map_err(|e| ApiError::new(ErrorKind::Refused, format!("{path}: {e}")))?;
        Ok(open_request(&request, &report))
    }

    /// Sign the decision on the request file `request_path` and write it to `destination`
    /// (chosen in the save dialog), to send back to the tech lead.
    #[allow(clippy::too_many_arguments)]
    pub fn sign_request_file(
        &self,
        request_path: &str,
        role: &str,
        decision: DecisionDto,
        comment: &str,
        with: &SignWithDto,
        destination: &str,
        places: &SigningPlaces,
    ) -> Result<ApprovalFileDto, ApiError> {
        self.grants.file(request_path, FilePurpose::SignoffRequest, None)?;
        if let SignWithDto::KeyFile(key) = with {
            self.grants.file(key, FilePurpose::SigningKey, places.ssh_dir.as_deref())?;
        }
        self.grants.save_destination(destination).map_err(|_| {
            ApiError::new(
                ErrorKind::NotChosen,
                format!(
                    "the approval may be written only to the file you chose in its Save dialog, \
                     and {destination} is not that file: click “Sign and save as a file…” again"
                ),
            )
        })?;
        let text = read_small(request_path, "a sign-off request file", REQUEST_LIMIT)?;
        let (request, _) = SignoffRequest::unbundle(&text)
            .map_err(|e| ApiError::new(ErrorKind::Refused, format!("{request_path}: {e}")))?;
        let (signed, fingerprint) = sign_decision(&request, role, decision, comment, with, places)?;
        pilot_engine::write::write_file_atomically(Path::new(destination), signed.as_bytes())
            .map_err(|e| {
                ApiError::new(
                    ErrorKind::Io,
                    format!("could not write {destination}: {e}. Choose another folder"),
                )
            })?;
        Ok(ApprovalFileDto {
            run_id: request.run_id.clone(),
            role: role.to_string(),
            decision,
            fingerprint,
            path: destination.to_string(),
            operator: request.operator.clone(),
        })
    }
}
