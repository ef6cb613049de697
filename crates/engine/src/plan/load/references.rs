//! The cross-reference check: ids that must be unique, and names that must point at something
//! defined elsewhere in the plan (gate and soak steps, rollback's backup step and re-checks,
//! the steps that prove a success criterion, sign-off roles, secrets). It reads whatever is
//! well-formed and ignores the rest: the structural check has already reported wrong types and
//! missing keys.

use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::span::{Problems, did_you_mean, near};
use crate::plan::vars::BUILTIN_VARS;

type Item<'i> = Spanned<DeValue<'i>>;

/// A step as far as references are concerned.
struct StepRef<'d, 'i> {
    id: Option<(&'d str, usize)>,
    kind: Option<&'d str>,
    table: &'d DeTable<'i>,
    at: usize,
}

pub(super) fn check(root: &DeTable<'_>, problems: &mut Problems<'_>) {
    let header = root.get("plan").and_then(|p| p.get_ref().as_table());
    let vars = root.get("vars").and_then(|v| v.get_ref().as_table());

    let phases: Vec<&DeTable<'_>> = tables(root.get("phase")).map(|(t, _)| t).collect();
    unique(phases.iter().filter_map(|t| string(t.get("id"))), "phase id", problems);

    let steps: Vec<StepRef<'_, '_>> = phases
        .iter()
        .flat_map(|phase| tables(phase.get("step")))
        .map(|(table, at)| StepRef {
            id: string(table.get("id")),
            kind: string(table.get("kind")).map(|(k, _)| k),
            table,
            at,
        })
        .collect();
    unique(steps.iter().filter_map(|s| s.id), "step id", problems);
    // First occurrence wins, matching the duplicate message.
    let mut order: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (index, step) in steps.iter().enumerate() {
        if let Some((id, at)) = step.id {
            order.entry(id).or_insert((index, at));
        }
    }

    let roles: Vec<(&str, usize)> = tables(header.and_then(|h| h.get("role")))
        .filter_map(|(t, _)| string(t.get("id")))
        .collect();
    unique(roles.iter().copied(), "role id", problems);

    for (index, step) in steps.iter().enumerate() {
        match step.kind {
            Some("gate") => gate(step, index, &order, problems),
            Some("soak") => {
                known_steps(strings(step.table.get("checks")), &order, "soak checks", problems)
            }
            Some("rollback") => {
                known_steps(
                    strings(step.table.get("recheck")),
                    &order,
                    "rollback recheck",
                    problems,
                );
                known_steps(
                    string(step.table.get("backup_step")),
                    &order,
                    "rollback backup_step",
                    problems,
                );
            }
            Some("signoff") => {
                for (role, at) in strings(step.table.get("roles")) {
                    if !roles.iter().any(|(id, _)| *id == role) {
                        let ids: Vec<&str> = roles.iter().map(|(id, _)| *id).collect();
                        let defined = if ids.is_empty() {
                            "the plan defines no roles ([[plan.role]])".to_string()
                        } else {
                            format!("the plan's roles are: {}", ids.join(", "))
                        };
                        problems.at(at, format!("unknown role `{role}` in signoff; {defined}"));
                    }
                }
            }
            _ => {}
        }
    }

    // A criterion bound to its proof names steps that exist; text alone is left unbound.
    for (criterion, at) in tables(header.and_then(|h| h.get("success_criteria"))) {
        let requires = criterion.get("requires");
        if requires.and_then(|r| r.get_ref().as_array()).is_some_and(|a| a.is_empty()) {
            problems.at(
                at,
                "a success criterion that names no steps: list the steps that prove it in \
                 `requires`, or write the criterion as text alone",
            );
        }
        known_steps(strings(requires), &order, "success criterion requires", problems);
    }
    let second = header
        .and_then(|h| h.get("waivers"))
        .and_then(|w| w.get_ref().as_table())
        .and_then(|w| string(w.get("second_person")));
    if let Some((role, at)) = second
        && !roles.iter().any(|(id, _)| *id == role)
    {
        let ids: Vec<&str> = roles.iter().map(|(id, _)| *id).collect();
        problems.at(
            at,
            format!(
                "waivers second_person `{role}` is not a role of the plan; its roles are: {}",
                if ids.is_empty() { "(none)".to_string() } else { ids.join(", ") }
            ),
        );
    }
    let signed = header.and_then(|h| h.get("signoff")).is_some();
    for (role, _) in tables(header.and_then(|h| h.get("role"))) {
        let Some(signers) = role.get("signers") else { continue };
        let id = string(role.get("id")).map_or("?", |(id, _)| id);
        if !signed {
            problems.at(
                signers.span().start,
                format!(
                    "role `{id}` names `signers`, but the plan has no [plan.signoff] table, so its \
                     sign-offs are typed names: add [plan.signoff] (signed approvals) or remove \
                     `signers`"
                ),
            );
        }
        for (pattern, at) in strings(Some(signers)) {
            if pattern.trim().is_empty() || pattern.contains(char::is_whitespace) {
                problems.at(
                    at,
                    format!(
                        "role `{id}` signer {pattern:?} is not a principal: write an e-mail \
                         address or a pattern such as \"*@qa.example.com\""
                    ),
                );
            }
        }
    }
    for (secret, at) in strings(header.and_then(|h| h.get("secrets"))) {
        if vars.and_then(|v| v.get(secret)).is_none() {
            problems.at(at, format!("secret `{secret}` is not a [vars] key"));
        }
    }
    for (key, _) in vars.into_iter().flat_map(|v| v.iter()) {
        let name: &str = key.get_ref();
        if BUILTIN_VARS.contains(&name) {
            problems.at(
                key.span().start,
                format!("[vars] key `{name}` is a built-in variable; choose another name"),
            );
        }
    }
}

/// A gate must name at least one step, and only steps that come before it.
fn gate(
    step: &StepRef<'_, '_>,
    index: usize,
    order: &BTreeMap<&str, (usize, usize)>,
    problems: &mut Problems<'_>,
) {
    let requires = step.table.get("requires");
    let names: Vec<(&str, usize)> = strings(requires).collect();
    match requires {
        None => problems
            .at(step.at, "a gate that names no steps: list the steps it waits for in `requires`"),
        Some(list) if list.get_ref().as_array().is_some_and(|a| a.is_empty()) => {
            problems.at(
                list.span().start,
                "a gate that names no steps: list the steps it waits for in `requires`",
            );
        }
        Some(_) => {}
    }
    for (name, at) in names {
        match order.get(name) {
            None => problems.at(at, unknown_step("gate requires", name, order)),
            Some((position, _)) if *position == index => problems.at(at, format!("gate requires itself (`{name}`)")),
            Some((position, first)) if *position > index => problems.at(
                at,
                format!(
                    "gate requires `{name}`, which comes after it (line {}); a gate can only wait for earlier steps",
                    problems.line(*first)
                ),
            ),
            Some(_) => {}
        }
    }
}

fn known_steps<'d>(
    names: impl IntoIterator<Item = (&'d str, usize)>,
    order: &BTreeMap<&str, (usize, usize)>,
    what: &str,
    problems: &mut Problems<'_>,
) {
    for (name, at) in names {
        if !order.contains_key(name) {
            problems.at(at, unknown_step(what, name, order));
        }
    }
}

fn unknown_step(what: &str, name: &str, order: &BTreeMap<&str, (usize, usize)>) -> String {
    let close = near(name, order.keys().copied());
    format!("{what} unknown step `{name}`{}", did_you_mean(&close))
}

/// Report every repeat of an id at the repeat, naming the line of the first use.
fn unique<'d>(
    ids: impl IntoIterator<Item = (&'d str, usize)>,
    what: &str,
    problems: &mut Problems<'_>,
) {
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, at) in ids {
        match first.get(id) {
            Some(earlier) => {
                let line = problems.line(*earlier);
                problems.at(at, format!("duplicate {what} `{id}`; first used on line {line}"));
            }
            None => {
                first.insert(id, at);
            }
        }
    }
}

/// The tables of an array of tables (or of an inline array of tables), with their offsets.
fn tables<'d, 'i>(item: Option<&'d Item<'i>>) -> impl Iterator<Item = (&'d DeTable<'i>, usize)> {
    item.and_then(|i| i.get_ref().as_array())
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|t| t.get_ref().as_table().map(|table| (table, t.span().start)))
}

/// A string value with its offset.
fn string<'d>(item: Option<&'d Item<'_>>) -> Option<(&'d str, usize)> {
    item.and_then(|i| i.get_ref().as_str().map(|s| (s, i.span().start)))
}

/// The strings of an array value, with their offsets.
fn strings<'d>(item: Option<&'d Item<'_>>) -> impl Iterator<Item = (&'d str, usize)> {
    item.and_then(|i| i.get_ref().as_array())
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|s| string(Some(s)))
}
