//! The sign-off matrix: for each required role, who approved, who rejected or put it on hold
//! (and why), which approvals did not count, and how many are still missing.
//!
//! Counting rules: a person's latest decision for a role is the one that counts (a hold lifted
//! by an approval is an approval); the same person approving twice counts once; an approval by
//! the run's operator counts only when the role allows it (separation of duties).

use serde::{Deserialize, Serialize};

use super::model::{Decision, RoleRule, Signoff, person_key, same_person};

/// Where one role stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoleState {
    /// Enough approvals and no reject or hold.
    Approved,
    /// Someone rejected: the release must not go.
    Rejected,
    /// Someone put it on hold: the run waits.
    OnHold,
    /// Not enough approvals yet.
    Missing,
}

/// One role's row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleStatus {
    pub rule: RoleRule,
    pub state: RoleState,
    /// Approvals that count, in the order given.
    pub approved_by: Vec<Signoff>,
    /// Standing rejects and holds, each with its reason.
    pub blocked_by: Vec<Signoff>,
    /// Approvals that were given but do not count, with why.
    pub not_counted: Vec<(Signoff, String)>,
    /// Approvals still needed.
    pub missing: u32,
}

impl RoleStatus {
    /// One line for people: "QA: approved by Ana (1 of 1)", "Security review: rejected by
    /// Bo: CVE open", "Operations: 0 of 1 approvals".
    pub fn describe(&self) -> String {
        let title = &self.rule.title;
        let names =
            |list: &[Signoff]| list.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ");
        match self.state {
            RoleState::Approved if self.rule.approvals == 0 => {
                format!("{title}: no approval required")
            }
            RoleState::Approved => format!("{title}: approved by {}", names(&self.approved_by)),
            RoleState::Rejected | RoleState::OnHold => {
                let why: Vec<String> = self
                    .blocked_by
                    .iter()
                    .map(|s| {
                        let comment = if s.comment.trim().is_empty() {
                            "no reason given".to_string()
                        } else {
                            s.comment.trim().to_string()
                        };
                        format!("{} by {}: {comment}", s.decision.past(), s.name)
                    })
                    .collect();
                format!("{title}: {}", why.join("; "))
            }
            RoleState::Missing => {
                let mut s = format!(
                    "{title}: {} of {} approval{}",
                    self.approved_by.len(),
                    self.rule.approvals,
                    if self.rule.approvals == 1 { "" } else { "s" }
                );
                for (signoff, why) in &self.not_counted {
                    s.push_str(&format!(" (approval by {} not counted: {why})", signoff.name));
                }
                s
            }
        }
    }
}

/// The matrix of the given roles, from every sign-off recorded in the run.
pub fn matrix(rules: &[RoleRule], signoffs: &[Signoff], operator: &str) -> Vec<RoleStatus> {
    rules.iter().map(|rule| role_status(rule, signoffs, operator)).collect()
}

fn role_status(rule: &RoleRule, signoffs: &[Signoff], operator: &str) -> RoleStatus {
    // The latest decision of each person, in the order people first decided.
    let mut latest: Vec<(String, &Signoff)> = Vec::new();
    for s in signoffs.iter().filter(|s| s.role == rule.id) {
        let key = person_key(&s.name);
        match latest.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = s,
            None => latest.push((key, s)),
        }
    }
    let mut approved_by = Vec::new();
    let mut blocked_by = Vec::new();
    let mut not_counted = Vec::new();
    for (_, s) in latest {
        match s.decision {
            Decision::Approve if !rule.operator_may_approve && same_person(&s.name, operator) => {
                not_counted.push((
                    s.clone(),
                    format!(
                        "{} ran this release, and {} does not allow the operator to approve \
                         (separation of duties)",
                        s.name, rule.title
                    ),
                ));
            }
            Decision::Approve => approved_by.push(s.clone()),
            Decision::Reject | Decision::Hold => blocked_by.push(s.clone()),
        }
    }
    let counted = u32::try_from(approved_by.len()).unwrap_or(u32::MAX);
    let missing = rule.approvals.saturating_sub(counted);
    let state = if blocked_by.iter().any(|s| s.decision == Decision::Reject) {
        RoleState::Rejected
    } else if !blocked_by.is_empty() {
        RoleState::OnHold
    } else if missing > 0 {
        RoleState::Missing
    } else {
        RoleState::Approved
    };
    RoleStatus { rule: rule.clone(), state, approved_by, blocked_by, not_counted, missing }
}
