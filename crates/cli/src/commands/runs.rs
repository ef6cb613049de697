//! `pilot runs`: every run, newest first.

use pilot_engine::store::RunStore;

use crate::failure::{ExitCode, Failure};

pub fn list(store: &RunStore, json: bool) -> Result<ExitCode, Failure> {
    let runs = store.list_runs()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&runs).unwrap_or_default());
        return Ok(ExitCode::Go);
    }
    if runs.is_empty() {
        println!("No runs yet. Start one with `pilot run --template staging` in a repository.");
    }
    for r in runs {
        println!(
            "{}  {:<10} {:<8} {} {} ({}){}  {}",
            r.id,
            serde_json::to_value(r.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
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
