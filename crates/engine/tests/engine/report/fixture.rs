//! The staging run the report tests render: built from the model types with fixed times and
//! the content of a real staging deployment (see the runbooks in the design folder).

use chrono::{DateTime, FixedOffset, TimeZone, Utc};

use pilot_engine::plan::Plan;
use pilot_engine::repo::{
    Changelog, CommitInfo, ReleaseTag, RepoFacts, TagInfo, VersionFile, Worktree,
};
use pilot_engine::run::{
    CommandEvidence, Event as RunEvent, Evidence, FileEvidence, Measurement, Outcome, PlanOrigin,
    Run, RunHeader, RunStatus, StepRecord, StepStatus, Waiver,
};

pub(super) const SECRET: &str = "hunter2-Staging!";

const PLAN: &str = r#"
[plan]
name = "staging"
title = "Staging deployment"
environment = "staging"
secrets = ["db_password"]
success_criteria = [
  "1.15.2 deployed without errors",
  { text = "All smoke tests passing (100% critical path)", requires = ["smoke-tests"] },
  { text = "CHANGELOG.md documents 1.15.2", requires = ["changelog"] },
  { text = "Enough disk space on the staging host", requires = ["disk-free"] },
]

[[plan.role]]
id = "devops_lead"
title = "DevOps lead"

[[plan.role]]
id = "qa_lead"
title = "QA lead"

[vars]
db_password = "hunter2-Staging!"
container = "sms-fullstack"

[[phase]]
id = "environment"
title = "Environment verification"
description = "The staging host can run the release."

[[phase.step]]
id = "soak-probe"
title = "Soak: keep probing for 10 minutes"
kind = "soak"
checks = ["disk-free"]
interval_secs = 60
duration_secs = 600

[[phase.step]]
id = "disk-free"
title = "Sufficient disk space (≥ 5 GB free)"
kind = "system.disk"
min_free_gb = 5.0

[[phase.step]]
id = "memory"
title = "Sufficient memory (≥ 4 GB available)"
kind = "system.memory"
blocking = false
min_available_gb = 4.0

[[phase.step]]
id = "compose"
title = "Docker Compose installed"
kind = "manual"
hint = "docker-compose --version"

[[phase]]
id = "code"
title = "Code verification"

[[phase.step]]
id = "git-clean"
title = "No uncommitted changes"
kind = "git.clean"

[[phase.step]]
id = "git-branch"
title = "On branch main"
kind = "git.branch"
expect = "main"

[[phase.step]]
id = "changelog"
title = "CHANGELOG.md has an entry for 1.15.2"
kind = "git.changelog"

[[phase]]
id = "backup"
title = "Backup"
stage = "backup"

[[phase.step]]
id = "backup-db"
title = "Back up the staging database"
kind = "backup.sqlite"
container = "sms-fullstack"
db_path = "/data/student_management.db"

[[phase]]
id = "validation"
title = "Validation"
stage = "validation"

[[phase.step]]
id = "smoke-tests"
title = "Smoke tests pass"
kind = "command"
program = "python"
args = ["-m", "pytest", "backend/tests/test_smoke.py", "-q"]

[[phase.step]]
id = "latency"
title = "List students under 100 ms"
kind = "http.latency"
url = "http://127.0.0.1:8080/api/v1/students"
p95_ms = 100.0

[[phase]]
id = "rollback"
title = "Rollback"
stage = "rollback"

[[phase.step]]
id = "rollback"
title = "Put 1.15.1 back"
kind = "rollback"
container = "sms-fullstack"
image = "sms:1.15.1"
backup_step = "backup-db"
"#;

pub(super) fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 7, h, m, s).single().expect("a valid fixed time")
}

fn commit(short: &str, summary: &str, author: &str, day: u32) -> CommitInfo {
    let offset = FixedOffset::east_opt(3600).expect("a valid offset");
    CommitInfo {
        id: format!("{short}{}", "0".repeat(40 - short.len())),
        short_id: short.to_owned(),
        summary: summary.to_owned(),
        author: author.to_owned(),
        time: offset.with_ymd_and_hms(2026, 1, day, 10, 30, 0).single().expect("valid time"),
    }
}

