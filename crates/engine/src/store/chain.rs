//! The event log as a hash chain: each event commits to the one before it, so a changed,
//! inserted or removed line is detectable by recomputing the chain.
//!
//! `hash(n) = SHA-256(prev_hash, seq, at, kind, step_id, message[, state])` where `prev_hash` is the hash
//! of event `n - 1` (64 zeros for the first event). Every field is written with its length in
//! front, so no two different events can hash the same input. The hash is a pure function of the
//! event's content: the store writes it beside each row when the event is appended, and the
//! report recomputes it from the events it shows (it reads nothing else).

use rusqlite::{OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::codec::time_to_text;
use super::error::damaged_or;
use super::{RunStore, StoreError};
use crate::record::Event;

/// The `prev_hash` of a run's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The last link of a chain: which event, and its hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: String,
}

/// What checking a run's stored chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// The head recomputed from the stored events (none for an empty log).
    pub head: Option<ChainHead>,
    /// The hash after each event, by position (`hashes[i]` is event `i + 1`'s).
    pub hashes: Vec<String>,
    /// Each break in the chain, in words; empty when the chain is whole.
    pub problems: Vec<String>,
    /// Events written before the store kept hashes (schema 1): they are chained when checked,
    /// but nothing stored vouches for them.
    pub unsealed: usize,
}

impl ChainCheck {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// The recomputed hash after event `seq`, if the log has it.
    pub fn hash_at(&self, seq: u64) -> Option<&str> {
        let i = usize::try_from(seq).ok()?.checked_sub(1)?;
        self.hashes.get(i).map(String::as_str)
    }
}

/// The hash of one event given the previous event's hash.
pub fn event_hash(prev_hash: &str, event: &Event) -> String {
    hash_fields(
        prev_hash,
        event.seq,
        &time_to_text(event.at),
        &event.kind,
        event.step_id.as_deref(),
        &event.message,
        event.state.as_deref(),
    )
}

/// The head of the chain over `events` (in log order), or `None` for an empty log.
pub fn chain_head(events: &[Event]) -> Option<ChainHead> {
    let mut prev = GENESIS.to_string();
    for e in events {
        prev = event_hash(&prev, e);
    }
    events.last().map(|e| ChainHead { seq: e.seq, hash: prev })
}

/// The hash after each event of `events`, in order.
pub fn chain_hashes(events: &[Event]) -> Vec<String> {
    let mut prev = GENESIS.to_string();
    events
        .iter()
        .map(|e| {
            prev = event_hash(&prev, e);
            prev.clone()
        })
        .collect()
}

fn hash_fields(
    prev_hash: &str,
    seq: u64,
    at: &str,
    kind: &str,
    step_id: Option<&str>,
    message: &str,
    state: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(prev_hash.as_bytes());
    field(seq.to_string().as_bytes());
    field(at.as_bytes());
    field(kind.as_bytes());
    // "no step" and "step with an empty id" must not hash alike.
    match step_id {
        None => field(b"-"),
        Some(id) => field(format!("+{id}").as_bytes()),
    }
    field(message.as_bytes());
    // Events before states were sealed hash as they always did.
    if let Some(state) = state {
        field(b"state");
        field(state.as_bytes());
    }
    hex::encode(h.finalize())
}

/// What of a new event its hash covers, as it will be stored.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewLink<'a> {
    pub seq: u64,
    pub at: &'a str,
    pub kind: &'a str,
    pub step_id: Option<&'a str>,
    pub message: &'a str,
    pub state: Option<&'a str>,
}

/// The `(prev_hash, hash)` a new event gets, inside the caller's transaction.
pub(super) fn link(
    tx: &Transaction<'_>,
    run_id: &str,
    new: &NewLink<'_>,
) -> Result<(String, String), rusqlite::Error> {
    let NewLink { seq, at, kind, step_id, message, state } = *new;
    let last: Option<String> = if seq <= 1 {
        Some(GENESIS.to_string())
    } else {
        tx.query_row(
            "SELECT hash FROM events WHERE run_id = ?1 AND seq = ?2",
            rusqlite::params![run_id, seq as i64 - 1],
            |r| r.get(0),
        )?
    };
    let prev = match last {
        Some(h) => h,
        // The previous events were written before the store kept hashes: chain them now.
        None => {
            let rows = raw_events(tx, run_id)?;
            let mut prev = GENESIS.to_string();
            for r in &rows {
                prev = hash_fields(
                    &prev,
                    r.seq,
                    &r.at,
                    &r.kind,
                    r.step_id.as_deref(),
                    &r.message,
                    r.state.as_deref(),
                );
            }
            prev
        }
    };
    let hash = hash_fields(&prev, seq, at, kind, step_id, message, state);
    Ok((prev, hash))
}

