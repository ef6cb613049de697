//! Progress reported while a run is driven. The runner calls the sink only after the store has
//! committed what the message reports. Front ends turn these into terminal lines (CLI) or
//! channel messages (desktop).

use serde::Serialize;

use super::{Outcome, RunStatus, StepRecord};

/// One piece of progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum Progress {
    /// A phase begins (or resumes).
    PhaseStarted { phase_id: String, title: String },
    /// A step began; its record says "running".
    StepStarted { step_id: String, title: String, kind: String },
    /// A line of live output from a running step (not stored; the evidence keeps an excerpt).
    StepOutput { step_id: String, line: String },
    /// A step has its result (already stored).
    StepFinished { record: Box<StepRecord> },
    /// The run stopped to wait for people: these steps need an answer.
    RunWaiting { steps: Vec<String> },
    /// The run ended (completed or failed).
    RunFinished { status: RunStatus, outcome: Outcome },
}

/// Receives progress. Called from several threads while checks run concurrently.
pub trait ProgressSink: Send + Sync {
    fn emit(&self, progress: Progress);
}

impl<F: Fn(Progress) + Send + Sync> ProgressSink for F {
    fn emit(&self, progress: Progress) {
        self(progress)
    }
}

/// A sink that drops everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn emit(&self, _: Progress) {}
}
