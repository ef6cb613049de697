//! Checking one signature over a report against an `allowed_signers` file (and a revocation
//! list), with one clear answer for each way it can fail: not a signature, another namespace,
//! a revoked key, a key nobody allowed, a key outside its validity, a statement changed after
//! signing, a signature over another report, or a role the signature does not cover.
//!
//! Who signed is decided exactly as `ssh-keygen -Y find-principals` and `-Y verify` decide it
//! (see `allowed.rs`); what is shown (role, run, report digest, chain head) is only ever what
//! the signature covers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ssh_key::HashAlg;

use super::NAMESPACE;
use super::allowed::{AllowedSigners, Refusal};
use super::sign::{SignatureFile, Signed};
use super::statement::Difference;

/// Why a signature is not good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum SignatureProblem {
    /// The file is not an SSH signature.
    Unreadable { detail: String },
    /// Signed for something else than Release Pilot.
    WrongNamespace { found: String },
    /// The key is on the revocation list.
    Revoked,
    /// No line of the allowed-signers file has this key.
    UnknownSigner,
    /// The key is allowed, but not for the `release-pilot` namespace.
    NamespaceNotAllowed { principals: Vec<String> },
    /// The key is allowed only before or after some time.
    Expired { principals: Vec<String>, detail: String },
    /// The statement after the signature is not what was signed.
    StatementAltered,
    /// The signature does not match this report.
    Mismatch,
    /// A good signature over a statement about another report, run or chain head.
    OtherReport { detail: String },
    /// An older signature file whose `Role:` line the signature does not cover.
    UnsignedRole { role: String },
    /// The role signed for is not a role of the run's plan.
    UnknownRole { role: String, roles: Vec<String> },
}

impl std::fmt::Display for SignatureProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreadable { detail } => write!(f, "unreadable: {detail}"),
            Self::WrongNamespace { found } => write!(
                f,
                "made for the namespace {found:?}, not {NAMESPACE:?}: it does not sign a Release Pilot report"
            ),
            Self::UnknownSigner => {
                f.write_str("unknown signer: no line of the allowed-signers file has this key")
            }
            Self::NamespaceNotAllowed { principals } => write!(
                f,
                "{} may not sign in the {NAMESPACE:?} namespace (see namespaces= in the allowed-signers file)",
                principals.join(", ")
            ),
            Self::Expired { principals, detail } => {
                write!(f, "the key of {} is not valid now: {detail}", principals.join(", "))
            }
            Self::Revoked => f.write_str("the key is on the revocation list"),
            Self::StatementAltered => f.write_str(
                "the statement after the signature was changed (its role, run or report digest \
                 is not what was signed)",
            ),
            Self::OtherReport { detail } => write!(f, "signs another report: {detail}"),
            Self::UnsignedRole { role } => write!(
                f,
                "its role line ({role:?}) is not covered by the signature, so nobody can tell who \
                 wrote it; sign again with `pilot sign --role {role}`"
            ),
            Self::UnknownRole { role, roles } => write!(
                f,
                "signed for the role {role:?}, which the run's plan does not have (its roles: {})",
                if roles.is_empty() { "none".to_string() } else { roles.join(", ") }
            ),
            Self::Mismatch => f.write_str(
                "does not match this report: the report was changed after it was signed, or the \
                 signature was made over another version of it",
            ),
        }
    }
}

/// The result of checking one signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureCheck {
    /// The key's fingerprint, `SHA256:…`, when the file could be read.
    pub fingerprint: Option<String>,
    /// e.g. "ssh-ed25519".
    pub algorithm: Option<String>,
    /// Who the allowed-signers file says the key belongs to.
    pub principals: Vec<String>,
    /// The role the signature covers (shown only once the signature is good).
    pub role: Option<String>,
    /// Whether the signature signs a statement (else the report's bytes, an older form).
    pub statement: bool,
    pub problem: Option<SignatureProblem>,
}

impl SignatureCheck {
    pub fn is_good(&self) -> bool {
        self.problem.is_none()
    }
}

