//! End-to-end tests of the `pilot` binary: real processes, real repositories (the demo project,
//! made with libgit2, cross-checked with the git command line), a real run store.

mod approvals;
mod common;
mod crash;
mod docker;
mod inputs;
mod inspect;
mod plan;
mod resume;
mod run;
mod secrets;
mod sign;
mod soak;
mod tamper;
