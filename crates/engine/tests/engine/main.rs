//! Integration tests of the engine, against real things: repositories made with the git
//! command line, real SQLite files, real processes.

mod common;
mod docker;
mod executors;
mod plan;
mod repo;
mod report;
mod run;
mod store;
mod templates;
