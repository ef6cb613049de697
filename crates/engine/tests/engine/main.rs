//! Integration tests of the engine, against real things: repositories made with the git
//! command line, real SQLite files, real processes.

mod backup;
mod common;
mod docker;
mod dry_run_safety;
mod executors;
mod layers;
mod plan;
mod repo;
mod report;
mod run;
mod signoff;
mod store;
mod templates;
mod validate;
