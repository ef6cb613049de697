//! The run store: one SQLite file (WAL, versioned migrations) holding every run, every step's
//! status and evidence, and the append-only event log.
//!
//! Every step result and event is committed before anything reports it, so a crash, a
//! `kill -9` or a closed window loses nothing, and an interrupted run resumes where it stopped.
//! A damaged file is reported and never overwritten. Two processes may read the store at once;
//! only one may drive a given run ([`RunLock`]).
//!
//! Layout: `open.rs` (opening, pragmas, damage detection), `migrations.rs` (schema versions),
//! `runs.rs` (runs and steps), `events.rs` (the event log), `lock.rs` (the per-run driver lock),
//! `codec.rs` (how values are written as SQLite text), `chain.rs` (the event log's hash chain),
//! `signoffs.rs` (sign-off decisions), `signatures.rs` (signatures attached to a run's report),
//! `find.rs` (runs filtered by outcome, version and person).

mod chain;
mod codec;
mod error;
mod events;
mod find;
mod lock;
mod migrations;
mod open;
mod rollbacks;
mod runs;
mod sealed;
mod signatures;
mod signoffs;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

pub use chain::{ChainCheck, ChainHead, GENESIS, chain_hashes, chain_head, event_hash};
pub use error::StoreError;
pub use find::RunFilter;
pub use lock::RunLock;
pub use migrations::SCHEMA_VERSION;
pub use signatures::AttachedSignature;

/// A handle on the run store. Cheap to share between threads (`&RunStore` is `Sync`): the
/// connection sits behind a mutex because SQLite serialises writers anyway and the runner's
/// concurrent checks write only a few rows each.
#[derive(Debug)]
pub struct RunStore {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// Secret values of the runs this process started or was given them for, by run id. Held
    /// in memory only: the file never holds a secret (see `run::secrets`).
    secrets: Mutex<HashMap<String, BTreeMap<String, String>>>,
}

impl RunStore {
    /// Open (creating if missing) the store at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = open::open_connection(path)?;
        Ok(Self { path: path.to_path_buf(), conn: Mutex::new(conn), secrets: Mutex::default() })
    }

    /// Hold the values of a run's secret variables in this process (never written), for the
    /// drives that follow; values given again replace the ones held.
    pub fn give_secrets(&self, run_id: &str, values: BTreeMap<String, String>) {
        let mut held = self.secrets.lock().unwrap_or_else(|e| e.into_inner());
        held.entry(run_id.to_string()).or_default().extend(values);
    }

    /// The secret values held for a run in this process.
    pub fn secrets(&self, run_id: &str) -> BTreeMap<String, String> {
        let held = self.secrets.lock().unwrap_or_else(|e| e.into_inner());
        held.get(run_id).cloned().unwrap_or_default()
    }

    /// The SQLite file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data folder holding the store (and, beside it, `locks/` and `backups/`).
    pub fn data_dir(&self) -> &Path {
        self.path.parent().unwrap_or_else(|| Path::new("."))
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A poisoned mutex means a thread panicked while holding it; SQLite rolled back any
        // open transaction, so the connection itself is still consistent.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}
