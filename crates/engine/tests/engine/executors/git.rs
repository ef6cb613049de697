//! git.* kinds, answered from facts (and, for non-default files, from the work tree).

use std::fs;

use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::{
    GitBranchParams, GitChangelogParams, GitCleanParams, GitHeadParams, GitPreviousReleaseParams,
    GitReleaseNotesParams, GitTagParams, GitUpstreamParams, GitVersionParams,
};
use pilot_engine::repo::{Change, ChangeStatus, Upstream};
use pilot_engine::run::{StepOutcome, StepStatus};

use super::{HEAD_ID, PREVIOUS_ID, ready_facts, run_in, temp_dir};

fn change(path: &str, status: ChangeStatus) -> Change {
    Change { path: path.into(), status, staged: false, old_path: None, path_bytes_hex: None }
}

fn fact<'a>(outcome: &'a StepOutcome, label: &str) -> Option<&'a str> {
    outcome.evidence.facts.iter().find(|f| f.label == label).map(|f| f.value.as_str())
}

#[test]
fn clean_passes_on_a_clean_tree() {
    let dir = temp_dir();
    let out = run_in(
        dir.path(),
        &ready_facts(dir.path()),
        StepAction::GitClean(GitCleanParams::default()),
    );
    assert_eq!(out.status, StepStatus::Passed, "a clean tree passes: {}", out.summary);
    assert_eq!(fact(&out, "uncommitted changes"), Some("0"), "the count is evidence");
}

#[test]
fn clean_fails_listing_at_most_ten_changes_with_the_full_count() {
    let dir = temp_dir();
    let mut facts = ready_facts(dir.path());
    facts.worktree.clean = false;
    facts.worktree.changes =
        (0..12).map(|i| change(&format!("src/file{i:02}.py"), ChangeStatus::Modified)).collect();
    let out = run_in(dir.path(), &facts, StepAction::GitClean(GitCleanParams::default()));
    assert_eq!(out.status, StepStatus::Failed, "uncommitted changes fail the check");
    assert!(
        out.summary.starts_with("The working tree has 12 uncommitted changes (src/file00.py"),
        "the summary counts and names the changes: {}",
        out.summary
    );
    assert!(out.summary.contains("commit or stash them"), "and says what to do: {}", out.summary);
    assert_eq!(fact(&out, "uncommitted changes"), Some("12"), "full count in evidence");
    let listed = out.evidence.facts.iter().filter(|f| f.value.starts_with("src/file")).count();
    assert_eq!(listed, 10, "at most ten paths are listed");
    assert_eq!(fact(&out, "…"), Some("and 2 more"), "the rest is counted");
}

#[test]
fn clean_can_allow_untracked_files() {
    let dir = temp_dir();
    let mut facts = ready_facts(dir.path());
    facts.worktree.clean = false;
    facts.worktree.changes = vec![change("notes.txt", ChangeStatus::Untracked)];
    let strict = run_in(dir.path(), &facts, StepAction::GitClean(GitCleanParams::default()));
    assert_eq!(strict.status, StepStatus::Failed, "untracked files count by default");
    assert!(strict.summary.contains("1 uncommitted change (notes.txt)"), "{}", strict.summary);
    let lenient = StepAction::GitClean(GitCleanParams { allow_untracked: true });
    let out = run_in(dir.path(), &facts, lenient);
    assert_eq!(out.status, StepStatus::Passed, "allowed untracked files pass: {}", out.summary);
}

#[test]
fn branch_passes_fails_and_explains_a_detached_head() {
    let dir = temp_dir();
    let mut facts = ready_facts(dir.path());
    let expect_main = || StepAction::GitBranch(GitBranchParams { expect: "main".into() });
    let out = run_in(dir.path(), &facts, expect_main());
    assert_eq!(out.status, StepStatus::Passed, "on main: {}", out.summary);

    facts.branch = Some("develop".into());
    let out = run_in(dir.path(), &facts, expect_main());
    assert_eq!(out.status, StepStatus::Failed, "on develop, main expected");
    assert!(out.summary.contains("HEAD is on develop, not main"), "{}", out.summary);
    assert!(out.summary.contains("git switch main"), "says how to fix: {}", out.summary);

    facts.branch = None;
    facts.detached = true;
    let out = run_in(dir.path(), &facts, expect_main());
    assert_eq!(out.status, StepStatus::Failed, "a detached HEAD is on no branch");
    assert!(out.summary.contains("detached at 3f2a9c4"), "names the commit: {}", out.summary);
}

