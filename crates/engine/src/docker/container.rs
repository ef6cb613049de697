//! Containers: inspect, where they stand (running, healthy), and waiting for health with a
//! countdown.

use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, ContainerInspectResponse, HealthStatusEnum};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, InspectContainerOptions, ListContainersOptions,
    RemoveContainerOptionsBuilder, RenameContainerOptions, StopContainerOptionsBuilder,
};

use super::{Connection, DockerError};

/// How often a starting container is looked at.
const POLL: Duration = Duration::from_millis(100);
/// How long a container without a health check must stay running to count as up.
const NO_HEALTHCHECK_SETTLE: Duration = Duration::from_secs(2);

/// Health as Docker reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// The image has no health check.
    None,
    Starting,
    Healthy,
    Unhealthy,
}

/// Where a container stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerState {
    /// Full id.
    pub id: String,
    /// Name without the leading slash.
    pub name: String,
    /// The image reference it was created from, e.g. "release-pilot-sample:1.2.0".
    pub image: String,
    /// The image id (sha256:…).
    pub image_id: String,
    pub running: bool,
    pub paused: bool,
    /// e.g. "running", "exited".
    pub status: String,
    pub exit_code: Option<i64>,
    pub health: Health,
    /// The last health check's output, when there is one.
    pub last_health_output: Option<String>,
}

impl ContainerState {
    pub fn from_inspect(c: &ContainerInspectResponse) -> Self {
        let state = c.state.as_ref();
        let health_info = state.and_then(|s| s.health.as_ref());
        let health = match health_info.and_then(|h| h.status) {
            Some(HealthStatusEnum::HEALTHY) => Health::Healthy,
            Some(HealthStatusEnum::UNHEALTHY) => Health::Unhealthy,
            Some(HealthStatusEnum::STARTING) => Health::Starting,
            _ => Health::None,
        };
        Self {
            id: c.id.clone().unwrap_or_default(),
            name: c.name.as_deref().unwrap_or_default().trim_start_matches('/').to_owned(),
            image: c.config.as_ref().and_then(|cfg| cfg.image.clone()).unwrap_or_default(),
            image_id: c.image.clone().unwrap_or_default(),
            running: state.and_then(|s| s.running).unwrap_or(false),
            paused: state.and_then(|s| s.paused).unwrap_or(false),
            status: state
                .and_then(|s| s.status)
                .map(|s| s.to_string())
                .unwrap_or_else(|| "unknown".to_owned()),
            exit_code: state.and_then(|s| s.exit_code),
            health,
            last_health_output: health_info
                .and_then(|h| h.log.as_ref())
                .and_then(|log| log.last())
                .and_then(|r| r.output.as_deref())
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty()),
        }
    }

    /// Short id, as `docker ps` shows it.
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }
}

/// Inspect a container; `NoSuchContainer` when there is none by that name.
pub fn inspect(conn: &Connection, name: &str) -> Result<ContainerInspectResponse, DockerError> {
    conn.call(
        "inspect container",
        conn.api().inspect_container(name, None::<InspectContainerOptions>),
    )
    .map_err(|e| {
        if e.is_not_found() { DockerError::NoSuchContainer { name: name.to_owned() } } else { e }
    })
}

