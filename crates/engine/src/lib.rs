//! The Release Pilot engine.
//!
//! Everything the product does, without a user interface: it reads a git repository
//! ([`repo`]), loads and validates a release [`plan`], executes it as a [`run`] whose every
//! result is written to the run [`store`] the moment it happens, and renders the run as a
//! Markdown [`report`].
//!
//! Architecture invariant: this crate knows nothing about Tauri, the web UI or the terminal.
//! It takes paths, configuration and a [`Clock`], and reports progress through a callback it is
//! handed ([`run::ProgressSink`]). The CLI (`crates/cli`) and the desktop shell (`src-tauri`) are
//! thin front ends over it.
//!
//! Layout: one folder per area, one file per operation where operations are independent; the
//! areas form layers (ARCHITECTURE.md, "Invariants"), checked by a test. To add a step kind,
//! follow ARCHITECTURE.md's "Adding a step kind": its parameters, its row in the kind table
//! ([`plan::kinds`]), its executor, its test.

pub mod backup;
pub mod clock;
pub mod demo;
pub mod docker;
pub mod paths;
pub mod pattern;
pub mod plan;
pub mod record;
pub mod repo;
pub mod report;
pub mod run;
pub mod signature;
pub mod signoff;
pub mod store;
pub mod validate;
pub mod write;

pub use clock::{Clock, FixedClock, SystemClock};
pub use paths::DataPaths;
