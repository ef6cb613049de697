//! A signed approval (issue 16): one person's decision for one role of one run, as an SSHSIG
//! (namespace `release-pilot`) made with that person's own key over a small canonical
//! statement — run, plan name and digest, commit, version, environment, role, decision,
//! comment, time, and the SHA-256 of the report as rendered when they decided. The file is the
//! armored block followed by the statement, like a report signature, so stock OpenSSH checks
//! it the same way (`sed '1,/^-----END SSH SIGNATURE-----$/d' f | ssh-keygen -Y verify …`).
//!
//! A statement that does not match the run it is brought to (another run, another commit, the
//! evidence changed since) is refused with the field that differs.

use chrono::{DateTime, SecondsFormat, Utc};
use ssh_key::{HashAlg, PublicKey, SshSig};

use super::agent::Agent;
use super::allowed::{AllowedSigners, Refusal};
use super::request::{SignoffRequest, escape, unescape};
use super::sign::{armored, sign_message_with_agent, sign_message_with_key_file, split_armored};
use super::{NAMESPACE, SignatureError};
use crate::signoff::Decision;

/// The statement's first line.
pub const APPROVAL_HEADER: &str = "Release Pilot approval, version 1";
const NONE: &str = "none";

/// What an approver signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub run_id: String,
    pub plan_name: String,
    /// SHA-256 (hex) of the plan as the run stored it.
    pub plan_sha256: String,
    /// The commit the run releases (`None`: none was recorded).
    pub commit: Option<String>,
    pub version: String,
    pub environment: String,
    pub role: String,
    pub decision: Decision,
    pub comment: String,
    pub at: DateTime<Utc>,
    /// SHA-256 (hex) of the report as rendered when the approver decided.
    pub evidence_sha256: String,
}

/// A field in which an approval and the run differ, with both values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiffers {
    pub field: &'static str,
    pub signed: String,
    pub run: String,
}

impl std::fmt::Display for FieldDiffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "its {} is {:?}, the run's is {:?}", self.field, self.signed, self.run)
    }
}

impl Approval {
    /// The approval of `role` with `decision` for the run `request` asks about; the evidence
    /// is the report published with the request.
    pub fn from_request(
        request: &SignoffRequest,
        role: &str,
        decision: Decision,
        comment: &str,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            run_id: request.run_id.clone(),
            plan_name: request.plan_name.clone(),
            plan_sha256: request.plan_sha256.clone(),
            commit: request.commit.clone(),
            version: request.version.clone(),
            environment: request.environment.clone(),
            role: role.to_string(),
            decision,
            comment: comment.to_string(),
            // Whole seconds: the statement's time is written to the second.
            at: DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at),
            evidence_sha256: request.report_sha256.clone(),
        }
    }

    /// The exact bytes that are signed.
    pub fn to_text(&self) -> String {
        format!(
            "{APPROVAL_HEADER}\nrun: {}\nplan: {} sha256 {}\ncommit: {}\nversion: {}\n\
             environment: {}\nrole: {}\ndecision: {}\ncomment: {}\nat: {}\nevidence-sha256: {}\n",
            self.run_id,
            escape(&self.plan_name),
            self.plan_sha256,
            self.commit.as_deref().unwrap_or(NONE),
            escape(&self.version),
            escape(&self.environment),
            escape(&self.role),
            self.decision.word(),
            escape(&self.comment),
            self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.evidence_sha256,
        )
    }

    /// Read a statement; it must be exactly what `to_text` writes.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut lines = text.lines();
        if lines.next() != Some(APPROVAL_HEADER) {
            return Err("not a Release Pilot approval (its first line is not the header)".into());
        }
        let mut field = |name: &str| -> Result<String, String> {
            lines
                .next()
                .and_then(|l| l.strip_prefix(name))
                .and_then(|v| v.strip_prefix(": "))
                .map(unescape)
                .ok_or_else(|| format!("the approval's {name:?} line is missing or changed"))
        };
        let run_id = field("run")?;
        let plan = field("plan")?;
        let (plan_name, plan_sha256) =
            plan.rsplit_once(" sha256 ").ok_or("the approval's plan line cannot be read")?;
        let commit = Some(field("commit")?).filter(|c| c != NONE);
        let (version, environment, role) =
            (field("version")?, field("environment")?, field("role")?);
        let decision = match field("decision")?.as_str() {
            "approve" => Decision::Approve,
            "reject" => Decision::Reject,
            "hold" => Decision::Hold,
            other => return Err(format!("{other:?} is not a decision (approve, hold, reject)")),
        };
        let comment = field("comment")?;
        let at = DateTime::parse_from_rfc3339(&field("at")?)
            .map_err(|e| format!("the approval's time cannot be read ({e})"))?
            .with_timezone(&Utc);
        let evidence_sha256 = field("evidence-sha256")?;
        let approval = Self {
            run_id,
            plan_name: plan_name.to_string(),
            plan_sha256: plan_sha256.to_string(),
            commit,
            version,
            environment,
            role,
            decision,
            comment,
            at,
            evidence_sha256,
        };
        if approval.to_text() != text {
            return Err("the approval has lines Release Pilot does not write".into());
        }
        Ok(approval)
    }

    /// The first field in which this approval does not match `request`: a statement for
    /// another run, plan, commit, version, environment, or over evidence other than the report
    /// published with the request, is refused with the field that differs.
    pub fn differs_from(&self, request: &SignoffRequest) -> Option<FieldDiffers> {
        let now = Self::from_request(request, &self.role, self.decision, &self.comment, self.at);
        let pairs: [(&'static str, String, String); 7] = [
            ("run", self.run_id.clone(), now.run_id),
            ("plan", self.plan_name.clone(), now.plan_name),
            ("plan digest", self.plan_sha256.clone(), now.plan_sha256),
            ("commit", self.commit.clone().unwrap_or_default(), now.commit.unwrap_or_default()),
            ("version", self.version.clone(), now.version),
            ("environment", self.environment.clone(), now.environment),
            ("evidence (the report's SHA-256)", self.evidence_sha256.clone(), now.evidence_sha256),
        ];
        pairs
            .into_iter()
            .find(|(_, signed, run)| signed != run)
            .map(|(field, signed, run)| FieldDiffers { field, signed, run })
    }
}

