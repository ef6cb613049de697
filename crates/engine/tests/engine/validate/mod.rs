//! Tests of the validation kinds (`http.*`, `log.scan`, `test.report`) and of
//! `pilot_engine::validate`, against a real HTTP server on 127.0.0.1 (see `server`), real log
//! files and real test reports.

mod http_check;
mod http_load;
mod log_scan;
mod server;
mod soak;
mod test_report;

use pilot_engine::plan::StepAction;
use pilot_engine::run::{StepOutcome, StepStatus};

use crate::executors::{ready_facts, run_in, temp_dir};

/// Execute a validation step in a fresh temp dir standing for the repository.
pub(crate) fn run(action: StepAction) -> StepOutcome {
    let dir = temp_dir();
    run_in(dir.path(), &ready_facts(dir.path()), action)
}

/// The value of a fact, or "" when the evidence lacks it.
pub(crate) fn fact<'a>(o: &'a StepOutcome, label: &str) -> &'a str {
    o.evidence.facts.iter().find(|f| f.label == label).map_or("", |f| f.value.as_str())
}

pub(crate) fn assert_status(o: &StepOutcome, want: StepStatus, why: &str) {
    assert_eq!(o.status, want, "{why}; summary: {}; evidence: {:?}", o.summary, o.evidence);
}
