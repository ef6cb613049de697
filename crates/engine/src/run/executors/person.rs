//! Manual items, gates and sign-offs: people decide them and the runner records what they
//! decided (`run/drive.rs`, `run/answer.rs`). Nothing executes them; these rows exist so the
//! generated dispatch covers every kind, and say so if a step of theirs ever reaches it.

use crate::plan::kinds::{GateParams, ManualParams, SignoffParams};
use crate::run::StepOutcome;

use super::StepContext;

fn decided_by_the_runner<P>(_: &P, _: &StepContext<'_>) -> StepOutcome {
    StepOutcome::skipped("decided by the runner")
}

executors! {
    ManualParams => decided_by_the_runner,
    GateParams => decided_by_the_runner,
    SignoffParams => decided_by_the_runner,
}