/// A signed approval: the signature and what it signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedApproval {
    pub signature: SshSig,
    pub approval: Approval,
}

impl SignedApproval {
    /// The file's text: the armored block, then the statement.
    pub fn to_text(&self) -> Result<String, SignatureError> {
        Ok(armored(&self.signature)? + &self.approval.to_text())
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let (signature, rest) = split_armored(text)?;
        Ok(Self { signature, approval: Approval::parse(&rest)? })
    }

    /// Sign `approval` with a key file (`passphrase` for an encrypted one) or, with `agent`,
    /// the agent's key (`key` the public key choosing it, or its first that can sign).
    pub fn sign(approval: Approval, with: Signer<'_>) -> Result<Self, SignatureError> {
        let message = approval.to_text();
        let signature = match with {
            Signer::KeyFile { key, passphrase } => {
                sign_message_with_key_file(message.as_bytes(), key, passphrase)?
            }
            Signer::Agent { agent, key } => {
                sign_message_with_agent(message.as_bytes(), agent, key)?
            }
        };
        Ok(Self { signature, approval })
    }

    /// The key that signed.
    pub fn key(&self) -> PublicKey {
        PublicKey::from(self.signature.public_key().clone())
    }
}

/// What signs an approval.
#[allow(missing_debug_implementations)] // an agent connection has nothing to show
pub enum Signer<'a> {
    KeyFile { key: &'a std::path::Path, passphrase: Option<&'a str> },
    Agent { agent: &'a mut Agent, key: Option<&'a PublicKey> },
}

/// Why an approval is not good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalProblem {
    #[error("not a signed approval: {0}")]
    Unreadable(String),
    #[error("made for the namespace {0:?}, not {NAMESPACE:?}")]
    WrongNamespace(String),
    #[error("the statement was changed after it was signed")]
    Altered,
    #[error("the key is on the revocation list")]
    Revoked,
    #[error("no line of the allowed-signers file has this key")]
    UnknownSigner,
    #[error("{0} may not sign in the {NAMESPACE:?} namespace")]
    NamespaceNotAllowed(String),
    #[error("the key of {0} is not valid now: {1}")]
    NotValidNow(String, String),
    #[error("it does not match the run: {0}")]
    Differs(FieldDiffers),
    #[error("the request does not ask for the role {0:?}")]
    RoleNotAsked(String),
}

/// A good approval: who (the allowed-signers principals of the key), with which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedApproval {
    pub approval: Approval,
    pub principals: Vec<String>,
    pub fingerprint: String,
}

/// Check the approval file `text` against `allowed` at `now` and against the `request` it
/// answers.
pub fn verify_approval(
    text: &str,
    allowed: &AllowedSigners,
    request: &SignoffRequest,
    now: DateTime<Utc>,
) -> Result<VerifiedApproval, ApprovalProblem> {
    let signed = SignedApproval::parse(text).map_err(ApprovalProblem::Unreadable)?;
    let sig = &signed.signature;
    if sig.namespace() != NAMESPACE {
        return Err(ApprovalProblem::WrongNamespace(sig.namespace().to_string()));
    }
    let key = signed.key();
    if key.verify(NAMESPACE, signed.approval.to_text().as_bytes(), sig).is_err() {
        return Err(ApprovalProblem::Altered);
    }
    if allowed.revoked.as_ref().is_some_and(|r| r.contains(&key)) {
        return Err(ApprovalProblem::Revoked);
    }
    let signer = allowed.signer_for(&key, NAMESPACE, now).map_err(|r| match r {
        Refusal::UnknownKey => ApprovalProblem::UnknownSigner,
        Refusal::Namespace { principals } => ApprovalProblem::NamespaceNotAllowed(principals),
        ref r @ (Refusal::NotYetValid { ref principals, .. }
        | Refusal::Expired { ref principals, .. }) => {
            ApprovalProblem::NotValidNow(principals.clone(), r.validity().unwrap_or_default())
        }
    })?;
    if let Some(d) = signed.approval.differs_from(request) {
        return Err(ApprovalProblem::Differs(d));
    }
    if request.role_title(&signed.approval.role).is_none() {
        return Err(ApprovalProblem::RoleNotAsked(signed.approval.role.clone()));
    }
    Ok(VerifiedApproval {
        principals: signer.principals.split(',').map(str::to_string).collect(),
        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
        approval: signed.approval,
    })
}
