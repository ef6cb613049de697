//! Signed reports for the UI: the keys this workstation can sign with (key files in `~/.ssh`,
//! the running ssh-agent's identities), what signing wrote and attached, and a report checked
//! as a whole — seal, event chain, and every signature with who, which role, which key, and
//! good or why not — with the `ssh-keygen -Y verify` command a reader runs to check it alone.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where the UI may sign from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SigningSetupDto {
    /// The folder the key-file picker opens in (`~/.ssh`), when there is a home folder.
    pub ssh_dir: Option<String>,
    /// Private key files found there (ed25519 and RSA first; others listed as unusable).
    pub keys: Vec<KeyFileDto>,
    pub agent: AgentDto,
    /// Who signs on this workstation ("Name <email>" from git), recorded as who attached.
    pub signer: Option<String>,
}

/// A private key file on this workstation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyFileDto {
    pub path: String,
    /// e.g. "ssh-ed25519".
    pub algorithm: String,
    /// `SHA256:…`, as ssh-keygen shows it.
    pub fingerprint: String,
    pub comment: String,
    /// Protected by a passphrase: Release Pilot signs with it only through ssh-agent.
    pub encrypted: bool,
    /// Why it cannot sign here (unsupported algorithm, passphrase), or `None` when it can.
    pub unusable: Option<String>,
}

/// The running ssh-agent, as far as this app can see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentDto {
    /// The socket or pipe it listens on (`SSH_AUTH_SOCK`, or the Windows OpenSSH pipe).
    pub address: Option<String>,
    /// Keys it holds that can sign reports (ed25519 and RSA).
    pub identities: Vec<AgentKeyDto>,
    /// Why the agent cannot be used (none running, unreachable, no usable key).
    pub problem: Option<String>,
}

/// One key the agent holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentKeyDto {
    /// The public key, `type base64` (it names the key to sign with).
    pub public_key: String,
    pub algorithm: String,
    pub fingerprint: String,
    pub comment: String,
}

/// What signs the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
pub enum SignWithDto {
    /// A private key file (ed25519 or RSA, without a passphrase).
    KeyFile(String),
    /// The agent's key with this public key (`type base64`).
    Agent(String),
}

/// Sign a saved report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignRequestDto {
    /// The report file saved with "Save as…".
    pub report: String,
    pub with: SignWithDto,
    /// The plan role the signer signs for (written after the signature block).
    pub role: Option<String>,
}

/// A signature attached to the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttachedSignatureDto {
    /// 1-based, in the order attached.
    #[ts(type = "number")]
    pub seq: u64,
    pub fingerprint: String,
    pub algorithm: String,
    pub role: Option<String>,
    /// SHA-256 (hex) of the report the signature signs.
    pub report_digest: String,
    pub attached_at: String,
    pub attached_by: String,
}

impl From<&pilot_engine::store::AttachedSignature> for AttachedSignatureDto {
    fn from(a: &pilot_engine::store::AttachedSignature) -> Self {
        Self {
            seq: a.seq,
            fingerprint: a.fingerprint.clone(),
            algorithm: a.algorithm.clone(),
            role: a.role.clone(),
            report_digest: a.report_digest.clone(),
            attached_at: super::time(a.attached_at),
            attached_by: a.attached_by.clone(),
        }
    }
}

/// The report signed on this workstation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignedReportDto {
    /// The signature file written beside the report (`REPORT.sig`).
    pub signature_path: String,
    pub attached: AttachedSignatureDto,
}

/// How the report's event-chain head compares with the run store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ChainStateDto {
    /// The store's log is whole and leads to the report's head.
    Matches,
    /// The run the report names is not in this store.
    RunNotInStore,
    /// The store's log is broken.
    Broken,
    /// The store's log does not lead to the report's head.
    Differs,
}

/// Why a signature is not good, as a kind the UI can style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SignatureProblemDto {
    Unreadable,
    WrongNamespace,
    UnknownSigner,
    NamespaceNotAllowed,
    Expired,
    /// The report changed after signing, or the signature is over another version of it.
    Mismatch,
    /// The key is on the revocation list.
    Revoked,
    /// The statement after the signature (role, run, digest) was changed.
    StatementAltered,
    /// A good signature over a statement about another run or chain head.
    OtherReport,
    /// An older signature whose role line the signature does not cover.
    UnsignedRole,
    /// Signed for a role the run's plan does not have.
    UnknownRole,
}

/// One signature checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignatureCheckDto {
    /// The file it was read from, or "attached #N".
    pub source: String,
    pub good: bool,
    /// Who the allowed-signers file says the key belongs to (empty: nobody).
    pub principals: Vec<String>,
    pub role: Option<String>,
    pub fingerprint: Option<String>,
    pub algorithm: Option<String>,
    pub problem: Option<SignatureProblemDto>,
    /// Why it is not good, in words.
    pub why: Option<String>,
    /// A signature file on disk holding this signature (for the command below).
    pub file: Option<String>,
    /// The shell command (`ssh-keygen -Y verify …`, and for a statement the report's digest
    /// compared) that checks this signature without Release Pilot.
    pub command: String,
}

/// A report checked as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportCheckDto {
    /// Good only when the content matches its digest, the chain matches, there is at least one
    /// signature, and every signature is good.
    pub good: bool,
    pub report: String,
    pub allowed_signers: String,
    /// The run the report's seal names.
    pub run_id: Option<String>,
    /// SHA-256 (hex) of the report file as it is on disk.
    pub file_digest: String,
    /// The content digest the report's seal states.
    pub sealed_digest: Option<String>,
    /// Whether the content above the seal still has that digest (`None`: no seal).
    pub content_intact: Option<bool>,
    /// The chain head the report shows, "event #N sha256 …".
    pub chain_head: Option<String>,
    pub chain: ChainStateDto,
    /// What was found about the chain, in words.
    pub chain_detail: String,
    pub signatures: Vec<SignatureCheckDto>,
    /// Every signed approval the run records, checked again (empty when the plan takes typed
    /// names or the run is not in this data folder).
    pub approvals: Vec<ApprovalCheckDto>,
    /// One sentence: why the whole check is good or not.
    pub summary: String,
}

/// One signed approval of the run, checked again against the allowed signers given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalCheckDto {
    pub role: String,
    pub principals: Vec<String>,
    pub fingerprint: String,
    pub decision: String,
    /// Why it does not hold (`None`: it holds).
    pub problem: Option<String>,
}