#[test]
fn head_matches_commit_prefixes_and_tags() {
    let dir = temp_dir();
    let facts = ready_facts(dir.path());
    let head = |commit: Option<&str>, tag: Option<&str>| {
        StepAction::GitHead(GitHeadParams {
            expect_commit: commit.map(Into::into),
            expect_tag: tag.map(Into::into),
        })
    };
    let out = run_in(dir.path(), &facts, head(Some("3F2A9C4"), Some("v1.2.3")));
    assert_eq!(out.status, StepStatus::Passed, "prefix (any case) and tag match: {}", out.summary);

    let out = run_in(dir.path(), &facts, head(Some("deadbeef"), None));
    assert_eq!(out.status, StepStatus::Failed, "another commit fails");
    assert!(out.summary.contains("HEAD is 3f2a9c4, not deadbeef"), "{}", out.summary);

    let out = run_in(dir.path(), &facts, head(Some(""), None));
    assert_eq!(out.status, StepStatus::Failed, "an empty prefix must not match everything");

    let out = run_in(dir.path(), &facts, head(None, Some("v1.2.2")));
    assert_eq!(out.status, StepStatus::Failed, "a tag elsewhere fails");
    assert!(
        out.summary.contains("Tag v1.2.2 points at aa11bb2, not at HEAD 3f2a9c4"),
        "says where the tag is: {}",
        out.summary
    );
    let out = run_in(dir.path(), &facts, head(None, Some("v9.9.9")));
    assert!(out.summary.contains("git tag v9.9.9"), "missing tag: how to make it: {}", out.summary);
}

#[test]
fn head_fails_clearly_on_an_empty_repository() {
    let dir = temp_dir();
    let mut facts = ready_facts(dir.path());
    facts.head = None;
    let params = GitHeadParams { expect_commit: Some("abc".into()), expect_tag: None };
    let out = run_in(dir.path(), &facts, StepAction::GitHead(params));
    assert_eq!(out.status, StepStatus::Failed, "no commits, no HEAD");
    assert!(out.summary.contains("no commits yet"), "{}", out.summary);
}

#[test]
fn version_from_facts_passes_mismatches_and_reports_invalid_values() {
    let dir = temp_dir();
    let mut facts = ready_facts(dir.path());
    let default = || StepAction::GitVersion(GitVersionParams::default());
    let out = run_in(dir.path(), &facts, default());
    assert_eq!(out.status, StepStatus::Passed, "VERSION holds the run's version: {}", out.summary);

    facts.version.value = Some("1.2.2".into());
    let out = run_in(dir.path(), &facts, default());
    assert_eq!(out.status, StepStatus::Failed, "an old VERSION fails");
    assert!(
        out.summary.contains("VERSION says 1.2.2, but this run releases 1.2.3"),
        "{}",
        out.summary
    );

    facts.version.value = Some("one.two".into());
    facts.version.valid = false;
    facts.version.error = Some("\"one.two\" is not a semver version".into());
    let out = run_in(dir.path(), &facts, default());
    assert_eq!(out.status, StepStatus::Failed, "an invalid VERSION fails");
    assert!(
        out.summary.contains("\"one.two\" is not a semver version"),
        "facts' error: {}",
        out.summary
    );
}

