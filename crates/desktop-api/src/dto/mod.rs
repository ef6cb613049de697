//! Types that cross to the web UI: camelCase, times as RFC 3339 strings, converted from engine
//! types with `From`. TypeScript declarations are generated from them ([`export_bindings`]).

mod app;
mod approvals;
mod plan;
mod progress;
mod repo;
mod run;
mod signature;
mod signoff;

pub use app::{AppInfo, DemoDto, SavedReportDto};
pub use approvals::{
    ApprovalFileDto, ApprovalRuleDto, ApprovalSentDto, CollectedDto, OpenRequestDto,
    OpenRequestsDto, PublishedRequestDto, ReceivedDto, RequestedDto, RequestedRoleDto,
    RoleSignersDto,
};
pub use plan::{
    PhasePreviewDto, PlanChoiceDto, PlanFileDto, PlanPreviewDto, RoleDto, StageDto, StepClassDto,
    StepPreviewDto, TemplateDto, VarDto,
};
pub use progress::RunEventDto;
pub use repo::{ChangeDto, CommitDto, RepoFactsDto, TagDto, UpstreamDto};
pub use run::{
    CommandDto, CriterionDto, CriterionStateDto, EventDto, EvidenceDto, FactDto, FileDto,
    MeasurementDto, OutcomeDto, PhaseDto, RollbackCheckDto, RollbackDto, RunDto, RunStatusDto,
    RunSummaryDto, StartRunDto, StepDto, StepStatusDto, WaiverDto,
};
pub use signature::{
    AgentDto, AgentKeyDto, ApprovalCheckDto, AttachedSignatureDto, ChainStateDto, KeyFileDto,
    ReportCheckDto, SignRequestDto, SignWithDto, SignatureCheckDto, SignatureProblemDto,
    SignedReportDto, SigningSetupDto,
};
pub use signoff::{
    DecisionDto, NotCountedDto, RoleStateDto, SignedByDto, SignoffDto, SignoffRoleDto,
};

use ts_rs::TS;

/// Write the TypeScript declaration of every boundary type into `dir` (one file per type).
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    let config = ts_rs::Config::new().with_out_dir(dir);
    AppInfo::export_all(&config)?;
    DemoDto::export_all(&config)?;
    SavedReportDto::export_all(&config)?;
    TemplateDto::export_all(&config)?;
    PlanFileDto::export_all(&config)?;
    PlanChoiceDto::export_all(&config)?;
    PlanPreviewDto::export_all(&config)?;
    RepoFactsDto::export_all(&config)?;
    RunDto::export_all(&config)?;
    RunSummaryDto::export_all(&config)?;
    StartRunDto::export_all(&config)?;
    RollbackDto::export_all(&config)?;
    RunEventDto::export_all(&config)?;
    SigningSetupDto::export_all(&config)?;
    SignRequestDto::export_all(&config)?;
    SignedReportDto::export_all(&config)?;
    ReportCheckDto::export_all(&config)?;
    RequestedDto::export_all(&config)?;
    CollectedDto::export_all(&config)?;
    OpenRequestsDto::export_all(&config)?;
    ApprovalSentDto::export_all(&config)?;
    ApprovalFileDto::export_all(&config)?;
    crate::ApiError::export_all(&config)?;
    crate::FilePurpose::export_all(&config)?;
    crate::SavePurpose::export_all(&config)?;
    Ok(())
}

/// An RFC 3339 time, as the UI receives it.
pub(crate) fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
