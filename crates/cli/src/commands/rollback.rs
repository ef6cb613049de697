//! `pilot rollback RUN_ID --reason …`: the run's own rollback phase, in the same run. It says
//! first what every rollback step will do and touch, asks for a confirmation (or `--yes`),
//! records who asked and why, then drives the rollback to its end like `pilot resume`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use pilot_engine::SystemClock;
use pilot_engine::run::{DriveOptions, RunError, drive_run, request_rollback, rollback_preview};
use pilot_engine::store::RunStore;

use super::run::{finish, load_answers};
use crate::failure::{ExitCode, Failure};
use crate::progress::Terminal;

/// What `pilot rollback` was given.
#[derive(Debug)]
pub struct RollbackArgs {
    pub run_id: String,
    pub reason: String,
    pub by: Option<String>,
    pub yes: bool,
    pub answers: Option<PathBuf>,
    pub json: bool,
}

pub fn rollback(store: &RunStore, args: RollbackArgs) -> Result<ExitCode, Failure> {
    let answers = load_answers(args.answers.as_deref())?;
    let run = store.load_run(&args.run_id)?;
    let steps = rollback_preview(&run).map_err(RunError::RollbackRefused)?;
    // The confirmation goes to standard error, so `--json` keeps standard output for the result.
    let mut shown = format!(
        "Rolling back run {} ({} {}, {}) runs {} step(s) of its rollback phase:\n",
        run.header.id,
        run.header.plan.plan.title,
        run.header.version,
        run.header.environment,
        steps.len()
    );
    for s in &steps {
        shown.push_str(&format!("  - {} ({}): {}\n", s.title, s.kind, s.does));
        if let Some(touches) = &s.touches {
            shown.push_str(&format!("      changes {touches}\n"));
        }
    }
    eprint!("{shown}");
    if !args.yes && !confirmed()? {
        return Err(Failure::NotConfirmed {
            what: format!("the rollback of run {}", run.header.id),
        });
    }
    let clock = SystemClock;
    let by = args.by.as_deref().unwrap_or_default();
    request_rollback(store, &clock, &args.run_id, by, &args.reason)?;
    let terminal = Terminal::new(args.json);
    let options = DriveOptions { up_to: None, resuming: false };
    let run = drive_run(store, &clock, &terminal, &args.run_id, &answers, options)?;
    finish(&terminal, &run, args.json)
}

/// Ask on a terminal; refuse without one (a script says `--yes`).
fn confirmed() -> Result<bool, Failure> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Ok(false);
    }
    eprint!("Type \"yes\" to roll back now: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|source| Failure::Read { path: PathBuf::from("standard input"), source })?;
    Ok(line.trim().eq_ignore_ascii_case("yes"))
}
