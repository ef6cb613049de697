//! Signed approvals for the UI: the plan's rule, the request a run published, what became of
//! each approval received, and — on an approver's workstation — the open requests of a
//! repository.

use pilot_engine::run::{Published, Received};
use pilot_engine::signature::SignoffRequest;
use serde::Serialize;
use ts_rs::TS;

use super::{RunDto, SignoffDto, time};

/// A run's signed-approval rule (`[plan.signoff]`), for the sign-off screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRuleDto {
    /// The allowed-signers file, inside the repository, read at the released commit.
    pub allowed_signers: String,
    /// Whether a typed name still counts.
    pub allow_unsigned: bool,
    pub remote: String,
    /// Per role: its title and who may sign for it (empty: anyone in the file).
    pub signers: Vec<RoleSignersDto>,
    /// The request the run last published, if any.
    pub request: Option<PublishedRequestDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleSignersDto {
    pub role: String,
    pub signers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PublishedRequestDto {
    pub report_sha256: String,
    pub at: String,
}

impl From<&SignoffRequest> for PublishedRequestDto {
    fn from(r: &SignoffRequest) -> Self {
        Self { report_sha256: r.report_sha256.clone(), at: time(r.at) }
    }
}

/// "Request sign-off": the run, and whether the request reached the remote.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RequestedDto {
    pub run: RunDto,
    pub request: PublishedRequestDto,
    /// The remote it was pushed to, or `None` with `pushError` saying why.
    pub pushed_to: Option<String>,
    pub push_error: Option<String>,
}

impl RequestedDto {
    pub fn new(run: RunDto, published: &Published, pushed: Result<String, String>) -> Self {
        let (pushed_to, push_error) = match pushed {
            Ok(remote) => (Some(remote), None),
            Err(e) => (None, Some(e)),
        };
        Self { run, request: (&published.request).into(), pushed_to, push_error }
    }
}

/// What became of one approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum ReceivedDto {
    Recorded { signoff: SignoffDto },
    AlreadyRecorded { signoff: SignoffDto },
    Refused { role: Option<String>, signer: Option<String>, why: String },
}

impl From<&Received> for ReceivedDto {
    fn from(r: &Received) -> Self {
        match r {
            Received::Recorded(s) => Self::Recorded { signoff: s.into() },
            Received::AlreadyRecorded(s) => Self::AlreadyRecorded { signoff: s.into() },
            Received::Refused { role, signer, why } => {
                Self::Refused { role: role.clone(), signer: signer.clone(), why: why.clone() }
            }
        }
    }
}

/// "Check for approvals": the run as it stands now and what arrived.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CollectedDto {
    pub run: RunDto,
    /// The remote did not answer (what was fetched before was used).
    pub fetch_error: Option<String>,
    pub received: Vec<ReceivedDto>,
}

/// On an approver's workstation: one open request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenRequestDto {
    pub run_id: String,
    pub plan: String,
    pub version: String,
    pub environment: String,
    pub operator: String,
    pub commit: Option<String>,
    pub roles: Vec<RequestedRoleDto>,
    pub requested_at: String,
    /// The report as published, rendered to HTML, read-only.
    pub report_html: String,
    pub report_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RequestedRoleDto {
    pub id: String,
    pub title: String,
}

/// The open requests of a repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenRequestsDto {
    pub repo: String,
    pub fetch_error: Option<String>,
    pub requests: Vec<OpenRequestDto>,
    /// Requests that could not be read, with why.
    pub unreadable: Vec<String>,
}

/// A decision signed and sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalSentDto {
    pub run_id: String,
    pub role: String,
    pub decision: super::DecisionDto,
    pub fingerprint: String,
    /// The ref it is kept under in the repository.
    pub refname: String,
    /// The remote it was pushed to, or `None` with `pushError` saying why (it stays in the
    /// repository and "Send again" pushes it).
    pub pushed_to: Option<String>,
    pub push_error: Option<String>,
}

/// A decision signed into a file (teams without a shared remote).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalFileDto {
    pub run_id: String,
    pub role: String,
    pub decision: super::DecisionDto,
    pub fingerprint: String,
    /// Where it was written: the file to send to the tech lead.
    pub path: String,
    /// Who to send it to.
    pub operator: String,
}
