//! Benchmark of `pilot_engine::report::report` on a large run: 1,000 steps (each with facts, a
//! measurement, a command with output and a file) and 10,000 events. The target is under 50 ms
//! per render in a release build.
//!
//! Run with `cargo bench -p pilot-engine --bench report` (or `scripts/bench-report.sh`, which
//! also records the figures in `docs/benchmarks.md`). Prints one line that the script parses:
//! `report: <steps> steps, <events> events, <bytes> bytes; <n> iterations: min <x> ms, median
//! <y> ms, max <z> ms`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};

use pilot_engine::plan::kinds::{CommandParams, ManualParams};
use pilot_engine::plan::{Phase, Plan, PlanHeader, Stage, Step, StepAction};
use pilot_engine::repo::{Changelog, CommitInfo, RepoFacts, VersionFile, Worktree};
use pilot_engine::report::report;
use pilot_engine::run::{
    CommandEvidence, Event, Evidence, FileEvidence, Measurement, Outcome, PlanOrigin, Run,
    RunHeader, RunStatus, StepRecord, StepStatus,
};

const STEPS: usize = 1_000;
const EVENTS: u64 = 10_000;
const PHASES: usize = 10;
const ITERATIONS: usize = 30;
/// The size the report must stay linear at: 100k steps under 2 s (issue 15).
const HUGE_STEPS: usize = 100_000;
const HUGE_EVENTS: u64 = 200_000;
const HUGE_ITERATIONS: usize = 3;

fn main() {
    typical();
    huge();
}

