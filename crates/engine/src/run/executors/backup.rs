//! Backup steps: `backup.sqlite` (an online, verified backup through [`crate::backup`]),
//! `backup.command` (a plan's own backup program, run by the `command` executor, then its output
//! file checked) and `backup.recent` (a verified backup younger than N hours exists, read from
//! the backups folder's manifests).
//!
//! The evidence is what the report's Backup section and the rollback readiness read: the backup
//! file first (with size and SHA-256), then facts and measurements.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::backup::sqlite::backup_database;
use crate::backup::{
    BackupDetail, BackupError, BackupProgress, BackupRecord, BackupStage, catalog,
};
use crate::plan::kinds::{
    BackupCommandParams, BackupRecentParams, BackupSqliteParams, CommandParams,
};
use crate::run::{Evidence, FileEvidence, Measurement, Meter, MeterUnit, StepOutcome, StepStatus};

use super::docker::database_from_docker;
use super::file::file_evidence;
use super::{StepContext, plural, resolve};

/// A backup program's output must be at least this new (file systems store times coarsely).
const MTIME_SLACK: Duration = Duration::from_secs(2);

/// `backup.sqlite`: take and verify the backup, with progress on the step's live output.
pub(super) fn sqlite(p: &BackupSqliteParams, ctx: &StepContext<'_>) -> StepOutcome {
    let dest_dir = backups_dir(p.dest_dir.as_deref(), ctx);
    // A database in a container or volume is first copied out to a scratch folder beside the
    // backups (same disk; removed when `_scratch` drops, on every path), then backed up and
    // verified from the copy exactly like a file on this machine.
    let (source, shown_source, copy_facts, _scratch) = match (&p.path, &p.container, &p.volume) {
        (Some(path), None, None) => (resolve(ctx.repo_path, path), path.clone(), Vec::new(), None),
        (None, Some(_), _) | (None, _, Some(_)) => {
            let scratch = match Scratch::new(&dest_dir, ctx) {
                Ok(s) => s,
                Err(e) => return failed(&e, Evidence::default()),
            };
            match database_from_docker(p, &scratch.0, ctx) {
                Ok(copied) => (copied.path, copied.shown, copied.facts, Some(scratch)),
                Err(outcome) => return *outcome,
            }
        }
        _ => {
            return StepOutcome::failed(
                "The step names no single database: give `path` (a file on this machine), or \
                 `container` or `volume` with `db_path`, then re-run the step.",
                Evidence::default(),
            );
        }
    };

    let reported = Cell::new(None::<u64>);
    let metered = Cell::new(None::<u64>);
    let progress = |p: BackupProgress| {
        // The meter moves by whole percents (a few hundred messages at most, whatever the size).
        if p.stage == BackupStage::Copying && metered.get() != Some(p.percent()) {
            metered.set(Some(p.percent()));
            (ctx.meter)(Meter {
                label: format!(
                    "Copying {shown_source}: {} of {} MiB",
                    grouped(p.bytes_done() >> 20),
                    grouped(p.bytes_total() >> 20)
                ),
                done: p.bytes_done(),
                total: p.bytes_total(),
                unit: MeterUnit::Bytes,
            });
        }
        // One line per tenth copied, and one when verification starts: enough to show life
        // without flooding the run's output.
        let line = match p.stage {
            BackupStage::Copying => {
                let tenth = p.percent() / 10;
                if reported.get() == Some(tenth) {
                    return;
                }
                reported.set(Some(tenth));
                format!(
                    "copied {} of {} MiB ({} %)",
                    grouped(p.bytes_done() >> 20),
                    grouped(p.bytes_total() >> 20),
                    p.percent()
                )
            }
            BackupStage::Verifying => {
                "verifying the copy: integrity check, row counts and SHA-256".to_owned()
            }
        };
        (ctx.output)(&line);
    };
    let evidence = Evidence::default()
        .fact("source", &shown_source)
        .fact("backups folder", dest_dir.display().to_string());
    match backup_database(
        &source,
        &dest_dir,
        ctx.version,
        ctx.clock.now(),
        p.min_size_bytes,
        &progress,
    ) {
        Ok(record) => {
            let mut outcome = verified(&record, &shown_source, p.min_size_bytes);
            for (label, value) in copy_facts {
                outcome.evidence = outcome.evidence.fact(label, value);
            }
            outcome
        }
        Err(e) => failed(&e, evidence),
    }
}

