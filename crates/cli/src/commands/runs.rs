//! `pilot runs`: every run, newest first, filtered by outcome, version or person.

use pilot_engine::run::Outcome;
use pilot_engine::store::{RunFilter, RunStore};

use crate::cli::OutcomeArg;
use crate::failure::{ExitCode, Failure};

pub fn list(
    store: &RunStore,
    json: bool,
    outcome: Option<OutcomeArg>,
    version: Option<String>,
    person: Option<String>,
) -> Result<ExitCode, Failure> {
    let filtered = outcome.is_some() || version.is_some() || person.is_some();
    let filter = RunFilter {
        outcome: outcome.map(|o| match o {
            OutcomeArg::Go => Outcome::Go,
            OutcomeArg::NoGo => Outcome::NoGo,
            OutcomeArg::Pending => Outcome::Pending,
            OutcomeArg::RolledBack => Outcome::RolledBack,
        }),
        version,
        person,
    };
    let runs = store.find_runs(&filter)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&runs).unwrap_or_default());
        return Ok(ExitCode::Go);
    }
    if runs.is_empty() && filtered {
        println!("No runs match.");
    } else if runs.is_empty() {
        println!("No runs yet. Start one with `pilot run --template staging` in a repository.");
    }
    for r in runs {
        println!(
            "{}  {:<10} {:<8} {} {} ({}){}  {}",
            r.id,
            if r.interrupted {
                "interrupted".to_string()
            } else {
                serde_json::to_value(r.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            },
            serde_json::to_value(r.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            r.plan_title,
            r.version,
            r.environment,
            if r.dry_run { " [dry run]" } else { "" },
            r.repo_path
        );
    }
    Ok(ExitCode::Go)
}
