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
    /// A run records which commit it releases; a repository without one has nothing to release.
    #[error(
        "the repository {repo} has no commits yet, so there is no release to record: commit the code you are releasing, then start the run"
    )]
    NoCommit { repo: String },
    /// A secret variable too short to be masked wherever it appears.
    #[error(
        "the secret variable{s} {names} {is} shorter than {min} characters: Release Pilot could not keep {it} out of the record (masking a value that short would mangle ordinary text). Use a longer value, or take the name out of [plan] secrets if it is not secret",
        s = if names.contains(',') { "s" } else { "" },
        is = if names.contains(',') { "are" } else { "is" },
        it = if names.contains(',') { "them" } else { "it" },
        min = super::redact::MIN_SECRET_LEN
    )]
    SecretTooShort { names: String },
    /// The store never keeps a secret, so a run driven by another process than the one that
    /// started it needs each secret given again (unless the plan file still holds it).
    #[error(
        "run {run_id} uses the secret variable{s} {names}, whose value{s} the store never keeps and {where_from}: give {it} again, e.g. `pilot resume {run_id} --var {first}=…`",
        s = if names.contains(',') { "s" } else { "" },
        it = if names.contains(',') { "them" } else { "it" },
        first = names.split(", ").next().unwrap_or_default()
    )]
    SecretNeeded { run_id: String, names: String, where_from: String },
    /// A step found "running" after a crash still has its program running: driving the run
    /// now would start a second copy.
    #[error(
        "run {run_id} was interrupted while \"{step}\" was running, and its program is still going ({detail}): wait for it to end (or stop it), then resume the run; it will not be started twice"
    )]
    StillRunning { run_id: String, step: String, detail: String },
    /// An error whose words carried a secret, masked.
    #[error("{0}")]
    Masked(String),
}
