//! How values are written as SQLite text: times as RFC 3339 UTC with milliseconds (so they sort
//! as text), enums by their serde names, structured values as JSON.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub(super) fn time_to_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(super) fn time_from_text(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("time {s:?}: {e}"))
}

/// The serde name of a unit enum variant, e.g. `StepStatus::Passed` → "passed".
pub(super) fn enum_to_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

pub(super) fn enum_from_text<T: DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|e| format!("{s:?}: {e}"))
}

pub(super) fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising the engine's own model types cannot fail (no maps with non-string keys).
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

pub(super) fn from_json<T: DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_str(s).map_err(|e| e.to_string())
}
