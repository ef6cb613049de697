//! Signed reports: SSHSIG signatures (namespace `release-pilot`) made with the signer's SSH key —
//! an ed25519 or RSA key file, encrypted or not, or a key held by a running ssh-agent — that
//! stock OpenSSH verifies:
//!
//! ```text
//! sed '1,/^-----END SSH SIGNATURE-----$/d' report.md.sig \
//!   | ssh-keygen -Y verify -f allowed_signers -I who -n release-pilot -s report.md.sig
//! ```
//!
//! What is signed is a short statement about the report (`statement.rs`: run, report digest,
//! chain head, role), written after the armored block, which `ssh-keygen` reads and ignores
//! what follows; so the role and everything else the verifier shows are covered.
//!
//! Layout: `sign.rs` (signing with a key file or the agent), `statement.rs` (what is signed),
//! `exchange.rs` (requests and approvals through the repository's own git refs),
//! `approval.rs` (a signed approval: one decision for one role, over a statement that names
//! the run, plan, commit, version, environment and the evidence seen), `request.rs` (the
//! sign-off request an approval answers), `agent.rs` (the ssh-agent protocol and the platform transports), `allowed.rs` (the
//! `allowed_signers` file and revocation lists, read as OpenSSH reads them), `verify.rs`
//! (checking one signature, with a clear answer for every way it can fail), `report.rs` (a
//! report checked as a whole — seal, chain, every signature — and attaching a signature).

mod agent;
mod allowed;
mod approval;
pub mod exchange;
mod report;
mod request;
mod sign;
mod statement;
mod verify;

use std::path::PathBuf;

pub use crate::pattern::match_pattern_list;
pub use agent::{Agent, WINDOWS_AGENT_PIPE, agent_address};
pub use allowed::{AllowedSigner, AllowedSigners, LineProblem, Refusal, RevokedKeys};
pub use approval::{
    APPROVAL_HEADER, Approval, ApprovalProblem, FieldDiffers, SignedApproval, Signer,
    VerifiedApproval, verify_approval,
};
pub use report::{
    AttachError, ChainFinding, CheckedApproval, CheckedSignature, ReportCheck, attach_signature,
    check_report,
};
pub use request::{REQUEST_HEADER, RequestedRole, SignoffRequest};
pub use sign::{
    SignatureFile, Signed, can_sign, read_public_key, sign_message_with_agent,
    sign_message_with_key_file, sign_with_agent, sign_with_key_file, signature_path, split_armored,
};
pub use ssh_key::PublicKey;
pub use statement::{Difference, STATEMENT_HEADER, Statement};
pub use verify::{SignatureCheck, SignatureProblem, openssh_command, verify_signature};

/// The SSHSIG namespace of Release Pilot's signatures.
pub const NAMESPACE: &str = "release-pilot";

/// Why signing (or reading a key or an allowed-signers file) failed.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} is not an OpenSSH private key ({detail}); give the private key file (e.g. \
         ~/.ssh/id_ed25519), not the .pub"
    )]
    KeyParse { path: PathBuf, detail: String },
    #[error(
        "the key {path} is encrypted and needs its passphrase: set PILOT_KEY_PASSPHRASE, or load \
         the key into ssh-agent (ssh-add) and sign with --agent"
    )]
    PassphraseNeeded { path: PathBuf },
    #[error("the passphrase for {path} is wrong")]
    WrongPassphrase { path: PathBuf },
    #[error("{algorithm} keys cannot sign reports here; use an ed25519 or RSA key")]
    UnsupportedKey { algorithm: String },
    #[error(
        "no ssh-agent to sign with: start one (eval $(ssh-agent)) and add your key (ssh-add), \
         or sign with --key"
    )]
    NoAgent,
    #[error("ssh-agent: {detail}")]
    Agent { detail: String },
    #[error(
        "ssh-agent holds no key that can sign reports{wanted}: add one with ssh-add (ed25519 or RSA)"
    )]
    NoAgentKey { wanted: String },
    #[error("signing failed: {detail}")]
    Sign { detail: String },
    #[error("{path}, line {line}: {detail}")]
    AllowedSigners { path: PathBuf, line: usize, detail: String },
    #[error("the revocation list {path}{}: {detail}", if *line > 0 { format!(", line {line}") } else { String::new() })]
    Revoked { path: PathBuf, line: usize, detail: String },
}
