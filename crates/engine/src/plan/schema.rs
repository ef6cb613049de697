//! The JSON Schema of the plan format, generated from the model types so editors can complete
//! and check plan files (`pilot plan schema`), and the catalogue of step kinds read from it.
//!
//! The schema is the one source of truth for "which keys exist and what type they have": the
//! TOML loader checks plans against it, `docs/plan.schema.json` is this schema written out, and
//! the kind reference in `docs/plan-format.md` is rendered from [`kinds`]. Tests fail when
//! either file is stale (`UPDATE_DOCS=1 cargo test -p pilot-engine --test engine plan::`
//! rewrites both).

use std::sync::LazyLock;

use serde_json::{Value, json};

use super::{Plan, StepAction};

/// The schema is derived once: the loader consults it for every plan.
static PLAN_SCHEMA: LazyLock<Value> = LazyLock::new(build_plan_schema);

/// The schema as JSON.
pub fn plan_schema() -> Value {
    PLAN_SCHEMA.clone()
}

/// The schema, borrowed; the loader walks it for every plan it reads.
pub(crate) fn plan_schema_ref() -> &'static Value {
    &PLAN_SCHEMA
}

fn build_plan_schema() -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Plan)).unwrap_or_default();
    if let Some(root) = schema.as_object_mut() {
        root.insert("title".into(), json!("Release Pilot plan"));
    }
    // `Step` flattens the internally tagged `StepAction`, so serde cannot deny unknown keys and
    // schemars emits no `additionalProperties: false`. `unevaluatedProperties` (draft 2020-12)
    // sees the keys the matching `oneOf` branch evaluated, so editors still flag typos.
    if let Some(step) = schema.pointer_mut("/$defs/Step").and_then(Value::as_object_mut) {
        step.insert("unevaluatedProperties".into(), json!(false));
    }
    schema
}

/// A step kind as the schema describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct KindSchema {
    /// The name written in plans, e.g. "git.clean".
    pub kind: &'static str,
    /// What the kind checks or does (the variant's doc comment).
    pub description: String,
    /// The kind's own parameters, in schema (alphabetical) order.
    pub params: Vec<ParamSchema>,
}

/// One parameter of a step kind.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSchema {
    pub name: String,
    /// Human type name, e.g. "string", "integer ≥ 0", "array of strings".
    pub type_name: String,
    pub required: bool,
    /// The default written in the schema, when there is one.
    pub default: Option<Value>,
    pub description: String,
    /// The property's JSON Schema.
    pub schema: Value,
}

/// Every step kind with its parameters, in [`StepAction::KIND_NAMES`] order.
pub fn kinds() -> Vec<KindSchema> {
    StepAction::KIND_NAMES.iter().filter_map(|name| kind(name)).collect()
}

/// The kind with this name, read from the schema.
pub fn kind(name: &str) -> Option<KindSchema> {
    let kind = StepAction::KIND_NAMES.iter().copied().find(|k| *k == name)?;
    let variant = kind_variant(kind)?;
    let required: Vec<&str> = variant
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let params = variant
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .filter(|(name, _)| name.as_str() != "kind")
                .map(|(name, schema)| ParamSchema {
                    name: name.clone(),
                    type_name: type_name(schema),
                    required: required.contains(&name.as_str()),
                    default: schema.get("default").filter(|d| !d.is_null()).cloned(),
                    description: text(schema.get("description")),
                    schema: schema.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(KindSchema { kind, description: text(variant.get("description")), params })
}

/// The `oneOf` branch of `Step` whose `kind` is this name.
pub(crate) fn kind_variant(name: &str) -> Option<&'static Value> {
    step_variants()
        .find(|v| v.pointer("/properties/kind/const").and_then(Value::as_str) == Some(name))
}

/// The `oneOf` branches of `Step`, one per kind.
fn step_variants() -> impl Iterator<Item = &'static Value> {
    plan_schema_ref().pointer("/$defs/Step/oneOf").and_then(Value::as_array).into_iter().flatten()
}

/// The schema's type without "null" (TOML has no null; `Option` only means "may be left out").
pub(crate) fn primary_type(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t.as_str()),
        Value::Array(types) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// A type name for people: "string", "integer ≥ 0", "array of strings", "table of strings".
pub(crate) fn type_name(schema: &Value) -> String {
    // A value of either of several types ("integer ≥ 0 or string").
    if let Some(Value::Array(alternatives)) = schema.get("anyOf") {
        return alternatives.iter().map(type_name).collect::<Vec<_>>().join(" or ");
    }
    match primary_type(schema) {
        Some("string") => "string".into(),
        Some("integer") if schema.get("minimum").and_then(Value::as_f64) == Some(0.0) => {
            "integer ≥ 0".into()
        }
        Some("integer") => "integer".into(),
        Some("number") => "number".into(),
        Some("boolean") => "boolean".into(),
        Some("array") => match schema.get("items") {
            Some(items) => format!("array of {}s", type_name(items)),
            None => "array".into(),
        },
        Some("object") => match schema.get("additionalProperties").filter(|a| a.is_object()) {
            Some(values) => format!("table of {}s", type_name(values)),
            None => "table".into(),
        },
        Some(other) => other.into(),
        None => "value".into(),
    }
}

fn text(value: Option<&Value>) -> String {
    // Doc comments wrap at 100 columns; a description is one paragraph.
    value.and_then(Value::as_str).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The kind reference of `docs/plan-format.md`, rendered from the schema: a summary table, then
/// one section per kind listing every parameter, required ones first.
pub fn kinds_reference_markdown() -> String {
    let kinds = kinds();
    let mut out = String::new();
    out.push_str("| Kind | What it does |\n|---|---|\n");
    for k in &kinds {
        out.push_str(&format!("| [`{}`](#{}) | {} |\n", k.kind, anchor(k.kind), k.description));
    }
    for k in &kinds {
        out.push_str(&format!("\n### `{}`\n\n{}\n\n", k.kind, k.description));
        if k.params.is_empty() {
            out.push_str("No parameters.\n");
            continue;
        }
        out.push_str("| Parameter | Type | Required / default | Meaning |\n|---|---|---|---|\n");
        // Required parameters first: they are what a plan author must write.
        let (required, optional): (Vec<&ParamSchema>, Vec<&ParamSchema>) =
            k.params.iter().partition(|p| p.required);
        for p in required.into_iter().chain(optional) {
            let need = match (&p.required, &p.default) {
                (true, _) => "required".to_string(),
                (false, Some(d)) => format!("default `{}`", toml_literal(d)),
                (false, None) => "optional".to_string(),
            };
            out.push_str(&format!(
                "| `{}` | {} | {need} | {} |\n",
                p.name,
                p.type_name,
                p.description.replace('|', "\\|")
            ));
        }
    }
    out
}

/// A JSON default written as TOML would write it (`[]`, `{}`, `true`, `0`, `"x"`).
fn toml_literal(value: &Value) -> String {
    match value {
        Value::Object(o) if o.is_empty() => "{}".into(),
        other => other.to_string(),
    }
}

/// The GitHub-style heading anchor of "### `git.clean`": lower case, punctuation dropped.
fn anchor(kind: &str) -> String {
    kind.chars().filter(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect()
}
