//! [`Seconds`]: a count of seconds that a plan may write as a number (`300`) or as text that
//! holds one once variables are substituted (`"{{soak_interval_secs}}"`), so a template's long
//! waits (a one-hour soak) can be shortened for a demo by changing a plan variable.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// Seconds, as written in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Seconds {
    Count(u64),
    /// Text: a number, or a `{{variable}}` until the run starts.
    Text(String),
}

impl Default for Seconds {
    fn default() -> Self {
        Self::Count(0)
    }
}

impl From<u64> for Seconds {
    fn from(n: u64) -> Self {
        Self::Count(n)
    }
}

impl Seconds {
    /// The number of seconds, or why the text is not one (named after `param`).
    pub fn secs(&self, param: &str) -> Result<u64, String> {
        match self {
            Self::Count(n) => Ok(*n),
            Self::Text(t) => t.trim().parse().map_err(|_| {
                format!(
                    "{param} is {t:?}, which is not a whole number of seconds; \
                     write a number such as 300, or a variable that holds one"
                )
            }),
        }
    }
}

impl std::fmt::Display for Seconds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Count(n) => write!(f, "{n}"),
            Self::Text(t) => f.write_str(t),
        }
    }
}

impl JsonSchema for Seconds {
    fn schema_name() -> Cow<'static, str> {
        "Seconds".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string" }
            ]
        })
    }
}
