//! The built-in demo project: a generated repository with a realistic history, so a newcomer
//! can walk every screen and export a report without configuring anything.
//!
//! It is written with libgit2 (no git command line needed): a small service with commits by
//! three people over three months, releases tagged (annotated and lightweight, plus a
//! non-semver deployment tag), a VERSION for the next release, a CHANGELOG with its entry,
//! release notes, an upstream one commit behind (so one check has something to say), an env
//! file with a secret, a SQLite database, and a plan file in `.release-pilot/plan.toml`.
//!
//! Layout: `files.rs` (the project's files), `history.rs` (commits and tags), `data.rs` (the
//! sample database), `docker.rs` (the Docker mode: a plan deployed through the Docker API).

mod data;
mod docker;
mod files;
mod history;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

/// Where the demo's plan lives inside the repository.
pub const DEMO_PLAN_PATH: &str = ".release-pilot/plan.toml";

/// The version the demo is about to release.
pub const DEMO_VERSION: &str = "1.15.2";

/// What was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoProject {
    /// The repository's work tree.
    pub path: PathBuf,
    /// The plan file inside it.
    pub plan: PathBuf,
    pub version: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "{path} already exists and is not empty: choose a new folder for the demo project (nothing was written)"
    )]
    NotEmpty { path: PathBuf },
    #[error("could not write the demo project at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not create the demo repository at {path}: {source}")]
    Git {
        path: PathBuf,
        #[source]
        source: git2::Error,
    },
    #[error("could not create the demo database at {path}: {source}")]
    Data {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

pub use docker::DOCKER_PLAN_PATH;

/// How the demo is made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoOptions {
    /// Add the Docker mode: a plan deployed through the Docker API against the sample service,
    /// committed with its instructions (`DOCKER.md`); the returned plan is that one.
    pub docker: bool,
}

/// Create the demo project in `dir` (which must not exist or be empty). Commit times are laid
/// out backwards from `now`, so the history looks recent whenever it is made.
pub fn init_demo(dir: &Path, now: DateTime<Utc>) -> Result<DemoProject, DemoError> {
    init_demo_with(dir, now, DemoOptions::default())
}

/// [`init_demo`] with options (the Docker mode).
pub fn init_demo_with(
    dir: &Path,
    now: DateTime<Utc>,
    options: DemoOptions,
) -> Result<DemoProject, DemoError> {
    let io = |source| DemoError::Io { path: dir.to_path_buf(), source };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io)?;
        if entries.next().is_some() {
            return Err(DemoError::NotEmpty { path: dir.to_path_buf() });
        }
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let path = std::path::absolute(dir).map_err(io)?;
    history::write_history(&path, now)?;
    files::write_untracked(&path)?;
    data::write_database(&path.join("data").join("app.sqlite3"))?;
    let plan = if options.docker {
        docker::write_docker_mode(&path, now)?
    } else {
        path.join(DEMO_PLAN_PATH)
    };
    Ok(DemoProject { plan, path, version: DEMO_VERSION.to_string() })
}
