//! Sign-off, go/no-go, the event log's hash chain and signed reports: the rule tested over
//! every combination that matters, and the rest against real things (runs in a real store,
//! keys made by the real `ssh-keygen`, a real `ssh-agent`, signatures checked by
//! `ssh-keygen -Y verify`).

mod approvals;
mod chain;
mod conformance;
mod exchange;
mod flow;
mod gonogo;
mod keys;
mod per_step;
mod signed_flow;
mod ssh;
