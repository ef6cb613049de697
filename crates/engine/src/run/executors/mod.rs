//! Step executors: one file per family of kinds. Each takes the step's (resolved) parameters
//! and a [`StepContext`] and returns a [`StepOutcome`] with evidence. Executors never write to
//! the store; the runner does, before it reports anything.

use std::path::Path;

use crate::Clock;
use crate::plan::{Step, StepAction};
use crate::repo::RepoFacts;
use crate::run::StepOutcome;

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
    let _ = ctx;
    match &step.action {
        a if !a.is_supported() => {
            StepOutcome::skipped(format!("skipped: not supported yet ({} steps)", a.kind_name()))
        }
        _ => StepOutcome::skipped("skipped: not supported yet"),
    }
}

#[allow(dead_code)]
fn _unused(_: &StepAction) {}
