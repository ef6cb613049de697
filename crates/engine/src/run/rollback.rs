//! Is a rollback ready? Shown before the deploy starts and on every screen after the backup:
//! a previous release to return to, a verified backup to restore, and a rollback path in the
//! plan. Each check says what is missing and what to do.

use super::{Run, StepStatus};
use crate::plan::Stage;

/// One thing a rollback needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadinessCheck {
    pub label: String,
    pub ok: bool,
    pub detail: String,
}

/// Whether a rollback could be done now, and why (not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub ready: bool,
    pub previous_release: Option<String>,
    pub checks: Vec<ReadinessCheck>,
}

/// The rollback readiness of a run, from its facts and its step results.
pub fn readiness(run: &Run) -> Readiness {
    let mut checks = Vec::new();
    let previous = run.header.facts.previous_release.as_ref();
    checks.push(match previous {
        Some(p) => ReadinessCheck {
            label: "Previous release".into(),
            ok: true,
            detail: format!("{} (version {}) is the version to return to", p.tag, p.version),
        },
        None => ReadinessCheck {
            label: "Previous release".into(),
            ok: false,
            detail: "no earlier release tag is reachable from HEAD: tag the version in production (e.g. v1.2.3) so there is something to return to".into(),
        },
    });

    let plan = &run.header.plan;
    let backups: Vec<_> = plan.steps().filter(|(_, s)| s.action.makes_backup()).collect();
    let verified = backups
        .iter()
        .find_map(|(_, s)| run.step(&s.id).filter(|r| r.status == StepStatus::Passed));
    checks.push(match (backups.is_empty(), verified) {
        (true, _) => ReadinessCheck {
            label: "Verified backup".into(),
            ok: false,
            detail: "the plan takes no backup: add a backup.sqlite or backup.command step before the deploy".into(),
        },
        (false, Some(step)) => ReadinessCheck {
            label: "Verified backup".into(),
            ok: true,
            detail: step.evidence.files.first().map(|f| format!("{} ({} bytes)", f.path, f.size_bytes)).unwrap_or_else(|| step.summary.clone()),
        },
        (false, None) => ReadinessCheck {
            label: "Verified backup".into(),
            ok: false,
            detail: "no verified backup yet: run the backup step first".into(),
        },
    });

    let has_rollback =
        plan.phases.iter().any(|p| p.stage == Stage::Rollback && !p.steps.is_empty());
    checks.push(ReadinessCheck {
        label: "Rollback steps".into(),
        ok: has_rollback,
        detail: if has_rollback {
            "the plan says how to roll back".into()
        } else {
            "the plan has no rollback phase: add one (stage = \"rollback\") that restores the backup".into()
        },
    });
    Readiness {
        ready: checks.iter().all(|c| c.ok),
        previous_release: previous.map(|p| p.tag.clone()),
        checks,
    }
}
