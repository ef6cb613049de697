//! A report checked as a whole: its seal (the digest of its content, the event-chain head
//! compared with the run store's chain when the run is there) and every signature given or
//! attached to the run. And attaching a signature to a run, after checking it signs the run's
//! report as it stands.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ssh_key::HashAlg;

use super::NAMESPACE;
use super::allowed::AllowedSigners;
use super::approval::{SignedApproval, verify_approval};
use super::request::SignoffRequest;
use super::sign::SignatureFile;
use super::sign::Signed;
use super::statement::Difference;
use super::verify::{SignatureCheck, SignatureProblem, verify_signature};
use crate::Clock;
use crate::record::{NewEvent, Run};
use crate::report::{content_intact, read_seal, report, sha256_hex};
use crate::signoff::signoffs_in;
use crate::store::{AttachedSignature, RunStore, StoreError};

/// How the report's chain head compares with the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum ChainFinding {
    /// The store's chain is whole and passes through the report's head.
    Matches,
    /// The run is not in this store: only the report's own digest was checked.
    RunNotInStore,
    /// The store's chain is broken (lines changed or removed).
    Broken { problems: Vec<String> },
    /// The store's log does not lead to the report's head: an event the report shows was
    /// changed or removed, or the report was made from another log.
    Differs { detail: String },
}

/// One signature's check, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedSignature {
    /// The file it was read from, or "attached #N".
    pub source: String,
    #[serde(flatten)]
    pub check: SignatureCheck,
}

/// Everything `pilot verify` (and the desktop) says about a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportCheck {
    /// The run the report's seal names.
    pub run_id: Option<String>,
    /// Whether the content has the digest its seal states (`None`: the report has no seal).
    pub content_intact: Option<bool>,
    pub chain: ChainFinding,
    pub signatures: Vec<CheckedSignature>,
    /// The file's line endings were changed to CRLF after it was written (with LF endings
    /// again its digest would hold): a Windows checkout or editor converted it.
    pub line_endings_changed: bool,
    /// Every signed approval the run records (when the run is in the store), each checked
    /// again against the allowed signers given and the request it answered.
    pub approvals: Vec<CheckedApproval>,
}

/// One signed approval of the run, checked again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedApproval {
    pub role: String,
    pub principals: Vec<String>,
    pub fingerprint: String,
    pub decision: String,
    /// Why it does not hold, if it does not.
    pub problem: Option<String>,
}

impl ReportCheck {
    /// Good only when the seal holds, the chain matches (or the run is elsewhere), at least one
    /// signature was checked, and every signature is good.
    pub fn is_good(&self) -> bool {
        self.content_intact == Some(true)
            && matches!(self.chain, ChainFinding::Matches | ChainFinding::RunNotInStore)
            && !self.signatures.is_empty()
            && self.signatures.iter().all(|s| s.check.is_good())
            && self.approvals.iter().all(|a| a.problem.is_none())
    }
}