#[test]
fn version_reads_a_non_default_file_from_the_work_tree() {
    let dir = temp_dir();
    let facts = ready_facts(dir.path());
    let file = |expect: Option<&str>| {
        StepAction::GitVersion(GitVersionParams {
            file: Some("app/version.txt".into()),
            expect: expect.map(Into::into),
        })
    };
    let out = run_in(dir.path(), &facts, file(None));
    assert_eq!(out.status, StepStatus::Failed, "a missing file fails");
    assert!(out.summary.contains("app/version.txt could not be read"), "{}", out.summary);

    fs::create_dir_all(dir.path().join("app")).expect("create app/");
    fs::write(dir.path().join("app/version.txt"), "\u{feff}v1.2.3\r\n").expect("write version");
    let out = run_in(dir.path(), &facts, file(None));
    assert_eq!(out.status, StepStatus::Passed, "BOM, v and CRLF are tolerated: {}", out.summary);

    let out = run_in(dir.path(), &facts, file(Some("2.0.0")));
    assert!(
        out.summary.contains("the plan expects 2.0.0"),
        "explicit expectation: {}",
        out.summary
    );

    fs::write(dir.path().join("app/version.txt"), "1.2").expect("write version");
    let out = run_in(dir.path(), &facts, file(None));
    assert_eq!(out.status, StepStatus::Failed, "1.2 is not semver");
    assert!(out.summary.contains("is not a semver version"), "{}", out.summary);
}

#[test]
fn changelog_uses_facts_by_default() {
    let dir = temp_dir();
    let mut facts = ready_facts(dir.path());
    let default = || StepAction::GitChangelog(GitChangelogParams::default());
    let out = run_in(dir.path(), &facts, default());
    assert_eq!(out.status, StepStatus::Passed, "entry in facts: {}", out.summary);
    assert!(out.summary.contains("line 3"), "where the entry is: {}", out.summary);

    facts.changelog.has_entry = false;
    facts.changelog.heading = None;
    let out = run_in(dir.path(), &facts, default());
    assert_eq!(out.status, StepStatus::Failed, "no entry fails");
    assert!(out.summary.contains("has no entry for 1.2.3"), "{}", out.summary);

    facts.changelog.exists = false;
    let out = run_in(dir.path(), &facts, default());
    assert!(out.summary.contains("does not exist"), "missing file: {}", out.summary);
}

#[test]
fn changelog_checks_a_non_default_file_or_version_by_heading() {
    let dir = temp_dir();
    let facts = ready_facts(dir.path());
    fs::write(
        dir.path().join("HISTORY.md"),
        "# History\r\n\r\n## 2.0.10\r\n\r\n## [2.0.1] - 2026-02-01\r\n- fix\r\n",
    )
    .expect("write HISTORY.md");
    let check = |version: &str| {
        StepAction::GitChangelog(GitChangelogParams {
            file: Some("HISTORY.md".into()),
            version: Some(version.into()),
        })
    };
    let out = run_in(dir.path(), &facts, check("2.0.1"));
    assert_eq!(out.status, StepStatus::Passed, "entry found: {}", out.summary);
    assert!(out.summary.contains("line 5"), "2.0.10 is not 2.0.1: {}", out.summary);
    let out = run_in(dir.path(), &facts, check("2.0.2"));
    assert_eq!(out.status, StepStatus::Failed, "no entry for 2.0.2");
}

#[test]
fn release_notes_from_facts_and_from_a_custom_pattern() {
    let dir = temp_dir();
    let mut facts = ready_facts(dir.path());
    let out =
        run_in(dir.path(), &facts, StepAction::GitReleaseNotes(GitReleaseNotesParams::default()));
    assert_eq!(out.status, StepStatus::Passed, "facts list notes: {}", out.summary);
    facts.release_notes.clear();
    let out =
        run_in(dir.path(), &facts, StepAction::GitReleaseNotes(GitReleaseNotesParams::default()));
    assert_eq!(out.status, StepStatus::Failed, "no notes fails");
    assert!(out.summary.contains("RELEASE_NOTES*1.2.3*.md"), "names the pattern: {}", out.summary);

    let custom = || {
        StepAction::GitReleaseNotes(GitReleaseNotesParams {
            pattern: Some("notes-{{version}}.md".into()),
        })
    };
    let out = run_in(dir.path(), &facts, custom());
    assert_eq!(out.status, StepStatus::Failed, "nothing matches yet");
    fs::create_dir_all(dir.path().join("docs")).expect("create docs/");
    fs::write(dir.path().join("docs/notes-1.2.3.md"), "# 1.2.3\n").expect("write notes");
    let out = run_in(dir.path(), &facts, custom());
    assert_eq!(out.status, StepStatus::Passed, "found under docs/: {}", out.summary);
    assert_eq!(out.evidence.files[0].path, "docs/notes-1.2.3.md", "relative, /-separated");
}

