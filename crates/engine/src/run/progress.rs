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
    /// How far a long step has come (a backup's bytes, a health wait's seconds left): what a
    /// front end draws as a progress bar. Not stored, like output.
    StepMeter { step_id: String, meter: Meter },
    /// A step has its result (already stored).
    StepFinished { record: Box<StepRecord> },
    /// The run stopped to wait for people: these steps need an answer.
    RunWaiting { steps: Vec<String> },
    /// The run ended (completed or failed).
    RunFinished { status: RunStatus, outcome: Outcome },
}

/// A long step's progress: `done` of `total` in `unit`, and a line saying it in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meter {
    /// "Copying app.db: 120 of 512 MiB", "Waiting for sms to become healthy: 87 s left".
    pub label: String,
    pub done: u64,
    pub total: u64,
    pub unit: MeterUnit,
}

/// What a meter counts. A countdown's `done` is the time already waited, so every meter fills
/// from left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MeterUnit {
    Bytes,
    Seconds,
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
