//! HTTP validation: one request with expectations, latency under load, rate limiting.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::StepParams;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpCheckParams {
    /// The URL to request, e.g. "http://127.0.0.1:8080/health".
    pub url: String,
    /// The HTTP method, e.g. "GET" or "HEAD".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Request headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The request body, e.g. a login form or JSON for a POST (say its type in `headers`,
    /// e.g. `"Content-Type" = "application/json"`). A secret variable in it is sent, never shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Expected status (default 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_status: Option<u16>,
    /// Texts the response body must contain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body_contains: Vec<String>,
    /// Texts the response body must not contain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body_not_contains: Vec<String>,
    /// A JSON pointer into the body, e.g. "/version"...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_pointer: Option<String>,
    /// ...and the value it must equal, e.g. "{{version}}".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_equals: Option<String>,
    /// Give up on a request after this many milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// How many times to retry a failed request before failing the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// A CA certificate file to trust (internal certificates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpLatencyParams {
    /// The URL to request.
    pub url: String,
    /// Number of requests (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<u32>,
    /// Requests in flight at once (default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Or: keep going for this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<u64>,
    /// Highest acceptable median latency in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p50_ms: Option<f64>,
    /// Highest acceptable 95th-percentile latency in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<f64>,
    /// Highest acceptable 99th-percentile latency in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_ms: Option<f64>,
    /// Highest acceptable latency of any request in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ms: Option<f64>,
    /// Highest acceptable error rate in percent, e.g. 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_error_rate_pct: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpRateLimitParams {
    /// The URL to request.
    pub url: String,
    /// The limit: a rejection is expected after this many requests...
    pub requests: u32,
    /// ...within this window.
    pub window_secs: u64,
    /// The rejection status (default 429).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_status: Option<u16>,
}

impl StepParams for HttpCheckParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "{} {}{} and expect status {}",
            self.method.as_deref().unwrap_or("GET"),
            self.url,
            self.body
                .as_ref()
                .map(|b| format!(" with a {}-byte body", b.len()))
                .unwrap_or_default(),
            self.expect_status.unwrap_or(200)
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for HttpLatencyParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "send {} requests to {} ({} at a time) and measure latency",
            self.requests.unwrap_or(100),
            self.url,
            self.concurrency.unwrap_or(4)
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl HttpRateLimitParams {
    /// How many requests the step sends at most: one more than the limit must be rejected,
    /// and a tenth more tolerates a service that counts its window slightly differently. The
    /// dry run's description and the live run say this same number.
    pub fn budget(&self) -> u64 {
        u64::from(self.requests).saturating_add(1 + u64::from(self.requests / 10))
    }
}

impl StepParams for HttpRateLimitParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "send up to {} requests to {} within {} s (the limit of {}, one more, and a tenth more for a window counted differently) and expect status {} before the last",
            self.budget(),
            self.url,
            self.window_secs,
            self.requests,
            self.expect_status.unwrap_or(429)
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}
