//! A SQLite database that lives in a container or a volume, copied out to a scratch folder
//! through the Docker Engine API so that `backup.sqlite` can back it up and verify it like a
//! local file. A second engine's copy (another host, another database) gets a file of its own.

use std::path::{Path, PathBuf};

use crate::docker::{Connection, CopyMethod, DatabaseLocation, copy_database_out};
use crate::plan::kinds::BackupSqliteParams;
use crate::run::{Evidence, StepOutcome};

use super::super::StepContext;

/// A database copied out of Docker: the copy, how to show its source, facts about the copy.
pub(in crate::run::executors) struct CopiedOut {
    pub path: PathBuf,
    pub shown: String,
    pub facts: Vec<(String, String)>,
}

/// A database inside a container or volume, copied out into `work_dir` through the Docker
/// Engine API (the container's own sqlite3 `.backup` when it has one, else paused and copied
/// with its WAL). Returns the copy's path, how to show the source, and facts about the copy.
pub(in crate::run::executors) fn database_from_docker(
    p: &BackupSqliteParams,
    work_dir: &Path,
    ctx: &StepContext<'_>,
) -> Result<CopiedOut, Box<StepOutcome>> {
    let Some(db_path) = p.db_path.as_deref() else {
        return Err(Box::new(StepOutcome::failed(
            "The step names a container or volume but not `db_path`, the database's path inside \
             it (e.g. /data/app.db): add it to the plan, then re-run the step.",
            Evidence::default(),
        )));
    };
    let shown = match (&p.container, &p.volume) {
        (Some(c), _) => format!("{c}:{db_path} (container)"),
        (None, Some(v)) => format!("{v}:{db_path} (volume)"),
        (None, None) => db_path.to_owned(),
    };
    let evidence = || Evidence::default().fact("source", &shown);
    let failure = |e: &crate::docker::DockerError| Box::new(super::failure(e, evidence()));
    let conn = Connection::connect().map_err(|e| failure(&e))?;
    let location = DatabaseLocation {
        container: p.container.as_deref(),
        volume: p.volume.as_deref(),
        db_path,
    };
    let copied =
        copy_database_out(&conn, &location, work_dir, ctx.output).map_err(|e| failure(&e))?;
    let method = match copied.method {
        CopyMethod::ContainerSqlite3 => "the container's own sqlite3 .backup".to_owned(),
        CopyMethod::PausedArchive => format!(
            "container paused {:.2} s, database and WAL copied through the archive API",
            copied.paused_for.unwrap_or_default().as_secs_f64()
        ),
        CopyMethod::StoppedArchive => {
            "copied through the archive API from a stopped container".to_owned()
        }
    };
    let facts = vec![
        ("copied from".to_owned(), copied.container.clone()),
        ("copy method".to_owned(), method),
    ];
    Ok(CopiedOut { path: copied.path, shown, facts })
}
