//! The structural check: every table, key and value of the plan against the JSON Schema that
//! schemars derives from the model types. Which keys exist, which are required and what type
//! each has all come from the schema, so this file holds no list of keys that could drift from
//! the structs. Steps are special only in that their allowed keys depend on their `kind`.

use serde_json::Value;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::span::{Problems, did_you_mean, near};
use crate::plan::StepAction;
use crate::plan::schema::{self, kind_variant, primary_type, type_name};

type Item<'i> = Spanned<DeValue<'i>>;

/// Check the whole document.
pub(super) fn check(root: &DeTable<'_>, problems: &mut Problems<'_>) {
    let schema = schema::plan_schema_ref();
    Shape { problems }.table(root, 0, schema, "the plan file");
}

struct Shape<'p, 's> {
    problems: &'p mut Problems<'s>,
}

impl Shape<'_, '_> {
    /// Check one value against its property schema; `key` and `owner` name it in messages.
    fn value(&mut self, item: &Item<'_>, schema: &'static Value, key: &str, owner: &str) {
        let schema = resolve(schema);
        if is_step(schema) {
            self.step(item, schema);
            return;
        }
        let at = item.span().start;
        let found = item.get_ref();
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            let allowed: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
            if !found.as_str().is_some_and(|s| allowed.contains(&s)) {
                let hint = found.as_str().map(|s| did_you_mean(&near(s, allowed.iter().copied())));
                self.problems.at(
                    at,
                    format!(
                        "`{key}` in {owner} must be one of {}, found {}{}",
                        allowed.join(", "),
                        describe(found),
                        hint.unwrap_or_default()
                    ),
                );
            }
            return;
        }
        // A value of either of several shapes (a criterion as text or as a table, seconds as
        // a number or as text): checked against the alternative its type fits.
        if let Some(Value::Array(alternatives)) = schema.get("anyOf") {
            let fitting = alternatives
                .iter()
                .map(resolve)
                .find(|alt| primary_type(alt).is_some_and(|t| fits(found, t)));
            match fitting {
                Some(alternative) => self.value(item, alternative, key, owner),
                None => {
                    let names: Vec<String> =
                        alternatives.iter().map(|alt| type_name(resolve(alt))).collect();
                    self.problems.at(
                        at,
                        format!(
                            "`{key}` in {owner} must be {}, found {}",
                            article(&names.join(" or ")),
                            describe(found)
                        ),
                    )
                }
            }
            return;
        }
        let Some(expected) = primary_type(schema) else { return };
        if !fits(found, expected) {
            self.problems.at(
                at,
                format!(
                    "`{key}` in {owner} must be {}, found {}",
                    article(&type_name(schema)),
                    describe(found)
                ),
            );
            return;
        }
        match found {
            DeValue::Integer(number) => {
                let value = i128::from_str_radix(number.as_str(), number.radix()).ok();
                let (low, high) = integer_range(schema);
                if !value.is_some_and(|v| low <= v && v <= high) {
                    self.problems
                        .at(at, format!("`{key}` in {owner} must be between {low} and {high}"));
                }
            }
            DeValue::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for element in items.iter() {
                        self.value(element, item_schema, key, owner);
                    }
                }
            }
            DeValue::Table(table) => self.table(table, at, schema, &label(key, table)),
            _ => {}
        }
    }

    /// Check a table's keys: required ones present, every one known, each value's type.
    fn table(&mut self, table: &DeTable<'_>, at: usize, schema: &'static Value, label: &str) {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in required(schema) {
            if table.get(name).is_none() {
                let property = properties.and_then(|p| p.get(name)).map(resolve);
                let message = if property.and_then(primary_type) == Some("object") {
                    format!("{label} is missing the [{name}] table")
                } else {
                    format!("{label} is missing `{name}`")
                };
                self.problems.at(at, message);
            }
        }
        let extra = schema.get("additionalProperties").filter(|a| a.is_object());
        for (key, item) in table.iter() {
            let name: &str = key.get_ref();
            match (properties.and_then(|p| p.get(name)), extra) {
                (Some(property), _) | (None, Some(property)) => {
                    self.value(item, property, name, label)
                }
                (None, None) => {
                    let known: Vec<&str> =
                        properties.into_iter().flat_map(|p| p.keys()).map(String::as_str).collect();
                    self.problems.at(
                        key.span().start,
                        format!(
                            "unknown key `{name}` in {label}; expected one of: {}{}",
                            known.join(", "),
                            did_you_mean(&near(name, known.iter().copied()))
                        ),
                    );
                }
            }
        }
    }

    /// A step: the common keys from `Step`, the parameters from its kind's `oneOf` branch.
    fn step(&mut self, item: &Item<'_>, schema: &'static Value) {
        let at = item.span().start;
        let Some(table) = item.get_ref().as_table() else {
            self.problems
                .at(at, format!("a step must be a table, found {}", describe(item.get_ref())));
            return;
        };
        let label = label("step", table);
        for name in required(schema) {
            if table.get(name).is_none() {
                self.problems.at(at, format!("{label} is missing `{name}`"));
            }
        }
        let kind = table.get("kind");
        let variant = match kind.map(|k| (k, k.get_ref().as_str())) {
            None => {
                self.problems.at(at, format!("{label} is missing `kind`"));
                None
            }
            Some((k, None)) => {
                self.problems.at(
                    k.span().start,
                    format!("`kind` in {label} must be a string, found {}", describe(k.get_ref())),
                );
                None
            }
            Some((k, Some(name))) => {
                let variant = kind_variant(name).map(|v| (name, v));
                if variant.is_none() {
                    self.problems.at(k.span().start, unknown_kind(name));
                }
                variant
            }
        };
        if let Some((kind, variant)) = variant {
            for name in required(variant).filter(|n| *n != "kind") {
                // A gate without `requires` gets the clearer "a gate that names no steps" from
                // the reference check, which also catches `requires = []`.
                if table.get(name).is_none() && !(kind == "gate" && name == "requires") {
                    let param = variant
                        .pointer(&format!("/properties/{name}"))
                        .map(type_name)
                        .unwrap_or_default();
                    self.problems.at(
                        at,
                        format!("{label} ({kind}) is missing the parameter `{name}` ({param})"),
                    );
                }
            }
        }
        let common = schema.get("properties").and_then(Value::as_object);
        let own = variant.and_then(|(_, v)| v.get("properties")).and_then(Value::as_object);
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            if name == "kind" {
                continue;
            }
            if let Some(property) =
                common.and_then(|p| p.get(name)).or_else(|| own.and_then(|p| p.get(name)))
            {
                self.value(value, property, name, &label);
            } else if let Some((kind, _)) = variant {
                // With no known kind there is no way to tell a parameter from a typo.
                let params: Vec<&str> = own
                    .into_iter()
                    .flat_map(|p| p.keys())
                    .map(String::as_str)
                    .filter(|p| *p != "kind")
                    .collect();
                let listed = if params.is_empty() {
                    format!("{kind} takes no parameters")
                } else {
                    format!("its parameters are: {}", params.join(", "))
                };
                self.problems.at(
                    key.span().start,
                    format!(
                        "unknown parameter `{name}` for kind {kind}; {listed}{}",
                        did_you_mean(&near(name, params.iter().copied()))
                    ),
                );
            }
        }
    }
}

