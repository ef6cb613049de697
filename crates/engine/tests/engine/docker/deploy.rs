//! deploy.recreate, deploy.exec, deploy.wait_log and rollback against the real sample service:
//! N → N+1 with the volume's data intact, an N+1 that never becomes healthy (the old version
//! back, data intact, rollback possible), and a restore after a migration that failed half-way.

use std::time::Duration;

use pilot_engine::docker::{container, recreate};
use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::{
    DeployExecParams, DeployRecreateParams, DeployWaitLogParams, RollbackParams,
};
use pilot_engine::run::StepStatus;

use super::checks::run_step;
use super::support::{
    Cleanup, Running, build_sample, engine, free_port, row_counts, running_n_with_next,
    served_version, start_service, unique, wait_for_version,
};

fn recreate_step(name: &str, image: &str, timeout: u64) -> StepAction {
    StepAction::DeployRecreate(DeployRecreateParams {
        container: name.to_owned(),
        image: image.to_owned(),
        health_timeout_secs: Some(timeout),
    })
}

#[test]
fn deploy_n_plus_1_over_n_keeps_the_data_then_migrates_and_rolls_back() {
    let Some(conn) = engine() else { return };
    let running = running_n_with_next(&conn, "deploy", false);
    let Running { name, v1, v2, next: n1, port, cleanup: _cleanup, .. } = running;
    assert_eq!(
        served_version(port).as_deref(),
        Some(v1.as_str()),
        "version N serves before the deploy"
    );
    let before = row_counts(&conn, &name);

    let lines = std::sync::Mutex::new(Vec::<String>::new());
    let outcome = {
        let dir = crate::executors::temp_dir();
        let facts = crate::executors::ready_facts(dir.path());
        let output = |l: &str| lines.lock().expect("lines").push(l.to_owned());
        crate::executors::run_with(
            dir.path(),
            &facts,
            &pilot_engine::SystemClock,
            &output,
            recreate_step(&name, &n1, 60),
        )
    };
    assert_eq!(outcome.status, StepStatus::Passed, "N+1 deploys: {}", outcome.summary);
    assert!(
        wait_for_version(port, &v2, Duration::from_secs(10)),
        "version N+1 serves after the deploy"
    );
    let lines = lines.into_inner().expect("lines");
    assert!(
        lines.iter().any(|l| l.contains("waiting for health") && l.contains("s left")),
        "the health wait counts down through the output: {lines:?}"
    );
    for label in ["old container", "new container", "fallback", "action", "time in Docker"] {
        assert!(
            outcome.evidence.facts.iter().any(|f| f.label == label),
            "the evidence records {label}: {:?}",
            outcome.evidence.facts
        );
    }
    assert!(
        outcome.evidence.measurements.iter().any(|m| m.metric == "time to healthy"),
        "time to healthy is measured"
    );

    let after = row_counts(&conn, &name);
    assert_eq!(after["students"], before["students"], "no student was lost in the deploy");
    assert_eq!(after["courses"], before["courses"], "no course was lost in the deploy");
    assert!(
        after["enrollments"] >= before["enrollments"],
        "enrollments kept (and still growing): {before:?} → {after:?}"
    );
    let kept = recreate::fallbacks(&conn, &name).expect("list fallbacks");
    assert_eq!(kept.len(), 1, "the previous container is kept as the fallback: {kept:?}");
    let fallback =
        container::state(&conn, &kept[0]).expect("inspect").expect("the fallback exists");
    assert!(!fallback.running, "the fallback is stopped");

    // Re-running the step (a resumed run) does nothing.
    let again = run_step(recreate_step(&name, &n1, 60));
    assert_eq!(again.status, StepStatus::Passed, "a second run is a no-op: {}", again.summary);
    assert!(
        again.summary.contains("already runs"),
        "it says nothing was needed: {}",
        again.summary
    );

    let migrate = run_step(StepAction::DeployExec(DeployExecParams {
        container: name.clone(),
        command: vec!["/sample-service".into(), "migrate".into()],
        env: Default::default(),
        timeout_secs: Some(60),
        expect_exit: 0,
    }));
    assert_eq!(
        migrate.status,
        StepStatus::Passed,
        "migrations run inside the container: {}",
        migrate.summary
    );
    let excerpt =
        migrate.evidence.command.as_ref().map(|c| c.stdout_excerpt.clone()).unwrap_or_default();
    assert!(excerpt.contains("applied migration 5"), "the migration output is kept: {excerpt}");

    let startup = run_step(StepAction::DeployWaitLog(DeployWaitLogParams {
        container: name.clone(),
        pattern: "Application startup complete".into(),
        timeout_secs: Some(10),
    }));
    assert_eq!(
        startup.status,
        StepStatus::Passed,
        "the startup line is found: {}",
        startup.summary
    );
    let never = run_step(StepAction::DeployWaitLog(DeployWaitLogParams {
        container: name.clone(),
        pattern: "this line is never logged".into(),
        timeout_secs: Some(2),
    }));
    assert_eq!(
        never.status,
        StepStatus::Failed,
        "a line that never comes fails at the timeout: {}",
        never.summary
    );

    let rollback = run_step(StepAction::Rollback(RollbackParams {
        container: Some(name.clone()),
        health_timeout_secs: Some(60),
        ..RollbackParams::default()
    }));
    assert_eq!(
        rollback.status,
        StepStatus::Passed,
        "the kept fallback is put back: {}",
        rollback.summary
    );
    assert!(
        wait_for_version(port, &v1, Duration::from_secs(10)),
        "version N serves again after the rollback"
    );
}

