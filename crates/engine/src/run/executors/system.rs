//! Checks of the machine the release runs on: free disk space and available memory, measured
//! with `sysinfo` so that they work the same on Linux, macOS and Windows.

use std::path::PathBuf;

use sysinfo::{Disks, System};

use crate::plan::kinds::{SystemDiskParams, SystemMemoryParams};
use crate::run::{Evidence, Measurement, StepOutcome};

use super::{StepContext, resolve, round1};

/// Gigabytes as the plan writes them: 10^9 bytes, like disk vendors and file managers.
const GB: f64 = 1e9;

/// Enough free space on the disk holding `path` (default: the repository).
pub(super) fn disk(p: &SystemDiskParams, ctx: &StepContext<'_>) -> StepOutcome {
    let path = p
        .path
        .as_deref()
        .map_or_else(|| ctx.repo_path.to_path_buf(), |s| resolve(ctx.repo_path, s));
    let shown = path.display().to_string();
    let evidence = Evidence::default().fact("path", shown.clone());
    let canonical = match path.canonicalize() {
        Ok(c) => without_verbatim_prefix(c),
        Err(e) => {
            return StepOutcome::failed(
                format!(
                    "{shown} could not be found ({e}): fix the path in the plan, then re-run the \
                     check."
                ),
                evidence,
            );
        }
    };
    let disks = match Disks::new_with_refreshed_list() {
        Ok(d) => d,
        Err(e) => {
            return StepOutcome::failed(
                format!("The disks could not be listed ({e}): check free space by hand."),
                evidence,
            );
        }
    };
    // The disk holding a path is the one mounted deepest above it ("/home" before "/").
    let Some(disk) = (&disks)
        .into_iter()
        .filter(|d| canonical.starts_with(d.mount_point()))
        .max_by_key(|d| d.mount_point().components().count())
    else {
        return StepOutcome::failed(
            format!("No disk holding {shown} was found: check free space by hand."),
            evidence,
        );
    };

    let mount = disk.mount_point().display().to_string();
    let free = disk.available_space() as f64 / GB;
    let passed = free >= p.min_free_gb;
    let evidence = evidence
        .fact("disk", mount.clone())
        .fact("total", format!("{:.1} GB", disk.total_space() as f64 / GB));
    let evidence = Evidence {
        measurements: vec![Measurement {
            metric: "free disk space".into(),
            target: format!("≥ {} GB", p.min_free_gb),
            value: round1(free),
            unit: "GB".into(),
            passed,
        }],
        ..evidence
    };
    if passed {
        StepOutcome::passed(
            format!("{free:.1} GB free on {mount} (need ≥ {} GB).", p.min_free_gb),
            evidence,
        )
    } else {
        StepOutcome::failed(
            format!(
                "Only {free:.1} GB free on {mount} (need ≥ {} GB): free at least {:.1} GB on that \
                 disk (old images, logs, backups), then re-run the check.",
                p.min_free_gb,
                // Round up so that freeing the amount shown is always enough.
                ((p.min_free_gb - free) * 10.0).ceil() / 10.0
            ),
            evidence,
        )
    }
}

/// Windows canonical paths start with `\\?\C:\`, which never starts with the mount point
/// `C:\`; remove that prefix (but keep `\\?\UNC\` network paths as they are).
fn without_verbatim_prefix(path: PathBuf) -> PathBuf {
    match path.to_str().and_then(|s| s.strip_prefix(r"\\?\")) {
        Some(rest) if !rest.starts_with("UNC\\") => PathBuf::from(rest),
        _ => path,
    }
}

/// Enough available memory (what new programs can get without swapping).
pub(super) fn memory(p: &SystemMemoryParams, _ctx: &StepContext<'_>) -> StepOutcome {
    let mut system = match System::new() {
        Ok(s) => s,
        Err(e) => {
            return StepOutcome::failed(
                format!("Memory could not be measured ({e}): check available memory by hand."),
                Evidence::default(),
            );
        }
    };
    system.refresh_memory();
    let available = system.available_memory() as f64 / GB;
    let total = system.total_memory() as f64 / GB;
    let passed = available >= p.min_available_gb;
    let evidence = Evidence {
        measurements: vec![Measurement {
            metric: "available memory".into(),
            target: format!("≥ {} GB", p.min_available_gb),
            value: round1(available),
            unit: "GB".into(),
            passed,
        }],
        ..Evidence::default().fact("total memory", format!("{total:.1} GB"))
    };
    if passed {
        StepOutcome::passed(
            format!(
                "{available:.1} GB of {total:.1} GB memory available (need ≥ {} GB).",
                p.min_available_gb
            ),
            evidence,
        )
    } else {
        StepOutcome::failed(
            format!(
                "Only {available:.1} GB of {total:.1} GB memory available (need ≥ {} GB): close \
                 programs or stop services you do not need, then re-run the check.",
                p.min_available_gb
            ),
            evidence,
        )
    }
}

executors! {
    SystemDiskParams => disk,
    SystemMemoryParams => memory,
}