fn unknown_kind(name: &str) -> String {
    let close = near(name, StepAction::KIND_NAMES.iter().copied());
    if close.is_empty() {
        format!("unknown step kind `{name}`; the kinds are: {}", StepAction::KIND_NAMES.join(", "))
    } else {
        format!("unknown step kind `{name}`{}", did_you_mean(&close))
    }
}

/// Follow a `$ref` into `$defs`.
fn resolve(schema: &'static Value) -> &'static Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| schema::plan_schema_ref().pointer(pointer))
        .unwrap_or(schema)
}

/// `Step`'s schema: a `oneOf` whose branches are told apart by a `kind` constant.
fn is_step(schema: &Value) -> bool {
    schema
        .get("oneOf")
        .and_then(Value::as_array)
        .and_then(|branches| branches.first())
        .is_some_and(|b| b.pointer("/properties/kind/const").is_some())
}

fn required(schema: &'static Value) -> impl Iterator<Item = &'static str> {
    schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
}

fn fits(value: &DeValue<'_>, expected: &str) -> bool {
    matches!(
        (expected, value),
        ("string", DeValue::String(_))
            | ("integer", DeValue::Integer(_))
            // serde reads a TOML integer into an f64 field, so `min_free_gb = 5` is fine.
            | ("number", DeValue::Integer(_) | DeValue::Float(_))
            | ("boolean", DeValue::Boolean(_))
            | ("array", DeValue::Array(_))
            | ("object", DeValue::Table(_))
    )
}

/// The range of an integer field, from the schema's bounds or else its format.
fn integer_range(schema: &Value) -> (i128, i128) {
    let (low, high) = match schema.get("format").and_then(Value::as_str) {
        Some("uint8") => (0, i128::from(u8::MAX)),
        Some("uint16") => (0, i128::from(u16::MAX)),
        Some("uint32") => (0, i128::from(u32::MAX)),
        Some("uint64" | "uint") => (0, i128::from(u64::MAX)),
        Some("int8") => (i128::from(i8::MIN), i128::from(i8::MAX)),
        Some("int16") => (i128::from(i16::MIN), i128::from(i16::MAX)),
        Some("int32") => (i128::from(i32::MIN), i128::from(i32::MAX)),
        _ => (i128::from(i64::MIN), i128::from(i64::MAX)),
    };
    let bound = |name: &str| schema.get(name).and_then(Value::as_i64).map(i128::from);
    (bound("minimum").unwrap_or(low), bound("maximum").unwrap_or(high))
}

/// How a table is named in messages: "[plan]", "phase `deploy`", "step `disk-free`", "`env`".
fn label(key: &str, table: &DeTable<'_>) -> String {
    let id = table.get("id").and_then(|id| id.get_ref().as_str());
    match (key, id) {
        ("plan" | "vars", _) => format!("[{key}]"),
        ("phase" | "step" | "role", Some(id)) => format!("{key} `{id}`"),
        ("phase" | "step" | "role", None) => format!("a {key}"),
        _ => format!("`{key}`"),
    }
}

fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("the string \"{s}\""),
        other => article(other.type_str()),
    }
}

fn article(noun: &str) -> String {
    let vowel = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if vowel { "an" } else { "a" })
}