/// The facts only the backup's database engine has.
fn with_detail(evidence: Evidence, detail: &BackupDetail) -> Evidence {
    match detail {
        BackupDetail::Sqlite(d) => evidence
            .fact("pages", format!("{} × {} bytes", grouped(d.pages), d.page_size))
            .fact("journal mode", &d.journal_mode),
    }
}

/// The outcome of a verified backup.
fn verified(record: &BackupRecord, source: &str, min: Option<u64>) -> StepOutcome {
    let evidence = Evidence { files: vec![record_file(record)], ..Evidence::default() }
        .fact("source", source)
        .fact("backup", record.path.display().to_string())
        .fact("manifest", record.manifest_path.display().to_string());
    let mut evidence = with_detail(evidence, &record.detail).fact("integrity", &record.integrity);
    for t in &record.tables {
        evidence = evidence.fact(format!("rows in {}", t.table), grouped(t.rows));
    }
    if let Some(min) = min {
        evidence.measurements.push(Measurement {
            metric: "backup size".into(),
            target: format!("≥ {min} bytes"),
            value: record.size_bytes as f64,
            unit: "bytes".into(),
            passed: record.size_bytes >= min,
        });
    }
    let seconds = (record.copy_ms + record.verify_ms) as f64 / 1000.0;
    evidence.measurements.push(Measurement {
        metric: "backup time (copy and verification)".into(),
        target: "recorded".into(),
        value: (seconds * 100.0).round() / 100.0,
        unit: "s".into(),
        passed: true,
    });
    StepOutcome::passed(
        format!(
            "Verified backup at {} ({} bytes, {}, {}, integrity ok, SHA-256 {}…).",
            record.path.display(),
            grouped(record.size_bytes),
            plural(record.tables.len(), "table", "tables"),
            plural(usize::try_from(record.total_rows()).unwrap_or(usize::MAX), "row", "rows"),
            record.sha256.get(..12).unwrap_or(&record.sha256)
        ),
        evidence,
    )
}

/// `backup.command`: run the plan's program, then check the file it wrote.
pub(super) fn command(p: &BackupCommandParams, ctx: &StepContext<'_>) -> StepOutcome {
    let started = SystemTime::now();
    let program = CommandParams {
        program: p.program.clone(),
        args: p.args.clone(),
        timeout_secs: p.timeout_secs,
        ..CommandParams::default()
    };
    let ran = super::command::run(&program, ctx);
    if ran.status != StepStatus::Passed {
        return StepOutcome { summary: format!("{} No backup was taken.", ran.summary), ..ran };
    }
    let mut evidence = ran.evidence;
    let output = resolve(ctx.repo_path, &p.output);
    let meta = match std::fs::metadata(&output) {
        Ok(m) if m.is_file() => m,
        _ => {
            return StepOutcome::failed(
                format!(
                    "`{}` exited successfully but wrote no file {}: check its arguments (it \
                     must write `output`), then re-run the step.",
                    p.program, p.output
                ),
                evidence.fact("output", &p.output).fact("exists", "no"),
            );
        }
    };
    let (file, hash_problem) = file_evidence(&output, &p.output, &meta, true);
    let size = file.size_bytes;
    evidence.files.push(file);
    if let Some(problem) = hash_problem {
        return StepOutcome::failed(
            format!(
                "{} could not be read back to hash it ({problem}): check it, then re-run the step.",
                p.output
            ),
            evidence,
        );
    }
    let fresh = meta.modified().is_ok_and(|m| m + MTIME_SLACK >= started);
    if !fresh {
        return StepOutcome::failed(
            format!(
                "{} was not written by this run (it is older than the step): the program did \
                 not produce a new backup; check it, then re-run the step.",
                p.output
            ),
            evidence,
        );
    }
    if let Some(min) = p.min_size_bytes {
        let passed = size >= min;
        evidence.measurements.push(Measurement {
            metric: "backup size".into(),
            target: format!("≥ {min} bytes"),
            value: size as f64,
            unit: "bytes".into(),
            passed,
        });
        if !passed {
            return StepOutcome::failed(
                format!(
                    "{} is only {} bytes (need ≥ {min}): the backup is probably incomplete; \
                     check the program's output, then re-run the step.",
                    p.output,
                    grouped(size)
                ),
                evidence,
            );
        }
    }
    let sha = evidence.files.last().and_then(|f| f.sha256.clone()).unwrap_or_default();
    StepOutcome::passed(
        format!(
            "`{}` wrote {} ({} bytes, SHA-256 {}…).",
            p.program,
            p.output,
            grouped(size),
            sha.get(..12).unwrap_or(&sha)
        ),
        evidence,
    )
}

