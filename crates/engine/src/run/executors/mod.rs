//! Step executors: one file (or folder) per family of kinds. Each takes the step's (resolved)
//! parameters and a [`StepContext`] and returns a [`StepOutcome`] with evidence. Executors never
//! write to the store; the runner does, before it reports anything.
//!
//! Layout: `person.rs` (manual items, gates and sign-offs, which the runner decides),
//! `git.rs` (checks answered from the [`RepoFacts`] read when the run started), `git_files.rs`
//! (VERSION, changelog and release notes, which may name files the facts did not read),
//! `system.rs` (disk and memory), `file.rs` (existence and age), `env_file.rs` (secrets in env
//! files, never revealed), `command.rs` (programs run without a shell), `excerpt.rs` (bounded
//! output reading for commands), `backup.rs` (verified backups, through [`crate::backup`]),
//! `http.rs` (requests, latency, rate limits), `log_scan.rs` (log patterns), `test_report.rs`
//! (JUnit and Playwright reports), `soak.rs` (checks repeated every interval for a duration,
//! each round stored as it ends) and `docker/` (everything done on a Docker engine: its checks,
//! the deploys, the rollback, a database copied out of a container).
//!
//! Every kind's parameters type implements [`Execute`], declared in its family's file with one
//! `executors!` row (`ParamsType => function`); [`execute`] is generated from the kind table
//! (`crate::plan::kinds::with_step_kinds!`), so a kind without an executor does not compile.
//! Every executor answers with an outcome, never a panic: an I/O error becomes a failed step
//! whose summary says what went wrong and what to do next.

/// What every kind's parameters can do: run the step they describe.
pub trait Execute {
    fn execute(&self, ctx: &StepContext<'_>) -> StepOutcome;
}

/// `ParamsType => function, …`: the parameters types a family file executes, and with what.
macro_rules! executors {
    ($($params:ty => $run:path),* $(,)?) => {
        $(
            impl $crate::run::executors::Execute for $params {
                fn execute(
                    &self,
                    ctx: &$crate::run::executors::StepContext<'_>,
                ) -> $crate::run::StepOutcome {
                    $run(self, ctx)
                }
            }
        )*
    };
}

mod backup;
mod command;
mod docker;
mod env_file;
pub(crate) use env_file::env_values;
mod excerpt;
mod file;
mod git;
mod git_files;
mod http;
mod log_scan;
mod person;
mod restore;
pub(crate) mod running_process;
mod saved_output;
mod soak;
mod system;
mod test_report;

use std::path::{Path, PathBuf};

use crate::Clock;
use crate::plan::{Plan, Step, StepAction};
use crate::repo::RepoFacts;
use crate::run::{Evidence, Meter, StepOutcome};

/// What an executor may look at.
pub struct StepContext<'a> {
    /// The repository's work tree.
    pub repo_path: &'a Path,
    /// Facts read when the run started.
    pub facts: &'a RepoFacts,
    /// The run's target version.
    pub version: &'a str,
    pub clock: &'a dyn Clock,
    /// Called with each line of live output (commands); may be a no-op.
    pub output: &'a (dyn Fn(&str) + Sync),
    /// Called as a long step advances (backup bytes, health countdown); may be a no-op.
    pub meter: &'a (dyn Fn(Meter) + Sync),
    /// Where backups go when a step names no folder: the data folder's `backups/`.
    pub backups_dir: &'a Path,
    /// When the run started: log scans look only at lines written since.
    pub run_started_at: chrono::DateTime<chrono::Utc>,
    /// The plan the step belongs to (a soak looks up the checks it repeats); `None` for a step
    /// executed on its own.
    pub plan: Option<&'a Plan>,
    /// The evidence an interrupted earlier attempt of this step stored (a soak's rounds so
    /// far); empty on a first start.
    pub previous: &'a Evidence,
    /// Store the evidence gathered so far while the step is still running, with a line for the
    /// event log and the front ends (a soak's "round 2 of 12"). Long steps call it so that a
    /// crash loses nothing already measured.
    pub checkpoint: &'a (dyn Fn(&Evidence, &str) -> Result<(), String> + Sync),
    /// Masks the run's secrets in a text the step read from the world (a program's output, a
    /// response body) before it is cut into an excerpt or a one-line summary: a cut through a
    /// secret would leave a piece the final masking could no longer recognise.
    pub redact: &'a (dyn Fn(&str) -> String + Sync),
}

impl std::fmt::Debug for StepContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepContext")
            .field("repo_path", &self.repo_path)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// The generated dispatch: every row of the kind table to its parameters' [`Execute`].
macro_rules! dispatch {
    ($(
        $(#[$doc:meta])*
        $variant:ident($params:ty) = $name:literal { $($column:tt)* }
    )*) => {
        /// Execute a step. Manual items, gates and sign-offs are decided by the runner, which
        /// never sends them here (their executors say so if something does).
        pub fn execute(step: &Step, ctx: &StepContext<'_>) -> StepOutcome {
            // The same rules `plan check` applies, now with the variables substituted: a value
            // no executor could run stops here, saying which and why, before anything runs.
            if let Some(plan) = ctx.plan {
                let problems = crate::plan::kinds::param_problems(plan, &step.id, &step.action);
                if !problems.is_empty() {
                    let why: Vec<String> = problems.into_iter().map(|p| p.message).collect();
                    return StepOutcome::failed(
                        format!(
                            "The plan's parameters for this step cannot run: {}. Fix the plan (`pilot plan check` shows where) and start a new run.",
                            why.join("; ")
                        ),
                        Evidence::default(),
                    );
                }
            }
            match &step.action {
                $(StepAction::$variant(p) => Execute::execute(p, ctx),)*
            }
        }
    };
}

crate::plan::kinds::with_step_kinds!(dispatch);

/// A path from a plan: relative to the repository unless absolute.
fn resolve(repo_path: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() { p.to_path_buf() } else { repo_path.join(p) }
}

/// A measurement against an upper limit (target `≤ limit unit`, the value to two decimals); a
/// miss is also said in words under `name` ("p95 latency 152.0 ms > 100 ms") into `missed`.
fn at_most(
    ev: &mut Evidence,
    missed: &mut Vec<String>,
    name: &str,
    metric: String,
    (value, limit): (f64, f64),
    unit: &str,
) {
    let passed = value <= limit;
    if !passed {
        missed.push(format!("{name} {value:.1} {unit} > {limit} {unit}"));
    }
    ev.measurements.push(crate::run::Measurement {
        metric,
        target: format!("≤ {limit} {unit}"),
        value: (value * 100.0).round() / 100.0,
        unit: unit.to_owned(),
        passed,
    });
}

/// A figure to one decimal, as measurements are shown.
fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// "1 change", "3 changes": summaries read as sentences.
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("{n} {one}") } else { format!("{n} {many}") }
}
