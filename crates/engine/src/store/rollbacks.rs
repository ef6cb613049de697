//! Rollback requests: who asked for the previous release back, when and why. Recorded with the
//! run's return to "running" and its event in one transaction, before any rollback step runs,
//! so a crash between the request and the first step still finds the request; never changed
//! (triggers refuse it).

use rusqlite::{OptionalExtension, params};

use super::codec::{enum_to_text, time_from_text, time_to_text};
use super::error::damaged_or;
use super::events::insert_event;
use super::{RunStore, StoreError};
use crate::record::{Event, NewEvent, Outcome, RollbackRequest, RunStatus};

impl RunStore {
    /// Record a rollback request: the run is open again (running, no verdict) until its
    /// rollback phases end. A second request for the same run is refused by the table's key.
    pub fn request_rollback(
        &self,
        run_id: &str,
        request: &RollbackRequest,
        event: NewEvent,
    ) -> Result<Event, StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO rollbacks (run_id, requested_at, requested_by, reason)
                 VALUES (?1, ?2, ?3, ?4)",
                params![run_id, time_to_text(request.at), request.by, request.reason],
            )?;
            let changed = tx.execute(
                "UPDATE runs SET status = ?2, outcome = ?3, finished_at = NULL WHERE id = ?1",
                params![run_id, enum_to_text(&RunStatus::Running), enum_to_text(&Outcome::Pending)],
            )?;
            if changed != 1 {
                return Err(rusqlite::Error::QueryReturnedNoRows);
            }
            // Sealed as stored: the table keeps the time as text, at its precision.
            let mut request = request.clone();
            request.at = time_from_text(&time_to_text(request.at)).unwrap_or(request.at);
            let state = super::sealed::Sealed::Rollback {
                request,
                run: super::sealed::RunState {
                    status: RunStatus::Running,
                    outcome: Outcome::Pending,
                    finished_at: None,
                },
            };
            insert_event(tx, run_id, &event, state.json())
        })
        .map_err(|e| self.no_such_run(run_id, e))
    }

    /// The rollback asked for in a run, if any.
    pub fn rollback_request(&self, run_id: &str) -> Result<Option<RollbackRequest>, StoreError> {
        let conn = self.conn();
        let row: Option<(String, String, String)> = conn
            .query_row(
                "SELECT requested_at, requested_by, reason FROM rollbacks WHERE run_id = ?1",
                [run_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| damaged_or(self.path(), e))?;
        row.map(|(at, by, reason)| {
            let at = time_from_text(&at)
                .map_err(|detail| StoreError::Corrupt { id: run_id.to_string(), detail })?;
            Ok(RollbackRequest { at, by, reason })
        })
        .transpose()
    }
}
