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
    /// The approver's signature, when the decision was signed with their own key (`None`: a
    /// name typed into the operator's app).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<SignedBy>,
}

/// Who signed a signed decision: the key, the principals `allowed_signers` gives it, and the
/// signed approval file as received (armored SSHSIG block, then the statement it covers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedBy {
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// The principals of the key's `allowed_signers` line, e.g. `["alan@example.com"]`.
    pub principals: Vec<String>,
    /// The approval file's text.
    pub file: String,
}

impl Signoff {
    /// Who decided, as the report and the desktop say it: the principal of a signed decision,
    /// the typed name otherwise.
    pub fn who(&self) -> String {
        match &self.signed {
            Some(by) => by.principals.join(", "),
            None => self.name.clone(),
        }
    }

    /// The identity that makes two approvals "the same approver": the key for a signed
    /// decision, the person (e-mail, else name) for a typed one.
    pub fn identity(&self) -> String {
        match &self.signed {
            Some(by) => by.fingerprint.clone(),
            None => person_key(&self.name),
        }
    }

    /// Whether the run's operator made this decision: a principal of the key, or the typed
    /// name, names the operator.
    pub fn by_operator(&self, operator: &str) -> bool {
        match &self.signed {
            Some(by) => by.principals.iter().any(|p| same_person(p, operator)),
            None => same_person(&self.name, operator),
        }
    }
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
    /// Signed approvals (`[plan.signoff]`): the principal patterns that may sign for the role
    /// (empty: any principal of the allowed-signers file). `None`: the plan takes typed names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signers: Option<Vec<String>>,
    /// With signed approvals, whether a typed name still counts (`[plan.signoff]
    /// allow_unsigned`). Always true when the plan takes typed names.
    #[serde(default = "yes")]
    pub allow_unsigned: bool,
}

fn yes() -> bool {
    true
}

impl RoleRule {
    /// A rule for typed-name sign-offs (no `[plan.signoff]`).
    pub fn typed(id: &str, title: &str, approvals: u32, operator_may_approve: bool) -> Self {
        Self {
            id: id.to_string(),
            title: title.to_string(),
            approvals,
            operator_may_approve,
            signers: None,
            allow_unsigned: true,
        }
    }

    /// Why an approval `s` does not count for this role, if it does not (the operator, the
    /// key or principal, the lack of a signature). Rejects and holds always stand: stopping a
    /// release is never refused.
    pub fn refusal(&self, s: &Signoff, operator: &str) -> Option<String> {
        if s.decision != Decision::Approve {
            return None;
        }
        let title = &self.title;
        if let Some(patterns) = &self.signers {
            match &s.signed {
                None if !self.allow_unsigned => {
                    return Some(format!(
                        "recorded by {operator} as {}, not signed: {title} counts only \
                         approvals signed with the approver's own key",
                        s.name
                    ));
                }
                None => {}
                Some(by) if !patterns.is_empty() => {
                    let list = patterns.join(",");
                    if !by.principals.iter().any(|p| crate::pattern::match_pattern_list(p, &list)) {
                        return Some(format!(
                            "signed by {}, who may not sign for {title} (the plan lets {} sign)",
                            s.who(),
                            patterns.join(", ")
                        ));
                    }
                }
                Some(_) => {}
            }
        }
        if !self.operator_may_approve && s.by_operator(operator) {
            return Some(format!(
                "{} ran this release, and {title} does not allow the operator to approve \
                 (separation of duties)",
                s.who()
            ));
        }
        None
    }
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
    let signed = plan.plan.signoff.as_ref();
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
                signers: signed.map(|_| r.signers.clone()),
                allow_unsigned: signed.is_none_or(|s| s.allow_unsigned),
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