fn facts() -> RepoFacts {
    let head = commit("3b9d44fd5", "Release 1.15.2", "Ana Lopez <ana@example.com>", 6);
    RepoFacts {
        path: "/srv/staging/student-management-system".to_owned(),
        branch: Some("main".to_owned()),
        detached: false,
        bare: false,
        shallow: false,
        head: Some(head.clone()),
        worktree: Worktree { clean: true, changes: Vec::new() },
        tags: vec![TagInfo {
            name: "v1.15.2".to_owned(),
            target: head.id.clone(),
            annotated: true,
            time: Some(head.time),
            version: Some("1.15.2".to_owned()),
        }],
        head_tags: vec!["v1.15.2".to_owned()],
        version: VersionFile {
            file: "VERSION".to_owned(),
            value: Some("1.15.2".to_owned()),
            valid: true,
            error: None,
        },
        latest_release: None,
        previous_release: Some(ReleaseTag {
            tag: "v1.15.1".to_owned(),
            version: "1.15.1".to_owned(),
            commit: "8c1e07a2b4d5e6f708192a3b4c5d6e7f80912345".to_owned(),
        }),
        changelog: Changelog {
            file: "CHANGELOG.md".to_owned(),
            has_entry: false,
            heading: None,
            line: None,
            exists: true,
        },
        release_notes: vec!["docs/releases/RELEASE_NOTES_v1.15.2.md".to_owned()],
        upstream: None,
        commits_since_previous_release: vec![
            head,
            commit("a41f2c9e0", "Fix | pipe in `grade` export", "Bo Chen <bo@example.com>", 5),
            commit("77d0e1b3c", "Add E2E metrics collector", "Ana Lopez <ana@example.com>", 4),
        ],
        warnings: Vec::new(),
    }
}

/// A step record in plan order; tests adjust the fields they care about.
pub(super) fn step(
    phase: &str,
    id: &str,
    title: &str,
    kind: &str,
    status: StepStatus,
) -> StepRecord {
    StepRecord {
        phase_id: phase.to_owned(),
        step_id: id.to_owned(),
        title: title.to_owned(),
        kind: kind.to_owned(),
        blocking: true,
        status,
        summary: String::new(),
        evidence: Evidence::default(),
        started_at: None,
        finished_at: None,
        waiver: None,
        note: None,
        answered_by: None,
    }
}

fn timed(mut s: StepRecord, from: DateTime<Utc>, ms: i64, summary: &str) -> StepRecord {
    s.started_at = Some(from);
    s.finished_at = Some(from + chrono::Duration::milliseconds(ms));
    s.summary = summary.to_owned();
    s
}

pub(super) fn event(
    seq: u64,
    t: DateTime<Utc>,
    kind: &str,
    step: Option<&str>,
    message: &str,
) -> RunEvent {
    RunEvent {
        seq,
        at: t,
        kind: kind.to_owned(),
        step_id: step.map(str::to_owned),
        message: message.to_owned(),
        state: None,
    }
}

