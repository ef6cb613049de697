//! Signed reports from the desktop: list what this workstation can sign with (`setup.rs`),
//! sign a saved report and attach the signature to its run, or attach a signature made
//! elsewhere (`sign.rs`), and check a report as a whole against an `allowed_signers` file
//! (`verify.rs`). The engine's `signature` module does the cryptography; this adds what a
//! desktop needs around it: where keys and the agent are, files beside the report, and
//! answers worded for people who do not use the shell.

mod setup;
mod sign;
mod verify;

use std::path::PathBuf;

use pilot_engine::report::read_seal;
use pilot_engine::signature::{agent_address, signature_path};

use crate::{ApiError, ErrorKind};

/// Where this workstation keeps its keys and its ssh-agent. Passed to each signing call
/// rather than kept in the app, so tests point it at a temp folder and their own agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SigningPlaces {
    /// The folder the key picker opens in and whose keys are listed (`~/.ssh`).
    pub ssh_dir: Option<PathBuf>,
    /// The agent's socket or pipe.
    pub agent: Option<PathBuf>,
}

impl SigningPlaces {
    /// `~/.ssh`, and the agent from `SSH_AUTH_SOCK` (or the Windows OpenSSH agent's pipe),
    /// read now: an agent started after the app is found on the next call.
    pub fn from_env() -> Self {
        Self {
            ssh_dir: std::env::home_dir().map(|home| home.join(".ssh")),
            agent: agent_address(std::env::var("SSH_AUTH_SOCK").ok().as_deref()),
        }
    }
}

/// A report file's bytes, or an error saying how to get it back.
fn read_report(path: &str) -> Result<Vec<u8>, ApiError> {
    std::fs::read(path).map_err(|e| {
        ApiError::new(
            ErrorKind::Io,
            format!(
                "could not read the report {path}: {e}. Save the report again with Save as…, \
                 then choose that file"
            ),
        )
    })
}

/// Refuse a file that is not this run's report: signing it would attach nothing useful.
fn this_runs_report(path: &str, bytes: &[u8], run_id: &str) -> Result<(), ApiError> {
    match read_seal(&String::from_utf8_lossy(bytes)) {
        Some(seal) if seal.run_id == run_id => Ok(()),
        Some(seal) => Err(ApiError::new(
            ErrorKind::Refused,
            format!(
                "{path} is the report of run {}, not of this run ({run_id}): choose this run's \
                 report, or save it again with Save as…",
                seal.run_id
            ),
        )),
        None => Err(ApiError::new(
            ErrorKind::Refused,
            format!(
                "{path} is not a Release Pilot report (it has no Integrity section, or it was cut \
                 short): save the report with Save as… and choose that file"
            ),
        )),
    }
}
