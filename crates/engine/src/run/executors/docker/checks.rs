//! The read-only Docker checks: `docker.engine` (reachable, version, API), `docker.image`
//! (present for the version), `docker.volume` (present), `docker.container` (running and
//! healthy). Each connects on its own with a short deadline, so a machine without Docker gets a
//! failed check that says how to start it within seconds — never a hang.

use crate::docker::{Connection, container, engine, image, volume};
use crate::plan::kinds::{
    DockerContainerParams, DockerEngineParams, DockerImageParams, DockerVolumeParams,
};
use crate::run::{Evidence, StepOutcome};

use super::super::StepContext;
use super::failure;

pub(super) fn engine(p: &DockerEngineParams, _ctx: &StepContext<'_>) -> StepOutcome {
    let conn = match Connection::connect() {
        Ok(c) => c,
        Err(e) => return failure(&e, Evidence::default()),
    };
    let info = match engine::info(&conn) {
        Ok(i) => i,
        Err(e) => return failure(&e, Evidence::default()),
    };
    let evidence = Evidence::default()
        .fact("engine", &info.host)
        .fact("version", &info.version)
        .fact("API", &info.api_version)
        .fact("API in use", &info.negotiated_api)
        .fact("platform", &info.platform);
    match &p.min_api_version {
        Some(min) if !engine::api_at_least(&info.api_version, min) => StepOutcome::failed(
            format!(
                "Docker {} speaks API {}, older than the plan's minimum {min}: upgrade Docker, \
                 then re-run the step.",
                info.version, info.api_version
            ),
            evidence,
        ),
        _ => StepOutcome::passed(
            format!("Docker {} answers at {} (API {}).", info.version, info.host, info.api_version),
            evidence,
        ),
    }
}

pub(super) fn image(p: &DockerImageParams, _ctx: &StepContext<'_>) -> StepOutcome {
    let conn = match Connection::connect() {
        Ok(c) => c,
        Err(e) => return failure(&e, Evidence::default()),
    };
    match image::facts(&conn, &p.image) {
        Ok(Some(f)) => {
            let mut evidence = Evidence::default()
                .fact("image", &f.reference)
                .fact("id", &f.id)
                .fact("size", format!("{:.1} MB", f.size_bytes as f64 / 1e6));
            for d in &f.digests {
                evidence = evidence.fact("digest", d);
            }
            StepOutcome::passed(
                format!("Image {} is present ({}).", f.reference, short(&f.id)),
                evidence,
            )
        }
        Ok(None) => StepOutcome::failed(
            format!(
                "Image {} is not on this machine: build it (or `docker load` it) before the \
                 deploy — there is no registry to pull from.",
                p.image
            ),
            Evidence::default().fact("image", &p.image),
        ),
        Err(e) => failure(&e, Evidence::default().fact("image", &p.image)),
    }
}

pub(super) fn volume(p: &DockerVolumeParams, _ctx: &StepContext<'_>) -> StepOutcome {
    let conn = match Connection::connect() {
        Ok(c) => c,
        Err(e) => return failure(&e, Evidence::default()),
    };
    match volume::inspect(&conn, &p.volume) {
        Ok(Some(v)) => StepOutcome::passed(
            format!("Volume {} exists (driver {}).", v.name, v.driver),
            Evidence::default().fact("volume", &v.name).fact("driver", &v.driver),
        ),
        Ok(None) => StepOutcome::failed(
            format!(
                "Volume {} does not exist: the service's data is not where the plan says; check \
                 the name (`docker volume ls`) before deploying.",
                p.volume
            ),
            Evidence::default().fact("volume", &p.volume),
        ),
        Err(e) => failure(&e, Evidence::default().fact("volume", &p.volume)),
    }
}

/// How long `docker.container` waits for a "starting" or "unhealthy" container by default.
const DEFAULT_SETTLE: std::time::Duration = std::time::Duration::from_secs(15);

pub(super) fn container(p: &DockerContainerParams, ctx: &StepContext<'_>) -> StepOutcome {
    let conn = match Connection::connect() {
        Ok(c) => c,
        Err(e) => return failure(&e, Evidence::default()),
    };
    let mut state = container::state(&conn, &p.container);
    // A health that is not settled yet gets a short wait (with the countdown on the live
    // output), so a check right after a start or a backup's pause does not fail on a blip.
    if p.healthy
        && let Ok(Some(s)) = &state
        && s.running
        && matches!(s.health, container::Health::Starting | container::Health::Unhealthy)
    {
        let settle = p.settle_secs.map_or(DEFAULT_SETTLE, std::time::Duration::from_secs);
        // The wait ends on a fresh inspect of the container: its state is the one to judge.
        state = match container::wait_healthy(&conn, &p.container, settle, ctx.output, &|_| {}) {
            Ok(
                container::HealthWait::Up { state: s, .. }
                | container::HealthWait::TimedOut { state: s }
                | container::HealthWait::Exited { state: s },
            ) => Ok(Some(s)),
            Err(e) => return failure(&e, Evidence::default().fact("container", &p.container)),
        };
    }
    let state = match state {
        Ok(Some(s)) => s,
        Ok(None) => {
            return StepOutcome::failed(
                format!(
                    "There is no container {}: start the service (or fix the name in the plan), \
                     then re-run the step.",
                    p.container
                ),
                Evidence::default().fact("container", &p.container),
            );
        }
        Err(e) => return failure(&e, Evidence::default().fact("container", &p.container)),
    };
    let mut evidence = Evidence::default()
        .fact("container", &state.name)
        .fact("id", state.short_id())
        .fact("image", &state.image)
        .fact("status", &state.status)
        .fact("health", container::health_word(state.health));
    if let Some(out) = &state.last_health_output {
        evidence = evidence.fact("last health check", out);
    }
    if !state.running {
        return StepOutcome::failed(
            format!(
                "Container {} is {}, not running: start it (`docker start {}`) and look at its \
                 logs, then re-run the step.",
                state.name, state.status, state.name
            ),
            evidence,
        );
    }
    if p.healthy && state.health != container::Health::Healthy {
        let why = match state.health {
            container::Health::None => "its image has no health check".to_owned(),
            other => format!("its health is {}", container::health_word(other)),
        };
        return StepOutcome::failed(
            format!(
                "Container {} runs {} but {why}: look at its logs and health check, or set \
                 healthy = false in the plan if it has none.",
                state.name, state.image
            ),
            evidence,
        );
    }
    StepOutcome::passed(
        format!(
            "Container {} runs {} ({}).",
            state.name,
            state.image,
            container::health_word(state.health)
        ),
        evidence,
    )
}

fn short(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    id.get(..12).unwrap_or(id)
}
