//! `deploy.recreate`, the way Watchtower does it: read the running container's configuration,
//! stop it, keep it (renamed `<name>-previous-<UTC time>`) as the fallback, create the new
//! container from the new image with the same configuration and name, start it, and wait for
//! its health check with a countdown. If it never becomes healthy: remove it, give the old one
//! its name back, start it, wait for its health, and say so.
//!
//! The fallback is kept after a successful deploy, so the run's rollback step can put it back
//! in seconds. Who removes it: the next successful `deploy.recreate` of the same container
//! (once its own new container is healthy it removes the fallbacks of earlier deploys, keeping
//! its own), or [`remove_fallbacks`] — which the run driver may call when a run completes, and
//! which the tests call when they clean up.
//!
//! Interrupted (the engine stopped mid-way): nothing is removed before the new container is
//! healthy, so the old container is always either running under its name or kept, stopped,
//! under its fallback name — and the report says which. Re-running the step resumes: a missing
//! container with a kept fallback continues from the fallback; a container already on the new
//! image continues with the health wait.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::carry_over::{LABEL_FALLBACK, LABEL_PREVIOUS_IMAGE, create_body};
use super::container::{self, ContainerState, HealthWait};
use super::{Connection, DockerError, DockerTime, image, logs};

/// What to deploy.
#[derive(Debug, Clone)]
pub struct RecreateRequest<'a> {
    /// The container to recreate (its name).
    pub container: &'a str,
    /// The new image, e.g. "release-pilot-sample:1.3.0".
    pub image: &'a str,
    /// How long the new container has to become healthy.
    pub health_timeout: Duration,
    /// How long a container has to stop before Docker kills it.
    pub stop_grace: Duration,
    /// The run's clock: names the fallback.
    pub now: DateTime<Utc>,
}

/// One thing done, for the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub what: String,
    pub took: Duration,
}

/// How a recreate ended.
#[derive(Debug)]
pub enum RecreateOutcome {
    /// The new container is healthy.
    Deployed,
    /// The container already ran the image and was healthy: nothing to do (a resumed run).
    AlreadyDeployed,
    /// The new container never became healthy; the old one is back, healthy.
    RolledBack { reason: String },
    /// The new container never became healthy, and the old one could not be brought back
    /// healthy either.
    RollbackFailed { reason: String, detail: String },
    /// Nothing was changed (the container or image is missing, the engine is unreachable).
    NotStarted { error: DockerError },
    /// The engine failed part-way; `left` says where the old container is.
    Interrupted { error: DockerError, left: String },
}

/// Everything a recreate did and saw.
#[derive(Debug)]
pub struct RecreateReport {
    pub outcome: RecreateOutcome,
    pub old: Option<ContainerState>,
    pub new: Option<ContainerState>,
    /// The kept old container's name.
    pub fallback: Option<String>,
    pub actions: Vec<Action>,
    /// From start of the new container to healthy.
    pub time_to_healthy: Option<Duration>,
    /// The new container's last log lines when it failed.
    pub failed_logs: Vec<String>,
    pub total: Duration,
    /// Time spent in Docker's own operations (API calls and waiting for health).
    pub docker: DockerTime,
}

/// The fallback names of a container, newest first.
pub fn fallbacks(conn: &Connection, container: &str) -> Result<Vec<String>, DockerError> {
    container::names_with_prefix(conn, &fallback_prefix(container))
}

/// Remove the kept fallbacks of a container, except `keep`. Returns the names removed.
pub fn remove_fallbacks(
    conn: &Connection,
    container: &str,
    keep: Option<&str>,
) -> Result<Vec<String>, DockerError> {
    let mut removed = Vec::new();
    for name in fallbacks(conn, container)? {
        if Some(name.as_str()) != keep {
            container::remove(conn, &name)?;
            removed.push(name);
        }
    }
    Ok(removed)
}

pub(crate) fn fallback_prefix(container: &str) -> String {
    format!("{container}-previous-")
}

/// Recreate the container on the new image. Never panics, never returns early without a report.
pub fn recreate(
    conn: &Connection,
    req: &RecreateRequest<'_>,
    output: &dyn Fn(&str),
    countdown: &dyn Fn(&container::Countdown),
) -> RecreateReport {
    let started = Instant::now();
    let mut run = Recreate {
        conn,
        req,
        output,
        countdown,
        actions: Vec::new(),
        report_old: None,
        fallback: None,
    };
    let (outcome, new, time_to_healthy, failed_logs) = match run.go() {
        Ok(done) => done,
        Err((error, stage)) => {
            let outcome = match stage {
                Stage::Untouched => RecreateOutcome::NotStarted { error },
                stage => RecreateOutcome::Interrupted { left: run.where_things_are(stage), error },
            };
            (outcome, None, None, Vec::new())
        }
    };
    RecreateReport {
        outcome,
        old: run.report_old,
        new,
        fallback: run.fallback,
        actions: run.actions,
        time_to_healthy,
        failed_logs,
        total: started.elapsed(),
        docker: conn.docker_time(),
    }
}

