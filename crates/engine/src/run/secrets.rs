//! Where a run's secret values live: never in the store. The store keeps the plan with every
//! secret masked; the process that started the run holds the values in memory
//! ([`RunStore::give_secrets`]); a driver in another process (a resume after a restart) finds
//! them again in the plan file when it still has the digest the run recorded, or is given
//! them again (`pilot resume --var`). With the values, [`plan_to_drive`] substitutes the
//! variables again exactly as the start did.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::{MASK, PlanOrigin, RunError, RunHeader};
use crate::plan::templates::template;
use crate::plan::{Plan, parse_plan, vars};
use crate::repo::RepoFacts;
use crate::store::RunStore;

/// The variables every run defines, from the repository facts of its start.
pub(super) fn builtin_values(
    facts: &RepoFacts,
    version: &str,
    environment: &str,
) -> [(&'static str, String); 8] {
    let head = facts.head.as_ref();
    let previous = facts.previous_release.as_ref();
    [
        ("version", version.to_string()),
        ("previous_tag", previous.map(|p| p.tag.clone()).unwrap_or_default()),
        ("previous_version", previous.map(|p| p.version.clone()).unwrap_or_default()),
        ("commit", head.map(|h| h.id.clone()).unwrap_or_default()),
        ("short_commit", head.map(|h| h.short_id.clone()).unwrap_or_default()),
        ("branch", facts.branch.clone().unwrap_or_default()),
        ("environment", environment.to_string()),
        ("repo", facts.path.clone()),
    ]
}

/// `plan` with `{{name}}` substituted, and its `[vars]` holding their substituted values (so
/// the redactor masks a secret built from other variables as it is used).
pub(super) fn substituted(
    plan: &Plan,
    builtins: &[(&str, String)],
) -> Result<Plan, vars::UnknownVariable> {
    let values = vars::run_variables(plan, builtins);
    let mut resolved = vars::resolve_plan(plan, &values)?;
    for (name, value) in resolved.vars.iter_mut() {
        if let Some(v) = values.get(name) {
            value.clone_from(v);
        }
    }
    Ok(resolved)
}

/// The plan the driver runs: the stored plan when it has no masked secret (or was stored
/// before secrets were masked), else the stored template with the real values substituted.
pub(super) fn plan_to_drive(store: &RunStore, header: &RunHeader) -> Result<Plan, RunError> {
    let Some(template) = &header.plan_template else { return Ok(header.plan.clone()) };
    let masked: Vec<&String> = template
        .plan
        .secrets
        .iter()
        .filter(|name| template.vars.get(*name).is_some_and(|v| v == MASK))
        .collect();
    if masked.is_empty() {
        return Ok(header.plan.clone());
    }
    let held = store.secrets(&header.id);
    let original = original_plan(header);
    let mut plan = template.clone();
    let mut missing = Vec::new();
    for name in masked {
        let from_plan = || {
            let given_for_run = header.secrets_given.contains(name);
            original.as_ref().filter(|_| !given_for_run)?.vars.get(name).cloned()
        };
        match held.get(name).cloned().or_else(from_plan) {
            Some(value) => {
                plan.vars.insert(name.clone(), value);
            }
            None => missing.push(name.clone()),
        }
    }
    if !missing.is_empty() {
        let given = missing.iter().all(|n| header.secrets_given.contains(n));
        let where_from = match (&header.plan_origin, given) {
            (_, true) => "it was given when the run started".to_string(),
            (PlanOrigin::File(path), false) if original.is_none() => {
                format!("the plan file {path} no longer has the content the run started with")
            }
            _ => "it is not in the plan".to_string(),
        };
        return Err(RunError::SecretNeeded {
            run_id: header.id.clone(),
            names: missing.join(", "),
            where_from,
        });
    }
    let builtins = builtin_values(&header.facts, &header.version, &header.environment);
    substituted(&plan, &builtins).map_err(RunError::Variable)
}

/// The plan exactly as the run read it, when its file (or template) still has the recorded
/// digest: the secrets written in it are the run's.
fn original_plan(header: &RunHeader) -> Option<Plan> {
    let source = match &header.plan_origin {
        PlanOrigin::File(path) => std::fs::read_to_string(path).ok()?,
        PlanOrigin::Template(name) => template(name)?.source.to_string(),
    };
    if hex::encode(Sha256::digest(source.as_bytes())) != header.plan_hash {
        return None;
    }
    parse_plan(&source, "the run's plan").ok()
}

/// The secret values to hold for a run in this process: those of `plan` (before
/// substitution), by name.
pub(super) fn secret_values_of(plan: &Plan) -> BTreeMap<String, String> {
    plan.plan
        .secrets
        .iter()
        .filter_map(|name| Some((name.clone(), plan.vars.get(name)?.clone())))
        .filter(|(_, value)| !value.is_empty())
        .collect()
}