#[test]
fn an_n_plus_1_that_never_becomes_healthy_leaves_n_serving_and_rollback_possible() {
    let Some(conn) = engine() else { return };
    let running = running_n_with_next(&conn, "unhealthy", true);
    let Running { name, v1, n, next: broken, port, cleanup: _cleanup, .. } = running;
    let before = row_counts(&conn, &name);

    // A verified backup before the deploy, as the plan takes one.
    let backups = tempfile::tempdir().expect("backups folder");
    let work = tempfile::tempdir().expect("work folder");
    let (_, backup) = super::backup_of(&conn, &name, backups.path(), work.path(), &v1, None);

    let meters = std::sync::Mutex::new(Vec::<pilot_engine::run::Meter>::new());
    let dir = crate::executors::temp_dir();
    let outcome = crate::executors::run_metered(
        dir.path(),
        &crate::executors::ready_facts(dir.path()),
        &pilot_engine::SystemClock,
        &|_| {},
        &|m| meters.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(m),
        recreate_step(&name, &broken, 6),
    );
    let meters = meters.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    assert!(
        meters.iter().any(|m| m.unit == pilot_engine::run::MeterUnit::Seconds
            && m.total == 6
            && m.label.contains("s left")),
        "the health wait counts down on the step's meter: {meters:?}"
    );
    assert_eq!(
        outcome.status,
        StepStatus::Failed,
        "an N+1 that is never healthy fails the step: {}",
        outcome.summary
    );
    assert!(
        outcome.summary.contains("put back") && outcome.summary.contains("not healthy"),
        "the summary says what happened and that N is back: {}",
        outcome.summary
    );
    assert!(wait_for_version(port, &v1, Duration::from_secs(10)), "version N serves again");
    let state = container::state(&conn, &name).expect("inspect").expect("the service exists");
    assert_eq!(state.image, n, "the container under the service's name runs N");
    assert!(
        recreate::fallbacks(&conn, &name).expect("list").is_empty(),
        "the fallback took its name back"
    );
    let after = row_counts(&conn, &name);
    assert_eq!(after["students"], before["students"], "data intact after the failed deploy");

    // Rollback is possible: restore the verified backup, N keeps serving.
    let rollback = run_step(StepAction::Rollback(RollbackParams {
        container: Some(name.clone()),
        db_path: Some("/data/app.db".into()),
        backup_file: Some(backup.path.display().to_string()),
        health_timeout_secs: Some(60),
        ..RollbackParams::default()
    }));
    assert_eq!(
        rollback.status,
        StepStatus::Passed,
        "the rollback restores the backup: {}",
        rollback.summary
    );
    assert!(wait_for_version(port, &v1, Duration::from_secs(10)), "N serves after the rollback");
}

#[test]
fn a_migration_that_fails_half_way_is_undone_by_restoring_the_backup() {
    let Some(conn) = engine() else { return };
    let name = unique("migration");
    let mut cleanup = Cleanup::new(&name);
    let version = format!("1.0.0-migration{}", std::process::id());
    let image = build_sample(&conn, &version, false);
    cleanup.images.push(image.clone());
    let volume = format!("{name}-data");
    cleanup.volumes.push(volume.clone());
    let port = free_port();
    start_service(&conn, &name, &image, &volume, port);

    let backups = tempfile::tempdir().expect("backups folder");
    let work = tempfile::tempdir().expect("work folder");
    let (_, backup) = super::backup_of(&conn, &name, backups.path(), work.path(), &version, None);
    let backed_up: i64 = backup
        .tables
        .iter()
        .find(|t| t.table == "enrollments")
        .map_or(0, |t| i64::try_from(t.rows).unwrap_or(i64::MAX));

    // The migration is told to fail half-way through the exec's environment.
    let bad = run_step(StepAction::DeployExec(DeployExecParams {
        container: name.clone(),
        command: vec!["/sample-service".into(), "migrate".into()],
        env: [("SAMPLE_BAD_MIGRATION".to_owned(), "1".to_owned())].into(),
        timeout_secs: Some(60),
        expect_exit: 0,
    }));
    assert_eq!(bad.status, StepStatus::Failed, "the bad migration fails the step: {}", bad.summary);
    assert!(
        bad.summary.contains("rollback"),
        "the summary points at the rollback: {}",
        bad.summary
    );
    let damaged = row_counts(&conn, &name);
    assert!(
        damaged["enrollments"] < backed_up,
        "the half-done migration deleted rows: {damaged:?} vs {backed_up}"
    );

    let rollback = run_step(StepAction::Rollback(RollbackParams {
        container: Some(name.clone()),
        db_path: Some("/data/app.db".into()),
        backup_dir: Some(backups.path().display().to_string()),
        health_timeout_secs: Some(60),
        ..RollbackParams::default()
    }));
    assert_eq!(
        rollback.status,
        StepStatus::Passed,
        "restoring the backup is the rollback: {}",
        rollback.summary
    );
    let restored = row_counts(&conn, &name);
    assert!(
        restored["enrollments"] >= backed_up,
        "the deleted rows are back: {restored:?} vs {backed_up}"
    );
    assert!(
        wait_for_version(port, &version, Duration::from_secs(10)),
        "the service serves on the restored data"
    );
}
