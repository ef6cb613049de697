//! File checks: a file exists (with a minimum size), a file is recent enough. The evidence
//! carries the file's size, modification time and SHA-256, so the report can show exactly which
//! file was looked at.

use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::plan::kinds::{FileAgeParams, FileExistsParams};
use crate::run::{Evidence, FileEvidence, Measurement, StepOutcome};

use super::{StepContext, resolve};

/// Hashing reads in chunks of this size, so a multi-gigabyte backup never sits in memory.
const HASH_CHUNK: usize = 64 * 1024;

/// The file (or folder) exists and, for a file, is at least `min_size_bytes` long.
pub(super) fn exists(p: &FileExistsParams, ctx: &StepContext<'_>) -> StepOutcome {
    let path = resolve(ctx.repo_path, &p.path);
    let shown = p.path.as_str();
    let meta = match fs::metadata(&path) {
        Ok(m) => m,
        Err(e) => return not_readable(shown, &e),
    };
    if meta.is_dir() {
        let evidence = Evidence::default().fact("path", shown).fact("type", "folder");
        return match p.min_size_bytes {
            Some(min) if min > 0 => StepOutcome::failed(
                format!(
                    "{shown} is a folder, not a file of at least {min} bytes: fix the path in the \
                     plan, then re-run the check."
                ),
                evidence,
            ),
            _ => StepOutcome::passed(format!("{shown} exists (a folder)."), evidence),
        };
    }

    let (file, hash_problem) = file_evidence(&path, shown, &meta, true);
    let size = file.size_bytes;
    let mut evidence = Evidence { files: vec![file], ..Evidence::default() };
    if let Some(problem) = hash_problem {
        evidence = evidence.fact("sha256", format!("could not be computed: {problem}"));
    }
    match p.min_size_bytes {
        Some(min) if size < min => {
            evidence.measurements.push(size_measurement(size, min, false));
            StepOutcome::failed(
                format!(
                    "{shown} is only {} (need ≥ {}): it is probably incomplete; produce it \
                     again, then re-run the check.",
                    bytes(size),
                    bytes(min)
                ),
                evidence,
            )
        }
        Some(min) => {
            evidence.measurements.push(size_measurement(size, min, true));
            StepOutcome::passed(format!("{shown} exists ({}).", bytes(size)), evidence)
        }
        None => StepOutcome::passed(format!("{shown} exists ({}).", bytes(size)), evidence),
    }
}

fn size_measurement(size: u64, min: u64, passed: bool) -> Measurement {
    Measurement {
        metric: "size".into(),
        target: format!("≥ {min} bytes"),
        value: size as f64,
        unit: "bytes".into(),
        passed,
    }
}

/// The file was modified at most `max_age_hours` ago (by the run's clock).
pub(super) fn age(p: &FileAgeParams, ctx: &StepContext<'_>) -> StepOutcome {
    let path = resolve(ctx.repo_path, &p.path);
    let shown = p.path.as_str();
    let meta = match fs::metadata(&path) {
        Ok(m) => m,
        Err(e) => return not_readable(shown, &e),
    };
    let (file, _) = file_evidence(&path, shown, &meta, false);
    let Some(modified) = file.modified else {
        return StepOutcome::failed(
            format!(
                "The modification time of {shown} is not available on this file system: check \
                 its age by hand."
            ),
            Evidence { files: vec![file], ..Evidence::default() },
        );
    };
    let now = ctx.clock.now();
    let seconds = (now - modified).num_seconds();
    // A file "from the future" (clock skew, a copied archive) is as fresh as it gets.
    let hours = seconds.max(0) as f64 / 3600.0;
    let passed = hours <= p.max_age_hours;
    let mut evidence = Evidence {
        files: vec![file],
        measurements: vec![Measurement {
            metric: "age".into(),
            target: format!("≤ {} h", p.max_age_hours),
            value: (hours * 10.0).round() / 10.0,
            unit: "h".into(),
            passed,
        }],
        ..Evidence::default()
    };
    if seconds < 0 {
        evidence = evidence.fact("note", "modified in the future (clock skew?)");
    }
    if passed {
        StepOutcome::passed(
            format!("{shown} was modified {hours:.1} h ago (limit {} h).", p.max_age_hours),
            evidence,
        )
    } else {
        StepOutcome::failed(
            format!(
                "{shown} was last modified {hours:.1} h ago (limit {} h): it is stale; produce \
                 it again (re-run the job that writes it), then re-run the check.",
                p.max_age_hours
            ),
            evidence,
        )
    }
}

/// A failed outcome for a path that cannot be looked at, saying what to do.
fn not_readable(shown: &str, e: &io::Error) -> StepOutcome {
    let evidence = Evidence::default().fact("path", shown).fact("exists", "no");
    let summary = match e.kind() {
        io::ErrorKind::NotFound => format!(
            "{shown} does not exist: create it (or fix the path in the plan), then re-run the \
             check."
        ),
        io::ErrorKind::PermissionDenied => format!(
            "{shown} cannot be read (permission denied): give this user read access, then \
             re-run the check."
        ),
        _ => format!("{shown} could not be read ({e}): check the path, then re-run the check."),
    };
    StepOutcome::failed(summary, evidence)
}

/// Size, modification time and (when `hash`) SHA-256 of a file. A file that cannot be read for
/// hashing still exists: the hash is left out and the reason returned.
pub(super) fn file_evidence(
    path: &Path,
    shown: &str,
    meta: &Metadata,
    hash: bool,
) -> (FileEvidence, Option<String>) {
    let modified = meta.modified().ok().map(DateTime::<Utc>::from);
    let (sha256, problem) = if hash {
        match sha256_of(path) {
            Ok(h) => (Some(h), None),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (None, None)
    };
    let evidence =
        FileEvidence { path: shown.to_owned(), size_bytes: meta.len(), sha256, modified };
    (evidence, problem)
}

/// Stream the file through SHA-256 with a fixed buffer.
fn sha256_of(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; HASH_CHUNK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

/// "512 bytes", "3.4 MB": sizes people read at a glance (10^n units, like file managers).
fn bytes(n: u64) -> String {
    const UNITS: [(&str, f64); 4] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)];
    for (unit, size) in UNITS {
        if n as f64 >= size {
            return format!("{:.1} {unit}", n as f64 / size);
        }
    }
    if n == 1 { "1 byte".to_owned() } else { format!("{n} bytes") }
}

executors! {
    FileExistsParams => exists,
    FileAgeParams => age,
}
