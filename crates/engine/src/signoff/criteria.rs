//! Whether each success criterion is met, from the stored results of the steps that prove it
//! and nothing else: not the verdict, not the run's status. The report, the CLI and the desktop
//! all draw their boxes from [`criteria`].
//!
//! The rule: a criterion is met when every step it requires passed; it is "waived" (not
//! ticked, with who waived which step and why) when the rest passed and some were waived; it
//! stays open otherwise, and always in a dry run (which proves nothing about a release) or when
//! the plan binds it to no step.

use crate::plan::Criterion;
use crate::record::{Run, StepRecord, StepStatus};

/// Where a criterion stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CriterionState {
    /// Every step that proves it passed.
    Met,
    /// Not proved: the steps that would have proved it were waived (the rest passed).
    Waived(Vec<WaivedProof>),
    /// Not met, or not yet: why, in words.
    Open(String),
}

/// A waived step a criterion depended on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaivedProof {
    pub step_title: String,
    pub by: String,
    pub reason: String,
}

/// One criterion and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionClaim {
    pub text: String,
    /// Titles of the steps that prove it, in the order the plan names them.
    pub proved_by: Vec<String>,
    pub state: CriterionState,
}

impl CriterionClaim {
    pub fn is_met(&self) -> bool {
        self.state == CriterionState::Met
    }
}

/// Every success criterion of the run's plan, judged from `records`.
pub fn criteria(run: &Run, records: &[StepRecord]) -> Vec<CriterionClaim> {
    run.header
        .plan
        .plan
        .success_criteria
        .iter()
        .map(|c| judge(c, records, run.header.dry_run))
        .collect()
}

fn judge(criterion: &Criterion, records: &[StepRecord], dry_run: bool) -> CriterionClaim {
    let proofs: Vec<Option<&StepRecord>> =
        criterion.requires().iter().map(|id| records.iter().find(|r| &r.step_id == id)).collect();
    let proved_by: Vec<String> = criterion
        .requires()
        .iter()
        .zip(&proofs)
        .map(|(id, rec)| rec.map_or_else(|| id.clone(), |r| r.title.clone()))
        .collect();
    let state = if proofs.is_empty() {
        CriterionState::Open(
            "no step of the plan proves it (bind it with `requires`); check it by hand".into(),
        )
    } else if dry_run {
        CriterionState::Open(format!(
            "a dry run proves nothing about the release; it would be proved by {}",
            quoted_titles(&proved_by)
        ))
    } else {
        from_proofs(&proofs, &proved_by)
    };
    CriterionClaim { text: criterion.text().to_owned(), proved_by, state }
}

fn from_proofs(proofs: &[Option<&StepRecord>], titles: &[String]) -> CriterionState {
    let mut waived = Vec::new();
    let mut not_proved = Vec::new();
    for (rec, title) in proofs.iter().zip(titles) {
        let Some(rec) = rec else {
            not_proved.push(format!("\u{201c}{title}\u{201d} is not a step of this run"));
            continue;
        };
        match rec.status {
            StepStatus::Passed => {}
            StepStatus::Waived => {
                let (by, reason) = rec
                    .waiver
                    .as_ref()
                    .map(|w| (w.by.clone(), w.reason.clone()))
                    .unwrap_or_else(|| ("nobody recorded".into(), String::new()));
                waived.push(WaivedProof { step_title: title.clone(), by, reason });
            }
            StepStatus::Failed => not_proved.push(format!("\u{201c}{title}\u{201d} failed")),
            StepStatus::Warned => {
                not_proved.push(format!("\u{201c}{title}\u{201d} ended only with a warning"))
            }
            StepStatus::Skipped => not_proved.push(format!("\u{201c}{title}\u{201d} was skipped")),
            StepStatus::Pending | StepStatus::Running => {
                not_proved.push(format!("\u{201c}{title}\u{201d} has not finished"))
            }
        }
    }
    if !not_proved.is_empty() {
        CriterionState::Open(not_proved.join("; "))
    } else if !waived.is_empty() {
        CriterionState::Waived(waived)
    } else {
        CriterionState::Met
    }
}

/// Step titles in quotation marks, joined with commas: "“A”, “B”".
pub fn quoted_titles(titles: &[String]) -> String {
    titles.iter().map(|t| format!("\u{201c}{t}\u{201d}")).collect::<Vec<_>>().join(", ")
}
