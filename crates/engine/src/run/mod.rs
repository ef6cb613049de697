//! Runs: starting one ([`start_run`]), driving it step by step ([`drive_run`]) with every
//! result written to the store before anything reports it, and resuming an interrupted run
//! (the same call) without re-running what completed.
//!
//! Layout: the run's data is `crate::record` (re-exported here); `start.rs`, `drive.rs`, `answers.rs` (manual answers
//! and waivers given in a file), `progress.rs` (what front ends are told), `executors/` (one file per family of kinds).

mod answer;
mod answers;
mod approvals;
mod choose;
mod drive;
mod error;
pub mod executors;
mod four_eyes;
mod number_answer;
mod progress;
mod redact;
mod rollback;
mod rollback_request;
mod secrets;
mod signoff_answer;
mod start;

pub use crate::record::{
    CommandEvidence, Event, Evidence, Fact, FileEvidence, Measurement, NewEvent, Outcome,
    PlanOrigin, RollbackRequest, Run, RunHeader, RunStatus, RunSummary, StepOutcome, StepRecord,
    StepStatus, Waiver,
};
pub use crate::record::{MASK, MIN_SECRET_LEN, Redactor};
pub use answer::{agree_waiver, answer_manual, answer_number, waive_step};
pub use answers::{
    Answers, AnswersError, AnswersSource, ManualAnswer, SignoffAnswer, SignoffAnswers, WaiverAnswer,
};
pub use approvals::{
    Published, Received, allowed_signers_of, collect_approvals, publish_request, published_request,
    push_request, receive_approvals, signers_by_role,
};
pub use choose::{
    ChoiceError, ChosenPlan, FoundPlan, PLAN_FOLDERS, PlanChoice, choose_plan, find_plan_files,
    template_names,
};
pub use drive::{DriveOptions, drive_run, verdict};
pub use error::RunError;
pub use four_eyes::{SecondPerson, second_person, second_person_in};
pub use progress::{Meter, MeterUnit, NoProgress, Progress, ProgressSink};
pub use rollback::{Readiness, ReadinessCheck, readiness};
pub use rollback_request::{RollbackStepPreview, request_rollback, rollback_preview};
pub use signoff_answer::record_signoff;
pub use start::{StartRequest, start_run};
