//! About the app itself.

use serde::Serialize;
use ts_rs::TS;

/// What the UI needs to know at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    /// The data folder (run store, backups).
    pub data_dir: String,
    /// A repository given on the command line (`--repo DIR`), opened directly.
    pub start_repo: Option<String>,
    /// The operator, "Name <email>", from git's global configuration when it has one.
    pub operator: Option<String>,
}

/// The demo project just created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoDto {
    pub path: String,
    pub plan: String,
    pub version: String,
}

/// A report written to disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedReportDto {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
}