/// `backup.recent`: the newest verified backup in the folder is young enough.
pub(super) fn recent(p: &BackupRecentParams, ctx: &StepContext<'_>) -> StepOutcome {
    let dir = backups_dir(p.dir.as_deref(), ctx);
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return StepOutcome::failed(
            format!(
                "There is no backups folder {shown}: take a backup first (a backup.sqlite step), \
                 or fix `dir` in the plan, then re-run the check."
            ),
            Evidence::default().fact("backups folder", &shown).fact("exists", "no"),
        );
    }
    let found = match catalog::scan(&dir) {
        Ok(c) => c,
        Err(e) => return failed(&e, Evidence::default().fact("backups folder", &shown)),
    };
    let mut evidence = Evidence::default()
        .fact("backups folder", &shown)
        .fact("verified backups", found.verified.len().to_string());
    for (path, reason) in &found.rejected {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        evidence = evidence.fact(format!("ignored {name}"), reason);
    }
    let Some(newest) = found.verified.first() else {
        let ignored = if found.rejected.is_empty() {
            String::new()
        } else {
            format!(
                " ({} ignored: see the evidence)",
                plural(found.rejected.len(), "manifest", "manifests")
            )
        };
        return StepOutcome::failed(
            format!(
                "No verified backup in {shown}{ignored}: take one (a backup.sqlite step, or \
                 `pilot` with a backup plan), then re-run the check."
            ),
            evidence,
        );
    };
    evidence.files.push(record_file(newest));
    evidence = evidence.fact("newest", &newest.file).fact("version", &newest.version);
    let seconds = (ctx.clock.now() - newest.created_at).num_seconds();
    // A backup "from the future" (clock skew) is as fresh as it gets.
    let hours = seconds.max(0) as f64 / 3600.0;
    let passed = hours <= p.max_age_hours;
    evidence.measurements.push(Measurement {
        metric: "backup age".into(),
        target: format!("≤ {} h", p.max_age_hours),
        value: (hours * 10.0).round() / 10.0,
        unit: "h".into(),
        passed,
    });
    if passed {
        StepOutcome::passed(
            format!(
                "The newest verified backup, {}, is {hours:.1} h old (limit {} h).",
                newest.file, p.max_age_hours
            ),
            evidence,
        )
    } else {
        StepOutcome::failed(
            format!(
                "The newest verified backup, {}, is {hours:.1} h old (limit {} h): take a fresh \
                 backup, then re-run the check.",
                newest.file, p.max_age_hours
            ),
            evidence,
        )
    }
}

/// The backup file as evidence: size, SHA-256 and when it was taken.
fn record_file(record: &BackupRecord) -> FileEvidence {
    FileEvidence {
        path: record.path.display().to_string(),
        size_bytes: record.size_bytes,
        sha256: Some(record.sha256.clone()),
        modified: Some(record.created_at),
    }
}

/// The plan's folder (relative to the repository), or the data folder's `backups/` beside the
/// run store when the plan names none.
fn backups_dir(given: Option<&str>, ctx: &StepContext<'_>) -> PathBuf {
    match given {
        Some(dir) => resolve(ctx.repo_path, dir),
        None => ctx.backups_dir.to_path_buf(),
    }
}

/// A hidden scratch folder inside the backups folder for a database copied out of Docker:
/// on the same disk as the backup, never mistaken for one, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(dest_dir: &Path, ctx: &StepContext<'_>) -> Result<Self, BackupError> {
        let dir = dest_dir.join(format!(
            ".copy-{}-{}",
            ctx.clock.now().format("%Y%m%dT%H%M%S%3fZ"),
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).map_err(|e| BackupError::FolderNotWritable {
            dir: dest_dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A failed outcome from a backup error: the error says what happened and what to do.
fn failed(e: &BackupError, evidence: Evidence) -> StepOutcome {
    let text = e.to_string();
    let mut chars = text.chars();
    let summary = match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => text,
    };
    StepOutcome::failed(summary, evidence)
}

/// "2 388 001": digits grouped by three, as in the product's other progress lines.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

executors! {
    BackupSqliteParams => sqlite,
    BackupCommandParams => command,
    BackupRecentParams => recent,
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn numbers_are_grouped_by_three() {
        assert_eq!(grouped(0), "0", "zero");
        assert_eq!(grouped(1024), "1 024", "thousands");
        assert_eq!(grouped(2_388_001), "2 388 001", "millions");
    }
}
