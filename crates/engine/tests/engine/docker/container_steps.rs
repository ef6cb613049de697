//! Steps that read from a running service's container through the Docker API, as a plan runs
//! them: `log.scan` over the container's log, and `backup.sqlite` of the database inside it
//! (copied out, then backed up and verified on this machine, the scratch copy removed).

use std::time::Duration;

use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::{BackupSqliteParams, LogScanParams};
use pilot_engine::run::StepStatus;

use super::checks::run_step;
use super::support::{Cleanup, build_sample, engine, free_port, start_service_with, unique};
use crate::executors::{ready_facts, run_in, temp_dir};

fn scan(container: &str) -> pilot_engine::run::StepOutcome {
    run_step(StepAction::LogScan(LogScanParams {
        container: Some(container.to_owned()),
        file: None,
        forbid: vec!["ERROR|CRITICAL".into(), "^Traceback".into()],
        require: vec!["Application startup complete".into()],
    }))
}

#[test]
fn log_scan_reads_the_container_log_and_fails_on_errors() {
    let Some(conn) = engine() else { return };
    let name = unique("logscan");
    let mut cleanup = Cleanup::new(&name);
    let image = build_sample(&conn, &format!("1.0.0-logscan{}", std::process::id()), false);
    cleanup.images.push(image.clone());

    let clean = format!("{name}-clean");
    cleanup.volumes.push(format!("{clean}-data"));
    start_service_with(&conn, &clean, &image, &format!("{clean}-data"), free_port(), &[]);
    let ok = scan(&clean);
    assert_eq!(ok.status, StepStatus::Passed, "a healthy service's log passes: {}", ok.summary);
    assert!(
        ok.evidence.facts.iter().any(|f| f.value.contains("Application startup complete")),
        "the required line is evidence: {:?}",
        ok.evidence.facts
    );

    let noisy = format!("{name}-noisy");
    cleanup.volumes.push(format!("{noisy}-data"));
    start_service_with(
        &conn,
        &noisy,
        &image,
        &format!("{noisy}-data"),
        free_port(),
        &["SAMPLE_LOG_ERRORS=1"],
    );
    // The switch logs its errors every few seconds after start-up.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut bad = scan(&noisy);
    while bad.status == StepStatus::Passed && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        bad = scan(&noisy);
    }
    assert_eq!(bad.status, StepStatus::Failed, "ERROR lines fail the scan: {}", bad.summary);
    assert!(
        bad.summary.contains(&format!("container {noisy}")),
        "the summary names the container: {}",
        bad.summary
    );
    assert!(
        bad.evidence.facts.iter().any(|f| f.label.contains("ERROR") && f.value.contains("ERROR")),
        "the matching lines are evidence: {:?}",
        bad.evidence.facts
    );
}

#[test]
fn log_scan_of_a_missing_container_says_so() {
    if engine().is_none() {
        return;
    }
    let o = scan(&unique("nobody-here"));
    assert_eq!(o.status, StepStatus::Failed, "no such container: {}", o.summary);
    assert!(o.summary.contains("nobody-here"), "the container is named: {}", o.summary);
}

#[test]
fn backup_step_from_a_container_is_verified_and_leaves_no_scratch() {
    let Some(conn) = engine() else { return };
    let name = unique("backupstep");
    let mut cleanup = Cleanup::new(&name);
    let image = build_sample(&conn, &format!("1.0.0-backupstep{}", std::process::id()), false);
    cleanup.images.push(image.clone());
    let volume = format!("{name}-data");
    cleanup.volumes.push(volume.clone());
    start_service_with(&conn, &name, &image, &volume, free_port(), &[]);

    let repo = temp_dir();
    let lines = std::sync::Mutex::new(Vec::<String>::new());
    let outcome = crate::executors::run_with(
        repo.path(),
        &ready_facts(repo.path()),
        &pilot_engine::SystemClock,
        &|l: &str| lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(l.into()),
        StepAction::BackupSqlite(BackupSqliteParams {
            container: Some(name.clone()),
            db_path: Some("/data/app.db".into()),
            min_size_bytes: Some(100_000),
            ..BackupSqliteParams::default()
        }),
    );
    assert_eq!(outcome.status, StepStatus::Passed, "the backup is verified: {}", outcome.summary);
    let fact = |label: &str| {
        outcome.evidence.facts.iter().find(|f| f.label == label).map(|f| f.value.clone())
    };
    assert_eq!(fact("integrity").as_deref(), Some("ok"), "integrity is evidence");
    assert!(
        fact("copy method").is_some_and(|m| m.contains("paused")),
        "a scratch image has no sqlite3: the evidence says it was paused and copied: {:?}",
        outcome.evidence.facts
    );
    assert!(
        fact("rows in students").is_some_and(|n| n.replace(' ', "") == "3000"),
        "the seeded students are counted: {:?}",
        outcome.evidence.facts
    );
    let backups = repo.path().join("backups");
    let names: Vec<String> = std::fs::read_dir(&backups)
        .expect("the backups folder exists")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "the scratch copy is removed: {names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("app-") && n.ends_with(".sqlite3")),
        "the backup is named after the database and version: {names:?}"
    );
    let progress = lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    assert!(
        progress.iter().any(|l| l.contains("pausing"))
            && progress.iter().any(|l| l.contains("copied")),
        "the copy and the backup's progress reach the live output: {progress:?}"
    );

    // No db_path: a clear failure before anything is touched.
    let dir = temp_dir();
    let missing = run_in(
        dir.path(),
        &ready_facts(dir.path()),
        StepAction::BackupSqlite(BackupSqliteParams {
            container: Some(name.clone()),
            ..BackupSqliteParams::default()
        }),
    );
    assert_eq!(missing.status, StepStatus::Failed, "db_path is needed: {}", missing.summary);
    assert!(missing.summary.contains("db_path"), "the missing key is named: {}", missing.summary);
}
