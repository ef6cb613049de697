//! The executors of the steps that work on a Docker engine: `checks.rs` (`docker.engine`,
//! `docker.image`, `docker.volume`, `docker.container`), `deploy.rs` (`deploy.recreate`,
//! `deploy.exec`, `deploy.wait_log`), `rollback.rs` (the container half of `rollback`) and
//! `database.rs` (a SQLite database copied out of a container or volume for `backup.sqlite`).
//! The work itself is done by `crate::docker`; these files turn its reports into outcomes.
//!
//! Another deploy target (a remote engine, a Compose project, a Swarm service) gets a folder of
//! its own beside this one, with its own `executors!` rows; nothing here changes.

mod checks;
mod database;
mod deploy;
mod rollback;

use crate::docker::DockerError;
use crate::plan::kinds::{
    DeployExecParams, DeployRecreateParams, DeployWaitLogParams, DockerContainerParams,
    DockerEngineParams, DockerImageParams, DockerVolumeParams, RollbackParams,
};
use crate::run::{Evidence, StepOutcome};

pub(super) use database::database_from_docker;

executors! {
    DockerEngineParams => checks::engine,
    DockerImageParams => checks::image,
    DockerVolumeParams => checks::volume,
    DockerContainerParams => checks::container,
    DeployRecreateParams => deploy::recreate,
    DeployExecParams => deploy::exec,
    DeployWaitLogParams => deploy::wait_log,
    RollbackParams => rollback::rollback,
}

/// A failed step from a Docker error: the error's message already says what to do next.
pub(super) fn failure(e: &DockerError, evidence: Evidence) -> StepOutcome {
    let mut text = e.to_string();
    if let Some(first) = text.get(..1) {
        text = format!("{}{}", first.to_uppercase(), &text[1..]);
    }
    if !text.ends_with('.') {
        text.push('.');
    }
    StepOutcome::failed(text, evidence)
}
