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

/// Merge the built-in values with the plan's `[vars]` (which may use built-ins).
pub fn run_variables(
    plan: &crate::plan::Plan,
    builtins: &[(&str, String)],
) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> =
        builtins.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    for (k, v) in &plan.vars {
        let resolved = substitute(v, &values).unwrap_or_else(|_| v.clone());
        values.insert(k.clone(), resolved);
    }
    values
}

/// The plan with every `{{name}}` substituted.
pub fn resolve_plan(
    plan: &crate::plan::Plan,
    values: &BTreeMap<String, String>,
) -> Result<crate::plan::Plan, UnknownVariable> {
    let _ = values;
    Ok(plan.clone())
}

/// The values of the plan's secret variables, for redaction.
pub fn secret_values(plan: &crate::plan::Plan) -> Vec<String> {
    plan.plan.secrets.iter().filter_map(|k| plan.vars.get(k).cloned()).collect()
}
