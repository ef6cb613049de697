//! A SQLite database inside a container or a volume: copied out for a backup, and a restored
//! file put back. Docker's part only — the backup itself is made and verified on this machine by
//! [`crate::backup`], from the copy.
//!
//! Copying out, in order of preference:
//! 1. the container's own `sqlite3 DB ".backup FILE"` when its image has sqlite3 (as the
//!    runbooks do): one consistent file, no pause;
//! 2. otherwise pause the container, copy the database with its `-wal` and `-shm` through the
//!    archive API, and unpause — the three files frozen at one instant are exactly what SQLite
//!    recovers from after a crash, so the copy opens consistent (committed transactions in, a
//!    half-written one out). The pause lasts only the copy.
//!
//! A database in a volume that no container uses is read through a helper container created
//! (never started) with the volume mounted, from an image already on the machine; it is removed
//! afterwards. Docker Desktop's volumes live inside a VM, so the volume's host path is never used.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{ListContainersOptions, ListImagesOptions};
use chrono::Utc;

use crate::backup::sqlite::restore_database;

use super::{Connection, DockerError, archive, container, exec};

/// Where a database lives.
#[derive(Debug, Clone, Copy)]
pub struct DatabaseLocation<'a> {
    /// The container that holds it (by name or id)...
    pub container: Option<&'a str>,
    /// ...or the volume that holds it...
    pub volume: Option<&'a str>,
    /// ...and its path: absolute inside the container, or relative to the volume's root.
    pub db_path: &'a str,
}

/// How the copy was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyMethod {
    /// The container's own `sqlite3 .backup`.
    ContainerSqlite3,
    /// Container paused, files copied through the archive API, container unpaused.
    PausedArchive,
    /// Copied from a stopped (or never started) container.
    StoppedArchive,
}

/// A database copied out to this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedDatabase {
    /// The copy of the database file (its `-wal`/`-shm`, when copied, sit beside it).
    pub path: PathBuf,
    /// Every file copied, with its size.
    pub files: Vec<(PathBuf, u64)>,
    pub method: CopyMethod,
    /// The container the files came from.
    pub container: String,
    /// How long the container was paused (method `PausedArchive`).
    pub paused_for: Option<Duration>,
}

/// Label on every helper container, so leftovers are easy to find.
pub const LABEL_HELPER: &str = "dev.release-pilot.helper";

/// Copy the database out of a container or volume into `work_dir` (which the caller owns and
/// removes), ready for `backup::sqlite::backup_database` to back up and verify. This is what the
/// `backup.sqlite` executor calls when the step names a container or a volume.
pub fn copy_database_out(
    conn: &Connection,
    location: &DatabaseLocation<'_>,
    work_dir: &Path,
    output: &dyn Fn(&str),
) -> Result<CopiedDatabase, DockerError> {
    std::fs::create_dir_all(work_dir)
        .map_err(|source| DockerError::Io { path: work_dir.to_path_buf(), source })?;
    let (target, path_inside, helper) = resolve(conn, location)?;
    let result = copy_from(conn, &target, &path_inside, work_dir, output);
    if let Some(helper) = helper {
        // Best effort: a leftover helper is labelled and harmless.
        let _ = container::remove(conn, &helper);
    }
    result
}

/// Put a verified backup back into a (stopped) container's database path: the file is restored
/// on this machine first (checked), then copied in with empty `-wal` and `-shm` so no stale
/// journal is replayed over it. The container is stopped first if it runs; it is not started.
pub fn restore_database_into(
    conn: &Connection,
    container_name: &str,
    db_path: &str,
    backup: &Path,
    work_dir: &Path,
    output: &dyn Fn(&str),
) -> Result<(), DockerError> {
    let (folder, file) = split_path(db_path)?;
    if container::state(conn, container_name)?.is_some_and(|s| s.running) {
        output(&format!("stopping {container_name} to restore its database"));
        container::stop(conn, container_name, Duration::from_secs(10))?;
    }
    std::fs::create_dir_all(work_dir)
        .map_err(|source| DockerError::Io { path: work_dir.to_path_buf(), source })?;
    let restored = work_dir.join(file);
    // Verified (integrity, SHA-256 against its manifest) before anything reaches the container.
    restore_database(backup, &restored).map_err(|e| DockerError::Backup(e.to_string()))?;
    let (wal, shm) = (format!("{file}-wal"), format!("{file}-shm"));
    output(&format!("copying the restored {file} into {container_name}:{folder}"));
    let uploaded = archive::upload_files(
        conn,
        container_name,
        folder,
        &[
            archive::Upload { name: file, source: Some(&restored) },
            archive::Upload { name: &wal, source: None },
            archive::Upload { name: &shm, source: None },
        ],
    );
    let _ = std::fs::remove_file(&restored);
    uploaded
}

