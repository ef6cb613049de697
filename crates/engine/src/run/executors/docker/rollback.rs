//! The container half of `rollback` on a Docker engine: the verified backup restored into the
//! container's database (when the plan says where it lives), then the kept previous container or
//! the previous image put back and waited on until healthy, every action in the evidence.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::docker::Connection;
use crate::docker::rollback::{self, Restore, RollbackOutcome, RollbackRequest};
use crate::plan::kinds::RollbackParams;
use crate::run::{Evidence, StepOutcome};

use super::super::{StepContext, resolve};
use super::deploy::{DEFAULT_HEALTH_TIMEOUT, countdown, met_within, with_actions};
use super::failure;

pub(super) fn rollback(p: &RollbackParams, ctx: &StepContext<'_>) -> StepOutcome {
    let Some(name) = p.container.as_deref() else {
        return super::super::restore::restore_on_host(p, ctx);
    };
    let backup = match (&p.db_path, backup_to_restore(p, ctx.repo_path)) {
        (None, _) => None,
        (Some(_), Ok(b)) => Some(b),
        (Some(_), Err(why)) => {
            return StepOutcome::failed(why, Evidence::default().fact("container", name));
        }
    };
    let conn = match Connection::connect() {
        Ok(c) => c,
        Err(e) => return failure(&e, Evidence::default()),
    };
    let work_dir = std::env::temp_dir().join(format!(
        "release-pilot-rollback-{}-{}",
        std::process::id(),
        ctx.clock.now().timestamp_nanos_opt().unwrap_or(0)
    ));
    let timeout = p.health_timeout_secs.map_or(DEFAULT_HEALTH_TIMEOUT, Duration::from_secs);
    let request = RollbackRequest {
        container: name,
        image: p.image.as_deref(),
        restore: match (&p.db_path, &backup) {
            (Some(db_path), Some(b)) => Some(Restore { db_path, backup: b, work_dir: &work_dir }),
            _ => None,
        },
        health_timeout: timeout,
        now: ctx.clock.now(),
    };
    let r = rollback::rollback(&conn, &request, ctx.output, &|c| countdown(ctx, c));
    let _ = std::fs::remove_dir_all(&work_dir);

    let mut evidence = Evidence::default().fact("container", name);
    if let Some(b) = &r.before {
        evidence = evidence.fact("before", format!("{} ({})", b.short_id(), b.image));
    }
    if let Some(a) = &r.after {
        evidence = evidence.fact("after", format!("{} ({})", a.short_id(), a.image));
    }
    if let Some(b) = &backup {
        evidence = evidence.fact(
            "backup restored",
            if r.restored {
                b.display().to_string()
            } else {
                format!("{} (not restored)", b.display())
            },
        );
    }
    if let Some(k) = &r.kept {
        evidence = evidence.fact("rolled-back container kept as", k);
    }
    evidence = with_actions(evidence, &r.actions);
    if let Some(after) = r.time_to_healthy {
        evidence.measurements.push(met_within("time to healthy after rollback", after, timeout));
    }
    let restored = if r.restored { " with the backup restored" } else { "" };
    match r.outcome {
        RollbackOutcome::Done { version_from } => StepOutcome::passed(
            format!(
                "Rolled back {name} to {version_from}{restored}; healthy. Re-run the health checks to confirm."
            ),
            evidence,
        ),
        RollbackOutcome::Unhealthy { reason } => StepOutcome::failed(
            format!(
                "Rolled back {name}{restored}, but {reason}: look at `docker logs {name}` and escalate."
            ),
            evidence,
        ),
        RollbackOutcome::NothingToPutBack if r.restored => StepOutcome::passed(
            format!(
                "Restored the backup into {name}; there was no previous container or image to put back."
            ),
            evidence,
        ),
        RollbackOutcome::NothingToPutBack => StepOutcome::failed(
            format!(
                "Nothing to roll back to: {name} has no kept previous container and the plan names no \
                 previous image — set `image` in the rollback step (e.g. the previous release's tag)."
            ),
            evidence,
        ),
        RollbackOutcome::Error { error, left } => StepOutcome::failed(
            format!(
                "The rollback of {name} stopped: {error}. {left}. Fix the cause and re-run the rollback."
            ),
            evidence.fact("left", left.clone()),
        ),
    }
}

/// The backup to restore: the plan's file, else the newest verified backup in the plan's
/// folder (the backup catalog: manifests read, backups that changed since they were verified
/// passed over).
fn backup_to_restore(p: &RollbackParams, repo: &Path) -> Result<PathBuf, String> {
    if let Some(file) = &p.backup_file {
        let path = resolve(repo, file);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "The backup {} does not exist: check backup_file in the plan.",
                path.display()
            ))
        };
    }
    let Some(dir) = &p.backup_dir else {
        return Err("db_path is set but neither backup_file nor backup_dir says which backup to restore: set one in the plan.".into());
    };
    let dir = resolve(repo, dir);
    match crate::backup::catalog::latest_verified(&dir) {
        Ok(Some(record)) => Ok(record.path),
        Ok(None) => Err(format!(
            "No verified backup in {}: take one (backup.sqlite) before rolling back.",
            dir.display()
        )),
        Err(e) => Err(format!("Cannot read the backups folder {}: {e}.", dir.display())),
    }
}