#[test]
fn upstream_limits_and_the_no_upstream_case() {
    let dir = temp_dir();
    let mut facts = ready_facts(dir.path());
    let check = |max_behind, max_ahead, require_upstream| {
        StepAction::GitUpstream(GitUpstreamParams { max_behind, max_ahead, require_upstream })
    };
    let out = run_in(dir.path(), &facts, check(0, Some(0), true));
    assert_eq!(out.status, StepStatus::Passed, "level with origin/main: {}", out.summary);

    facts.upstream = Some(Upstream { name: "origin/main".into(), ahead: 2, behind: 3 });
    let out = run_in(dir.path(), &facts, check(0, None, false));
    assert_eq!(out.status, StepStatus::Failed, "behind fails");
    assert!(out.summary.contains("main is 3 commits behind origin/main"), "{}", out.summary);
    assert!(out.summary.contains("git pull"), "says how: {}", out.summary);
    let out = run_in(dir.path(), &facts, check(5, Some(1), false));
    assert!(out.summary.contains("2 commits ahead"), "ahead limit: {}", out.summary);
    let out = run_in(dir.path(), &facts, check(5, Some(2), false));
    assert_eq!(out.status, StepStatus::Passed, "within limits: {}", out.summary);

    facts.upstream = None;
    let out = run_in(dir.path(), &facts, check(0, None, false));
    // As docs/plan-format.md says: no upstream warns (it never passes: nothing was compared).
    assert_eq!(out.status, StepStatus::Warned, "no upstream warns by default: {}", out.summary);
    assert!(out.summary.contains("no upstream branch"), "{}", out.summary);
    assert!(out.summary.contains("git push -u origin"), "says what to do: {}", out.summary);
    let out = run_in(dir.path(), &facts, check(0, None, true));
    assert_eq!(out.status, StepStatus::Failed, "unless an upstream is required");
}

#[test]
fn tag_exists_and_at_head() {
    let dir = temp_dir();
    let facts = ready_facts(dir.path());
    let check =
        |name: &str, at_head| StepAction::GitTag(GitTagParams { name: name.into(), at_head });
    let out = run_in(dir.path(), &facts, check("v1.2.3", true));
    assert_eq!(out.status, StepStatus::Passed, "v1.2.3 is at HEAD: {}", out.summary);
    let out = run_in(dir.path(), &facts, check("v1.2.2", false));
    assert_eq!(out.status, StepStatus::Passed, "v1.2.2 exists: {}", out.summary);
    let out = run_in(dir.path(), &facts, check("v1.2.2", true));
    assert_eq!(out.status, StepStatus::Failed, "v1.2.2 is not at HEAD");
    assert!(out.summary.contains("points at aa11bb2, not at HEAD 3f2a9c4"), "{}", out.summary);
    let out = run_in(dir.path(), &facts, check("v2.0.0", false));
    assert_eq!(out.status, StepStatus::Failed, "a missing tag fails");
    assert!(out.summary.contains("git tag v2.0.0"), "{}", out.summary);
}

#[test]
fn previous_release_evidence_and_missing_release() {
    let dir = temp_dir();
    let mut facts = ready_facts(dir.path());
    let check = || StepAction::GitPreviousRelease(GitPreviousReleaseParams {});
    let out = run_in(dir.path(), &facts, check());
    assert_eq!(out.status, StepStatus::Passed, "v1.2.2 is the previous release: {}", out.summary);
    assert_eq!(fact(&out, "previous release"), Some("v1.2.2"), "tag in evidence");
    assert_eq!(fact(&out, "version"), Some("1.2.2"), "version in evidence");
    assert_eq!(fact(&out, "commits since"), Some("2"), "commit count in evidence");
    assert_eq!(fact(&out, "commit"), Some(PREVIOUS_ID), "commit in evidence");
    assert_ne!(PREVIOUS_ID, HEAD_ID, "fixture sanity");

    facts.previous_release = None;
    facts.shallow = true;
    let out = run_in(dir.path(), &facts, check());
    assert_eq!(out.status, StepStatus::Failed, "no previous release fails");
    assert!(out.summary.contains("git fetch --unshallow"), "shallow clone hint: {}", out.summary);
}
