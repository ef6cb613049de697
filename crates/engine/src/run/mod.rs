//! Runs: executing a plan step by step, recording every result in the store before anything
//! reports it, and resuming an interrupted run without re-running what completed.

pub mod executors;
mod model;

pub use model::{
    CommandEvidence, Event, Evidence, Fact, FileEvidence, Measurement, NewEvent, Outcome,
    PlanOrigin, Run, RunHeader, RunStatus, RunSummary, StepOutcome, StepRecord, StepStatus, Waiver,
};
