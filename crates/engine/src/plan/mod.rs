//! Plans: the model ([`Plan`], [`Phase`], [`Step`]), the catalogue of step kinds
//! ([`kinds`]), loading and validating TOML with line and column for every problem
//! ([`load`]), variable substitution ([`vars`]), the JSON Schema ([`schema`]) and the
//! built-in templates ([`templates`]).

pub mod criterion;
pub mod import;
pub mod kinds;
mod load;
mod model;
pub mod schema;
pub mod seconds;
pub mod templates;
pub mod vars;

pub use criterion::{BoundCriterion, Criterion};
pub use kinds::{BackupRole, Handling, PersonStep, StepAction, StepClass};
pub use load::{PlanError, Problem, load_plan, parse_plan};
pub use model::{
    DEFAULT_ALLOWED_SIGNERS, Phase, Plan, PlanHeader, Role, SignoffRule, Stage, Step, WaiverRule,
};
