//! Verified SQLite backups: an online, consistent copy of a database that another process keeps
//! writing to, verified (integrity check, row counts, SHA-256, minimum size) before it gets its
//! final name, described by a sidecar manifest, and restorable with the same verification.
//!
//! Layout: [`sqlite`] is the public entry point (`backup_database`, `restore_database`);
//! `copy.rs` takes the consistent copy with SQLite's backup API; `verify.rs` checks a finished
//! file with its integrity check, hash and row counts running side by side; `manifest.rs` names
//! the files and writes the sidecar JSON without ever replacing a file; [`catalog`] reads the
//! manifests of a backups folder (`backup.recent`, rollback readiness); `restore.rs` puts a
//! verified backup back in place of a database.
//!
//! The safety rule that shapes everything: a file with a backup's final name exists only once
//! it was verified, and its manifest is written last. Work happens under hidden temporary names
//! in the same folder, removed on every error path, so a failed, partial or interrupted backup
//! leaves nothing that could be mistaken for a good one.

pub mod catalog;
mod copy;
mod error;
mod manifest;
mod restore;
pub mod sqlite;
mod verify;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use error::BackupError;

/// A verified backup, as its manifest describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupRecord {
    /// The backup file (not stored in the manifest: it sits beside it).
    #[serde(skip)]
    pub path: PathBuf,
    /// The sidecar manifest (not stored in the manifest itself).
    #[serde(skip)]
    pub manifest_path: PathBuf,
    /// The manifest format, for readers of older or newer manifests.
    pub format: u32,
    /// The backup's file name, relative to the manifest's folder.
    pub file: String,
    /// The database that was backed up, as given.
    pub source: String,
    /// The release version the backup was taken for.
    pub version: String,
    /// When the backup was taken (UTC).
    pub created_at: DateTime<Utc>,
    pub size_bytes: u64,
    /// SHA-256 of the backup file, hex.
    pub sha256: String,
    /// What only this database engine has to say about the copy (written beside the common
    /// fields, with `"engine"` naming it).
    #[serde(flatten)]
    pub detail: BackupDetail,
    /// Rows per table, in name order.
    pub tables: Vec<TableRows>,
    /// The result of `PRAGMA integrity_check`: "ok" for every backup that has a manifest.
    pub integrity: String,
    /// The Release Pilot engine that wrote the backup.
    pub engine_version: String,
    /// Time spent copying, in milliseconds.
    pub copy_ms: u64,
    /// Time spent verifying, in milliseconds.
    pub verify_ms: u64,
}

/// The engine-specific part of a backup's manifest. Read by the same code everywhere
/// (`backup.recent`, rollback readiness, the report go through [`BackupRecord`]); each engine
/// adds a variant with what its copy needs to be described or restored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "engine", rename_all = "lowercase")]
pub enum BackupDetail {
    /// A SQLite database copied with its backup API.
    Sqlite(SqliteDetail),
}

/// What a SQLite backup records about its copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqliteDetail {
    pub page_size: u64,
    pub pages: u64,
    /// The source's journal mode ("wal", "delete", …).
    pub journal_mode: String,
}

/// A tolerant reader: manifests written before backups named their engine (format 1, every
/// one of them SQLite) have no `"engine"`, and are read as SQLite.
impl<'de> Deserialize<'de> for BackupDetail {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut fields = serde_json::Map::deserialize(deserializer)?;
        let engine = match fields.remove("engine") {
            None => "sqlite".to_owned(),
            Some(serde_json::Value::String(name)) => name,
            Some(other) => {
                return Err(D::Error::custom(format!("`engine` is {other}, not a name")));
            }
        };
        let rest = serde_json::Value::Object(fields);
        match engine.as_str() {
            "sqlite" => serde_json::from_value(rest).map(Self::Sqlite).map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "the backup was taken of a `{other}` database, which this Release Pilot does not \
                 know: update Release Pilot to read it"
            ))),
        }
    }
}

impl BackupRecord {
    /// The SQLite details, when it is a SQLite backup.
    pub fn sqlite(&self) -> Option<&SqliteDetail> {
        match &self.detail {
            BackupDetail::Sqlite(d) => Some(d),
        }
    }

    /// Total rows over every table.
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// One table's row count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRows {
    pub table: String,
    pub rows: u64,
}

/// What a restore did, once it was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreRecord {
    /// The backup that was restored.
    pub backup: PathBuf,
    /// The database that now holds the backup's content.
    pub target: PathBuf,
    pub size_bytes: u64,
    /// SHA-256 of the restored file (equal to the backup's).
    pub sha256: String,
    /// Rows per table of the restored database (equal to the backup's).
    pub tables: Vec<TableRows>,
    /// True when a database was there before and was replaced.
    pub replaced: bool,
    pub duration_ms: u64,
}

/// Where a backup stands, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupStage {
    /// Pages are being copied from the source.
    Copying,
    /// The copy is complete; integrity check, hash and row counts are running.
    Verifying,
}

/// Progress of one backup: reported after every chunk of pages, then once when verification
/// starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupProgress {
    pub stage: BackupStage,
    pub pages_done: u64,
    pub pages_total: u64,
    pub page_size: u64,
}

impl BackupProgress {
    pub fn bytes_done(&self) -> u64 {
        self.pages_done.saturating_mul(self.page_size)
    }
    pub fn bytes_total(&self) -> u64 {
        self.pages_total.saturating_mul(self.page_size)
    }
    /// Whole percent copied (100 for an empty database).
    pub fn percent(&self) -> u64 {
        (self.pages_done * 100).checked_div(self.pages_total).unwrap_or(100)
    }
}

/// This engine's version, written into every manifest.
pub(crate) const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Milliseconds of a duration, saturating.
pub(crate) fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