/// Check `report` (the file's bytes), the signature files `given` (source name, text), and —
/// when `store` holds the run its seal names — the store's chain and the signatures attached.
pub fn check_report(
    report_bytes: &[u8],
    allowed: &AllowedSigners,
    given: &[(String, String)],
    store: Option<&RunStore>,
    now: DateTime<Utc>,
) -> Result<ReportCheck, StoreError> {
    let text = String::from_utf8_lossy(report_bytes);
    let seal = read_seal(&text);
    let mut signatures: Vec<CheckedSignature> = given
        .iter()
        .map(|(source, sig)| CheckedSignature {
            source: source.clone(),
            check: verify_signature(report_bytes, sig, allowed, now),
        })
        .collect();
    let mut chain = ChainFinding::RunNotInStore;
    let mut approvals = Vec::new();
    if let (Some(seal), Some(store)) = (&seal, store) {
        match store.verify_chain(&seal.run_id) {
            Ok(found) if found.head.is_none() && found.is_intact() => {}
            Ok(found) if !found.is_intact() => {
                chain = ChainFinding::Broken { problems: found.problems };
            }
            Ok(found) => {
                chain = match &seal.chain_head {
                    None => ChainFinding::Differs {
                        detail: "the report shows no events, but the run's log has some".into(),
                    },
                    Some(head) => match found.hash_at(head.seq) {
                        Some(h) if h == head.hash => {
                            if let Some(past) = store.run_as_of(&seal.run_id, head.seq)? {
                                approvals = check_approvals(&past, allowed);
                            }
                            claims_match(store, &seal.run_id, head.seq, &text)?
                        }
                        Some(_) => ChainFinding::Differs {
                            detail: format!(
                                "the run's log no longer leads to event #{} as the report shows \
                                 it: an event up to it was changed or removed",
                                head.seq
                            ),
                        },
                        None => ChainFinding::Differs {
                            detail: format!(
                                "the report's chain head is event #{}, but the run's log has only \
                                 {} event(s): events were removed",
                                head.seq,
                                found.head.as_ref().map_or(0, |h| h.seq)
                            ),
                        },
                    },
                };
                // A signature given as a file and also attached is checked once.
                let mut seen: Vec<SignatureFile> =
                    given.iter().filter_map(|(_, t)| SignatureFile::parse(t).ok()).collect();
                for a in store.signatures(&seal.run_id)? {
                    if let Ok(f) = SignatureFile::parse(&a.armored) {
                        if seen.iter().any(|g| g.signature == f.signature) {
                            continue;
                        }
                        seen.push(f);
                    }
                    let check = verify_signature(report_bytes, &a.armored, allowed, now);
                    signatures
                        .push(CheckedSignature { source: format!("attached #{}", a.seq), check });
                }
                // A role signed for must be one of the run's plan.
                if let Ok(run) = store.load_run(&seal.run_id) {
                    let roles = plan_roles(&run);
                    for s in &mut signatures {
                        if let Some(role) = s.check.role.clone()
                            && s.check.problem.is_none()
                            && !roles.contains(&role)
                        {
                            s.check.problem =
                                Some(SignatureProblem::UnknownRole { role, roles: roles.clone() });
                        }
                    }
                }
            }
            Err(StoreError::NoSuchRun { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let intact = content_intact(&text);
    let line_endings_changed = intact != Some(true)
        && text.contains("\r\n")
        && content_intact(&text.replace("\r\n", "\n")) == Some(true);
    Ok(ReportCheck {
        run_id: seal.as_ref().map(|s| s.run_id.clone()),
        content_intact: intact,
        chain,
        signatures,
        line_endings_changed,
        approvals,
    })
}

/// Each signed approval of `run` against `allowed` (at the time it was signed, as the report's
/// `ssh-keygen -Overify-time` command checks it) and against the request the run published.
fn check_approvals(run: &Run, allowed: &AllowedSigners) -> Vec<CheckedApproval> {
    // Each approval answered the request it names by its evidence (a run may have requested
    // again since); the latest when none matches, so the difference is named.
    let requests = SignoffRequest::all_in(run);
    let answered = |file: &str| {
        let evidence = SignedApproval::parse(file).ok().map(|a| a.approval.evidence_sha256);
        requests
            .iter()
            .find(|r| evidence.as_deref() == Some(r.report_sha256.as_str()))
            .or(requests.last())
    };
    signoffs_in(&run.header.plan, &run.steps)
        .into_iter()
        .filter_map(|s| {
            let by = s.signed.clone()?;
            let problem = match answered(&by.file) {
                None => Some("the run records no sign-off request for it to answer".to_string()),
                Some(request) => match verify_approval(&by.file, allowed, request, s.at) {
                    Err(p) => Some(p.to_string()),
                    Ok(good) if good.fingerprint != by.fingerprint => Some(format!(
                        "the record says it was signed with {}, the file with {}",
                        by.fingerprint, good.fingerprint
                    )),
                    Ok(good)
                        if good.approval.role != s.role || good.approval.decision != s.decision =>
                    {
                        Some(format!(
                            "the record says {} for {}, the signed statement {} for {}",
                            s.decision, s.role, good.approval.decision, good.approval.role
                        ))
                    }
                    Ok(_) => None,
                },
            };
            Some(CheckedApproval {
                role: s.role.clone(),
                principals: by.principals.clone(),
                fingerprint: by.fingerprint.clone(),
                decision: s.decision.word().to_string(),
                problem,
            })
        })
        .collect()
}

/// The report's claims against the record: the run as its sealed log stood at the report's
/// chain head must render to exactly this report. A report whose digest and chain head are
/// right but whose text says something else (a verdict, a tick, a criterion the record does
/// not show) is refused, though its signatures may be good: the signer signed a false report.
fn claims_match(
    store: &RunStore,
    run_id: &str,
    head_seq: u64,
    text: &str,
) -> Result<ChainFinding, StoreError> {
    let Some(past) = store.run_as_of(run_id, head_seq)? else {
        // Recorded before states were sealed: the chain is all there is to compare.
        return Ok(ChainFinding::Matches);
    };
    if report(&past) == text {
        return Ok(ChainFinding::Matches);
    }
    Ok(ChainFinding::Differs {
        detail: format!(
            "the report's claims differ from the record: run {run_id} as its sealed log stood at \
             event #{head_seq} renders another report (its verdict, a step's status or a \
             criterion was written by hand); export the report again with `pilot report {run_id}`"
        ),
    })
}

/// The role ids of the run's plan.
fn plan_roles(run: &Run) -> Vec<String> {
    run.header.plan.plan.roles.iter().map(|r| r.id.clone()).collect()
}

/// Why a signature could not be attached.
#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0} is not a signature Release Pilot can attach: {1}")]
    Unreadable(String, String),
    #[error(
        "the signature in {source_name} was made for the namespace {found:?}; report signatures use \
         {NAMESPACE:?} (sign with `pilot sign`, or ssh-keygen -Y sign -n {NAMESPACE})"
    )]
    WrongNamespace { source_name: String, found: String },
    #[error(
        "the signature in {source_name} does not match run {run_id}'s report as it stands: it was made \
         over another version of the report (or another file). Export the report again with \
         `pilot report {run_id} -o report.md`, sign that, and attach the new signature"
    )]
    Mismatch { source_name: String, run_id: String },
    #[error(
        "the statement in {source_name} was changed after it was signed (its role, run or report \
         digest is not what the key signed); ask the signer to sign again with `pilot sign`"
    )]
    StatementAltered { source_name: String },
    #[error("the signature in {source_name} is not for run {run_id}: {detail}")]
    OtherRun { source_name: String, run_id: String, detail: String },
    #[error(
        "the role line {role:?} in {source_name} is not covered by its signature; sign again with \
         `pilot sign --role {role}`"
    )]
    UnsignedRole { source_name: String, role: String },
    #[error(
        "the signature in {source_name} is for the role {role:?}, which run {run_id}'s plan does not \
         have (its roles: {roles}); sign again with one of them"
    )]
    UnknownRole { source_name: String, run_id: String, role: String, roles: String },
    #[error(
        "the signature in {source_name} is already attached to run {run_id} as #{seq}{role}: \
         one key signs once for each role"
    )]
    Duplicate { source_name: String, run_id: String, seq: u64, role: String },
}

