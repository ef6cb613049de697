//! system.* kinds against this machine's real disks and memory.

use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::{SystemDiskParams, SystemMemoryParams};
use pilot_engine::run::StepStatus;

use super::{ready_facts, run_in, temp_dir};

#[test]
fn disk_measures_the_disk_holding_the_repository() {
    let dir = temp_dir();
    let facts = ready_facts(dir.path());
    let out = run_in(
        dir.path(),
        &facts,
        StepAction::SystemDisk(SystemDiskParams { path: None, min_free_gb: 0.0 }),
    );
    assert_eq!(out.status, StepStatus::Passed, "any free space is ≥ 0 GB: {}", out.summary);
    let m = &out.evidence.measurements[0];
    assert_eq!(m.metric, "free disk space", "metric name");
    assert_eq!(m.target, "≥ 0 GB", "target");
    assert!(m.value >= 0.0 && m.passed, "value and verdict: {m:?}");
    assert!(out.evidence.facts.iter().any(|f| f.label == "disk"), "mount point is evidence");
}

#[test]
fn disk_fails_when_too_little_is_free_or_the_path_is_missing() {
    let dir = temp_dir();
    let facts = ready_facts(dir.path());
    let out = run_in(
        dir.path(),
        &facts,
        StepAction::SystemDisk(SystemDiskParams { path: Some(".".into()), min_free_gb: 1e12 }),
    );
    assert_eq!(out.status, StepStatus::Failed, "no disk has an exabyte free");
    assert!(out.summary.starts_with("Only "), "says how much is free: {}", out.summary);
    assert!(out.summary.contains("free at least"), "and how much to free: {}", out.summary);

    let out = run_in(
        dir.path(),
        &facts,
        StepAction::SystemDisk(SystemDiskParams {
            path: Some("no/such/folder".into()),
            min_free_gb: 1.0,
        }),
    );
    assert_eq!(out.status, StepStatus::Failed, "a missing path fails");
    assert!(out.summary.contains("could not be found"), "{}", out.summary);
}

#[test]
fn memory_measures_available_memory() {
    let dir = temp_dir();
    let facts = ready_facts(dir.path());
    let ok = run_in(
        dir.path(),
        &facts,
        StepAction::SystemMemory(SystemMemoryParams { min_available_gb: 0.0 }),
    );
    assert_eq!(ok.status, StepStatus::Passed, "≥ 0 GB: {}", ok.summary);
    assert_eq!(ok.evidence.measurements[0].metric, "available memory", "metric name");

    let short = run_in(
        dir.path(),
        &facts,
        StepAction::SystemMemory(SystemMemoryParams { min_available_gb: 1e9 }),
    );
    assert_eq!(short.status, StepStatus::Failed, "no machine has an exabyte of memory");
    assert!(short.summary.contains("close programs"), "says what to do: {}", short.summary);
}
