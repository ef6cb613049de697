//! Sign-off decisions: appended with their event and the sign-off step's new evidence in one
//! transaction, never changed (triggers refuse it).

use rusqlite::params;

use super::codec::{enum_to_text, time_from_text, time_to_text, to_json};
use super::error::damaged_or;
use super::events::insert_event;
use super::{RunStore, StoreError};
use crate::record::{Event, NewEvent, StepRecord};
use crate::signoff::{Decision, Signoff};

impl RunStore {
    /// Append a sign-off, the step's evidence that carries it, and its event.
    pub fn record_signoff(
        &self,
        run_id: &str,
        step: &StepRecord,
        signoff: &Signoff,
        event: NewEvent,
    ) -> Result<Event, StoreError> {
        self.write(|tx| {
            let seq: i64 = tx.query_row(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM signoffs WHERE run_id = ?1",
                [run_id],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO signoffs (run_id, seq, role, name, decision, comment, at, signed_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    run_id,
                    seq,
                    signoff.role,
                    signoff.name,
                    enum_to_text(&signoff.decision),
                    signoff.comment,
                    time_to_text(signoff.at),
                    signoff.signed.as_ref().map(to_json),
                ],
            )?;
            let changed = tx.execute(
                "UPDATE steps SET evidence_json = ?3, summary = ?4 WHERE run_id = ?1 AND step_id = ?2",
                params![run_id, step.step_id, to_json(&step.evidence), step.summary],
            )?;
            if changed != 1 {
                return Err(rusqlite::Error::QueryReturnedNoRows);
            }
            let step = super::runs::step_row(tx, run_id, &step.step_id)?;
            // Sealed as stored: the table keeps the time as text, at its precision.
            let mut signoff = signoff.clone();
            signoff.at = time_from_text(&time_to_text(signoff.at)).unwrap_or(signoff.at);
            let state = super::sealed::Sealed::Signoff { signoff, step };
            insert_event(tx, run_id, &event, state.json())
        })
    }

    /// A run's sign-offs, in the order they were given.
    pub fn signoffs(&self, run_id: &str) -> Result<Vec<Signoff>, StoreError> {
        let conn = self.conn();
        let sql_err = |e| damaged_or(self.path(), e);
        let mut stmt = conn
            .prepare(
                "SELECT role, name, decision, comment, at, signed_json FROM signoffs WHERE run_id = ?1
                 ORDER BY seq",
            )
            .map_err(sql_err)?;
        let rows = stmt
            .query_map([run_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .map_err(sql_err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql_err)?;
        rows.into_iter()
            .map(|(role, name, decision, comment, at, signed)| {
                let corrupt =
                    |detail: String| StoreError::Corrupt { id: run_id.to_string(), detail };
                Ok(Signoff {
                    decision: Decision::parse(&decision)
                        .ok_or_else(|| corrupt(format!("decision {decision:?}")))?,
                    at: time_from_text(&at).map_err(corrupt)?,
                    signed: signed
                        .map(|json| serde_json::from_str(&json))
                        .transpose()
                        .map_err(|e| corrupt(format!("signed sign-off ({e})")))?,
                    role,
                    name,
                    comment,
                })
            })
            .collect()
    }
}
