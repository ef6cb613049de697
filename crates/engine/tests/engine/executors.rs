//! Tests of `pilot_engine::run::executors`: every supported step kind against real things
//! (files in temp dirs, real processes, the real disks and memory of this machine).
//!
//! The git kinds answer from `RepoFacts`, so their tests build the facts value directly: that
//! pins the executors' behaviour independently of how the facts are read (tested in `repo`).

mod command;
mod files;
mod git;
mod system;

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use pilot_engine::plan::{Step, StepAction};
use pilot_engine::repo::{
    Changelog, CommitInfo, ReleaseTag, RepoFacts, TagInfo, Upstream, VersionFile, Worktree,
};
use pilot_engine::run::executors::{StepContext, execute};
use pilot_engine::run::{Evidence, StepOutcome};
use pilot_engine::{Clock, SystemClock};

/// The version every test run releases.
pub(crate) const VERSION: &str = "1.2.3";
pub(crate) const HEAD_ID: &str = "3f2a9c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
pub(crate) const PREVIOUS_ID: &str = "aa11bb22cc33dd44ee55ff6677889900aabbccdd";

/// A step of the given kind, blocking, as the runner hands it over (variables substituted).
pub(crate) fn step(action: StepAction) -> Step {
    Step {
        id: "under-test".into(),
        title: "Step under test".into(),
        description: String::new(),
        blocking: true,
        source: None,
        action,
    }
}

fn time(rfc3339: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap_or_default()
}

pub(crate) fn commit(id: &str, summary: &str) -> CommitInfo {
    CommitInfo {
        id: id.into(),
        short_id: id[..7].into(),
        summary: summary.into(),
        author: "Ada Lovelace <ada@example.com>".into(),
        time: time("2026-01-07T10:00:00+01:00"),
    }
}

pub(crate) fn tag(name: &str, target: &str, version: Option<&str>) -> TagInfo {
    TagInfo {
        name: name.into(),
        target: target.into(),
        annotated: true,
        time: Some(time("2026-01-07T10:00:00+01:00")),
        version: version.map(Into::into),
    }
}

/// Facts of a repository ready to release 1.2.3: clean, on main, tagged v1.2.3 at HEAD, level
/// with origin/main, VERSION, changelog and release notes in place, v1.2.2 two commits back.
pub(crate) fn ready_facts(repo: &Path) -> RepoFacts {
    RepoFacts {
        path: repo.display().to_string(),
        branch: Some("main".into()),
        detached: false,
        bare: false,
        shallow: false,
        head: Some(commit(HEAD_ID, "Release 1.2.3")),
        worktree: Worktree { clean: true, changes: vec![] },
        tags: vec![
            tag("v1.2.2", PREVIOUS_ID, Some("1.2.2")),
            tag("v1.2.3", HEAD_ID, Some("1.2.3")),
        ],
        head_tags: vec!["v1.2.3".into()],
        version: VersionFile {
            file: "VERSION".into(),
            value: Some(VERSION.into()),
            valid: true,
            error: None,
        },
        latest_release: Some(ReleaseTag {
            tag: "v1.2.3".into(),
            version: "1.2.3".into(),
            commit: HEAD_ID.into(),
        }),
        previous_release: Some(ReleaseTag {
            tag: "v1.2.2".into(),
            version: "1.2.2".into(),
            commit: PREVIOUS_ID.into(),
        }),
        changelog: Changelog {
            file: "CHANGELOG.md".into(),
            has_entry: true,
            heading: Some("## [1.2.3] - 2026-01-07".into()),
            line: Some(3),
            exists: true,
        },
        release_notes: vec!["docs/RELEASE_NOTES_1.2.3.md".into()],
        upstream: Some(Upstream { name: "origin/main".into(), ahead: 0, behind: 0 }),
        commits_since_previous_release: vec![
            commit(HEAD_ID, "Release 1.2.3"),
            commit("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "Fix login"),
        ],
        warnings: vec![],
    }
}

/// Execute `action` in `repo` with these facts, the system clock and no live output.
pub(crate) fn run_in(repo: &Path, facts: &RepoFacts, action: StepAction) -> StepOutcome {
    run_with(repo, facts, &SystemClock, &|_| {}, action)
}

/// Execute `action` with a chosen clock and live-output callback.
pub(crate) fn run_with(
    repo: &Path,
    facts: &RepoFacts,
    clock: &dyn Clock,
    output: &(dyn Fn(&str) + Sync),
    action: StepAction,
) -> StepOutcome {
    run_metered(repo, facts, clock, output, &|_| {}, action)
}

/// [`run_with`], also receiving the step's meter (progress bars).
pub(crate) fn run_metered(
    repo: &Path,
    facts: &RepoFacts,
    clock: &dyn Clock,
    output: &(dyn Fn(&str) + Sync),
    meter: &(dyn Fn(pilot_engine::run::Meter) + Sync),
    action: StepAction,
) -> StepOutcome {
    let backups = repo.join("backups");
    let ctx = StepContext {
        repo_path: repo,
        facts,
        version: VERSION,
        clock,
        output,
        meter,
        backups_dir: &backups,
        // Log scans in these tests look at the whole file.
        run_started_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
        plan: None,
        previous: &Evidence::default(),
        checkpoint: &|_: &Evidence, _: &str| Ok(()),
        redact: &|text: &str| text.to_string(),
    };
    execute(&step(action), &ctx)
}

/// A fresh temp dir for one test (parallel-safe).
pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("a temp dir is needed for the test: {e}"))
}