/// A staging run that stopped at failed smoke tests.
pub(super) fn staging_run() -> Run {
    let plan: Plan = toml::from_str(PLAN).expect("the test plan is valid");
    let mut steps = Vec::new();

    let mut s = step(
        "environment",
        "soak-probe",
        "Soak: keep probing for 10 minutes",
        "soak",
        StepStatus::Skipped,
    );
    s.summary = "Not run: the soak window was left out of this rehearsal.".to_owned();
    steps.push(s);

    let mut s = timed(
        step(
            "environment",
            "disk-free",
            "Sufficient disk space (≥ 5 GB free)",
            "system.disk",
            StepStatus::Passed,
        ),
        at(14, 3, 6),
        180,
        "41.2 GB free on /var/lib/docker",
    );
    s.evidence = Evidence::default().fact("mount point", "/var/lib/docker");
    s.evidence.measurements.push(Measurement {
        metric: "free disk space".to_owned(),
        target: "≥ 5 GB".to_owned(),
        value: 41.2,
        unit: "GB".to_owned(),
        passed: true,
    });
    steps.push(s);

    let mut s = timed(
        step(
            "environment",
            "memory",
            "Sufficient memory (≥ 4 GB available)",
            "system.memory",
            StepStatus::Warned,
        ),
        at(14, 3, 6),
        95,
        "3.1 GB available, below 4 GB: close other programs or expect slower tests",
    );
    s.blocking = false;
    s.evidence.measurements.push(Measurement {
        metric: "available memory".to_owned(),
        target: "≥ 4 GB".to_owned(),
        value: 3.1,
        unit: "GB".to_owned(),
        passed: false,
    });
    steps.push(s);

    let mut s = timed(
        step("environment", "compose", "Docker Compose installed", "manual", StepStatus::Passed),
        at(14, 3, 7),
        62_000,
        "Ticked by Ana Lopez",
    );
    s.answered_by = Some("Ana Lopez".to_owned());
    s.note = Some("docker-compose version 1.29.2, build unknown\nchecked on staging-01".to_owned());
    steps.push(s);

    steps.push(timed(
        step("code", "git-clean", "No uncommitted changes", "git.clean", StepStatus::Passed),
        at(14, 4, 10),
        40,
        "The working tree is clean",
    ));
    let mut s = timed(
        step("code", "git-branch", "On branch main", "git.branch", StepStatus::Passed),
        at(14, 4, 10),
        12,
        "HEAD is on main",
    );
    s.evidence = Evidence::default().fact("branch", "main").fact("commit", "3b9d44fd5");
    steps.push(s);
    let mut s = timed(
        step(
            "code",
            "changelog",
            "CHANGELOG.md has an entry for 1.15.2",
            "git.changelog",
            StepStatus::Waived,
        ),
        at(14, 4, 10),
        25,
        "CHANGELOG.md has no heading for 1.15.2: add a `## [1.15.2]` entry",
    );
    s.evidence = Evidence::default()
        .fact("file", "CHANGELOG.md")
        .fact("newest entry", "## [1.15.1] - 2026-01-02");
    s.waiver = Some(Waiver {
        reason: "Release notes cover 1.15.2; the changelog entry follows in the next commit."
            .to_owned(),
        by: "Ana Lopez".to_owned(),
        at: at(14, 6, 2),
        agreed: None,
    });
    steps.push(s);

    let mut s = timed(
        step(
            "backup",
            "backup-db",
            "Back up the staging database",
            "backup.sqlite",
            StepStatus::Passed,
        ),
        at(14, 7, 0),
        4_300,
        "Backup verified: integrity ok, 1,204 students",
    );
    s.evidence = Evidence::default().fact("integrity_check", "ok").fact("rows in students", "1204");
    s.evidence.files.push(FileEvidence {
        path: "/srv/backups/pre-1.15.2/student_management_2026-01-07T140700Z.db".to_owned(),
        size_bytes: 2_412_544,
        sha256: Some("9f2c4e1ab0d3c5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e3".to_owned()),
        modified: Some(at(14, 7, 4)),
    });
    steps.push(s);

    let mut s = timed(
        step("validation", "smoke-tests", "Smoke tests pass", "command", StepStatus::Failed),
        at(14, 9, 30),
        42_100,
        "2 of 24 smoke tests failed: see the output, fix, and re-run",
    );
    s.evidence.command = Some(CommandEvidence {
        program: "python".to_owned(),
        args: vec!["-m".into(), "pytest".into(), "backend/tests/test_smoke.py".into(), "-q".into()],
        cwd: "/srv/staging/student-management-system".to_owned(),
        exit_code: Some(1),
        timed_out: false,
        duration_ms: 42_100,
        stdout_excerpt: "FAILED test_smoke.py::test_login - assert 500 == 200\n\
                         | name | status |\n\
                         ```\n\
                         E   expected `ok` got ``error``\n\
                         2 failed, 22 passed in 41.8s\n"
            .to_owned(),
        stderr_excerpt: format!("connecting with password={SECRET}\n"),
    });
    steps.push(s);

    let mut s = timed(
        step(
            "validation",
            "latency",
            "List students under 100 ms",
            "http.latency",
            StepStatus::Passed,
        ),
        at(14, 10, 15),
        8_000,
        "p95 84 ms over 100 requests, no errors",
    );
    for (metric, target, value, unit) in
        [("p95 latency", "< 100 ms", 84.0, "ms"), ("error rate", "< 0.1%", 0.0, "%")]
    {
        s.evidence.measurements.push(Measurement {
            metric: metric.to_owned(),
            target: target.to_owned(),
            value,
            unit: unit.to_owned(),
            passed: true,
        });
    }
    steps.push(s);

    let mut s = step("rollback", "rollback", "Put 1.15.1 back", "rollback", StepStatus::Skipped);
    s.summary = "Not run: the run stopped before this phase.".to_owned();
    steps.push(s);

    let events = vec![
        event(
            1,
            at(14, 3, 5),
            "run.started",
            None,
            "Staging deployment 1.15.2 started by Ana Lopez",
        ),
        event(2, at(14, 3, 6), "step.finished", Some("disk-free"), "passed: 41.2 GB free"),
        event(3, at(14, 3, 6), "step.finished", Some("memory"), "warned: 3.1 GB available"),
        event(4, at(14, 4, 9), "manual.answered", Some("compose"), "Ticked by Ana Lopez"),
        event(
            5,
            at(14, 4, 10),
            "step.finished",
            Some("changelog"),
            "failed: no entry | see CHANGELOG.md",
        ),
        event(6, at(14, 6, 2), "step.waived", Some("changelog"), "Waived by Ana Lopez"),
        event(7, at(14, 7, 4), "step.finished", Some("backup-db"), "passed: backup verified"),
        event(8, at(14, 10, 12), "step.finished", Some("smoke-tests"), "failed: exit code 1"),
        event(9, at(14, 15, 9), "run.finished", None, "NO-GO: Smoke tests pass failed"),
    ];

    Run {
        header: RunHeader {
            id: "run-20260107-140305-staging".to_owned(),
            plan_origin: PlanOrigin::Template("staging".to_owned()),
            plan_source: PLAN.to_owned(),
            plan_template: None,
            secrets_given: Vec::new(),
            plan_hash: "4e1f0c9a7b3d2e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab"
                .to_owned(),
            plan,
            repo_path: "/srv/staging/student-management-system".to_owned(),
            facts: facts(),
            version: "1.15.2".to_owned(),
            environment: "staging".to_owned(),
            operator: "Ana Lopez <ana@example.com>".to_owned(),
            dry_run: false,
            started_at: at(14, 3, 5),
        },
        status: RunStatus::Failed,
        outcome: Outcome::NoGo,
        finished_at: Some(at(14, 15, 9)),
        steps,
        events,
        rollback: None,
    }
}
