//! Connecting to the Docker engine, and running bollard's async calls from the synchronous
//! engine.
//!
//! bollard is async; the rest of the engine is not. Each [`Connection`] owns a small
//! current-thread tokio runtime and blocks on one call at a time, so no async leaks out of this
//! module. Every call has a deadline: a stopped or wedged engine turns into a
//! [`DockerError::Timeout`], never a hang. The connection also adds up the time spent inside
//! the engine's API calls and waiting for containers, which is how the deploy overhead figure
//! (time the engine spends outside Docker's own operations) is measured.
//!
//! Platforms: the address comes from `DOCKER_HOST` when set, else bollard's local defaults (the
//! Unix socket `/var/run/docker.sock`, or the named pipe `//./pipe/docker_engine` on Windows).
//! Docker contexts are not read.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bollard::Docker;

use super::DockerError;

/// How long connecting and the version handshake may take: a check must fail fast.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The default deadline of one API call.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// Time spent in the engine's own operations, for the overhead measurement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DockerTime {
    /// Inside API calls (from sending the request to the last byte of the answer).
    pub api: Duration,
    /// Sleeping between polls while a container starts or becomes healthy.
    pub waiting: Duration,
    /// API calls made.
    pub calls: u32,
}

/// A connection to one Docker engine.
pub struct Connection {
    docker: Docker,
    runtime: tokio::runtime::Runtime,
    host: String,
    time: Mutex<DockerTime>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("host", &self.host).finish_non_exhaustive()
    }
}

impl Connection {
    /// Connect to the engine named by `DOCKER_HOST`, else the platform's local default, and
    /// agree on an API version (bollard starts from a newer one than Debian's 20.10 speaks).
    pub fn connect() -> Result<Self, DockerError> {
        let host = std::env::var("DOCKER_HOST").ok().filter(|h| !h.trim().is_empty());
        Self::connect_to(host.as_deref())
    }

    /// Connect to `host` (`unix:///path`, `npipe:////./pipe/name`, `tcp://127.0.0.1:2375`), or
    /// to the local default when `None`.
    pub fn connect_to(host: Option<&str>) -> Result<Self, DockerError> {
        let shown = host.map_or_else(|| default_host().to_owned(), str::to_owned);
        let unreachable = |detail: String| DockerError::Unreachable { host: shown.clone(), detail };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(DockerError::Runtime)?;
        let docker = match host {
            Some(h) => Docker::connect_with_host(h),
            None => Docker::connect_with_local_defaults(),
        }
        .map_err(|e| unreachable(e.to_string()))?;
        let docker = docker.with_timeout(CALL_TIMEOUT);
        let negotiated = runtime.block_on(async {
            tokio::time::timeout(CONNECT_TIMEOUT, docker.negotiate_version()).await
        });
        let docker = match negotiated {
            Ok(Ok(d)) => d,
            Ok(Err(e)) => return Err(unreachable(e.to_string())),
            Err(_) => {
                return Err(unreachable(format!(
                    "no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )));
            }
        };
        Ok(Self { docker, runtime, host: shown, time: Mutex::new(DockerTime::default()) })
    }

    /// The engine's address as given (or the platform default).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The API version agreed with the engine, e.g. "1.41".
    pub fn api_version(&self) -> String {
        let v = self.docker.client_version();
        format!("{}.{}", v.major_version, v.minor_version)
    }

    /// Time spent in the engine's own operations so far.
    pub fn docker_time(&self) -> DockerTime {
        *self.time.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Run one API call with the default deadline.
    pub(crate) fn call<T>(
        &self,
        operation: &str,
        call: impl Future<Output = Result<T, bollard::errors::Error>>,
    ) -> Result<T, DockerError> {
        self.call_within(operation, CALL_TIMEOUT, call)
    }

    /// The bollard client, to build a call for [`Connection::call`].
    pub(crate) fn api(&self) -> &Docker {
        &self.docker
    }

    /// Run one API call that may legitimately take up to `deadline` (stopping a container,
    /// building an image).
    pub(crate) fn call_within<T>(
        &self,
        operation: &str,
        deadline: Duration,
        call: impl Future<Output = Result<T, bollard::errors::Error>>,
    ) -> Result<T, DockerError> {
        let started = Instant::now();
        let result = self.runtime.block_on(async { tokio::time::timeout(deadline, call).await });
        self.add(started.elapsed(), Duration::ZERO, 1);
        match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(self.api_error(operation, e)),
            Err(_) => Err(DockerError::Timeout {
                host: self.host.clone(),
                operation: operation.to_owned(),
                secs: deadline.as_secs(),
            }),
        }
    }

    /// Run an async block that streams (logs, exec output, archives) with a deadline.
    pub(crate) fn stream<T, F>(
        &self,
        operation: &str,
        deadline: Duration,
        f: impl FnOnce(Docker) -> F,
    ) -> Result<T, DockerError>
    where
        F: Future<Output = Result<T, bollard::errors::Error>>,
    {
        self.call_within(operation, deadline, f(self.docker.clone()))
    }

    /// Wait between polls, counted as time spent on the engine's side (the container is
    /// starting or running its health check).
    pub(crate) fn pause_for(&self, wait: Duration) {
        std::thread::sleep(wait);
        self.add(Duration::ZERO, wait, 0);
    }

    fn add(&self, api: Duration, waiting: Duration, calls: u32) {
        let mut t = self.time.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        t.api += api;
        t.waiting += waiting;
        t.calls += calls;
    }

    /// Turn a bollard error into one that says what to do.
    fn api_error(&self, operation: &str, e: bollard::errors::Error) -> DockerError {
        use bollard::errors::Error as E;
        match e {
            E::DockerResponseServerError { status_code, message } => DockerError::Api {
                operation: operation.to_owned(),
                status: Some(status_code),
                message,
            },
            E::RequestTimeoutError => DockerError::Timeout {
                host: self.host.clone(),
                operation: operation.to_owned(),
                secs: CALL_TIMEOUT.as_secs(),
            },
            // Transport failures mean the engine went away in the middle of the work.
            E::HyperResponseError { .. }
            | E::HyperLegacyError { .. }
            | E::IOError { .. }
            | E::HttpClientError { .. }
            | E::SocketNotFoundError(_) => DockerError::Unreachable {
                host: self.host.clone(),
                detail: format!("{operation}: {e}"),
            },
            other => DockerError::Api {
                operation: operation.to_owned(),
                status: None,
                message: other.to_string(),
            },
        }
    }
}

/// The address bollard uses when `DOCKER_HOST` is not set, for messages.
fn default_host() -> &'static str {
    if cfg!(windows) { "npipe:////./pipe/docker_engine" } else { "unix:///var/run/docker.sock" }
}
