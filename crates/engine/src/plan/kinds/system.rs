//! Checks of the machine: free disk and available memory.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::StepParams;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemDiskParams {
    /// A path on the disk to measure (default: the repository).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Minimum free space in GB (10^9 bytes).
    pub min_free_gb: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemMemoryParams {
    /// Minimum available memory in GB (10^9 bytes).
    pub min_available_gb: f64,
}

impl StepParams for SystemDiskParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "measure free disk space at {} (need ≥ {} GB)",
            self.path.as_deref().unwrap_or("the repository"),
            self.min_free_gb
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for SystemMemoryParams {
    fn describe(&self, _title: &str) -> String {
        format!("measure available memory (need ≥ {} GB)", self.min_available_gb)
    }
    fn touches(&self) -> Option<String> {
        None
    }
}
