//! The sign-off matrix: for each required role, who approved, who rejected or put it on hold
//! (and why), which approvals did not count, and how many are still missing.
//!
//! Counting rules: a person's latest decision for a role is the one that counts (a hold lifted
//! by an approval is an approval); the same person (or, signed, the same key) approving twice
//! counts once; an approval by the run's operator counts only when the role allows it
//! (separation of duties); with signed approvals, only a key whose principal the role names
//! counts, a typed name only where the plan allows it (`RoleRule::refusal`).

use serde::{Deserialize, Serialize};

use super::model::{Decision, RoleRule, Signoff};

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
        let names = |list: &[Signoff]| list.iter().map(Signoff::who).collect::<Vec<_>>().join(", ");
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
                        format!("{} by {}: {comment}", s.decision.past(), s.who())
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
                    s.push_str(&format!(" (approval by {} not counted: {why})", signoff.who()));
                }
                s
            }
        }
    }
}

/// The matrix of the given roles, from every sign-off recorded in the run. With signed
/// approvals one key approves for one role: a key already counted for an earlier role of the
/// matrix does not count again (separation of duties compares keys, not typed names).
pub fn matrix(rules: &[RoleRule], signoffs: &[Signoff], operator: &str) -> Vec<RoleStatus> {
    let mut keys_used: Vec<(String, String)> = Vec::new();
    rules
        .iter()
        .map(|rule| {
            let status = role_status(rule, signoffs, operator, &keys_used);
            for s in &status.approved_by {
                if let Some(by) = &s.signed {
                    keys_used.push((by.fingerprint.clone(), rule.title.clone()));
                }
            }
            status
        })
        .collect()
}

fn role_status(
    rule: &RoleRule,
    signoffs: &[Signoff],
    operator: &str,
    keys_used: &[(String, String)],
) -> RoleStatus {
    // The latest decision of each approver (a key, or a typed person), in the order they first
    // decided.
    let mut latest: Vec<(String, &Signoff)> = Vec::new();
    for s in signoffs.iter().filter(|s| s.role == rule.id) {
        let key = s.identity();
        match latest.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = s,
            None => latest.push((key, s)),
        }
    }
    let mut approved_by = Vec::new();
    let mut blocked_by = Vec::new();
    let mut not_counted = Vec::new();
    for (_, s) in latest {
        if let Some(why) = rule.refusal(s, operator) {
            not_counted.push((s.clone(), why));
            continue;
        }
        let used = s.signed.as_ref().and_then(|by| {
            keys_used.iter().find(|(fingerprint, _)| *fingerprint == by.fingerprint)
        });
        match s.decision {
            Decision::Approve if used.is_some() => {
                let (fingerprint, other) = used.expect("checked");
                not_counted.push((
                    s.clone(),
                    format!(
                        "the key {fingerprint} already approved for {other}: one key approves \
                         for one role (separation of duties)"
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
