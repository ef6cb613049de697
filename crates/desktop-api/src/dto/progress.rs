//! Live progress sent through a `tauri::ipc::Channel` while a run is driven.
//!
//! Output arrives from the engine one line at a time; the shell batches it (see
//! `src-tauri/src/forward.rs`) so the window gets a few messages a second however chatty a
//! step is. That is why [`RunEventDto::StepOutput`] carries lines, not a line.

use pilot_engine::plan::Plan;
use pilot_engine::run::{MeterUnit, Progress};
use serde::Serialize;
use ts_rs::TS;

use super::run::{OutcomeDto, RunStatusDto, StepDto};

/// One message on the run's channel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum RunEventDto {
    #[serde(rename_all = "camelCase")]
    PhaseStarted { phase_id: String, title: String },
    #[serde(rename_all = "camelCase")]
    StepStarted { step_id: String, title: String, kind: String },
    /// Lines a running step printed, oldest first. `omitted` counts lines the step printed
    /// before these that were left out of the batch (it printed more in one batch than a
    /// window keeps); the UI then shows only these, as the most recent output.
    #[serde(rename_all = "camelCase")]
    StepOutput { step_id: String, lines: Vec<String>, omitted: u32 },
    /// A long step's progress bar: `done` of `total` in `unit` ("bytes" or "seconds"), with a
    /// label that says it in words.
    #[serde(rename_all = "camelCase")]
    StepMeter {
        step_id: String,
        label: String,
        #[ts(type = "number")]
        done: u64,
        #[ts(type = "number")]
        total: u64,
        #[ts(type = "\"bytes\" | \"seconds\"")]
        unit: String,
    },
    #[serde(rename_all = "camelCase")]
    StepFinished { step: Box<StepDto> },
    #[serde(rename_all = "camelCase")]
    RunWaiting { step_ids: Vec<String> },
    #[serde(rename_all = "camelCase")]
    RunFinished { status: RunStatusDto, outcome: OutcomeDto },
}

impl RunEventDto {
    /// Convert the engine's progress; `plan` supplies step details for finished steps, and
    /// `dry_run` whether a failure stops the run.
    pub fn from_progress(progress: Progress, plan: &Plan, dry_run: bool) -> Self {
        match progress {
            Progress::PhaseStarted { phase_id, title } => Self::PhaseStarted { phase_id, title },
            Progress::StepStarted { step_id, title, kind } => {
                Self::StepStarted { step_id, title, kind }
            }
            Progress::StepOutput { step_id, line } => {
                Self::StepOutput { step_id, lines: vec![line], omitted: 0 }
            }
            Progress::StepMeter { step_id, meter } => Self::StepMeter {
                step_id,
                label: meter.label,
                done: meter.done,
                total: meter.total,
                unit: unit_word(meter.unit).to_owned(),
            },
            Progress::StepFinished { record } => {
                Self::StepFinished { step: Box::new(StepDto::from_record(&record, plan, dry_run)) }
            }
            Progress::RunWaiting { steps } => Self::RunWaiting { step_ids: steps },
            Progress::RunFinished { status, outcome } => {
                Self::RunFinished { status: status.into(), outcome: outcome.into() }
            }
        }
    }
}

/// The unit as the UI's type names it.
fn unit_word(unit: MeterUnit) -> &'static str {
    match unit {
        MeterUnit::Bytes => "bytes",
        MeterUnit::Seconds => "seconds",
    }
}
