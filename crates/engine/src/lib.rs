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
//! Layout: one folder per area, one file per operation where operations are independent. To add
//! a step kind: declare its parameters in [`plan::kinds`], write its executor under
//! `run/executors/`, and route it in `run/executors/mod.rs`.

pub mod backup;
pub mod clock;
pub mod demo;
pub mod docker;
pub mod paths;
pub mod plan;
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
