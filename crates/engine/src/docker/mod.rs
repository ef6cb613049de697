//! Deploy, rollback and backups-in-containers through the Docker Engine API (bollard).
//!
//! The rest of the engine is synchronous; bollard is async. [`Connection`] hides that: it owns
//! a small current-thread runtime and blocks on one call at a time, with a deadline on every
//! call, so a stopped engine is a clear error and never a hang.
//!
//! Layout, one operation per file: `connect.rs` (connecting, deadlines, the time spent in
//! Docker), `engine.rs` (version), `image.rs`, `volume.rs`, `container.rs` (inspect, start,
//! stop, rename, wait for health), `carry_over.rs` (the new container's configuration from the
//! old one), `recreate.rs` (deploy.recreate), `exec.rs` (deploy.exec), `logs.rs`
//! (deploy.wait_log and `logs_since` for log.scan), `archive.rs` (files in and out),
//! `database.rs` (a SQLite database inside a container or volume: [`copy_database_out`] for
//! the backup.sqlite executor, [`restore_database_into`] for rollback; the backup itself is
//! [`crate::backup`]'s), `rollback.rs` (the container half of rollback).
//!
//! Every container, volume and image the tests make carries [`TEST_LABEL`].

mod archive;
mod carry_over;
mod connect;
pub mod container;
mod database;
pub mod engine;
mod error;
pub mod exec;
pub mod image;
pub mod logs;
pub mod recreate;
pub mod rollback;
pub mod volume;

pub use archive::{Upload, download_file, upload_files};
pub use carry_over::{LABEL_FALLBACK, LABEL_PREVIOUS_IMAGE};
pub use connect::{CALL_TIMEOUT, CONNECT_TIMEOUT, Connection, DockerTime};
pub use database::{
    CopiedDatabase, CopyMethod, DatabaseLocation, LABEL_HELPER, copy_database_out,
    restore_database_into,
};
pub use error::{DockerError, START_DOCKER_HINT};

/// The label every test resource carries, so the tests can remove everything they made.
pub const TEST_LABEL: &str = "dev.release-pilot.test";
