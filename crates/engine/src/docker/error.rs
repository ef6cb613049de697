//! `DockerError`: everything that can go wrong talking to the Docker engine, each message
//! naming what was asked and saying what to do next. A deploy that fails on its own terms (a
//! health check that never passes) is not an error: it is a result with evidence.

use std::path::PathBuf;

/// How to get an engine running, said once for every "cannot connect" message.
pub const START_DOCKER_HINT: &str = "start Docker (Windows and macOS: open Docker Desktop and \
    wait until it says it is running; Linux: `sudo systemctl start docker`, or run `dockerd`), \
    then re-run the step";

#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    #[error("the Docker engine at {host} cannot be reached ({detail}): {hint}", hint = START_DOCKER_HINT)]
    Unreachable { host: String, detail: String },

    #[error(
        "the Docker engine at {host} did not answer `{operation}` within {secs} s: it may be \
             overloaded or stopped; check that Docker is running, then re-run the step"
    )]
    Timeout { host: String, operation: String, secs: u64 },

    #[error("`{operation}` failed: {message}")]
    Api { operation: String, status: Option<u16>, message: String },

    #[error(
        "no container named `{name}`: check the container name in the plan (`docker ps -a` \
             lists them), then re-run the step"
    )]
    NoSuchContainer { name: String },

    #[error(
        "no image `{image}` on this machine: build or load it first (there is no registry \
             to pull from), then re-run the step"
    )]
    NoSuchImage { image: String },

    #[error("could not start the runtime that talks to Docker: {0}")]
    Runtime(#[source] std::io::Error),

    #[error("could not write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{0}")]
    Invalid(String),

    #[error("backup of the copied database failed: {0}")]
    Backup(String),
}

impl DockerError {
    /// The engine answered 404 for the thing asked about.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::NoSuchContainer { .. }
                | Self::NoSuchImage { .. }
                | Self::Api { status: Some(404), .. }
        )
    }

    /// The engine itself is gone (not a refusal of one request): the caller should say so and
    /// leave everything as it is.
    pub fn is_engine_gone(&self) -> bool {
        matches!(self, Self::Unreachable { .. } | Self::Timeout { .. })
    }
}
