//! The append-only event log of a run. Each line is chained to the one before it
//! (`chain.rs`): the store writes `prev_hash` and `hash` as it appends.

use rusqlite::{Transaction, params};

use super::codec::{time_from_text, time_to_text};
use super::error::damaged_or;
use super::{RunStore, StoreError};
use crate::record::{Event, NewEvent};

impl RunStore {
    /// Append one event to a run's log.
    pub fn append_event(&self, run_id: &str, event: NewEvent) -> Result<Event, StoreError> {
        self.write(|tx| insert_event(tx, run_id, &event, None))
    }

    /// A run's events in log order.
    pub fn events(&self, run_id: &str) -> Result<Vec<Event>, StoreError> {
        let conn = self.conn();
        let sql_err = |e| damaged_or(self.path(), e);
        let mut stmt = conn
            .prepare(
                "SELECT seq, at, kind, step_id, message, state FROM events WHERE run_id = ?1
                 ORDER BY seq",
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
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .map_err(sql_err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql_err)?;
        rows.into_iter()
            .map(|(seq, at, kind, step_id, message, state)| {
                let at = time_from_text(&at)
                    .map_err(|detail| StoreError::Corrupt { id: run_id.to_string(), detail })?;
                Ok(Event { seq: seq as u64, at, kind, step_id, message, state })
            })
            .collect()
    }
}

/// Insert an event at the end of the run's log, inside the caller's transaction, with the
/// state it gives its step or run (sealed by its hash).
pub(super) fn insert_event(
    tx: &Transaction<'_>,
    run_id: &str,
    event: &NewEvent,
    state: Option<String>,
) -> Result<Event, rusqlite::Error> {
    let seq: i64 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE run_id = ?1",
        [run_id],
        |r| r.get(0),
    )?;
    let at = time_to_text(event.at);
    let new = super::chain::NewLink {
        seq: seq as u64,
        at: &at,
        kind: &event.kind,
        step_id: event.step_id.as_deref(),
        message: &event.message,
        state: state.as_deref(),
    };
    let (prev_hash, hash) = super::chain::link(tx, run_id, &new)?;
    tx.execute(
        "INSERT INTO events (run_id, seq, at, kind, step_id, message, prev_hash, hash, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![run_id, seq, at, event.kind, event.step_id, event.message, prev_hash, hash, state],
    )?;
    Ok(Event {
        seq: seq as u64,
        at: event.at,
        kind: event.kind.clone(),
        step_id: event.step_id.clone(),
        message: event.message.clone(),
        state,
    })
}
