//! Errors and exit codes. Every error message names the input and says what to do next; the
//! engine's errors already do, so they are shown as they are.

use pilot_engine::plan::PlanError;
use pilot_engine::repo::RepoError;
use pilot_engine::run::{AnswersError, RunError};
use pilot_engine::store::StoreError;

/// The process exit codes `pilot` promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Done, and the verdict is go (or the command simply succeeded).
    Go = 0,
    /// A blocking step failed, or the verdict is no-go.
    NoGo = 1,
    /// Bad input: a wrong path, an invalid plan, an unknown run.
    BadInput = 2,
    /// The run waits for a person (manual items, sign-off).
    Waiting = 3,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

/// The engine's message, with how to fix it on the command line where the engine cannot know.
fn run_message(e: &RunError) -> String {
    match e {
        RunError::NoVersion { .. } => {
            format!("{e}. Write the version in the VERSION file or give it with --version")
        }
        other => other.to_string(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("{}", run_message(.0))]
    Run(#[from] RunError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Answers(#[from] AnswersError),
    #[error(transparent)]
    Demo(#[from] pilot_engine::demo::DemoError),
    #[error("there is no built-in template named {name:?}; the templates are: {available}")]
    NoSuchTemplate { name: String, available: String },
    #[error(
        "no data folder could be found for this user: give one with --data-dir or RELEASE_PILOT_DATA_DIR"
    )]
    NoDataDir,
    #[error(transparent)]
    Signature(#[from] pilot_engine::signature::SignatureError),
    #[error(transparent)]
    Attach(#[from] pilot_engine::signature::AttachError),
    #[error("{what}: {why}")]
    BadVars { what: String, why: String },
    /// Refused before anything was written, with why and what to do.
    #[error("{why}")]
    Refused { why: String },
    #[error(
        "{what} was not confirmed: nothing was changed. Run it in a terminal and type yes, or add --yes"
    )]
    NotConfirmed { what: String },
    #[error("could not read {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}
