//! What a Release Pilot signature signs: a short statement that names everything the verifier
//! shows — the run, the SHA-256 of the report file, the report's chain head and the role the
//! signer signs for — so that none of it can be changed without breaking the signature. The
//! signer is the key itself (inside the SSHSIG) and who it belongs to comes from
//! `allowed_signers`.
//!
//! The statement is written after the armored block of the `.sig` file (ssh-keygen reads the
//! block and ignores what follows), so one file carries both and stock OpenSSH verifies it:
//!
//! ```text
//! sed '1,/^-----END SSH SIGNATURE-----$/d' report.md.sig \
//!   | ssh-keygen -Y verify -f allowed_signers -I ana@example.com -n release-pilot -s report.md.sig
//! sha256sum report.md      # the same digest as the statement's report-sha256 line
//! ```

use crate::report::{read_seal, sha256_hex};
use crate::store::ChainHead;

/// The statement's first line; its version changes if its fields ever do.
pub const STATEMENT_HEADER: &str = "Release Pilot report signature, version 1";
const NONE: &str = "none";

/// The signed statement about one report file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The run the report's seal names (`None`: the file has no seal).
    pub run_id: Option<String>,
    /// SHA-256 (hex) of the report file's bytes.
    pub report_sha256: String,
    /// The chain head the report's seal states.
    pub chain_head: Option<ChainHead>,
    /// The sign-off role the signer signs for.
    pub role: Option<String>,
}

impl Statement {
    /// The statement about `report` for `role`. A role must be one line of printable text.
    pub fn for_report(report: &[u8], role: Option<&str>) -> Result<Self, String> {
        let role = role.map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = role
            && (r.chars().any(char::is_control) || r == NONE)
        {
            return Err(format!("{r:?} cannot be a role: give the role's id from the plan"));
        }
        let seal = read_seal(&String::from_utf8_lossy(report));
        Ok(Self {
            run_id: seal.as_ref().map(|s| s.run_id.clone()),
            report_sha256: sha256_hex(report),
            chain_head: seal.and_then(|s| s.chain_head),
            role: role.map(str::to_string),
        })
    }

    /// The exact bytes that are signed.
    pub fn to_text(&self) -> String {
        let head = self
            .chain_head
            .as_ref()
            .map_or(NONE.to_string(), |h| format!("event #{} sha256 {}", h.seq, h.hash));
        format!(
            "{STATEMENT_HEADER}\nrun: {}\nreport-sha256: {}\nchain-head: {head}\nrole: {}\n",
            self.run_id.as_deref().unwrap_or(NONE),
            self.report_sha256,
            self.role.as_deref().unwrap_or(NONE),
        )
    }

    /// Read a statement; it must be exactly what `to_text` writes (anything else was not made
    /// by Release Pilot, or was changed).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut lines = text.lines();
        if lines.next() != Some(STATEMENT_HEADER) {
            return Err("the statement does not start with its header line".into());
        }
        let mut field = |name: &str| -> Result<Option<String>, String> {
            let line = lines.next().unwrap_or_default();
            let value = line
                .strip_prefix(name)
                .and_then(|v| v.strip_prefix(": "))
                .ok_or_else(|| format!("the statement's {name:?} line is missing or changed"))?;
            Ok((value != NONE).then(|| value.to_string()))
        };
        let run_id = field("run")?;
        let report_sha256 = field("report-sha256")?.ok_or("the statement names no report")?;
        let chain_head = match field("chain-head")? {
            None => None,
            Some(h) => Some(parse_head(&h).ok_or("the statement's chain head cannot be read")?),
        };
        let role = field("role")?;
        let statement = Self { run_id, report_sha256, chain_head, role };
        if statement.to_text() != text {
            return Err("the statement has lines Release Pilot does not write".into());
        }
        Ok(statement)
    }

    /// The first field in which this statement and the report file differ.
    pub fn differs_from(&self, report: &[u8]) -> Option<Difference> {
        let here = Self::for_report(report, self.role.as_deref()).ok()?;
        if here.report_sha256 != self.report_sha256 {
            return Some(Difference::Digest);
        }
        if here.run_id != self.run_id {
            return Some(Difference::Field(format!(
                "the signature is for run {}, this report is of run {}",
                self.run_id.as_deref().unwrap_or(NONE),
                here.run_id.as_deref().unwrap_or(NONE)
            )));
        }
        if here.chain_head != self.chain_head {
            return Some(Difference::Field(
                "the signature names another chain head than the report's".into(),
            ));
        }
        None
    }
}

/// How a statement and a report differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The report's bytes are not the ones signed (it was changed, or is another report).
    Digest,
    /// Another run or chain head (the detail says which).
    Field(String),
}

fn parse_head(text: &str) -> Option<ChainHead> {
    let (seq, hash) = text.strip_prefix("event #")?.split_once(" sha256 ")?;
    Some(ChainHead { seq: seq.parse().ok()?, hash: hash.to_string() })
}
