//! Signatures attached to a run's report: the armored SSHSIG text as it was brought back, the
//! key that made it, the role it was given for, and the digest of the report it signs.
//! Appended with their event in one transaction, never changed.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::codec::{time_from_text, time_to_text};
use super::error::damaged_or;
use super::events::insert_event;
use super::{RunStore, StoreError};
use crate::record::{Event, NewEvent};

/// A signature attached to a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedSignature {
    /// 1-based, in the order attached.
    pub seq: u64,
    /// The signing key's fingerprint, `SHA256:…` as ssh-keygen shows it.
    pub fingerprint: String,
    /// e.g. "ssh-ed25519", "ssh-rsa".
    pub algorithm: String,
    /// The role the signer signed for, when they said.
    pub role: Option<String>,
    /// SHA-256 (hex) of the report file the signature was made over.
    pub report_digest: String,
    /// The signature file's text.
    pub armored: String,
    pub attached_at: DateTime<Utc>,
    pub attached_by: String,
}

impl RunStore {
    /// Attach a signature to a run, with its event. `signature.seq` is ignored (the store
    /// numbers signatures); the stored one is returned.
    pub fn attach_signature(
        &self,
        run_id: &str,
        signature: &AttachedSignature,
        event: NewEvent,
    ) -> Result<(AttachedSignature, Event), StoreError> {
        self.write(|tx| {
            let seq: i64 = tx.query_row(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM signatures WHERE run_id = ?1",
                [run_id],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO signatures (run_id, seq, fingerprint, algorithm, role, report_digest,
                    armored, attached_at, attached_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    run_id,
                    seq,
                    signature.fingerprint,
                    signature.algorithm,
                    signature.role,
                    signature.report_digest,
                    signature.armored,
                    time_to_text(signature.attached_at),
                    signature.attached_by,
                ],
            )?;
            let event = insert_event(tx, run_id, &event, None)?;
            Ok((AttachedSignature { seq: seq as u64, ..signature.clone() }, event))
        })
        .map_err(|e| match e {
            // The run does not exist: the foreign key refused the row.
            StoreError::Sqlite { source: rusqlite::Error::SqliteFailure(f, _), .. }
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::NoSuchRun { id: run_id.to_string(), path: self.path().to_path_buf() }
            }
            other => other,
        })
    }

    /// The signatures attached to a run, in the order attached.
    pub fn signatures(&self, run_id: &str) -> Result<Vec<AttachedSignature>, StoreError> {
        let conn = self.conn();
        let sql_err = |e| damaged_or(self.path(), e);
        let mut stmt = conn
            .prepare(
                "SELECT seq, fingerprint, algorithm, role, report_digest, armored, attached_at,
                    attached_by
                 FROM signatures WHERE run_id = ?1 ORDER BY seq",
            )
            .map_err(sql_err)?;
        let rows = stmt
            .query_map([run_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })
            .map_err(sql_err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql_err)?;
        rows.into_iter()
            .map(|(seq, fingerprint, algorithm, role, report_digest, armored, at, by)| {
                Ok(AttachedSignature {
                    seq: seq as u64,
                    fingerprint,
                    algorithm,
                    role,
                    report_digest,
                    armored,
                    attached_at: time_from_text(&at)
                        .map_err(|detail| StoreError::Corrupt { id: run_id.to_string(), detail })?,
                    attached_by: by,
                })
            })
            .collect()
    }
}
