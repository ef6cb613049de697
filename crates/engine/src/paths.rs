//! Where Release Pilot keeps its data. Paths are injected: the front ends build a [`DataPaths`]
//! once (from a flag, the `RELEASE_PILOT_DATA_DIR` environment variable, or the per-user data
//! folder) and hand it down; nothing below reads the environment.

use std::path::{Path, PathBuf};

/// The environment variable that overrides the data folder (tests and CI use it).
pub const DATA_DIR_ENV: &str = "RELEASE_PILOT_DATA_DIR";

/// The folders and files under the data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPaths {
    root: PathBuf,
}

impl DataPaths {
    /// Use `root` as the data folder.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Resolve the data folder: an explicit choice wins, then `RELEASE_PILOT_DATA_DIR`, then the
    /// platform's per-user data folder (`~/.local/share/release-pilot` on Linux,
    /// `~/Library/Application Support/dev.release-pilot.ReleasePilot` on macOS,
    /// `%APPDATA%\release-pilot\ReleasePilot\data` on Windows).
    ///
    /// `app_id` lets the end-to-end build use its own folder so tests never touch a user's data.
    pub fn resolve(explicit: Option<&Path>, env_value: Option<&str>, app_id: &str) -> Option<Self> {
        if let Some(p) = explicit {
            return Some(Self::new(p));
        }
        if let Some(v) = env_value.filter(|v| !v.trim().is_empty()) {
            return Some(Self::new(v));
        }
        directories::ProjectDirs::from("dev", "release-pilot", app_id)
            .map(|d| Self::new(d.data_dir()))
    }

    /// The data folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The run store (one SQLite file).
    pub fn store_file(&self) -> PathBuf {
        self.root.join("runs.sqlite3")
    }

    /// Lock files, one per run being driven, so that two processes never drive the same run.
    pub fn locks_dir(&self) -> PathBuf {
        self.root.join("locks")
    }

    /// Verified backups, named with version and UTC time.
    pub fn backups_dir(&self) -> PathBuf {
        self.root.join("backups")
    }
}
