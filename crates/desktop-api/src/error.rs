//! The one error type that crosses to the UI: `{kind, message}`. The message already says
//! what happened and what to do next (the engine's errors do); `kind` lets the UI choose how
//! to show it.

use pilot_engine::demo::DemoError;
use pilot_engine::plan::PlanError;
use pilot_engine::repo::RepoError;
use pilot_engine::run::RunError;
use pilot_engine::signature::{AttachError, SignatureError};
use pilot_engine::store::StoreError;
use serde::Serialize;
use ts_rs::TS;

/// What kind of problem it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// The folder is missing or not a git repository.
    Repository,
    /// The plan file has problems (the message lists them with line and column).
    Plan,
    /// The run store cannot be used (damaged, too new, not writable).
    Store,
    /// Another window or process is driving this run.
    Busy,
    /// No run, step or template by that name.
    NotFound,
    /// The request does not fit the run's state (e.g. waiving a step that passed).
    Refused,
    /// A path the user did not choose in one of the app's dialogs (see `grant`): the message
    /// names it and the dialog that chooses it.
    NotChosen,
    /// Reading or writing a file failed.
    Io,
    /// A report could not be signed, or a signature or allowed-signers file cannot be used.
    Signature,
    /// Anything else.
    Internal,
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        Self::new(ErrorKind::Repository, e.to_string())
    }
}

impl From<PlanError> for ApiError {
    fn from(e: PlanError) -> Self {
        let kind = match e {
            PlanError::Io { .. } => ErrorKind::Io,
            PlanError::Invalid { .. } => ErrorKind::Plan,
        };
        Self::new(kind, e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let kind = match e {
            StoreError::Locked { .. } => ErrorKind::Busy,
            StoreError::NoSuchRun { .. } => ErrorKind::NotFound,
            _ => ErrorKind::Store,
        };
        Self::new(kind, e.to_string())
    }
}

impl From<RunError> for ApiError {
    fn from(e: RunError) -> Self {
        match e {
            RunError::Repo(e) => e.into(),
            RunError::Store(e) => e.into(),
            RunError::Refused { .. } | RunError::RollbackRefused(_) => {
                Self::new(ErrorKind::Refused, e.to_string())
            }
            RunError::NoVersion { .. } => Self::new(
                ErrorKind::Plan,
                format!(
                    "{e}. Write the version in the repository's VERSION file, or type it in the \
                     Version field before starting the run"
                ),
            ),
            RunError::BadVersion { .. }
            | RunError::Variable(_)
            | RunError::SecretTooShort { .. }
            | RunError::NoCommit { .. } => Self::new(ErrorKind::Plan, e.to_string()),
            // The program of an interrupted step still runs: try again once it has ended.
            RunError::StillRunning { .. } => Self::new(ErrorKind::Busy, e.to_string()),
            RunError::SecretNeeded { ref names, .. } => Self::new(
                ErrorKind::Refused,
                format!(
                    "This run needs the secret {names} again: Release Pilot never stores secrets, \
                     and it was typed in a window that has since closed. Resume it from the \
                     command line with the value ({e}), or start a new run."
                ),
            ),
            other => Self::new(ErrorKind::Internal, other.to_string()),
        }
    }
}

impl From<DemoError> for ApiError {
    fn from(e: DemoError) -> Self {
        Self::new(ErrorKind::Io, e.to_string())
    }
}

/// Signing errors, worded for the app: the engine's own words name `pilot` flags and
/// environment variables, which a desktop user has no use for.
impl From<SignatureError> for ApiError {
    fn from(e: SignatureError) -> Self {
        let message = match &e {
            SignatureError::Read { .. } => return Self::new(ErrorKind::Io, e.to_string()),
            SignatureError::PassphraseNeeded { path } => format!(
                "the key {} is protected by a passphrase, and Release Pilot never asks for \
                 passphrases: load it into ssh-agent (ssh-add {}), then choose \"ssh-agent\" and \
                 pick it",
                path.display(),
                path.display()
            ),
            SignatureError::NoAgent => "no ssh-agent is reachable from Release Pilot: start one \
                 and add your key (ssh-add) before starting the app, or sign with a key file"
                .to_string(),
            _ => e.to_string(),
        };
        Self::new(ErrorKind::Signature, message)
    }
}

impl From<AttachError> for ApiError {
    fn from(e: AttachError) -> Self {
        match e {
            AttachError::Store(e) => e.into(),
            AttachError::Mismatch { source_name, run_id } => Self::new(
                ErrorKind::Signature,
                format!(
                    "the signature in {source_name} does not match run {run_id}'s report as it \
                     stands: it was made over another version of the report (or another file). \
                     Save the report again with Save as…, sign that file, and attach the new \
                     signature"
                ),
            ),
            other => Self::new(ErrorKind::Signature, other.to_string()),
        }
    }
}
