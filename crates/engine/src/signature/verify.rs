//! Checking one signature over a report against an `allowed_signers` file, with one clear
//! answer for each way it can fail: not a signature, another namespace, a key nobody allowed,
//! a key outside its validity, or a signature that does not match these bytes (the report was
//! changed, or the signature was made over another version of it).

use chrono::{DateTime, Utc};
use serde::Serialize;
use ssh_key::HashAlg;

use super::NAMESPACE;
use super::allowed::AllowedSigners;
use super::sign::SignatureFile;

/// Why a signature is not good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum SignatureProblem {
    /// The file is not an SSH signature.
    Unreadable { detail: String },
    /// Signed for something else than Release Pilot.
    WrongNamespace { found: String },
    /// No line of the allowed-signers file has this key.
    UnknownSigner,
    /// The key is allowed, but not for the `release-pilot` namespace.
    NamespaceNotAllowed { principals: Vec<String> },
    /// The key is allowed only before or after some time.
    Expired { principals: Vec<String>, detail: String },
    /// The signature does not match this report.
    Mismatch,
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
    /// The role written in the signature file.
    pub role: Option<String>,
    pub problem: Option<SignatureProblem>,
}

impl SignatureCheck {
    pub fn is_good(&self) -> bool {
        self.problem.is_none()
    }
}

/// Check the signature file `text` over `report`, at time `now`.
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
        problem: None,
    };
    let file = match SignatureFile::parse(text) {
        Ok(f) => f,
        Err(detail) => {
            check.problem = Some(SignatureProblem::Unreadable { detail });
            return check;
        }
    };
    let sig = &file.signature;
    let key = ssh_key::PublicKey::from(sig.public_key().clone());
    check.fingerprint = Some(key.fingerprint(HashAlg::Sha256).to_string());
    check.algorithm = Some(key.algorithm().to_string());
    check.role = file.role.clone();
    if sig.namespace() != NAMESPACE {
        check.problem = Some(SignatureProblem::WrongNamespace { found: sig.namespace().into() });
        return check;
    }
    let signers: Vec<_> = allowed.for_key(&key).collect();
    if signers.is_empty() {
        check.problem = Some(SignatureProblem::UnknownSigner);
        return check;
    }
    check.principals = signers.iter().flat_map(|s| s.principals.iter().cloned()).collect();
    let in_namespace: Vec<_> = signers
        .iter()
        .filter(|s| s.namespaces.as_ref().is_none_or(|n| n.iter().any(|n| n == NAMESPACE)))
        .collect();
    if in_namespace.is_empty() {
        check.problem =
            Some(SignatureProblem::NamespaceNotAllowed { principals: check.principals.clone() });
        return check;
    }
    let valid: Vec<_> = in_namespace
        .iter()
        .filter(|s| {
            s.valid_after.is_none_or(|t| now >= t) && s.valid_before.is_none_or(|t| now < t)
        })
        .collect();
    if valid.is_empty() {
        let s = in_namespace[0];
        let detail = match (s.valid_after, s.valid_before) {
            (_, Some(before)) if now >= before => {
                format!("it expired on {}", before.format("%Y-%m-%d %H:%M UTC"))
            }
            (Some(after), _) => {
                format!("it is valid only from {}", after.format("%Y-%m-%d %H:%M UTC"))
            }
            _ => "outside its validity".to_string(),
        };
        check.problem =
            Some(SignatureProblem::Expired { principals: check.principals.clone(), detail });
        return check;
    }
    check.principals = valid.iter().flat_map(|s| s.principals.iter().cloned()).collect();
    if key.verify(NAMESPACE, report, sig).is_err() {
        check.problem = Some(SignatureProblem::Mismatch);
    }
    check
}
