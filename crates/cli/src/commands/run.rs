//! `pilot run` and `pilot resume`.

use std::path::Path;

use pilot_engine::SystemClock;
use pilot_engine::run::{
    Answers, DriveOptions, Outcome, Received, Run, RunStatus, StartRequest, collect_approvals,
    drive_run, published_request, start_run,
};
use pilot_engine::store::RunStore;

use super::plan::choose;
use crate::cli::RunArgs;
use crate::failure::{ExitCode, Failure};
use crate::progress::Terminal;

pub fn run(store: &RunStore, args: RunArgs) -> Result<ExitCode, Failure> {
    let (plan, plan_source, origin) = choose(&args.plan)?;
    let vars = given_vars(args.vars.as_deref(), &args.var)?;
    let answers = load_answers(args.answers.as_deref())?;
    // Check the answers before the run exists, so a typo does not leave a run behind.
    answers.check_against(&plan)?;
    let clock = SystemClock;
    let header = start_run(
        store,
        &clock,
        StartRequest {
            repo: &args.repo.repo,
            plan,
            plan_source,
            origin,
            version: args.version,
            environment: args.environment,
            operator: args.operator,
            dry_run: args.dry_run,
            vars,
        },
    )?;
    let terminal = Terminal::new(args.json);
    terminal.started(
        &header.id,
        &header.plan.plan.title,
        &header.version,
        &header.environment,
        header.dry_run,
    );
    let run = drive_run(store, &clock, &terminal, &header.id, &answers, DriveOptions::default())?;
    finish(&terminal, &run, args.json)
}

/// Secret values given again to `pilot resume` (`--var`, `--vars`).
pub struct Secrets {
    pub var: Vec<String>,
    pub vars: Option<std::path::PathBuf>,
}

pub fn resume(
    store: &RunStore,
    run_id: &str,
    answers: Option<&Path>,
    secrets: &Secrets,
    json: bool,
) -> Result<ExitCode, Failure> {
    let answers = load_answers(answers)?;
    let given = given_vars(secrets.vars.as_deref(), &secrets.var)?;
    if !given.is_empty() {
        let header = store.load_run(run_id)?.header;
        let plan_secrets = &header.plan.plan.secrets;
        if let Some(name) = given.keys().find(|name| !plan_secrets.contains(*name)) {
            return Err(Failure::BadVars {
                what: format!("--var {name}"),
                why: format!(
                    "only secret variables can be given again to a run (its other values are \
                     fixed when it starts); the plan's secrets are: {}",
                    if plan_secrets.is_empty() { "(none)".into() } else { plan_secrets.join(", ") }
                ),
            });
        }
        store.give_secrets(run_id, given);
    }
    receive_published_approvals(store, run_id)?;
    let terminal = Terminal::new(json);
    let options = DriveOptions { up_to: None, resuming: true };
    let run = drive_run(store, &SystemClock, &terminal, run_id, &answers, options)?;
    finish(&terminal, &run, json)
}

/// A run that asked for signed approvals receives what its remote holds before it goes on:
/// each approval is verified and recorded, each refused one said on standard error.
fn receive_published_approvals(store: &RunStore, run_id: &str) -> Result<(), Failure> {
    let run = store.load_run(run_id)?;
    if run.header.plan.plan.signoff.is_none() || published_request(&run).is_none() {
        return Ok(());
    }
    let (unreachable, received) = collect_approvals(store, &SystemClock, run_id)?;
    if let Some(e) = unreachable {
        eprintln!("Approvals not fetched ({e}); what was fetched before is used.");
    }
    for r in received {
        match r {
            Received::Recorded(s) => {
                eprintln!("Approval received: {} {} for {}", s.who(), s.decision.past(), s.role)
            }
            Received::Refused { why, .. } => eprintln!("Approval refused: {why}"),
            Received::AlreadyRecorded(_) => {}
        }
    }
    Ok(())
}

/// The variables given for the run: the `--vars` file's, then each `--var` (which wins).
fn given_vars(
    file: Option<&Path>,
    pairs: &[String],
) -> Result<std::collections::BTreeMap<String, String>, Failure> {
    let mut vars = std::collections::BTreeMap::new();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|source| Failure::Read { path: path.to_path_buf(), source })?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| Failure::BadVars {
            what: path.display().to_string(),
            why: format!("{} (write one `key = \"value\"` per line)", e.message().trim()),
        })?;
        for (key, value) in table {
            let value = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Float(x) => x.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => {
                    return Err(Failure::BadVars {
                        what: format!("{} (key `{key}`)", path.display()),
                        why: format!(
                            "a variable's value is text or a number, not {}",
                            other.type_str()
                        ),
                    });
                }
            };
            vars.insert(key, value);
        }
    }
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=').filter(|(k, _)| !k.trim().is_empty()) else {
            return Err(Failure::BadVars {
                what: format!("--var {pair}"),
                why: "write it as KEY=VALUE, e.g. --var base_url=http://127.0.0.1:8080".into(),
            });
        };
        vars.insert(key.trim().to_string(), value.to_string());
    }
    Ok(vars)
}

pub(super) fn load_answers(path: Option<&Path>) -> Result<Answers, Failure> {
    Ok(path.map(Answers::load).transpose()?.unwrap_or_default())
}

/// Print the result and choose the exit code.
pub(super) fn finish(terminal: &Terminal, run: &Run, json: bool) -> Result<ExitCode, Failure> {
    let code = match (run.status, run.outcome) {
        // A rollback that ran to its end did what was asked (`pilot rollback` succeeded).
        (RunStatus::Completed, Outcome::Go | Outcome::RolledBack) => ExitCode::Go,
        (RunStatus::Waiting, _) => ExitCode::Waiting,
        _ => ExitCode::NoGo,
    };
    let waiting_on: Vec<&str> = run.waiting_on().into_iter().map(|s| s.step_id.as_str()).collect();
    if json {
        let value = serde_json::json!({
            "run_id": run.header.id,
            "status": run.status,
            "outcome": run.outcome,
            "exit_code": code as u8,
            "plan": run.header.plan.plan.name,
            "version": run.header.version,
            "environment": run.header.environment,
            "dry_run": run.header.dry_run,
            "started_at": run.header.started_at,
            "finished_at": run.finished_at,
            "waiting_on": waiting_on,
            "steps": run.steps.iter().map(|s| serde_json::json!({
                "id": s.step_id, "phase": s.phase_id, "title": s.title, "kind": s.kind,
                "status": s.status, "summary": s.summary,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    } else {
        terminal.finished(run, &waiting_on);
    }
    Ok(code)
}
