//! Starting a run: read the repository, settle the version and environment, substitute the
//! plan's variables, and record the run with every step pending — before anything executes.

use std::collections::BTreeMap;

use std::path::Path;

use sha2::{Digest, Sha256};

use super::redact::Redactor;
use super::{Evidence, NewEvent, PlanOrigin, RunError, RunHeader, StepRecord, StepStatus};
use crate::Clock;
use crate::plan::Plan;
use crate::repo::{InspectOptions, RepoFacts, inspect};
use crate::store::RunStore;

/// What a new run needs.
#[derive(Debug, Clone)]
pub struct StartRequest<'a> {
    /// The repository folder.
    pub repo: &'a Path,
    /// The plan as loaded (variables not yet substituted).
    pub plan: Plan,
    /// The plan's TOML exactly as read.
    pub plan_source: String,
    pub origin: PlanOrigin,
    /// Overrides the VERSION file.
    pub version: Option<String>,
    /// Overrides the plan's environment.
    pub environment: Option<String>,
    /// Overrides the operator read from git's user.name / user.email.
    pub operator: Option<String>,
    /// Perform only read-only checks; say what each action would do.
    pub dry_run: bool,
    /// Values for the plan's `[vars]` given for this run (`--var`, `--vars`, the desktop's
    /// variables per environment); each must be a variable the plan defines.
    pub vars: BTreeMap<String, String>,
}

/// Create the run in the store (all steps pending) and return its header.
pub fn start_run(
    store: &RunStore,
    clock: &dyn Clock,
    request: StartRequest<'_>,
) -> Result<RunHeader, RunError> {
    let options = InspectOptions { target_version: request.version.clone(), ..Default::default() };
    let facts = inspect(request.repo, &options)?;
    if facts.head.is_none() {
        return Err(RunError::NoCommit { repo: facts.path.clone() });
    }
    let version = target_version(request.version.as_deref(), &facts)?;
    let environment = request
        .environment
        .clone()
        .or_else(|| request.plan.plan.environment.clone())
        .unwrap_or_else(|| "unspecified".to_string());
    let operator = request.operator.clone().unwrap_or_else(|| operator_from_git(request.repo));

    let builtins = super::secrets::builtin_values(&facts, &version, &environment);
    let mut given = request.plan.clone();
    for (name, value) in &request.vars {
        if !given.vars.contains_key(name) {
            let known: Vec<&str> = given.vars.keys().map(String::as_str).collect();
            return Err(RunError::UnknownGivenVariable {
                name: name.clone(),
                known: if known.is_empty() { "(none)".into() } else { known.join(", ") },
            });
        }
        given.vars.insert(name.clone(), value.clone());
    }
    let plan = super::secrets::substituted(&given, &builtins).map_err(RunError::Variable)?;
    let too_short = super::redact::too_short(&plan);
    if !too_short.is_empty() {
        return Err(RunError::SecretTooShort { names: too_short.join(", ") });
    }

    // The store never holds a secret: the plan, its template and its source are stored
    // masked, and this process holds the values for the driver (`RunStore::give_secrets`).
    // The plan's own value of a secret given for this run is masked too (it is in the source).
    let redactor = Redactor::for_run(&plan, std::path::Path::new(&facts.path))
        .with_secrets(crate::plan::vars::secret_values(&request.plan));
    let secrets = super::secrets::secret_values_of(&given);
    let started_at = clock.now();
    let header = RunHeader {
        id: new_run_id(started_at),
        plan_origin: request.origin,
        plan_hash: hex::encode(Sha256::digest(request.plan_source.as_bytes())),
        plan_source: super::redact::plan_source(
            &request.plan_source,
            &plan.plan.secrets,
            &redactor,
        ),
        plan_template: (!secrets.is_empty()).then(|| redactor.plan(given.clone())),
        secrets_given: request
            .vars
            .keys()
            .filter(|name| secrets.contains_key(*name))
            .cloned()
            .collect(),
        plan: redactor.plan(plan),
        repo_path: facts.path.clone(),
        facts,
        version,
        environment,
        operator,
        dry_run: request.dry_run,
        started_at,
    };
    let steps: Vec<StepRecord> = header
        .plan
        .steps()
        .map(|(phase, step)| StepRecord {
            phase_id: phase.id.clone(),
            step_id: step.id.clone(),
            title: step.title.clone(),
            kind: step.kind().to_string(),
            blocking: step.blocking,
            status: StepStatus::Pending,
            summary: String::new(),
            evidence: Evidence::default(),
            started_at: None,
            finished_at: None,
            waiver: None,
            note: None,
            answered_by: None,
        })
        .collect();
    let message = format!(
        "{} of \"{}\" for {} ({}) started by {} on commit {}",
        if header.dry_run { "Dry run" } else { "Run" },
        header.plan.plan.title,
        header.version,
        header.environment,
        header.operator,
        header.facts.head.as_ref().map(|h| h.short_id.as_str()).unwrap_or("(none)"),
    );
    // The values given for this run are part of its record; a secret's only by name.
    let message = if request.vars.is_empty() {
        message
    } else {
        let secrets = &header.plan.plan.secrets;
        let given: Vec<String> = request
            .vars
            .iter()
            .map(|(name, value)| {
                if secrets.contains(name) {
                    format!("{name} = {}", super::MASK)
                } else {
                    format!("{name} = {value:?}")
                }
            })
            .collect();
        format!("{message}; variables given for this run: {}", given.join(", "))
    };
    store.create_run(
        &header,
        &steps,
        NewEvent {
            at: started_at,
            kind: "run.started".into(),
            step_id: None,
            message: redactor.text(&message),
        },
    )?;
    store.give_secrets(&header.id, secrets);
    Ok(header)
}

/// The version being released: the one asked for, or the VERSION file's when it is valid.
fn target_version(requested: Option<&str>, facts: &RepoFacts) -> Result<String, RunError> {
    let (value, from_file) = match requested {
        Some(v) => (v.trim().trim_start_matches(['v', 'V']).to_string(), false),
        None => match &facts.version.value {
            Some(v) => (v.clone(), true),
            None => {
                return Err(RunError::NoVersion {
                    detail: facts
                        .version
                        .error
                        .clone()
                        .unwrap_or_else(|| format!("{} has no version", facts.version.file)),
                });
            }
        },
    };
    match semver::Version::parse(&value) {
        Ok(_) => Ok(value),
        Err(e) => Err(RunError::BadVersion {
            value,
            origin: if from_file { facts.version.file.clone() } else { "the version given".into() },
            detail: e.to_string(),
        }),
    }
}

/// "Name <email>" from git's configuration, or the account name when git has none.
fn operator_from_git(repo: &Path) -> String {
    crate::repo::git_identity(Some(repo)).unwrap_or_else(|| {
        std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown operator".to_string())
    })
}

/// A run id people can read and type: UTC start time plus four random hex digits, e.g.
/// `20260107-140305-3fa9`. Sorting ids sorts runs by start.
fn new_run_id(at: chrono::DateTime<chrono::Utc>) -> String {
    let mut bytes = [0u8; 2];
    // Without randomness two runs started in the same second could collide; the sub-second
    // nanos are a weaker but acceptable fallback.
    if getrandom::fill(&mut bytes).is_err() {
        bytes = (at.timestamp_subsec_nanos() as u16).to_be_bytes();
    }
    format!("{}-{}", at.format("%Y%m%d-%H%M%S"), hex::encode(bytes))
}
