//! Validation beyond HTTP: log scans, imported test reports, and the soak that repeats checks.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::StepParams;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogScanParams {
    /// Container whose logs are scanned (through the Docker API)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// ...or a log file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Patterns that must not appear (regular expressions), e.g. ["ERROR", "CRITICAL"].
    #[serde(default)]
    pub forbid: Vec<String>,
    /// Patterns that must appear, e.g. ["Application startup complete"].
    #[serde(default)]
    pub require: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestReportParams {
    /// The report file (JUnit XML or Playwright JSON).
    pub path: String,
    /// "junit", "playwright" or "auto" (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Minimum pass rate in percent, e.g. 95.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_pass_rate_pct: Option<f64>,
    /// Tests whose name, suite or tag matches this pattern are critical...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical: Option<String>,
    /// ...and must all pass.
    #[serde(default)]
    pub all_critical_pass: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoakParams {
    /// Step ids of read-only checks to repeat every round (http.check, http.latency, log.scan, …).
    #[serde(default)]
    pub checks: Vec<String>,
    /// A URL to load every round as well: its p50, p95 and error rate make the chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// GET requests to `url` per round (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_round: Option<u32>,
    /// Concurrent requests to `url` (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Seconds between the starts of two rounds (at least 1); a number or a `{{variable}}`.
    pub interval_secs: crate::plan::seconds::Seconds,
    /// How long the soak lasts, in seconds, from its first start (a resumed soak keeps it); a
    /// number or a `{{variable}}`.
    pub duration_secs: crate::plan::seconds::Seconds,
    /// Every round's p95 must be at or under this many milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<f64>,
    /// Errors over the whole soak (failed requests and failed checks), in percent. Without it,
    /// any error fails the soak.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_error_rate_pct: Option<f64>,
}

impl StepParams for LogScanParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "scan the logs of {} for {}",
            self.container.as_deref().or(self.file.as_deref()).unwrap_or("the service"),
            self.forbid.join(", ")
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for TestReportParams {
    fn describe(&self, _title: &str) -> String {
        format!("import the test report {}", self.path)
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for SoakParams {
    fn describe(&self, _title: &str) -> String {
        let what: Vec<String> = self
            .url
            .iter()
            .map(|u| format!("load {u}"))
            .chain((!self.checks.is_empty()).then(|| format!("repeat {}", self.checks.join(", "))))
            .collect();
        format!(
            "{} every {} s for {} s",
            what.join(" and "),
            self.interval_secs,
            self.duration_secs
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}