/// The container to copy from, the path inside it, and a helper container to remove after.
fn resolve(
    conn: &Connection,
    location: &DatabaseLocation<'_>,
) -> Result<(String, String, Option<String>), DockerError> {
    if let Some(c) = location.container {
        return Ok((c.to_owned(), location.db_path.to_owned(), None));
    }
    let Some(volume) = location.volume else {
        return Err(DockerError::Invalid(
            "name a container or a volume that holds the database".into(),
        ));
    };
    let relative = location.db_path.trim_start_matches('/');
    // A container that mounts the volume: copy through it (paused if it runs).
    let options = ListContainersOptions {
        all: true,
        filters: Some(HashMap::from([("volume".to_owned(), vec![volume.to_owned()])])),
        ..Default::default()
    };
    for c in conn.call("list containers", conn.api().list_containers(Some(options)))? {
        let mount =
            c.mounts.unwrap_or_default().into_iter().find(|m| m.name.as_deref() == Some(volume));
        if let (Some(id), Some(dest)) = (c.id, mount.and_then(|m| m.destination)) {
            return Ok((id, format!("{}/{relative}", dest.trim_end_matches('/')), None));
        }
    }
    // None does: a helper container, created and never started, from any local image.
    let images = conn.call("list images", conn.api().list_images(None::<ListImagesOptions>))?;
    let Some(image) =
        images.into_iter().find_map(|i| i.repo_tags.into_iter().find(|t| t != "<none>:<none>"))
    else {
        return Err(DockerError::Invalid(format!(
            "no image on this machine to read the volume {volume} through: load any image, then re-run the step"
        )));
    };
    let name = format!("release-pilot-helper-{}", Utc::now().format("%Y%m%dT%H%M%S%3fZ"));
    let body = ContainerCreateBody {
        image: Some(image),
        labels: Some(HashMap::from([(LABEL_HELPER.to_owned(), "1".to_owned())])),
        host_config: Some(HostConfig {
            binds: Some(vec![format!("{volume}:/volume")]),
            network_mode: Some("none".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    container::create(conn, &name, body)?;
    Ok((name.clone(), format!("/volume/{relative}"), Some(name)))
}

fn copy_from(
    conn: &Connection,
    target: &str,
    db_path: &str,
    work_dir: &Path,
    output: &dyn Fn(&str),
) -> Result<CopiedDatabase, DockerError> {
    let (_, file) = split_path(db_path)?;
    let dest = work_dir.join(file);
    let state = container::state(conn, target)?
        .ok_or_else(|| DockerError::NoSuchContainer { name: target.to_owned() })?;
    // A helper container is created but never started: it is never "running" here.
    let running = state.running && !state.paused;

    if running && let Some(copied) = try_container_sqlite3(conn, target, db_path, &dest, output)? {
        return Ok(copied);
    }
    let paused_at = Instant::now();
    if running {
        output(&format!("pausing {target} to copy {db_path} with its WAL"));
        container::pause(conn, target)?;
    }
    let copied = copy_three(conn, target, db_path, &dest);
    let paused_for = running.then(|| paused_at.elapsed());
    if running {
        // Unpause whatever happened: a paused service is an outage.
        container::unpause(conn, target)?;
        output(&format!(
            "{target} resumed after {:.2} s",
            paused_for.unwrap_or_default().as_secs_f64()
        ));
    }
    let files = copied?;
    Ok(CopiedDatabase {
        path: dest,
        files,
        method: if running { CopyMethod::PausedArchive } else { CopyMethod::StoppedArchive },
        container: target.to_owned(),
        paused_for,
    })
}

/// The database and its `-wal`/`-shm` (which may not exist).
fn copy_three(
    conn: &Connection,
    target: &str,
    db_path: &str,
    dest: &Path,
) -> Result<Vec<(PathBuf, u64)>, DockerError> {
    let mut files = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let from = format!("{db_path}{suffix}");
        let mut to = dest.as_os_str().to_owned();
        to.push(suffix);
        let to = PathBuf::from(to);
        match archive::download_file(conn, target, &from, &to)? {
            Some(size) => files.push((to, size)),
            None if suffix.is_empty() => {
                return Err(DockerError::Invalid(format!(
                    "{target} has no file {db_path}: check db_path in the plan"
                )));
            }
            None => {}
        }
    }
    Ok(files)
}

/// `sqlite3 DB ".backup FILE"` inside the container, when its image has sqlite3.
fn try_container_sqlite3(
    conn: &Connection,
    target: &str,
    db_path: &str,
    dest: &Path,
    output: &dyn Fn(&str),
) -> Result<Option<CopiedDatabase>, DockerError> {
    let probe = exec::run(
        conn,
        target,
        &["sqlite3".to_owned(), "-version".to_owned()],
        &[],
        Duration::from_secs(10),
        &|_| {},
    );
    if !matches!(probe, Ok(ref r) if r.exit_code == Some(0)) {
        return Ok(None);
    }
    let inside = format!("/tmp/release-pilot-backup-{}.db", Utc::now().format("%Y%m%dT%H%M%S%3fZ"));
    output(&format!("backing up {db_path} with the container's own sqlite3"));
    let made = exec::run(
        conn,
        target,
        &["sqlite3".to_owned(), db_path.to_owned(), format!(".backup '{inside}'")],
        &[],
        Duration::from_secs(1800),
        output,
    )?;
    if made.exit_code != Some(0) {
        return Ok(None);
    }
    let size = archive::download_file(conn, target, &inside, dest);
    let _ = exec::run(
        conn,
        target,
        &["rm".to_owned(), "-f".to_owned(), inside],
        &[],
        Duration::from_secs(10),
        &|_| {},
    );
    let size = size?.ok_or_else(|| {
        DockerError::Invalid("the container's sqlite3 backup produced no file".into())
    })?;
    Ok(Some(CopiedDatabase {
        path: dest.to_path_buf(),
        files: vec![(dest.to_path_buf(), size)],
        method: CopyMethod::ContainerSqlite3,
        container: target.to_owned(),
        paused_for: None,
    }))
}

/// "/data/app.db" → ("/data", "app.db").
fn split_path(db_path: &str) -> Result<(&str, &str), DockerError> {
    match db_path.rsplit_once('/') {
        Some((folder, file)) if !file.is_empty() => {
            Ok((if folder.is_empty() { "/" } else { folder }, file))
        }
        _ => Err(DockerError::Invalid(format!(
            "db_path `{db_path}` must be an absolute path to the database file, e.g. /data/app.db"
        ))),
    }
}
