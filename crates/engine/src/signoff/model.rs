//! What a sign-off is (a person's decision for a role), and the rules each role of a run
//! follows: how many approvals it needs and whether the operator may give one.
//!
//! **Separation of duties.** A role's `operator_may_approve` decides whether the person who ran
//! the release may approve for it. When a plan does not say, the default depends on the
//! environment: **off for production**, on elsewhere. A run is a production run when its
//! environment (`--environment`, else `[plan] environment`) is `production` or `prod`, alone
//! or as the first word of a longer name (`prod-eu`, `production_2`), in any case. Whether the
//! plan said so is read from the plan's own TOML, kept with the run, because the plan model
//! stores the flag as a plain boolean.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::plan::Plan;

/// A person's decision for a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The release may go, as far as this role is concerned.
    Approve,
    /// The release must not go: stops the run with NO-GO.
    Reject,
    /// Not yet: the run waits, and cannot be GO while the hold stands.
    Hold,
}

impl Decision {
    /// The word used in plans, answers files and the report.
    pub fn word(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Hold => "hold",
        }
    }

    /// Read the word used in answers files and on the command line.
    pub fn parse(word: &str) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "approve" | "approved" => Some(Self::Approve),
            "reject" | "rejected" => Some(Self::Reject),
            "hold" | "on hold" => Some(Self::Hold),
            _ => None,
        }
    }

    /// How an event or a reason says it: "approved", "rejected", "put on hold".
    pub fn past(self) -> &'static str {
        match self {
            Self::Approve => "approved",
            Self::Reject => "rejected",
            Self::Hold => "put on hold",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// One recorded sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signoff {
    /// The role id, e.g. "qa".
    pub role: String,
    /// Who decided, "Name <email>" or a name.
    pub name: String,
    pub decision: Decision,
    /// Why; a reject or hold must say.
    pub comment: String,
    pub at: DateTime<Utc>,
}

/// The rule a role follows in one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRule {
    pub id: String,
    pub title: String,
    /// Approvals by distinct people; 0 makes the role optional.
    pub approvals: u32,
    /// Whether the run's operator may approve for this role.
    pub operator_may_approve: bool,
}

/// True when the environment names production (see the module documentation).
pub fn is_production(environment: &str) -> bool {
    let lower = environment.trim().to_ascii_lowercase();
    let first = lower.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or_default();
    matches!(first, "production" | "prod")
}

/// The rule of every role of the plan, for a run in `environment`. `plan_source` is the plan's
/// TOML as run: it tells whether a role set `operator_may_approve` or left it to the default.
pub fn role_rules(plan: &Plan, plan_source: &str, environment: &str) -> Vec<RoleRule> {
    let explicit = explicit_operator_flags(plan_source);
    let default = !is_production(environment);
    plan.plan
        .roles
        .iter()
        .map(|r| {
            let given = explicit.iter().any(|id| id == &r.id);
            RoleRule {
                id: r.id.clone(),
                title: r.title.clone(),
                approvals: r.approvals,
                operator_may_approve: if given { r.operator_may_approve } else { default },
            }
        })
        .collect()
}

/// The ids of the roles whose `[[plan.role]]` table writes `operator_may_approve`.
fn explicit_operator_flags(plan_source: &str) -> Vec<String> {
    let Ok(doc) = plan_source.parse::<toml_edit::DocumentMut>() else { return Vec::new() };
    let Some(roles) =
        doc.get("plan").and_then(|p| p.get("role")).and_then(toml_edit::Item::as_array_of_tables)
    else {
        return Vec::new();
    };
    roles
        .iter()
        .filter(|t| t.contains_key("operator_may_approve"))
        .filter_map(|t| t.get("id").and_then(toml_edit::Item::as_str).map(str::to_string))
        .collect()
}

/// A person as compared between sign-offs and the operator: the e-mail address when there is
/// one, otherwise the name, ignoring case and surrounding space. "Ana <ana@x.org>" and
/// "ana@x.org" are the same person; so are "Ana Lopez" and "ana lopez".
pub fn person_key(person: &str) -> String {
    let p = person.trim();
    if let (Some(open), Some(close)) = (p.find('<'), p.rfind('>'))
        && open < close
    {
        let email = p[open + 1..close].trim();
        if !email.is_empty() {
            return email.to_lowercase();
        }
    }
    p.to_lowercase()
}

/// The name part of "Name <email>".
fn person_name(person: &str) -> String {
    let p = person.trim();
    p.find('<').map_or(p, |i| p[..i].trim()).to_lowercase()
}

/// Whether two ways of writing a person name the same person: same e-mail, or the same name
/// when either lacks an address.
pub fn same_person(a: &str, b: &str) -> bool {
    let (ka, kb) = (person_key(a), person_key(b));
    if ka == kb {
        return true;
    }
    let has_email = |p: &str| p.contains('<') || p.contains('@');
    if has_email(a) && has_email(b) {
        return false;
    }
    let (na, nb) = (person_name(a), person_name(b));
    !na.is_empty() && (na == nb || na == kb || ka == nb)
}
