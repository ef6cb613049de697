//! One file per command; each is a few lines over the engine.

mod approve;
mod demo;
mod inspect;
mod plan;
mod report;
mod rollback;
mod run;
mod runs;
mod sign;
mod templates;

use pilot_engine::DataPaths;
use pilot_engine::paths::DATA_DIR_ENV;
use pilot_engine::store::RunStore;

use crate::cli::{Cli, Command};
use crate::failure::{ExitCode, Failure};

/// Run the command the user asked for.
pub fn dispatch(cli: Cli) -> Result<ExitCode, Failure> {
    let data_dir = cli.data_dir;
    let store = || open_store(data_dir.as_deref());
    match cli.command {
        Command::Inspect { repo, json } => inspect::inspect(&repo.repo, json),
        Command::Templates { json } => templates::list(json),
        Command::Plan(cmd) => plan::plan(cmd),
        Command::Run(args) => run::run(&store()?, args),
        Command::Resume { run_id, answers, var, vars, json } => {
            let secrets = run::Secrets { var, vars };
            run::resume(&store()?, &run_id, answers.as_deref(), &secrets, json)
        }
        Command::Rollback { run_id, reason, by, yes, answers, json } => rollback::rollback(
            &store()?,
            rollback::RollbackArgs { run_id, reason, by, yes, answers, json },
        ),
        Command::Request { run_id, export, no_push } => {
            approve::request(&store()?, &run_id, export.as_deref(), no_push)
        }
        Command::Requests { repo, run, remote, no_fetch } => {
            approve::requests(&repo.repo, run.as_deref(), &remote, no_fetch)
        }
        Command::Approve(args) => approve::approve(&args),
        Command::Approvals { run_id, import, no_fetch } => {
            approve::approvals(&store()?, &run_id, &import, no_fetch)
        }
        Command::Demo(cmd) => demo::demo(cmd),
        Command::Runs { json, outcome, version, person } => {
            runs::list(&store()?, json, outcome, version, person)
        }
        Command::Sign(args) => {
            let existing = existing_store(data_dir.as_deref())?;
            sign::sign(existing.as_ref(), &args)
        }
        Command::Attach { run_id, signature, by } => {
            sign::attach(&store()?, &run_id, &signature, by.as_deref())
        }
        Command::Verify { report, allowed_signers, signatures, revoked, json } => {
            let existing = existing_store(data_dir.as_deref())?;
            let trust =
                sign::Trust { allowed_signers: &allowed_signers, revoked: revoked.as_deref() };
            sign::verify(existing.as_ref(), &report, trust, &signatures, json)
        }
        Command::Report { run_id, output, format: crate::cli::ReportFormat::Report, .. } => {
            report::report(&store()?, &run_id, output.as_deref())
        }
        Command::Report { run_id, output, format: crate::cli::ReportFormat::Runbook, runbook } => {
            report::runbook(&store()?, &run_id, runbook.as_deref(), output.as_deref())
        }
    }
}

/// The run store, only when it already exists: checking a report on a machine without runs
/// must not create one.
fn existing_store(explicit: Option<&std::path::Path>) -> Result<Option<RunStore>, Failure> {
    let env = std::env::var(DATA_DIR_ENV).ok();
    let Some(paths) = DataPaths::resolve(explicit, env.as_deref(), "ReleasePilot") else {
        return Ok(None);
    };
    let file = paths.store_file();
    if !file.exists() {
        return Ok(None);
    }
    Ok(Some(RunStore::open(&file)?))
}

/// The run store in the data folder (the flag or environment variable wins; clap has already
/// merged `RELEASE_PILOT_DATA_DIR` into the flag).
fn open_store(explicit: Option<&std::path::Path>) -> Result<RunStore, Failure> {
    let env = std::env::var(DATA_DIR_ENV).ok();
    let paths =
        DataPaths::resolve(explicit, env.as_deref(), "ReleasePilot").ok_or(Failure::NoDataDir)?;
    Ok(RunStore::open(&paths.store_file())?)
}
