//! Backups: an online verified SQLite backup, a plan-defined backup program, and a check that
//! a recent verified backup exists.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{StepParams, command_line};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupSqliteParams {
    /// The database file on the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Or: the container that holds it...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// ...or the volume that holds it...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// ...and the database's path inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_path: Option<String>,
    /// The backups folder (default: the data folder's backups/).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dest_dir: Option<String>,
    /// Minimum size of a good backup in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size_bytes: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupCommandParams {
    /// The backup program, found on PATH or given as a path; never a shell line.
    pub program: String,
    /// Arguments passed to the program as they are.
    #[serde(default)]
    pub args: Vec<String>,
    /// The file the program writes; it is checked (exists, size, SHA-256).
    pub output: String,
    /// Minimum size of a good backup file in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size_bytes: Option<u64>,
    /// Kill the program after this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupRecentParams {
    /// The backups folder (default: the data folder's backups/).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
    /// The newest verified backup must be at most this many hours old.
    pub max_age_hours: f64,
}

impl StepParams for BackupSqliteParams {
    fn describe(&self, _title: &str) -> String {
        let source = match (&self.path, &self.container, &self.volume) {
            (Some(path), _, _) => path.clone(),
            (None, Some(c), _) => {
                format!("{} in container {c}", self.db_path.as_deref().unwrap_or("the database"))
            }
            (None, None, Some(v)) => {
                format!("{} in volume {v}", self.db_path.as_deref().unwrap_or("the database"))
            }
            _ => "the database".into(),
        };
        format!(
            "back up {source} to {} and verify it",
            self.dest_dir.as_deref().unwrap_or("the backups folder")
        )
    }
    fn touches(&self) -> Option<String> {
        self.path
            .clone()
            .or_else(|| self.container.clone())
            .or_else(|| self.volume.clone())
            .map(|t| format!("the database {t}"))
    }
}

impl StepParams for BackupCommandParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "run `{}` and check it wrote {}",
            command_line(&self.program, &self.args),
            self.output
        )
    }
    fn touches(&self) -> Option<String> {
        Some(format!(
            "the command `{}` writing {}",
            command_line(&self.program, &self.args),
            self.output
        ))
    }
}

impl StepParams for BackupRecentParams {
    fn describe(&self, _title: &str) -> String {
        format!("check a verified backup younger than {} hours exists", self.max_age_hours)
    }
    fn touches(&self) -> Option<String> {
        None
    }
}