/// Attach the signature file `text` (read from `source_name`) to a run, after checking that it
/// signs the run's report as it renders now, for a role of its plan, and is not attached yet.
/// `by` is who attaches it.
pub fn attach_signature(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
    source_name: &str,
    text: &str,
    by: &str,
) -> Result<AttachedSignature, AttachError> {
    let name = || source_name.to_string();
    let file =
        SignatureFile::parse(text).map_err(|detail| AttachError::Unreadable(name(), detail))?;
    let sig = &file.signature;
    if sig.namespace() != NAMESPACE {
        return Err(AttachError::WrongNamespace {
            source_name: name(),
            found: sig.namespace().to_string(),
        });
    }
    let run = store.load_run(run_id)?;
    let rendered = report(&run);
    let key = ssh_key::PublicKey::from(sig.public_key().clone());
    if key.verify(NAMESPACE, &file.message(rendered.as_bytes()), sig).is_err() {
        return Err(match file.signed {
            Signed::Statement(_) => AttachError::StatementAltered { source_name: name() },
            _ => AttachError::Mismatch { source_name: name(), run_id: run_id.to_string() },
        });
    }
    match &file.signed {
        Signed::Statement(statement) => match statement.differs_from(rendered.as_bytes()) {
            None => {}
            Some(Difference::Digest) => {
                return Err(AttachError::Mismatch {
                    source_name: name(),
                    run_id: run_id.to_string(),
                });
            }
            Some(Difference::Field(detail)) => {
                return Err(AttachError::OtherRun {
                    source_name: name(),
                    run_id: run_id.to_string(),
                    detail,
                });
            }
        },
        Signed::Report => {}
        Signed::UnsignedRole(role) => {
            return Err(AttachError::UnsignedRole { source_name: name(), role: role.clone() });
        }
    }
    let role = file.role().map(str::to_string);
    let roles = plan_roles(&run);
    if let Some(r) = &role
        && !roles.contains(r)
    {
        return Err(AttachError::UnknownRole {
            source_name: name(),
            run_id: run_id.to_string(),
            role: r.clone(),
            roles: if roles.is_empty() { "none".into() } else { roles.join(", ") },
        });
    }
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    for a in store.signatures(run_id)? {
        let same_signature =
            SignatureFile::parse(&a.armored).is_ok_and(|f| f.signature == file.signature);
        if same_signature || (a.fingerprint == fingerprint && a.role == role) {
            return Err(AttachError::Duplicate {
                source_name: name(),
                run_id: run_id.to_string(),
                seq: a.seq,
                role: a.role.map(|r| format!(" for the role {r}")).unwrap_or_default(),
            });
        }
    }
    let algorithm = key.algorithm().to_string();
    let digest = sha256_hex(rendered.as_bytes());
    let by = if by.trim().is_empty() { fingerprint.clone() } else { by.trim().to_string() };
    let now = clock.now();
    let attached = AttachedSignature {
        seq: 0,
        fingerprint: fingerprint.clone(),
        algorithm: algorithm.clone(),
        role: role.clone(),
        report_digest: digest.clone(),
        armored: text.replace("\r\n", "\n"),
        attached_at: now,
        attached_by: by.clone(),
    };
    let role_note = role.map(|r| format!(" for the role {r}")).unwrap_or_default();
    let event = NewEvent {
        at: now,
        kind: "signature.attached".into(),
        step_id: None,
        message: format!(
            "Signature by {algorithm} key {fingerprint}{role_note} over the report (sha256 {digest}) \
             attached by {by}"
        ),
    };
    Ok(store.attach_signature(run_id, &attached, event)?.0)
}
