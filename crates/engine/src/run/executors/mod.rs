//! Step executors: one file per family of kinds. Each takes the step's (resolved) parameters
//! and a [`StepContext`] and returns a [`StepOutcome`] with evidence. Executors never write to
//! the store; the runner does, before it reports anything.
//!
//! Layout: `git.rs` (checks answered from the [`RepoFacts`] read when the run started),
//! `git_files.rs` (VERSION, changelog and release notes, which may name files the facts did not
//! read), `system.rs` (disk and memory), `file.rs` (existence and age), `env_file.rs` (secrets
//! in env files, never revealed), `command.rs` (programs run without a shell), `excerpt.rs`
//! (bounded output reading for commands), `backup.rs` (verified backups, through
//! [`crate::backup`]), `http.rs` (requests, latency, rate limits), `log_scan.rs` (log
//! patterns), `test_report.rs` (JUnit and Playwright reports), `soak.rs` (checks repeated
//! every interval for a duration, each round stored as it ends), `docker.rs` (the read-only
//! Docker checks) and `deploy.rs` (deploy.recreate, deploy.exec, deploy.wait_log and the
//! container half of rollback, over `crate::docker`).
//!
//! Every executor answers with an outcome, never a panic: an I/O error becomes a failed step
//! whose summary says what went wrong and what to do next. To add a kind: write its executor in
//! the file of its family (or a new one) and route it in [`execute`].

mod backup;
mod command;
mod deploy;
mod docker;
mod env_file;
mod excerpt;
mod file;
mod git;
mod git_files;
mod http;
mod log_scan;
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
}

impl std::fmt::Debug for StepContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepContext")
            .field("repo_path", &self.repo_path)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// Execute an automatic step. Manual items, gates and sign-offs are decided by the runner.
pub fn execute(step: &Step, ctx: &StepContext<'_>) -> StepOutcome {
    match &step.action {
        StepAction::Manual(_) | StepAction::Gate(_) | StepAction::Signoff(_) => {
            StepOutcome::skipped("decided by the runner")
        }

        StepAction::GitClean(p) => git::clean(p, ctx),
        StepAction::GitBranch(p) => git::branch(p, ctx),
        StepAction::GitHead(p) => git::head(p, ctx),
        StepAction::GitUpstream(p) => git::upstream(p, ctx),
        StepAction::GitTag(p) => git::tag(p, ctx),
        StepAction::GitPreviousRelease(p) => git::previous_release(p, ctx),
        StepAction::GitVersion(p) => git_files::version(p, ctx),
        StepAction::GitChangelog(p) => git_files::changelog(p, ctx),
        StepAction::GitReleaseNotes(p) => git_files::release_notes(p, ctx),

        StepAction::SystemDisk(p) => system::disk(p, ctx),
        StepAction::SystemMemory(p) => system::memory(p),

        StepAction::FileExists(p) => file::exists(p, ctx),
        StepAction::FileAge(p) => file::age(p, ctx),
        StepAction::FileEnvKey(p) => env_file::env_key(p, ctx),

        StepAction::Command(p) | StepAction::DeployCommand(p) => command::run(p, ctx),

        StepAction::BackupSqlite(p) => backup::sqlite(p, ctx),
        StepAction::BackupCommand(p) => backup::command(p, ctx),
        StepAction::BackupRecent(p) => backup::recent(p, ctx),
        StepAction::HttpCheck(p) => http::check(p, ctx),
        StepAction::HttpLatency(p) => http::latency(p, ctx),
        StepAction::HttpRateLimit(p) => http::rate_limit(p, ctx),
        StepAction::LogScan(p) => log_scan::scan(p, ctx),
        StepAction::TestReport(p) => test_report::import(p, ctx),
        StepAction::DockerEngine(p) => docker::engine(p, ctx),
        StepAction::DockerImage(p) => docker::image(p, ctx),
        StepAction::DockerVolume(p) => docker::volume(p, ctx),
        StepAction::DockerContainer(p) => docker::container(p, ctx),
        StepAction::DeployRecreate(p) => deploy::recreate(p, ctx),
        StepAction::DeployExec(p) => deploy::exec(p, ctx),
        StepAction::DeployWaitLog(p) => deploy::wait_log(p, ctx),
        StepAction::Rollback(p) => deploy::rollback(p, ctx),
        StepAction::Soak(p) => soak::soak(p, ctx),
    }
}

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
