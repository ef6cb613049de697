//! The report's seal: a closing "Integrity" section with the run id, the head of the run's
//! event-log hash chain as of the last event the report shows, and the SHA-256 of everything
//! above the section. A changed byte anywhere above changes the digest; the chain head ties
//! the report to the store's log (a removed or changed event no longer leads to it).
//!
//! Signatures attached to the report are logged (`signature.attached`) but not shown in it,
//! and the chain head is taken at the last event shown: so attaching a signature does not
//! change the report, and every signature over one export stays valid against a re-export.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::record::{Event, Run};
use crate::store::{ChainHead, chain_hashes};

/// The heading that opens the seal; everything before it is what the digest covers.
pub const SEAL_HEADING: &str = "## Integrity\n";

/// The event kinds the report leaves out (they are about the report, not the release).
pub const UNSHOWN_EVENT_KINDS: &[&str] = &["signature.attached"];

/// What a report's seal says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    pub run_id: String,
    /// The chain head at the last event the report shows (none for an empty log).
    pub chain_head: Option<ChainHead>,
    /// SHA-256 (hex) of the report's content above the seal, as the seal states it.
    pub content_digest: String,
}

/// The events the report shows.
pub(crate) fn shown_events(run: &Run) -> impl Iterator<Item = &Event> {
    run.events.iter().filter(|e| !UNSHOWN_EVENT_KINDS.contains(&e.kind.as_str()))
}

/// The chain head at the last shown event, computed over the whole log up to it.
pub fn report_chain_head(run: &Run) -> Option<ChainHead> {
    let hashes = chain_hashes(&run.events);
    run.events
        .iter()
        .zip(hashes)
        .rfind(|(e, _)| !UNSHOWN_EVENT_KINDS.contains(&e.kind.as_str()))
        .map(|(e, hash)| ChainHead { seq: e.seq, hash })
}

/// SHA-256 (hex) of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Append the seal to the finished content.
pub(crate) fn seal(out: &mut String, run: &Run) {
    let digest = sha256_hex(out.as_bytes());
    out.push_str(SEAL_HEADING);
    out.push('\n');
    let _ = writeln!(out, "- Run: `{}`", run.header.id.replace('`', ""));
    match report_chain_head(run) {
        Some(head) => {
            let _ =
                writeln!(out, "- Event log chain head: event #{} sha256 `{}`", head.seq, head.hash);
        }
        None => out.push_str("- Event log chain head: none (no events)\n"),
    }
    let _ = writeln!(out, "- Content digest: sha256 `{digest}` (everything above this section)");
    out.push_str(
        "\nCheck it, and any signatures, with `pilot verify REPORT --allowed-signers FILE`.\n",
    );
}

/// Read the seal of a report, if it has one.
pub fn read_seal(report: &str) -> Option<Seal> {
    let at = report.rfind(&format!("\n{SEAL_HEADING}"))? + 1;
    let section = &report[at..];
    let value = |prefix: &str| -> Option<&str> {
        section.lines().find_map(|l| l.strip_prefix(prefix)).map(str::trim)
    };
    let run_id = value("- Run: ")?.trim_matches('`').to_string();
    let head = value("- Event log chain head: ")?;
    let chain_head = match head.strip_prefix("event #") {
        Some(rest) => {
            let (seq, hash) = rest.split_once(" sha256 ")?;
            Some(ChainHead {
                seq: seq.trim().parse().ok()?,
                hash: hash.trim_matches('`').to_string(),
            })
        }
        None => None,
    };
    let digest = value("- Content digest: sha256 ")?;
    let content_digest = digest.split('`').nth(1)?.to_string();
    Some(Seal { run_id, chain_head, content_digest })
}

/// Whether the content above the seal still has the digest the seal states. `None` when the
/// report has no seal.
pub fn content_intact(report: &str) -> Option<bool> {
    let seal = read_seal(report)?;
    let at = report.rfind(&format!("\n{SEAL_HEADING}"))? + 1;
    Some(sha256_hex(&report.as_bytes()[..at]) == seal.content_digest)
}
