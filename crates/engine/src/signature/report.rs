//! A report checked as a whole: its seal (the digest of its content, the event-chain head
//! compared with the run store's chain when the run is there) and every signature given or
//! attached to the run. And attaching a signature to a run, after checking it signs the run's
//! report as it stands.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ssh_key::HashAlg;

use super::NAMESPACE;
use super::allowed::AllowedSigners;
use super::sign::SignatureFile;
use super::verify::{SignatureCheck, verify_signature};
use crate::Clock;
use crate::record::NewEvent;
use crate::report::{content_intact, read_seal, report, sha256_hex};
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
}

impl ReportCheck {
    /// Good only when the seal holds, the chain matches (or the run is elsewhere), at least one
    /// signature was checked, and every signature is good.
    pub fn is_good(&self) -> bool {
        self.content_intact == Some(true)
            && matches!(self.chain, ChainFinding::Matches | ChainFinding::RunNotInStore)
            && !self.signatures.is_empty()
            && self.signatures.iter().all(|s| s.check.is_good())
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
                let given_sigs: Vec<SignatureFile> =
                    given.iter().filter_map(|(_, t)| SignatureFile::parse(t).ok()).collect();
                for a in store.signatures(&seal.run_id)? {
                    let same = SignatureFile::parse(&a.armored)
                        .is_ok_and(|f| given_sigs.iter().any(|g| g.signature == f.signature));
                    if same {
                        continue;
                    }
                    let mut check = verify_signature(report_bytes, &a.armored, allowed, now);
                    if check.role.is_none() {
                        check.role = a.role.clone();
                    }
                    signatures
                        .push(CheckedSignature { source: format!("attached #{}", a.seq), check });
                }
            }
            Err(StoreError::NoSuchRun { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(ReportCheck {
        run_id: seal.as_ref().map(|s| s.run_id.clone()),
        content_intact: content_intact(&text),
        chain,
        signatures,
    })
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
}

/// Attach the signature file `text` (read from `source_name`) to a run, after checking that it
/// signs the run's report as it renders now. `by` is who attaches it.
pub fn attach_signature(
    store: &RunStore,
    clock: &dyn Clock,
    run_id: &str,
    source_name: &str,
    text: &str,
    by: &str,
) -> Result<AttachedSignature, AttachError> {
    let file = SignatureFile::parse(text)
        .map_err(|detail| AttachError::Unreadable(source_name.to_string(), detail))?;
    let sig = &file.signature;
    if sig.namespace() != NAMESPACE {
        return Err(AttachError::WrongNamespace {
            source_name: source_name.to_string(),
            found: sig.namespace().to_string(),
        });
    }
    let run = store.load_run(run_id)?;
    let rendered = report(&run);
    let key = ssh_key::PublicKey::from(sig.public_key().clone());
    if key.verify(NAMESPACE, rendered.as_bytes(), sig).is_err() {
        return Err(AttachError::Mismatch {
            source_name: source_name.to_string(),
            run_id: run_id.to_string(),
        });
    }
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    let algorithm = key.algorithm().to_string();
    let digest = sha256_hex(rendered.as_bytes());
    let by = if by.trim().is_empty() { fingerprint.clone() } else { by.trim().to_string() };
    let role = file.role.clone();
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
