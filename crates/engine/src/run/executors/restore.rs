//! The host half of `rollback`: with no container named, the verified backup is restored in
//! place of a database file on this machine (`db_path`, or the file the plan's backup step
//! backed up). The backup is the plan's `backup_file`, else the newest verified backup *of that
//! database* in the backups folder (`backup_dir`, else the backup step's folder, else the data
//! folder's `backups/`): a backup of another database in the same folder is never restored.

use std::path::{Path, PathBuf};

use crate::backup::catalog;
use crate::backup::sqlite::{restore_database, restore_record};
use crate::plan::StepAction;
use crate::plan::kinds::RollbackParams;
use crate::run::{Evidence, FileEvidence, StepOutcome};

use super::{StepContext, resolve};

pub(super) fn restore_on_host(p: &RollbackParams, ctx: &StepContext<'_>) -> StepOutcome {
    let backup_step = p.backup_step.as_deref().and_then(|id| ctx.plan?.step(id));
    let backed_up = backup_step.and_then(|s| match &s.action {
        StepAction::BackupSqlite(b) if b.container.is_none() && b.volume.is_none() => Some(b),
        _ => None,
    });
    let Some(target) = p.db_path.as_deref().or(backed_up.and_then(|b| b.path.as_deref())) else {
        return StepOutcome::skipped(
            "This rollback names no container and no database: nothing was put back. Put the \
             previous version back by hand as the plan describes, then record it (or set \
             `container` or `db_path` in the rollback step).",
        );
    };
    let target = resolve(ctx.repo_path, target);
    let restored = match &p.backup_file {
        Some(file) => restore_database(&resolve(ctx.repo_path, file), &target),
        None => {
            let dir = match (p.backup_dir.as_deref(), backed_up.and_then(|b| b.dest_dir.as_deref()))
            {
                (Some(dir), _) | (None, Some(dir)) => resolve(ctx.repo_path, dir),
                (None, None) => ctx.backups_dir.to_path_buf(),
            };
            match newest_backup_of(&target, &dir, ctx.repo_path) {
                Ok(record) => restore_record(&record, &target),
                Err(why) => {
                    let evidence =
                        Evidence::default().fact("database", target.display().to_string());
                    return StepOutcome::failed(why, evidence);
                }
            }
        }
    };
    match restored {
        Ok(r) => {
            let rows: u64 = r.tables.iter().map(|t| t.rows).sum();
            let evidence = Evidence {
                files: vec![FileEvidence {
                    path: r.target.display().to_string(),
                    size_bytes: r.size_bytes,
                    sha256: Some(r.sha256.clone()),
                    modified: None,
                }],
                ..Evidence::default()
            }
            .fact("database", r.target.display().to_string())
            .fact("backup restored", r.backup.display().to_string())
            .fact("rows restored", format!("{rows} in {} table(s)", r.tables.len()))
            .fact(
                "actions",
                if r.replaced {
                    "checked the backup (SHA-256, integrity); copied it beside the database; moved the database and its -wal/-shm aside; put the copy in place; verified it (hash, integrity, rows); removed the files kept aside"
                } else {
                    "checked the backup (SHA-256, integrity); copied it into place; verified it (hash, integrity, rows)"
                },
            );
            StepOutcome::passed(
                format!(
                    "Restored the verified backup {} into {} ({rows} rows, integrity ok, SHA-256 {}…).",
                    r.backup.display(),
                    r.target.display(),
                    r.sha256.get(..12).unwrap_or(&r.sha256)
                ),
                evidence,
            )
        }
        Err(e) => StepOutcome::failed(
            format!(
                "The backup was not restored into {}: {e}. The database was left as it was; fix the cause and re-run the rollback.",
                target.display()
            ),
            Evidence::default().fact("database", target.display().to_string()),
        ),
    }
}

/// The newest verified backup in `dir` taken of `target`.
fn newest_backup_of(
    target: &Path,
    dir: &Path,
    repo: &Path,
) -> Result<crate::backup::BackupRecord, String> {
    let found = catalog::scan(dir)
        .map_err(|e| format!("Cannot read the backups folder {}: {e}.", dir.display()))?;
    let same = |source: &str| same_file(&resolve(repo, source), target);
    found.verified.into_iter().find(|r| same(&r.source)).ok_or_else(|| {
        format!(
            "No verified backup of {} in {}: take one (backup.sqlite) before rolling back, or name it with backup_file.",
            target.display(),
            dir.display()
        )
    })
}

fn same_file(a: &PathBuf, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