/// Check the signature file `text` over `report`, at time `now` (keys on the signers' revocation
/// list are refused).
pub fn verify_signature(
    report: &[u8],
    text: &str,
    allowed: &AllowedSigners,
    now: DateTime<Utc>,
) -> SignatureCheck {
    let mut check = SignatureCheck {
        fingerprint: None,
        algorithm: None,
        principals: Vec::new(),
        role: None,
        statement: false,
        problem: None,
    };
    let file = match SignatureFile::parse(text) {
        Ok(f) => f,
        Err(detail) => {
            check.problem = Some(SignatureProblem::Unreadable { detail });
            return check;
        }
    };
    check.statement = matches!(file.signed, Signed::Statement(_));
    let sig = &file.signature;
    let key = ssh_key::PublicKey::from(sig.public_key().clone());
    check.fingerprint = Some(key.fingerprint(HashAlg::Sha256).to_string());
    check.algorithm = Some(key.algorithm().to_string());
    check.problem = problem(&file, &key, report, allowed, now, &mut check.principals);
    if check.problem.is_none() {
        check.role = file.role().map(str::to_string);
    }
    check
}

/// The first reason the signature is not good, in OpenSSH's order (the signature itself, the
/// revocation list, the allowed signers), then what the statement says against the report.
/// `principals` is filled in as soon as the allowed-signers file names the key's owner.
fn problem(
    file: &SignatureFile,
    key: &ssh_key::PublicKey,
    report: &[u8],
    allowed: &AllowedSigners,
    now: DateTime<Utc>,
    principals: &mut Vec<String>,
) -> Option<SignatureProblem> {
    let sig = &file.signature;
    if sig.namespace() != NAMESPACE {
        return Some(SignatureProblem::WrongNamespace { found: sig.namespace().into() });
    }
    if key.verify(NAMESPACE, &file.message(report), sig).is_err() {
        return Some(match file.signed {
            Signed::Statement(_) => SignatureProblem::StatementAltered,
            _ => SignatureProblem::Mismatch,
        });
    }
    if allowed.revoked.as_ref().is_some_and(|r| r.contains(key)) {
        return Some(SignatureProblem::Revoked);
    }
    let split = |p: &str| p.split(',').map(str::to_string).collect::<Vec<_>>();
    match allowed.signer_for(key, NAMESPACE, now) {
        Ok(signer) => *principals = split(&signer.principals),
        Err(Refusal::UnknownKey) => return Some(SignatureProblem::UnknownSigner),
        Err(Refusal::Namespace { principals: p }) => {
            *principals = split(&p);
            return Some(SignatureProblem::NamespaceNotAllowed { principals: principals.clone() });
        }
        Err(
            ref r @ (Refusal::NotYetValid { principals: ref p, .. }
            | Refusal::Expired { principals: ref p, .. }),
        ) => {
            *principals = split(p);
            let detail = r.validity().unwrap_or_default();
            return Some(SignatureProblem::Expired { principals: principals.clone(), detail });
        }
    }
    match &file.signed {
        Signed::Statement(statement) => statement.differs_from(report).map(|d| match d {
            Difference::Digest => SignatureProblem::Mismatch,
            Difference::Field(detail) => SignatureProblem::OtherReport { detail },
        }),
        Signed::Report => None,
        Signed::UnsignedRole(role) => Some(SignatureProblem::UnsignedRole { role: role.clone() }),
    }
}

/// The shell command that checks a signature with stock tools alone (arguments already quoted
/// for the shell): for a statement, `ssh-keygen` verifies the statement after the armored
/// block, then the report's SHA-256 must be the statement's; for an older signature,
/// `ssh-keygen` verifies the report itself.
pub fn openssh_command(
    statement: bool,
    allowed_signers: &str,
    principal: &str,
    sig: &str,
    report: &str,
) -> String {
    let verify =
        format!("ssh-keygen -Y verify -f {allowed_signers} -I {principal} -n {NAMESPACE} -s {sig}");
    if statement {
        format!(
            "sed '1,/^-----END SSH SIGNATURE-----$/d' {sig} | {verify} && grep -qx \"report-sha256: \
             $(sha256sum < {report} | cut -d' ' -f1)\" {sig} && echo 'and it signs this report'"
        )
    } else {
        format!("{verify} < {report}")
    }
}
