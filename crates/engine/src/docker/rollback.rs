//! The container half of `rollback`: restore the verified backup into the database (optional),
//! put the previous version back — the fallback container that `deploy.recreate` kept, else the
//! previous image — and wait for its health. Every action is recorded for the evidence.
//!
//! Which previous version: the fallback named by the current container's
//! `dev.release-pilot.fallback` label, else the newest `<name>-previous-*` container, else the
//! image the plan names, else the image named by the current container's
//! `dev.release-pilot.previous-image` label. The container being rolled back is not deleted: it
//! is stopped and kept as `<name>-rolled-back-<UTC time>` so its logs can still be read.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::carry_over::{LABEL_FALLBACK, LABEL_PREVIOUS_IMAGE, labels};
use super::container::{self, ContainerState, HealthWait};
use super::recreate::{self, Action, RecreateOutcome, RecreateRequest};
use super::{Connection, DockerError, database};

/// A database to restore as part of the rollback.
#[derive(Debug, Clone, Copy)]
pub struct Restore<'a> {
    /// The database's path inside the container, e.g. "/data/app.db".
    pub db_path: &'a str,
    /// The verified backup file on this machine.
    pub backup: &'a Path,
    /// A scratch folder the caller owns.
    pub work_dir: &'a Path,
}

#[derive(Debug, Clone)]
pub struct RollbackRequest<'a> {
    pub container: &'a str,
    /// The image to go back to when no fallback container is kept.
    pub image: Option<&'a str>,
    pub restore: Option<Restore<'a>>,
    pub health_timeout: Duration,
    pub now: DateTime<Utc>,
}

/// How a rollback ended.
#[derive(Debug)]
pub enum RollbackOutcome {
    /// The previous version runs and is healthy.
    Done { version_from: String },
    /// Put back, but not healthy.
    Unhealthy { reason: String },
    /// Nothing to go back to.
    NothingToPutBack,
    /// The engine refused or failed; `left` says where things are.
    Error { error: DockerError, left: String },
}

#[derive(Debug)]
pub struct RollbackReport {
    pub outcome: RollbackOutcome,
    pub before: Option<ContainerState>,
    pub after: Option<ContainerState>,
    /// The rolled-back container, kept stopped.
    pub kept: Option<String>,
    pub restored: bool,
    pub actions: Vec<Action>,
    pub time_to_healthy: Option<Duration>,
}

pub fn rollback(
    conn: &Connection,
    req: &RollbackRequest<'_>,
    output: &dyn Fn(&str),
    countdown: &dyn Fn(&container::Countdown),
) -> RollbackReport {
    let mut report = RollbackReport {
        outcome: RollbackOutcome::NothingToPutBack,
        before: None,
        after: None,
        kept: None,
        restored: false,
        actions: Vec::new(),
        time_to_healthy: None,
    };
    if let Err((error, left)) = run(conn, req, output, countdown, &mut report) {
        report.outcome = RollbackOutcome::Error { error, left };
    }
    report
}

fn act<T>(
    report: &mut RollbackReport,
    output: &dyn Fn(&str),
    what: String,
    f: impl FnOnce() -> Result<T, DockerError>,
) -> Result<T, DockerError> {
    output(&what);
    let t = Instant::now();
    let r = f();
    report.actions.push(Action { what, took: t.elapsed() });
    r
}