/// How far a recreate got, for saying where things are after an interruption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Untouched,
    Stopped,
    Renamed,
    Created,
    PuttingBack,
}

type Done = (RecreateOutcome, Option<ContainerState>, Option<Duration>, Vec<String>);

struct Recreate<'a> {
    conn: &'a Connection,
    req: &'a RecreateRequest<'a>,
    output: &'a dyn Fn(&str),
    countdown: &'a dyn Fn(&container::Countdown),
    actions: Vec<Action>,
    report_old: Option<ContainerState>,
    fallback: Option<String>,
}

impl Recreate<'_> {
    fn act<T>(
        &mut self,
        what: String,
        f: impl FnOnce(&Connection) -> Result<T, DockerError>,
    ) -> Result<T, DockerError> {
        (self.output)(&what);
        let t = Instant::now();
        let result = f(self.conn);
        self.actions.push(Action { what, took: t.elapsed() });
        result
    }

    fn go(&mut self) -> Result<Done, (DockerError, Stage)> {
        let name = self.req.container;
        let untouched = |e| (e, Stage::Untouched);
        let current = container::state(self.conn, name).map_err(untouched)?;
        let kept = super::recreate::fallbacks(self.conn, name).map_err(untouched)?;
        let new_image = image::inspect(self.conn, self.req.image).map_err(untouched)?;
        let new_image_id = new_image.id.clone().unwrap_or_default();

        // Where the old container is: under its name, or (a resumed run) kept as the fallback.
        let (old_ref, mut stage) = match &current {
            Some(c) if c.image_id == new_image_id => {
                if c.running && c.health == container::Health::Healthy {
                    self.report_old = Some(c.clone());
                    return Ok((
                        RecreateOutcome::AlreadyDeployed,
                        Some(c.clone()),
                        None,
                        Vec::new(),
                    ));
                }
                if let Some(fallback) = kept.first() {
                    // Already on the new image, with this deploy's fallback kept: a resumed run,
                    // or a container briefly unhealthy (just paused for a backup, restarting).
                    // Finish the health wait; put the fallback back if it never passes.
                    self.fallback = Some(fallback.clone());
                    self.report_old = container::state(self.conn, fallback).map_err(untouched)?;
                    if !c.running {
                        self.act(
                            format!("resume: start {name} (already on {})", self.req.image),
                            |c| container::start(c, name),
                        )
                        .map_err(|e| (e, Stage::Created))?;
                    }
                    return self.wait_and_settle(c.running);
                }
                (c.name.clone(), Stage::Untouched)
            }
            Some(c) => (c.name.clone(), Stage::Untouched),
            None => match kept.first() {
                Some(fallback) => {
                    (self.output)(&format!(
                        "resume: {name} is missing; continuing from the kept {fallback}"
                    ));
                    self.fallback = Some(fallback.clone());
                    (fallback.clone(), Stage::Renamed)
                }
                None => {
                    return Err(untouched(DockerError::NoSuchContainer { name: name.to_owned() }));
                }
            },
        };

        let old = container::inspect(self.conn, &old_ref).map_err(|e| (e, stage))?;
        let old_state = ContainerState::from_inspect(&old);
        self.report_old = Some(old_state.clone());
        // The old image's own configuration, to tell it apart from the operator's. It may be
        // gone (pruned); then everything is carried over as it is.
        let old_image = match image::inspect(self.conn, &old_state.image_id) {
            Ok(i) => i.config,
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err((e, stage)),
        };

        if stage == Stage::Untouched {
            let fallback =
                format!("{}{}", fallback_prefix(name), self.req.now.format("%Y%m%dT%H%M%SZ"));
            if old_state.running {
                let grace = self.req.stop_grace;
                self.act(format!("stop {name} ({})", old_state.short_id()), |c| {
                    container::stop(c, name, grace)
                })
                .map_err(|e| (e, Stage::Untouched))?;
            }
            self.act(format!("keep {name} as {fallback}"), |c| {
                container::rename(c, name, &fallback)
            })
            .map_err(|e| (e, Stage::Stopped))?;
            self.fallback = Some(fallback);
            stage = Stage::Renamed;
        }
        let fallback = self.fallback.clone().unwrap_or_default();

        let labels = HashMap::from([
            (LABEL_FALLBACK.to_owned(), fallback.clone()),
            (LABEL_PREVIOUS_IMAGE.to_owned(), old_state.image.clone()),
        ]);
        let body = create_body(&old, old_image.as_ref(), self.req.image, labels);
        self.act(format!("create {name} from {}", self.req.image), |c| {
            container::create(c, name, body)
        })
        .map_err(|e| (e, stage))?;
        self.act(format!("start {name}"), |c| container::start(c, name))
            .map_err(|e| (e, Stage::Created))?;
        self.wait_and_settle(false)
    }

    /// Wait for the new container's health; on success tidy older fallbacks, on failure put
    /// the old container back.
    /// `already_running`: the container was found running on the new image (nothing was
    /// started), so becoming healthy means it was already deployed.
    fn wait_and_settle(&mut self, already_running: bool) -> Result<Done, (DockerError, Stage)> {
        let name = self.req.container;
        let timeout = self.req.health_timeout;
        let t = Instant::now();
        let waited = container::wait_healthy(self.conn, name, timeout, self.output, self.countdown)
            .map_err(|e| (e, Stage::Created))?;
        self.actions
            .push(Action { what: format!("wait for {name} to become healthy"), took: t.elapsed() });
        let fallback = self.fallback.clone().unwrap_or_default();
        let reason = match waited {
            HealthWait::Up { after, state } => {
                (self.output)(&format!("{name} is healthy after {:.1} s", after.as_secs_f64()));
                // Earlier deploys' fallbacks are no longer needed: this deploy keeps its own.
                if let Ok(removed) = remove_fallbacks(self.conn, name, Some(&fallback)) {
                    for r in removed {
                        self.actions.push(Action {
                            what: format!("remove an earlier deploy's fallback {r}"),
                            took: Duration::ZERO,
                        });
                    }
                }
                let outcome = if already_running {
                    RecreateOutcome::AlreadyDeployed
                } else {
                    RecreateOutcome::Deployed
                };
                return Ok((outcome, Some(state), Some(after), Vec::new()));
            }
            HealthWait::TimedOut { state } => format!(
                "the new container was not healthy after {} s (health: {}{})",
                timeout.as_secs(),
                container::health_word(state.health),
                state
                    .last_health_output
                    .as_deref()
                    .map(|o| format!(", last check said \"{o}\""))
                    .unwrap_or_default()
            ),
            HealthWait::Exited { state } => format!(
                "the new container stopped while starting (status {}, exit code {})",
                state.status,
                state.exit_code.map_or_else(|| "unknown".to_owned(), |c| c.to_string())
            ),
        };
        let new_state = container::state(self.conn, name).ok().flatten();
        let failed_logs = logs::logs_since(self.conn, name, None, Some(20))
            .map(|lines| lines.into_iter().map(|l| l.text).collect())
            .unwrap_or_default();
        (self.output)(&format!("{reason}: putting {fallback} back"));
        let put_back = self.put_back(&fallback);
        match put_back {
            Ok(HealthWait::Up { .. }) => {
                Ok((RecreateOutcome::RolledBack { reason }, new_state, None, failed_logs))
            }
            Ok(other) => {
                let detail = match other {
                    HealthWait::Exited { state } => format!("it stopped (status {})", state.status),
                    HealthWait::TimedOut { state } => {
                        format!("it is {}", container::health_word(state.health))
                    }
                    HealthWait::Up { .. } => String::new(),
                };
                Ok((
                    RecreateOutcome::RollbackFailed { reason, detail },
                    new_state,
                    None,
                    failed_logs,
                ))
            }
            Err(e) => Err((e, Stage::PuttingBack)),
        }
    }

    fn put_back(&mut self, fallback: &str) -> Result<HealthWait, DockerError> {
        let name = self.req.container;
        self.act(format!("remove the new {name}"), |c| container::remove(c, name))?;
        self.act(format!("rename {fallback} back to {name}"), |c| {
            container::rename(c, fallback, name)
        })?;
        self.act(format!("start {name} (the previous version)"), |c| container::start(c, name))?;
        let t = Instant::now();
        let waited = container::wait_healthy(
            self.conn,
            name,
            self.req.health_timeout,
            self.output,
            self.countdown,
        )?;
        self.actions.push(Action {
            what: format!("wait for the previous {name} to become healthy"),
            took: t.elapsed(),
        });
        Ok(waited)
    }

    /// Where the old container is after an interruption at `stage`, in words.
    fn where_things_are(&self, stage: Stage) -> String {
        let name = self.req.container;
        let fallback = self.fallback.as_deref().unwrap_or("(not renamed)");
        match stage {
            Stage::Untouched => format!("{name} was not changed"),
            Stage::Stopped => format!("the old {name} is stopped, still under its name"),
            Stage::Renamed => format!(
                "the old container is kept, stopped, as {fallback}; no new {name} was created"
            ),
            Stage::Created | Stage::PuttingBack => format!(
                "the old container is kept, stopped, as {fallback}; the new {name} may exist and not be healthy"
            ),
        }
    }
}
