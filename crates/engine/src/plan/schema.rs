//! The JSON Schema of the plan format, generated from the model types so editors can complete
//! and check plan files (`pilot plan schema`).

/// The schema as JSON.
pub fn plan_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(super::Plan)).unwrap_or_default()
}
