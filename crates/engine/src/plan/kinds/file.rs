//! Checks of files: existence, size, age, and a key in an env file (never revealed).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::StepParams;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileExistsParams {
    /// Path, relative to the repository unless absolute.
    pub path: String,
    /// Minimum size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size_bytes: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileAgeParams {
    /// Path, relative to the repository unless absolute.
    pub path: String,
    /// The file must have been modified at most this many hours ago.
    pub max_age_hours: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileEnvKeyParams {
    /// The env file (KEY=value lines), relative to the repository unless absolute.
    pub path: String,
    /// The key that must be present, e.g. "SECRET_KEY".
    pub key: String,
    /// The value must be at least this many characters long (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
}

impl StepParams for FileExistsParams {
    fn describe(&self, _title: &str) -> String {
        match self.min_size_bytes {
            Some(min) => format!("check {} exists and holds at least {min} bytes", self.path),
            None => format!("check {} exists", self.path),
        }
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for FileAgeParams {
    fn describe(&self, _title: &str) -> String {
        format!("check {} was modified within {} hours", self.path, self.max_age_hours)
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for FileEnvKeyParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "check {} defines {} with at least {} characters (the value is never shown)",
            self.path,
            self.key,
            self.min_length.unwrap_or(1)
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}
