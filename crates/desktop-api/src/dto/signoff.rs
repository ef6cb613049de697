//! Sign-offs for the UI: where each of the plan's roles stands, and who decided what.

use pilot_engine::signoff::{Decision, RoleState, RoleStatus, Signoff};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::time;

/// A person's decision for a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DecisionDto {
    Approve,
    Reject,
    Hold,
}

impl From<DecisionDto> for Decision {
    fn from(d: DecisionDto) -> Self {
        match d {
            DecisionDto::Approve => Self::Approve,
            DecisionDto::Reject => Self::Reject,
            DecisionDto::Hold => Self::Hold,
        }
    }
}

impl From<Decision> for DecisionDto {
    fn from(d: Decision) -> Self {
        match d {
            Decision::Approve => Self::Approve,
            Decision::Reject => Self::Reject,
            Decision::Hold => Self::Hold,
        }
    }
}

/// One recorded sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignoffDto {
    pub role: String,
    pub name: String,
    pub decision: DecisionDto,
    pub comment: String,
    pub at: String,
    /// The approver's key, when the decision was signed with it (`None`: a typed name).
    pub signed: Option<SignedByDto>,
}

/// Who signed a signed decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignedByDto {
    pub fingerprint: String,
    pub principals: Vec<String>,
}

impl From<&Signoff> for SignoffDto {
    fn from(s: &Signoff) -> Self {
        Self {
            role: s.role.clone(),
            name: s.who(),
            decision: s.decision.into(),
            comment: s.comment.clone(),
            at: time(s.at),
            signed: s.signed.as_ref().map(|by| SignedByDto {
                fingerprint: by.fingerprint.clone(),
                principals: by.principals.clone(),
            }),
        }
    }
}

/// Where a role stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RoleStateDto {
    Approved,
    Rejected,
    OnHold,
    Missing,
}

/// One row of the sign-off matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignoffRoleDto {
    pub id: String,
    pub title: String,
    /// Approvals this role needs.
    pub approvals: u32,
    /// Whether the run's operator may approve for this role (separation of duties).
    pub operator_may_approve: bool,
    /// Whether a name typed into the app counts for this role (false: only approvals signed
    /// by the approver's key).
    pub typed_counts: bool,
    /// With signed approvals, who may sign (principal patterns; empty: anyone allowed).
    pub signers: Option<Vec<String>>,
    pub state: RoleStateDto,
    /// Approvals still needed.
    pub missing: u32,
    /// One line for people: "QA lead: approved by Ana".
    pub summary: String,
    pub approved_by: Vec<SignoffDto>,
    /// Standing rejects and holds, each with its reason.
    pub blocked_by: Vec<SignoffDto>,
    /// Approvals given that do not count, with why (e.g. the operator approving their own deploy).
    pub not_counted: Vec<NotCountedDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NotCountedDto {
    pub signoff: SignoffDto,
    pub why: String,
}

impl From<&RoleStatus> for SignoffRoleDto {
    fn from(r: &RoleStatus) -> Self {
        Self {
            id: r.rule.id.clone(),
            title: r.rule.title.clone(),
            approvals: r.rule.approvals,
            operator_may_approve: r.rule.operator_may_approve,
            typed_counts: r.rule.allow_unsigned,
            signers: r.rule.signers.clone(),
            state: match r.state {
                RoleState::Approved => RoleStateDto::Approved,
                RoleState::Rejected => RoleStateDto::Rejected,
                RoleState::OnHold => RoleStateDto::OnHold,
                RoleState::Missing => RoleStateDto::Missing,
            },
            missing: r.missing,
            summary: r.describe(),
            approved_by: r.approved_by.iter().map(Into::into).collect(),
            blocked_by: r.blocked_by.iter().map(Into::into).collect(),
            not_counted: r
                .not_counted
                .iter()
                .map(|(s, why)| NotCountedDto { signoff: s.into(), why: why.clone() })
                .collect(),
        }
    }
}