/// One stored row, as text (the hash is over the stored text of `at`).
struct RawEvent {
    seq: u64,
    at: String,
    kind: String,
    step_id: Option<String>,
    message: String,
    prev_hash: Option<String>,
    hash: Option<String>,
    state: Option<String>,
}

fn raw_events(conn: &rusqlite::Connection, run_id: &str) -> Result<Vec<RawEvent>, rusqlite::Error> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, kind, step_id, message, prev_hash, hash, state FROM events
         WHERE run_id = ?1 ORDER BY seq",
    )?;
    stmt.query_map([run_id], |r| {
        Ok(RawEvent {
            seq: r.get::<_, i64>(0)? as u64,
            at: r.get(1)?,
            kind: r.get(2)?,
            step_id: r.get(3)?,
            message: r.get(4)?,
            prev_hash: r.get(5)?,
            hash: r.get(6)?,
            state: r.get(7)?,
        })
    })?
    .collect()
}

impl RunStore {
    /// The run, once its chain and its tables are checked against the sealed log: what a
    /// report may be made from. A broken record is refused, naming what is wrong.
    pub fn load_verified_run(&self, run_id: &str) -> Result<crate::record::Run, StoreError> {
        let run = self.load_run(run_id)?;
        let check = self.verify_chain(run_id)?;
        if !check.is_intact() {
            return Err(StoreError::Tampered {
                id: run_id.to_string(),
                path: self.path().to_path_buf(),
                problems: check.problems,
            });
        }
        Ok(run)
    }

    /// Recompute a run's chain from its stored events and compare it with the stored hashes:
    /// a changed line, a removed line (a gap in the numbering, or a `prev_hash` that no longer
    /// matches) or a reordered log is named in [`ChainCheck::problems`].
    pub fn verify_chain(&self, run_id: &str) -> Result<ChainCheck, StoreError> {
        let conn = self.conn();
        let rows = raw_events(&conn, run_id).map_err(|e| damaged_or(self.path(), e))?;
        let legacy_up_to: u64 = conn
            .query_row("SELECT up_to FROM legacy_unsealed WHERE run_id = ?1", [run_id], |r| {
                r.get::<_, i64>(0)
            })
            .optional()
            .map_err(|e| damaged_or(self.path(), e))?
            .map_or(0, |n| n as u64);
        drop(conn);
        let mut problems = Vec::new();
        let mut hashes = Vec::with_capacity(rows.len());
        let mut unsealed = 0;
        let mut prev = GENESIS.to_string();
        let mut expected_seq = 1u64;
        for r in &rows {
            if r.seq != expected_seq {
                let missing = if r.seq > expected_seq + 1 {
                    format!("events #{expected_seq}–#{} are missing", r.seq - 1)
                } else {
                    format!("event #{expected_seq} is missing")
                };
                problems.push(missing);
                expected_seq = r.seq;
            }
            // Check each row against the row stored before it, then re-anchor on what is
            // stored, so one removed or changed line is reported once, not for every line after.
            let basis = match (&r.prev_hash, &r.hash) {
                (Some(stored_prev), Some(_)) => {
                    if *stored_prev != prev {
                        problems.push(format!(
                            "event #{} does not follow the event stored before it (a line \
                             before it was changed or removed)",
                            r.seq
                        ));
                    }
                    stored_prev.clone()
                }
                _ => {
                    // Only the events written before the store kept hashes may lack one.
                    if r.seq > legacy_up_to {
                        problems.push(format!(
                            "event #{} has no hash, though the store sealed every event when it \
                             was written: its hash was removed",
                            r.seq
                        ));
                    }
                    unsealed += 1;
                    prev.clone()
                }
            };
            let hash = hash_fields(
                &basis,
                r.seq,
                &r.at,
                &r.kind,
                r.step_id.as_deref(),
                &r.message,
                r.state.as_deref(),
            );
            let linked = match &r.hash {
                Some(stored) if *stored != hash => {
                    problems.push(format!(
                        "event #{} was changed after it was written (its content no longer \
                         matches its hash)",
                        r.seq
                    ));
                    stored.clone()
                }
                _ => hash,
            };
            hashes.push(linked.clone());
            prev = linked;
            expected_seq += 1;
        }
        let head = rows.last().map(|r| ChainHead { seq: r.seq, hash: prev.clone() });
        if rows.is_empty() && self.has_run(run_id)? {
            problems.push(
                "the run's event log is empty: its events were deleted, so nothing vouches for \
                 its record"
                    .into(),
            );
        }
        problems.extend(self.table_disagreements(run_id)?);
        // Gaps shift positions: index hashes by sequence number only when the log is whole.
        if problems.iter().any(|p| p.contains("missing")) {
            hashes.clear();
        }
        Ok(ChainCheck { head, hashes, problems, unsealed })
    }
}