/// Where a container stands, or `None` when there is none by that name.
pub fn state(conn: &Connection, name: &str) -> Result<Option<ContainerState>, DockerError> {
    match inspect(conn, name) {
        Ok(c) => Ok(Some(ContainerState::from_inspect(&c))),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Names of every container (running or not) whose name starts with `prefix`, newest first by
/// name (the names carry a sortable UTC time).
pub fn names_with_prefix(conn: &Connection, prefix: &str) -> Result<Vec<String>, DockerError> {
    let options = ListContainersOptions {
        all: true,
        filters: Some([("name".to_owned(), vec![format!("^/{}", regex::escape(prefix))])].into()),
        ..Default::default()
    };
    let list = conn.call("list containers", conn.api().list_containers(Some(options)))?;
    let mut names: Vec<String> = list
        .iter()
        .filter_map(|c| c.names.as_ref()?.first().cloned())
        .map(|n| n.trim_start_matches('/').to_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort_by(|a, b| b.cmp(a));
    Ok(names)
}

/// Create a container named `name`; returns its id.
pub fn create(
    conn: &Connection,
    name: &str,
    body: ContainerCreateBody,
) -> Result<String, DockerError> {
    let options = CreateContainerOptionsBuilder::new().name(name).build();
    conn.call("create container", conn.api().create_container(Some(options), body)).map(|r| r.id)
}

/// Stop a container, giving it `grace` to exit before Docker kills it.
pub fn stop(conn: &Connection, name: &str, grace: Duration) -> Result<(), DockerError> {
    let secs = i32::try_from(grace.as_secs()).unwrap_or(i32::MAX);
    let options = StopContainerOptionsBuilder::new().t(secs).build();
    match conn.call_within(
        "stop container",
        grace + Duration::from_secs(30),
        conn.api().stop_container(name, Some(options)),
    ) {
        // 304: already stopped.
        Err(DockerError::Api { status: Some(304), .. }) => Ok(()),
        other => other,
    }
}

pub fn start(conn: &Connection, name: &str) -> Result<(), DockerError> {
    match conn.call("start container", conn.api().start_container(name, None)) {
        Err(DockerError::Api { status: Some(304), .. }) => Ok(()),
        other => other,
    }
}

/// Freeze every process of a running container (the backup's consistent copy).
pub fn pause(conn: &Connection, name: &str) -> Result<(), DockerError> {
    conn.call("pause container", conn.api().pause_container(name))
}

/// Let a paused container run again.
pub fn unpause(conn: &Connection, name: &str) -> Result<(), DockerError> {
    conn.call("unpause container", conn.api().unpause_container(name))
}

pub fn rename(conn: &Connection, name: &str, new_name: &str) -> Result<(), DockerError> {
    let options = RenameContainerOptions { name: new_name.to_owned() };
    conn.call("rename container", conn.api().rename_container(name, options))
}

/// Remove a container (stopping it first if needed).
pub fn remove(conn: &Connection, name: &str) -> Result<(), DockerError> {
    let options = RemoveContainerOptionsBuilder::new().force(true).v(false).build();
    match conn.call("remove container", conn.api().remove_container(name, Some(options))) {
        Err(e) if e.is_not_found() => Ok(()),
        other => other,
    }
}

/// How waiting for health ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthWait {
    /// Healthy (or, without a health check, running and settled) after this long.
    Up { after: Duration, state: ContainerState },
    /// Still not healthy at the deadline.
    TimedOut { state: ContainerState },
    /// The container stopped (crashed) while starting.
    Exited { state: ContainerState },
}

/// Wait until the container is healthy, up to `timeout`, telling `output` how long is left once
/// a second ("waiting for health: 27 s left").
pub fn wait_healthy(
    conn: &Connection,
    name: &str,
    timeout: Duration,
    output: &dyn Fn(&str),
    countdown: &dyn Fn(&Countdown),
) -> Result<HealthWait, DockerError> {
    let started = Instant::now();
    let deadline = started + timeout;
    let mut last_told: Option<u64> = None;
    let mut running_since: Option<Instant> = None;
    loop {
        let state = ContainerState::from_inspect(&inspect(conn, name)?);
        if !state.running && state.status != "created" && state.status != "restarting" {
            return Ok(HealthWait::Exited { state });
        }
        match state.health {
            Health::Healthy => return Ok(HealthWait::Up { after: started.elapsed(), state }),
            Health::None if state.running => {
                let since = *running_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= NO_HEALTHCHECK_SETTLE {
                    return Ok(HealthWait::Up { after: started.elapsed(), state });
                }
            }
            _ => {}
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(HealthWait::TimedOut { state });
        }
        let left = (deadline - now).as_secs();
        if last_told != Some(left) {
            last_told = Some(left);
            countdown(&Countdown {
                container: name.to_owned(),
                left: deadline - now,
                total: timeout,
                health: health_word(state.health),
            });
            output(&format!(
                "waiting for health of {name}: {left} s left ({})",
                health_word(state.health)
            ));
        }
        conn.pause_for(POLL.min(deadline - now));
    }
}

/// The health wait's countdown, once a second: what the desktop draws as a shrinking bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    pub container: String,
    /// Time left before the wait gives up.
    pub left: Duration,
    /// The whole wait (the plan's health timeout).
    pub total: Duration,
    /// "starting", "unhealthy"… as [`health_word`] says it.
    pub health: &'static str,
}

/// "healthy", "starting"… for messages.
pub fn health_word(h: Health) -> &'static str {
    match h {
        Health::None => "no health check",
        Health::Starting => "starting",
        Health::Healthy => "healthy",
        Health::Unhealthy => "unhealthy",
    }
}