fn run(
    conn: &Connection,
    req: &RollbackRequest<'_>,
    output: &dyn Fn(&str),
    countdown: &dyn Fn(&container::Countdown),
    report: &mut RollbackReport,
) -> Result<(), (DockerError, String)> {
    let name = req.container;
    let nothing = |e| (e, format!("{name} was not changed"));
    let current = container::inspect(conn, name).ok();
    report.before = current.as_ref().map(ContainerState::from_inspect);
    let current_labels = labels(current.as_ref().and_then(|c| c.config.as_ref()));

    // The fallback to put back, if one is kept.
    let mut fallback = None;
    if let Some(f) = current_labels.get(LABEL_FALLBACK)
        && container::state(conn, f).map_err(nothing)?.is_some()
    {
        fallback = Some(f.clone());
    }
    if fallback.is_none() {
        fallback = recreate::fallbacks(conn, name).map_err(nothing)?.into_iter().next();
    }
    let image =
        req.image.map(str::to_owned).or_else(|| current_labels.get(LABEL_PREVIOUS_IMAGE).cloned());

    // 1. The database, while everything is stopped. Restoring into the current container or
    // the fallback is the same: they mount the same volume.
    if let Some(restore) = req.restore {
        let into = report.before.as_ref().map(|s| s.name.clone()).or_else(|| fallback.clone());
        let Some(into) = into else {
            return Err(nothing(DockerError::NoSuchContainer { name: name.to_owned() }));
        };
        act(
            report,
            output,
            format!("restore {} into {into}:{}", restore.backup.display(), restore.db_path),
            || {
                database::restore_database_into(
                    conn,
                    &into,
                    restore.db_path,
                    restore.backup,
                    restore.work_dir,
                    output,
                )
            },
        )
        .map_err(|e| {
            (
                e,
                format!(
                    "{into} is stopped; its database may be partly restored: re-run the rollback"
                ),
            )
        })?;
        report.restored = true;
    }

    // 2. The previous version.
    if let Some(fallback) = fallback {
        if report.before.is_some() {
            let kept = format!("{name}-rolled-back-{}", req.now.format("%Y%m%dT%H%M%SZ"));
            act(report, output, format!("stop {name}"), || {
                container::stop(conn, name, Duration::from_secs(10))
            })
            .map_err(nothing)?;
            act(report, output, format!("keep {name} as {kept}"), || {
                container::rename(conn, name, &kept)
            })
            .map_err(|e| {
                (e, format!("{name} is stopped; the previous version is kept as {fallback}"))
            })?;
            report.kept = Some(kept);
        }
        act(report, output, format!("rename {fallback} back to {name}"), || {
            container::rename(conn, &fallback, name)
        })
        .map_err(|e| (e, format!("the previous version is kept, stopped, as {fallback}")))?;
        act(report, output, format!("start {name} (the previous version)"), || {
            container::start(conn, name)
        })
        .map_err(|e| (e, format!("the previous version is back as {name} but did not start")))?;
    } else if let Some(image) =
        image.filter(|i| report.before.as_ref().is_some_and(|b| &b.image != i))
    {
        let request = RecreateRequest {
            container: name,
            image: &image,
            health_timeout: req.health_timeout,
            stop_grace: Duration::from_secs(10),
            now: req.now,
        };
        let recreated = recreate::recreate(conn, &request, output, countdown);
        report.actions.extend(recreated.actions);
        report.after = recreated.new;
        report.time_to_healthy = recreated.time_to_healthy;
        report.outcome = match recreated.outcome {
            RecreateOutcome::Deployed | RecreateOutcome::AlreadyDeployed => {
                RollbackOutcome::Done { version_from: format!("image {image}") }
            }
            RecreateOutcome::RolledBack { reason }
            | RecreateOutcome::RollbackFailed { reason, .. } => RollbackOutcome::Unhealthy {
                reason: format!("{image} did not become healthy ({reason})"),
            },
            RecreateOutcome::NotStarted { error } => return Err(nothing(error)),
            RecreateOutcome::Interrupted { error, left } => return Err((error, left)),
        };
        return Ok(());
    } else if report.restored {
        act(report, output, format!("start {name} on the restored database"), || {
            container::start(conn, name)
        })
        .map_err(|e| (e, format!("{name} is stopped with the restored database")))?;
    } else {
        report.outcome = RollbackOutcome::NothingToPutBack;
        return Ok(());
    }

    let t = Instant::now();
    let waited = container::wait_healthy(conn, name, req.health_timeout, output, countdown)
        .map_err(|e| (e, format!("the previous version is {name}; its health is unknown")))?;
    report
        .actions
        .push(Action { what: format!("wait for {name} to become healthy"), took: t.elapsed() });
    report.outcome = match waited {
        HealthWait::Up { after, state } => {
            report.time_to_healthy = Some(after);
            let from = state.image.clone();
            report.after = Some(state);
            RollbackOutcome::Done { version_from: format!("image {from}") }
        }
        HealthWait::TimedOut { state } | HealthWait::Exited { state } => {
            let reason = format!(
                "{name} is {} (status {})",
                container::health_word(state.health),
                state.status
            );
            report.after = Some(state);
            RollbackOutcome::Unhealthy { reason }
        }
    };
    Ok(())
}
