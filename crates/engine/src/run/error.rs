//! Errors that stop a run from starting or being driven. A failing step is not an error: it is
//! a result, recorded like any other.

use crate::plan::vars::UnknownVariable;
use crate::repo::RepoError;
use crate::store::StoreError;

use super::answers::AnswersError;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Answers(#[from] AnswersError),
    /// Neither the VERSION file nor the person starting the run gave a version. The message
    /// says what is wrong; each front end adds how to give one in its own terms.
    #[error("no target version: {detail}")]
    NoVersion { detail: String },
    #[error(
        "the target version {value:?} (from {origin}) is not a valid semantic version ({detail}): write it as MAJOR.MINOR.PATCH, e.g. 1.15.2"
    )]
    BadVersion { value: String, origin: String, detail: String },
    #[error(
        "the variable `{name}` was given for this run, but the plan defines no such variable; its [vars] are: {known}"
    )]
    UnknownGivenVariable { name: String, known: String },
    #[error("the plan uses {0}, which is neither built in nor defined in [vars]")]
    Variable(UnknownVariable),
    #[error("{message}")]
    Refused { step_id: String, message: String },
    /// A rollback cannot be asked for now; the message says why and what to do instead.
    #[error("{0}")]
    RollbackRefused(String),
    #[error("a step's executor stopped unexpectedly; the run is unchanged and can be resumed")]
    Panicked,
}
