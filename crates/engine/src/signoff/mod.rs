//! Sign-off and go/no-go: the plan's roles decide (approve, reject, hold) with their names on
//! it, and the verdict is computed from the steps and those decisions, never typed.
//!
//! Layout: `model.rs` (a decision, a sign-off, the rule each role follows, separation of duties
//! and what makes a run "production"), `matrix.rs` (where each role stands), `verdict.rs` (the
//! go/no-go rule), `criteria.rs` (whether each success criterion is proved), `evidence.rs` (sign-offs as the sign-off step's evidence, which the report
//! reads). Recording a decision (for the desktop and the
//! runner) is `run::record_signoff`, beside the other things a person answers.

mod criteria;
mod evidence;
mod matrix;
mod model;
mod verdict;

pub use criteria::{CriterionClaim, CriterionState, WaivedProof, criteria, quoted_titles};
pub use evidence::{REQUEST_FACT, signoffs_in, with_signoff};
pub use matrix::{RoleState, RoleStatus, matrix};
pub use model::{
    Decision, RoleRule, SignedBy, Signoff, is_production, person_key, role_rules, same_person,
};
pub use verdict::{BlockingState, BlockingStep, Verdict, go_no_go, required_roles, run_verdict};
