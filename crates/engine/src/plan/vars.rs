//! Variables: `{{version}}`, `{{previous_tag}}`, `{{commit}}`, `{{environment}}` and the plan's
//! own `[vars]`, substituted into every string parameter when a run starts.
//!
//! The flow: the run builds its built-in values (from the repository facts and the chosen
//! environment), [`run_variables`] merges the plan's `[vars]` into them, and [`resolve_plan`]
//! returns the plan with every `{{name}}` replaced. [`secret_values`] lists what must be redacted
//! from evidence and reports. [`variables_in`] lists the names a text uses (the loader uses the
//! same tokenizer to point at unknown names and unclosed `{{`).
//!
//! Syntax: `{{name}}` or `{{ name }}` (spaces inside the braces are ignored). There is no
//! escape; a `{{` with no `}}` after it is left as written (the loader rejects it).

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Plan, Step};

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

/// One `{{...}}` found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token<'t> {
    /// `{{ name }}`: the trimmed name, the byte offset of `{{` and the offset just past `}}`.
    Variable { name: &'t str, start: usize, end: usize },
    /// A `{{` with no `}}` after it, at this byte offset.
    Unclosed { start: usize },
}

/// Every `{{...}}` in `text`, in order.
pub(crate) fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("{{") {
        let start = from + at;
        let inner_start = start + 2;
        match text[inner_start..].find("}}") {
            Some(len) => {
                let end = inner_start + len + 2;
                found.push(Token::Variable {
                    name: text[inner_start..inner_start + len].trim(),
                    start,
                    end,
                });
                from = end;
            }
            None => {
                found.push(Token::Unclosed { start });
                break;
            }
        }
    }
    found
}

/// The variables used in `text`: each name with the byte offset of its `{{`.
pub fn variables_in(text: &str) -> Vec<(String, usize)> {
    tokens(text)
        .into_iter()
        .filter_map(|t| match t {
            Token::Variable { name, start, .. } => Some((name.to_string(), start)),
            Token::Unclosed { .. } => None,
        })
        .collect()
}

/// Replace every `{{name}}` in `text` with its value.
pub fn substitute(
    text: &str,
    values: &BTreeMap<String, String>,
) -> Result<String, UnknownVariable> {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for token in tokens(text) {
        if let Token::Variable { name, start, end } = token {
            let value =
                values.get(name).ok_or_else(|| UnknownVariable { name: name.to_string() })?;
            out.push_str(&text[copied..start]);
            out.push_str(value);
            copied = end;
        }
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// The values a run substitutes: the `builtins` it was given, `environment` from `[plan]` when
/// the builtins lack it, and the plan's `[vars]`, which may use built-ins and each other
/// (`base_url = "http://{{host}}:{{port}}"`): a variable is resolved once every variable it uses
/// is. A reference that cannot be resolved (unknown, or a cycle) is left as written; the loader
/// has already rejected such plans. Built-ins win over a plan variable of the same name (the
/// loader rejects those too).
pub fn run_variables(plan: &Plan, builtins: &[(&str, String)]) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> =
        builtins.iter().map(|(name, value)| ((*name).to_string(), value.clone())).collect();
    if let Some(environment) = &plan.plan.environment {
        values.entry("environment".into()).or_insert_with(|| environment.clone());
    }
    let mut pending: BTreeMap<&String, &String> =
        plan.vars.iter().filter(|(name, _)| !values.contains_key(*name)).collect();
    // Each pass resolves at least one variable, or nothing more can be resolved.
    while !pending.is_empty() {
        let ready: Vec<(String, String)> = pending
            .iter()
            .filter(|(_, raw)| variables_in(raw).iter().all(|(used, _)| values.contains_key(used)))
            .map(|(name, raw)| {
                ((*name).clone(), substitute(raw, &values).unwrap_or_else(|_| (*raw).clone()))
            })
            .collect();
        if ready.is_empty() {
            break;
        }
        for (name, value) in ready {
            pending.remove(&name);
            values.insert(name, value);
        }
    }
    for (name, raw) in pending {
        values.insert(name.clone(), raw.clone());
    }
    values
}

/// The plan with `{{name}}` replaced in the plan's title, description and success criteria, in
/// every phase's title and description, and in every step's title, description and string
/// parameters. Ids and kinds are never substituted.
pub fn resolve_plan(
    plan: &Plan,
    values: &BTreeMap<String, String>,
) -> Result<Plan, UnknownVariable> {
    let mut resolved = plan.clone();
    let header = &mut resolved.plan;
    header.title = substitute(&header.title, values)?;
    header.description = substitute(&header.description, values)?;
    for criterion in &mut header.success_criteria {
        *criterion.text_mut() = substitute(criterion.text(), values)?;
    }
    for phase in &mut resolved.phases {
        phase.title = substitute(&phase.title, values)?;
        phase.description = substitute(&phase.description, values)?;
        for step in &mut phase.steps {
            *step = resolve_step(step, values)?;
        }
    }
    Ok(resolved)
}

/// Substitutes through the step's serialized form, so every string of every kind is covered
/// without a per-kind list that could fall behind the catalogue.
fn resolve_step(step: &Step, values: &BTreeMap<String, String>) -> Result<Step, UnknownVariable> {
    let mut json = to_json(step);
    if let Value::Object(fields) = &mut json {
        for (key, value) in fields.iter_mut() {
            if key != "id" && key != "kind" {
                substitute_json(value, values)?;
            }
        }
    }
    // The round trip cannot fail for a value that came from a `Step`; if it ever did, keeping
    // the step unresolved is better than losing it.
    Ok(from_json(json).unwrap_or_else(|| step.clone()))
}

fn substitute_json(
    value: &mut Value,
    values: &BTreeMap<String, String>,
) -> Result<(), UnknownVariable> {
    match value {
        Value::String(text) => *text = substitute(text, values)?,
        Value::Array(items) => {
            for item in items {
                substitute_json(item, values)?;
            }
        }
        Value::Object(fields) => {
            for item in fields.values_mut() {
                substitute_json(item, values)?;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn from_json<T: DeserializeOwned>(value: Value) -> Option<T> {
    serde_json::from_value(value).ok()
}

/// The values of the plan variables named in `[plan] secrets`, for redaction. Empty values are
/// left out: redacting "" would mangle every text.
pub fn secret_values(plan: &Plan) -> Vec<String> {
    plan.plan
        .secrets
        .iter()
        .filter_map(|name| plan.vars.get(name))
        .filter(|value| !value.is_empty())
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_find_variables_and_unclosed_braces() {
        let found = tokens("a {{ x }} b {{y}} {{z");
        assert_eq!(
            found,
            vec![
                Token::Variable { name: "x", start: 2, end: 9 },
                Token::Variable { name: "y", start: 12, end: 17 },
                Token::Unclosed { start: 18 },
            ],
            "spaces inside braces are trimmed and an unclosed `{{{{` is reported where it opens"
        );
    }
}