/// A run a hundred times larger than a typical one, rendered a few times.
fn huge() {
    let run = large_run(HUGE_STEPS, HUGE_EVENTS);
    let mut times: Vec<Duration> = (0..HUGE_ITERATIONS)
        .map(|_| {
            let start = Instant::now();
            black_box(report(black_box(&run)));
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "report-huge: {HUGE_STEPS} steps, {HUGE_EVENTS} events; {HUGE_ITERATIONS} iterations: \
         min {:.2} s, max {:.2} s",
        times[0].as_secs_f64(),
        times[HUGE_ITERATIONS - 1].as_secs_f64()
    );
}

fn typical() {
    let run = large_run(STEPS, EVENTS);
    // One render outside the timings: it warms the allocator and gives the size.
    let bytes = report(&run).len();
    let mut times: Vec<Duration> = (0..ITERATIONS)
        .map(|_| {
            let start = Instant::now();
            black_box(report(black_box(&run)));
            start.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    let (min, median, max) = (times[0], times[ITERATIONS / 2], times[ITERATIONS - 1]);
    println!(
        "report: {STEPS} steps, {EVENTS} events, {bytes} bytes; {ITERATIONS} iterations: \
         min {:.2} ms, median {:.2} ms, max {:.2} ms",
        ms(min),
        ms(median),
        ms(max)
    );
}

fn time(offset_secs: i64) -> DateTime<Utc> {
    let base = Utc.with_ymd_and_hms(2026, 1, 7, 14, 0, 0).single().unwrap_or_default();
    base + chrono::Duration::seconds(offset_secs)
}

fn large_run(steps: usize, events: u64) -> Run {
    let phases: Vec<Phase> = (0..PHASES)
        .map(|p| Phase {
            id: format!("phase-{p}"),
            title: format!("Phase {p} | checks"),
            description: String::new(),
            stage: Stage::Checks,
            steps: (0..steps / PHASES)
                .map(|i| Step {
                    id: format!("step-{p}-{i}"),
                    title: format!("Step {i}"),
                    description: String::new(),
                    blocking: true,
                    source: None,
                    action: if i % 2 == 0 {
                        StepAction::Command(CommandParams {
                            program: "pytest".to_owned(),
                            ..CommandParams::default()
                        })
                    } else {
                        StepAction::Manual(ManualParams::default())
                    },
                })
                .collect(),
        })
        .collect();
    let plan = Plan {
        plan: PlanHeader {
            name: "bench".to_owned(),
            title: "Benchmark deployment".to_owned(),
            description: String::new(),
            environment: Some("staging".to_owned()),
            secrets: vec!["token".to_owned()],
            roles: Vec::new(),
            success_criteria: vec!["Everything passes".into()],
            waivers: None,
            signoff: None,
        },
        vars: BTreeMap::from([("token".to_owned(), "s3cr3t-token-value".to_owned())]),
        phases,
    };
    let steps: Vec<StepRecord> = plan
        .steps()
        .enumerate()
        .map(|(n, (phase, step))| step_record(n, &phase.id, step))
        .collect();
    let events: Vec<Event> = (1..=events)
        .map(|seq| Event {
            seq,
            at: time(i64::try_from(seq).unwrap_or(0)),
            kind: "step.finished".to_owned(),
            step_id: Some(format!("step-{}-{}", seq % 10, seq % 100)),
            message: format!("passed: step {seq} | all `good` <ok>"),
            state: None,
        })
        .collect();
    let commit = CommitInfo {
        id: "3b9d44fd5".repeat(4) + "abcd",
        short_id: "3b9d44fd5".to_owned(),
        summary: "Release".to_owned(),
        author: "Ana Lopez <ana@example.com>".to_owned(),
        time: time(0).fixed_offset(),
    };
    Run {
        header: RunHeader {
            id: "bench".to_owned(),
            plan_origin: PlanOrigin::Template("bench".to_owned()),
            plan_source: String::new(),
            plan_template: None,
            secrets_given: Vec::new(),
            plan_hash: "0".repeat(64),
            plan,
            repo_path: "/srv/app".to_owned(),
            facts: RepoFacts {
                path: "/srv/app".to_owned(),
                branch: Some("main".to_owned()),
                detached: false,
                bare: false,
                shallow: false,
                head: Some(commit.clone()),
                worktree: Worktree { clean: true, changes: Vec::new() },
                tags: Vec::new(),
                head_tags: Vec::new(),
                version: VersionFile {
                    file: "VERSION".to_owned(),
                    value: Some("1.0.0".to_owned()),
                    valid: true,
                    error: None,
                },
                latest_release: None,
                previous_release: None,
                changelog: Changelog {
                    file: "CHANGELOG.md".to_owned(),
                    has_entry: true,
                    heading: None,
                    line: None,
                    exists: true,
                },
                release_notes: Vec::new(),
                upstream: None,
                commits_since_previous_release: vec![commit; 200],
                warnings: Vec::new(),
            },
            version: "1.0.0".to_owned(),
            environment: "staging".to_owned(),
            operator: "Ana Lopez <ana@example.com>".to_owned(),
            dry_run: false,
            started_at: time(0),
        },
        status: RunStatus::Completed,
        outcome: Outcome::Go,
        finished_at: Some(time(3_600)),
        steps,
        events,
        rollback: None,
    }
}

fn step_record(n: usize, phase_id: &str, step: &Step) -> StepRecord {
    let start = time(i64::try_from(n).unwrap_or(0));
    let mut evidence = Evidence::default().fact("branch", "main").fact("free", "41.2 GB");
    evidence.measurements.push(Measurement {
        metric: "p95 latency".to_owned(),
        target: "< 200 ms".to_owned(),
        value: 84.5,
        unit: "ms".to_owned(),
        passed: true,
    });
    evidence.command = Some(CommandEvidence {
        program: "pytest".to_owned(),
        args: vec!["-q".to_owned(), "tests/".to_owned()],
        cwd: "/srv/app".to_owned(),
        exit_code: Some(0),
        timed_out: false,
        duration_ms: 1_250,
        stdout_excerpt: "test_a ... ok\n| x | y |\n```\n24 passed in 1.2s\n".repeat(5),
        stderr_excerpt: String::new(),
    });
    evidence.files.push(FileEvidence {
        path: "/srv/backups/app.db".to_owned(),
        size_bytes: 2_412_544,
        sha256: Some("ab".repeat(32)),
        modified: None,
    });
    StepRecord {
        phase_id: phase_id.to_owned(),
        step_id: step.id.clone(),
        title: step.title.clone(),
        kind: step.kind().to_owned(),
        blocking: step.blocking,
        status: StepStatus::Passed,
        summary: format!("Step {n} passed: 24 tests, all `green` | fine"),
        evidence,
        started_at: Some(start),
        finished_at: Some(start + chrono::Duration::milliseconds(1_250)),
        waiver: None,
        note: None,
        answered_by: None,
    }
}
