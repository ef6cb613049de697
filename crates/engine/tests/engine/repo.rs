//! Tests of `pilot_engine::repo`: every fact is compared with what the git command line says
//! about the same repository.

use std::collections::BTreeSet;
use std::path::Path;

use pilot_engine::repo::{ChangeStatus, InspectOptions, RepoError, RepoFacts, inspect};

use crate::common::{GitRepo, git_in, git_output_in, git_raw_in};

/// A change as a comparable triple: path, status name, staged.
type ChangeKey = (String, String, bool);

fn key(path: &str, status: ChangeStatus, staged: bool) -> ChangeKey {
    (path.to_owned(), format!("{status:?}"), staged)
}

fn read(path: &Path) -> RepoFacts {
    inspect(path, &InspectOptions::default())
        .unwrap_or_else(|error| panic!("inspect {} should succeed: {error}", path.display()))
}

/// Parse `git status --porcelain=v1 -z --untracked-files=all` into change triples: the index
/// column gives staged changes, the work-tree column unstaged ones, as the engine reports them.
fn git_status(dir: &Path) -> BTreeSet<ChangeKey> {
    let raw = git_raw_in(dir, &["status", "--porcelain=v1", "-z", "--untracked-files=all"]);
    let mut fields = raw.split(|byte| *byte == 0).filter(|field| !field.is_empty());
    let mut changes = BTreeSet::new();
    while let Some(field) = fields.next() {
        let (x, y) = (field[0] as char, field[1] as char);
        let path = String::from_utf8_lossy(&field[3..]).into_owned();
        if x == 'R' || x == 'C' {
            fields.next(); // the old path
        }
        let unmerged = x == 'U' || y == 'U' || (x == 'A' && y == 'A') || (x == 'D' && y == 'D');
        if unmerged {
            changes.insert(key(&path, ChangeStatus::Conflicted, false));
            continue;
        }
        if x == '?' {
            changes.insert(key(&path, ChangeStatus::Untracked, false));
            continue;
        }
        if let Some(status) = porcelain_status(x) {
            changes.insert(key(&path, status, true));
        }
        if let Some(status) = porcelain_status(y) {
            changes.insert(key(&path, status, false));
        }
    }
    changes
}

fn porcelain_status(column: char) -> Option<ChangeStatus> {
    match column {
        'A' => Some(ChangeStatus::Added),
        'M' => Some(ChangeStatus::Modified),
        'D' => Some(ChangeStatus::Deleted),
        'R' => Some(ChangeStatus::Renamed),
        'T' => Some(ChangeStatus::Typechange),
        _ => None,
    }
}

fn engine_status(facts: &RepoFacts) -> BTreeSet<ChangeKey> {
    facts.worktree.changes.iter().map(|c| key(&c.path, c.status, c.staged)).collect()
}

/// Compare HEAD, branch, status and tags with git: the facts every repository has.
fn assert_matches_git(dir: &Path, facts: &RepoFacts) {
    let head = git_in(dir, &["log", "-1", "--format=%H%n%h%n%s%n%an <%ae>%n%aI"]);
    let head: Vec<&str> = head.lines().collect();
    let info = facts.head.as_ref().unwrap_or_else(|| panic!("a repository with commits has HEAD"));
    assert_eq!(info.id, head[0], "HEAD id as git rev-parse HEAD");
    assert_eq!(info.short_id, git_in(dir, &["rev-parse", "--short", "HEAD"]), "short id");
    assert_eq!(info.summary, head[2], "summary as git log %s");
    assert_eq!(info.author, head[3], "author as git log %an <%ae>");
    assert_eq!(info.time.to_rfc3339(), head[4], "author time with its offset as git %aI");

    // `symbolic-ref -q` exits 1 with no output when HEAD is detached.
    let branch = git_output_in(dir, &["symbolic-ref", "--short", "-q", "HEAD"]).stdout;
    let branch = String::from_utf8_lossy(&branch).trim_end().to_owned();
    let expected_branch = (!branch.is_empty()).then_some(branch);
    assert_eq!(facts.branch, expected_branch, "branch as git symbolic-ref --short");
    assert_eq!(facts.detached, facts.branch.is_none(), "detached exactly when there is no branch");

    assert_eq!(engine_status(facts), git_status(dir), "work tree as git status --porcelain");
    assert_eq!(facts.worktree.clean, facts.worktree.changes.is_empty(), "clean = no changes");

    let listed = git_in(
        dir,
        &[
            "for-each-ref",
            "refs/tags",
            "--sort=refname",
            "--format=%(refname:strip=2) %(objecttype) %(objectname) %(creatordate:iso-strict)",
        ],
    );
    // The target of an annotated tag is the object it peels to fully: asked of git with `^{}`,
    // since `%(*objectname)` peels one level in git 2.39 (Debian's) and fully in newer ones.
    let expected: Vec<(String, bool, String, String)> = listed
        .lines()
        .map(|line| {
            let parts: Vec<&str> = line.split(' ').collect();
            let annotated = parts[1] == "tag";
            let target = if annotated {
                git_in(dir, &["rev-parse", &format!("refs/tags/{}^{{}}", parts[0])])
            } else {
                parts[2].to_owned()
            };
            (parts[0].to_owned(), annotated, target, parts[3].to_owned())
        })
        .collect();
    let actual: Vec<(String, bool, String, String)> = facts
        .tags
        .iter()
        .map(|tag| {
            let time = tag.time.map(|time| time.to_rfc3339()).unwrap_or_default();
            (tag.name.clone(), tag.annotated, tag.target.clone(), time)
        })
        .collect();
    assert_eq!(actual, expected, "tags as git for-each-ref refs/tags (name, kind, peeled, date)");

    // The tags at HEAD are those that peel fully to HEAD's commit. (`git tag --points-at`
    // peels one level only in git 2.39, so a tag of a tag of HEAD is missed there.)
    let head = git_in(dir, &["rev-parse", "HEAD"]);
    let mut expected_head_tags: Vec<&str> = expected
        .iter()
        .filter(|(_, _, target, _)| *target == head)
        .map(|(name, _, _, _)| name.as_str())
        .collect();
    expected_head_tags.sort_unstable();
    assert_eq!(facts.head_tags, expected_head_tags, "head tags: every tag git peels fully to HEAD");
}

fn git_rev_list(dir: &Path, range: &str) -> Vec<String> {
    git_in(dir, &["rev-list", range]).lines().map(str::to_owned).collect()
}

fn commit_ids(facts: &RepoFacts) -> Vec<String> {
    facts.commits_since_previous_release.iter().map(|c| c.id.clone()).collect()
}

/// The acceptance repository: annotated and lightweight tags, a non-semver tag, a dirty file,
/// an untracked file, a staged file and a branch one commit ahead of its upstream.
fn acceptance_repo() -> GitRepo {
    let repo = GitRepo::init();
    repo.commit_file("README.md", "# Service\n", "Initial commit");
    repo.git(&["tag", "-a", "v1.0.0", "-m", "Release 1.0.0"]);
    repo.commit_file("src/main.rs", "fn main() {}\n", "Add the service");
    repo.git(&["tag", "v1.1.0"]);
    repo.commit_file("src/lib.rs", "// lib\n", "Add the library");
    repo.git(&["tag", "deploy-staging"]);
    repo.commit_file("VERSION", "1.2.0\n", "Bump to 1.2.0");
    repo.commit_file("CHANGELOG.md", "# Changelog\n\n## [1.2.0] - 2026-01-07\n- lib\n", "Log");
    let origin = repo.scratch("origin.git");
    git_in(repo.temp.path(), &["init", "-q", "--bare", "-b", "main", "origin.git"]);
    repo.git(&["remote", "add", "origin", &origin.to_string_lossy()]);
    repo.git(&["push", "-q", "-u", "origin", "main"]);
    repo.commit_file("src/main.rs", "fn main() { run() }\n", "Run the service");
    repo.write("README.md", "# Service\n\nDirty.\n");
    repo.write("notes.txt", "untracked\n");
    repo.write("staged.txt", "staged\n");
    repo.git(&["add", "staged.txt"]);
    repo
}

#[test]
fn acceptance_repository_matches_git() {
    let repo = acceptance_repo();
    let facts = read(&repo.path);
    assert_matches_git(&repo.path, &facts);
    assert!(!facts.worktree.clean, "dirty, untracked and staged files make the tree unclean");
    assert_eq!(facts.worktree.changes.len(), 3, "README modified, notes untracked, staged added");

    let tags: Vec<(&str, Option<&str>)> =
        facts.tags.iter().map(|t| (t.name.as_str(), t.version.as_deref())).collect();
    assert_eq!(
        tags,
        [("deploy-staging", None), ("v1.0.0", Some("1.0.0")), ("v1.1.0", Some("1.1.0"))],
        "non-semver tags are listed without a version"
    );
    let latest = facts.latest_release.as_ref().map(|r| r.tag.as_str());
    assert_eq!(latest, Some("v1.1.0"), "the highest reachable semver tag, never deploy-staging");
    let previous = facts.previous_release.clone().unwrap_or_else(|| panic!("v1.1.0 < 1.2.0"));
    assert_eq!(previous.tag, "v1.1.0", "highest release below VERSION 1.2.0");
    assert_eq!(previous.commit, git_in(&repo.path, &["rev-parse", "v1.1.0^{commit}"]), "commit");
    assert_eq!(commit_ids(&facts), git_rev_list(&repo.path, "v1.1.0..HEAD"), "as git rev-list");

    assert_eq!(facts.version.value.as_deref(), Some("1.2.0"), "VERSION read from the work tree");
    assert!(facts.version.valid, "1.2.0 is valid");
    assert!(facts.changelog.exists && facts.changelog.has_entry, "CHANGELOG has ## [1.2.0]");
    assert_eq!(facts.changelog.line, Some(3), "the entry is on line 3");

    let upstream = facts.upstream.clone().unwrap_or_else(|| panic!("main tracks origin/main"));
    let counts = git_in(&repo.path, &["rev-list", "--left-right", "--count", "@{u}...HEAD"]);
    assert_eq!(upstream.name, "origin/main", "upstream short name");
    assert_eq!(format!("{}\t{}", upstream.behind, upstream.ahead), counts, "as git rev-list");
    assert_eq!((upstream.ahead, upstream.behind), (1, 0), "one commit ahead, none behind");
    assert!(facts.warnings.is_empty(), "nothing odd here: {:?}", facts.warnings);
}

#[test]
fn json_field_names_are_the_contract() {
    let repo = acceptance_repo();
    let json = serde_json::to_value(read(&repo.path)).unwrap_or_default();
    for field in [
        "path",
        "branch",
        "detached",
        "bare",
        "shallow",
        "head",
        "worktree",
        "tags",
        "head_tags",
        "version",
        "latest_release",
        "previous_release",
        "changelog",
        "release_notes",
        "upstream",
        "commits_since_previous_release",
        "warnings",
    ] {
        assert!(json.get(field).is_some(), "the JSON carries {field}");
    }
    assert_eq!(json["worktree"]["changes"][0]["status"], "modified", "lowercase statuses");
}

#[test]
fn staged_then_modified_file_appears_twice() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "one\n", "Add a");
    repo.write("a.txt", "two\n");
    repo.git(&["add", "a.txt"]);
    repo.write("a.txt", "three\n");
    let facts = read(&repo.path);
    assert_matches_git(&repo.path, &facts);
    let staged: Vec<bool> = facts.worktree.changes.iter().map(|c| c.staged).collect();
    assert_eq!(staged, [true, false], "one staged and one work-tree change, staged first");
}

#[test]
fn untracked_folders_list_their_files() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "a\n", "Add a");
    repo.write("new/deep/one.txt", "1\n");
    repo.write("new/two.txt", "2\n");
    repo.write(".gitignore", "*.log\n");
    repo.write("new/ignored.log", "no\n");
    let facts = read(&repo.path);
    assert_matches_git(&repo.path, &facts);
    let paths: Vec<&str> = facts.worktree.changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, [".gitignore", "new/deep/one.txt", "new/two.txt"], "files, not folders");
}

#[test]
fn renames_deletions_and_typechanges_match_git() {
    let repo = GitRepo::init();
    repo.commit_file("old.txt", "same content for rename detection\n", "Add old");
    repo.commit_file("gone.txt", "bye\n", "Add gone");
    repo.commit_file("kind.txt", "file\n", "Add kind");
    repo.git(&["mv", "old.txt", "new.txt"]);
    std::fs::remove_file(repo.path.join("gone.txt")).unwrap_or_default();
    #[cfg(unix)]
    {
        std::fs::remove_file(repo.path.join("kind.txt")).unwrap_or_default();
        std::os::unix::fs::symlink("new.txt", repo.path.join("kind.txt")).unwrap_or_default();
    }
    let facts = read(&repo.path);
    assert_matches_git(&repo.path, &facts);
    let renamed = facts.worktree.changes.iter().find(|c| c.status == ChangeStatus::Renamed);
    let renamed = renamed.unwrap_or_else(|| panic!("git mv is a staged rename"));
    assert_eq!(
        (renamed.path.as_str(), renamed.old_path.as_deref(), renamed.staged),
        ("new.txt", Some("old.txt"), true),
        "the rename names both paths"
    );
}

#[test]
fn conflicted_file_is_one_conflicted_change() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "base\n", "Base");
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.commit_file("a.txt", "other\n", "Other");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file("a.txt", "main\n", "Main");
    let merge = repo.git_output(&["merge", "-q", "other"]);
    assert!(!merge.status.success(), "the merge must conflict for this test");
    let facts = read(&repo.path);
    assert_matches_git(&repo.path, &facts);
    let statuses: Vec<(ChangeStatus, bool)> =
        facts.worktree.changes.iter().map(|c| (c.status, c.staged)).collect();
    assert_eq!(statuses, [(ChangeStatus::Conflicted, false)], "one unresolved change");
}

#[test]
fn empty_repository_has_its_unborn_branch_and_untracked_files() {
    let repo = GitRepo::init();
    repo.write("first.txt", "hello\n");
    let facts = read(&repo.path);
    assert_eq!(facts.branch.as_deref(), Some("main"), "the unborn branch HEAD names");
    assert!(!facts.detached, "an unborn branch is not detached");
    assert!(facts.head.is_none(), "no commit yet");
    assert!(facts.tags.is_empty() && facts.head_tags.is_empty(), "no tags");
    assert!(facts.commits_since_previous_release.is_empty(), "no commits");
    assert!(facts.latest_release.is_none() && facts.upstream.is_none(), "nothing to compare");
    assert_eq!(engine_status(&facts), git_status(&repo.path), "untracked files as git shows");
    assert_eq!(facts.version.error.as_deref(), Some("no VERSION file"), "missing VERSION");
}

#[test]
fn bare_repository_reads_version_from_head() {
    let repo = acceptance_repo();
    let bare = repo.scratch("bare.git");
    git_in(repo.temp.path(), &["clone", "-q", "--bare", "project", "bare.git"]);
    let facts = read(&bare);
    assert!(facts.bare, "a bare clone is bare");
    assert!(facts.worktree.clean && facts.worktree.changes.is_empty(), "no work tree");
    assert_eq!(facts.version.value.as_deref(), Some("1.2.0"), "VERSION from HEAD's tree");
    assert!(facts.changelog.has_entry, "CHANGELOG from HEAD's tree");
    let head = facts.head.map(|h| h.id).unwrap_or_default();
    assert_eq!(head, git_in(&bare, &["rev-parse", "HEAD"]), "HEAD as git says");
    assert_eq!(facts.tags.len(), 3, "tags are cloned");
    assert!(Path::new(&facts.path).ends_with("bare.git"), "path is the git dir: {}", facts.path);
}

#[test]
fn shallow_clone_walks_up_to_the_boundary() {
    let repo = GitRepo::init();
    for n in 0..6 {
        repo.commit_file("n.txt", &format!("{n}\n"), &format!("Commit {n}"));
        if n == 1 {
            repo.git(&["tag", "v0.1.0"]);
        }
    }
    let url = format!("file://{}", repo.path.display());
    git_in(repo.temp.path(), &["clone", "-q", "--depth", "3", &url, "shallow"]);
    let shallow = repo.scratch("shallow");
    let facts = read(&shallow);
    assert!(facts.shallow, "a --depth clone is shallow");
    assert_matches_git(&shallow, &facts);
    assert!(facts.previous_release.is_none(), "the release tag is outside the clone");
    assert_eq!(commit_ids(&facts), git_rev_list(&shallow, "HEAD"), "the commits present");
    assert_eq!(facts.commits_since_previous_release.len(), 3, "depth 3");
}

#[test]
fn detached_head_has_no_branch() {
    let repo = GitRepo::init();
    let first = repo.commit_file("a.txt", "1\n", "One");
    repo.git(&["tag", "-a", "v1.0.0", "-m", "one"]);
    repo.commit_file("a.txt", "2\n", "Two");
    repo.git(&["checkout", "-q", "--detach", "v1.0.0"]);
    let facts = read(&repo.path);
    assert_matches_git(&repo.path, &facts);
    assert!(facts.detached && facts.branch.is_none(), "detached at the tag");
    assert_eq!(facts.head.map(|h| h.id), Some(first), "HEAD is the tagged commit");
    assert_eq!(facts.head_tags, ["v1.0.0"], "the annotated tag points at HEAD");
    assert!(facts.upstream.is_none(), "no branch, no upstream");
}

#[test]
fn dirty_submodule_shows_as_modified() {
    let sub = GitRepo::init();
    sub.commit_file("lib.txt", "lib\n", "Lib");
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "a\n", "A");
    let url = sub.path.to_string_lossy().into_owned();
    repo.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", &url, "vendor/lib"]);
    repo.git(&["commit", "-q", "-m", "Add submodule"]);
    std::fs::write(repo.path.join("vendor/lib/lib.txt"), "changed\n").unwrap_or_default();
    let facts = read(&repo.path);
    assert_matches_git(&repo.path, &facts);
    let keys = engine_status(&facts);
    assert!(
        keys.contains(&key("vendor/lib", ChangeStatus::Modified, false)),
        "the submodule path is modified: {keys:?}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn non_utf8_file_name_keeps_its_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "a\n", "A");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(repo.path.join(name), "latin-1\n").unwrap_or_default();
    let facts = read(&repo.path);
    let change = facts.worktree.changes.first().unwrap_or_else(|| panic!("one untracked file"));
    assert_eq!(change.path, "caf\u{fffd}.txt", "lossy path for display");
    assert_eq!(change.path_bytes_hex.as_deref(), Some("636166e92e747874"), "exact bytes kept");
    assert_eq!(change.status, ChangeStatus::Untracked, "untracked");
    let raw = git_raw_in(&repo.path, &["status", "--porcelain=v1", "-z", "--untracked-files=all"]);
    assert_eq!(raw, b"?? caf\xe9.txt\0", "git sees the same single file");
}

#[test]
fn unusual_file_names_match_git() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "a\n", "A");
    repo.write("with space.txt", "1\n");
    repo.write("ünïcødé.md", "2\n");
    repo.write("-leading-dash", "3\n");
    #[cfg(unix)]
    repo.write("new\nline", "4\n");
    repo.write("a.txt", "changed\n");
    let facts = read(&repo.path);
    assert_matches_git(&repo.path, &facts);
    let paths: Vec<&str> = facts.worktree.changes.iter().map(|c| c.path.as_str()).collect();
    assert!(paths.contains(&"ünïcødé.md"), "unicode names are kept as written: {paths:?}");
}

#[test]
fn not_a_repository_missing_and_subfolder() {
    let temp = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
    let plain = temp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap_or_default();
    match inspect(&plain, &InspectOptions::default()) {
        Err(RepoError::NotARepository { path }) => assert_eq!(path, plain, "error names path"),
        other => panic!("a plain folder is not a repository: {other:?}"),
    }
    let missing = temp.path().join("missing");
    match inspect(&missing, &InspectOptions::default()) {
        Err(RepoError::Missing { path }) => assert_eq!(path, missing, "error names the path"),
        other => panic!("a missing folder is Missing: {other:?}"),
    }
    let repo = GitRepo::init();
    repo.commit_file("src/deep/a.txt", "a\n", "A");
    let facts = read(&repo.path.join("src/deep"));
    let root = git_in(&repo.path, &["rev-parse", "--show-toplevel"]);
    assert_eq!(facts.path, root, "a subfolder opens the repository at its work-tree root");
}

#[test]
fn tags_of_trees_and_blobs_are_listed_not_released() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "a\n", "A");
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
    let blob = repo.git(&["rev-parse", "HEAD:a.txt"]);
    repo.git(&["tag", "v9.0.0", &tree]);
    repo.git(&["tag", "-a", "v9.1.0", "-m", "blob", &blob]);
    repo.git(&["tag", "-a", "inner", "-m", "inner"]);
    repo.git(&["tag", "-a", "v0.1.0", "-m", "tag of a tag", "inner"]);
    let facts = read(&repo.path);
    assert_matches_git(&repo.path, &facts);
    assert_eq!(git_in(&repo.path, &["cat-file", "-t", "v9.0.0"]), "tree", "setup: tree tag");
    let target = |name: &str| facts.tags.iter().find(|t| t.name == name).map(|t| t.target.clone());
    assert_eq!(target("v9.0.0"), Some(tree), "a tree tag targets the tree");
    assert_eq!(target("v9.1.0"), Some(blob), "an annotated blob tag targets the blob");
    let latest = facts.latest_release.map(|r| r.tag);
    assert_eq!(latest.as_deref(), Some("v0.1.0"), "only commit tags are releases; nested peel");
}

#[test]
fn latest_is_the_highest_reachable_version_not_the_nearest() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "1\n", "One");
    repo.git(&["tag", "v2.0.0"]);
    repo.commit_file("a.txt", "2\n", "Two");
    repo.git(&["tag", "v1.9.9"]); // a late hotfix of an older line, nearest to HEAD
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.commit_file("b.txt", "side\n", "Side");
    repo.git(&["tag", "v3.0.0"]); // higher but not reachable from main
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file("a.txt", "3\n", "Three");
    let facts = read(&repo.path);
    let latest = facts.latest_release.as_ref().map(|r| r.tag.as_str());
    assert_eq!(latest, Some("v2.0.0"), "highest reachable; v3.0.0 is on another line");
    // No VERSION: the previous release is the latest one that is not HEAD itself.
    let previous = facts.previous_release.as_ref().map(|r| r.tag.as_str());
    assert_eq!(previous, Some("v2.0.0"), "without a target, latest not at HEAD");
    assert_eq!(commit_ids(&facts), git_rev_list(&repo.path, "v2.0.0..HEAD"), "since v2.0.0");
}

#[test]
fn previous_release_is_below_the_target_version() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "1\n", "One");
    repo.git(&["tag", "v1.0.0"]);
    repo.commit_file("a.txt", "2\n", "Two");
    repo.git(&["tag", "1.1.0-rc.1"]);
    repo.commit_file("VERSION", "v1.1.0\n", "Release 1.1.0");
    repo.git(&["tag", "-a", "v1.1.0", "-m", "1.1.0"]);
    let facts = read(&repo.path);
    assert_eq!(facts.latest_release.map(|r| r.tag).as_deref(), Some("v1.1.0"), "HEAD's tag");
    let previous = facts.previous_release.map(|r| r.tag);
    assert_eq!(previous.as_deref(), Some("1.1.0-rc.1"), "a pre-release is below 1.1.0");
    assert_eq!(facts.head_tags, ["v1.1.0"], "the release tag is on HEAD");

    let options = InspectOptions { target_version: Some("v1.0.1".into()), ..Default::default() };
    let facts = inspect(&repo.path, &options).unwrap_or_else(|e| panic!("inspect: {e}"));
    let previous = facts.previous_release.map(|r| r.tag);
    assert_eq!(previous.as_deref(), Some("v1.0.0"), "the caller's target overrides VERSION");
}

#[test]
fn invalid_version_has_no_target_and_says_why() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "1\n", "One");
    repo.git(&["tag", "v1.0.0"]);
    repo.write_bytes("VERSION", b"\xEF\xBB\xBFv1.2\r\n");
    repo.commit_file("CHANGELOG.md", "## [1.2] - soon\n", "Log");
    let facts = read(&repo.path);
    assert_eq!(facts.version.value.as_deref(), Some("1.2"), "kept as written, BOM and v gone");
    assert!(!facts.version.valid, "1.2 is not semver");
    assert!(facts.version.error.is_some(), "the error says why");
    let previous = facts.previous_release.map(|r| r.tag);
    assert_eq!(previous.as_deref(), Some("v1.0.0"), "falls back to the latest release not at HEAD");
    assert!(facts.changelog.has_entry, "the entry for the value as written is still found");
}

#[test]
fn upstream_absent_or_missing() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "1\n", "One");
    assert!(read(&repo.path).upstream.is_none(), "no upstream configured");
    repo.git(&["config", "branch.main.remote", "origin"]);
    repo.git(&["config", "branch.main.merge", "refs/heads/main"]);
    repo.git(&["config", "remote.origin.url", "/nowhere"]);
    repo.git(&["config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"]);
    let facts = read(&repo.path);
    assert!(facts.upstream.is_none(), "configured but never fetched");
    assert_eq!(facts.warnings.len(), 1, "one warning: {:?}", facts.warnings);
    assert!(facts.warnings[0].contains("refs/remotes/origin/main"), "names the missing ref");
}

#[test]
fn release_notes_match_the_pattern_at_root_and_docs() {
    let repo = GitRepo::init();
    repo.commit_file("VERSION", "2.0.0\n", "Version");
    repo.write("RELEASE_NOTES_2.0.0.md", "notes\n");
    repo.write("docs/RELEASE_NOTES-v2.0.0-final.md", "notes\n");
    repo.write("RELEASE_NOTES_1.0.0.md", "old\n");
    repo.write("other/RELEASE_NOTES_2.0.0.md", "elsewhere\n");
    let facts = read(&repo.path);
    assert_eq!(
        facts.release_notes,
        ["RELEASE_NOTES_2.0.0.md", "docs/RELEASE_NOTES-v2.0.0-final.md"],
        "only this version, only at the root and in docs/, sorted"
    );
}

#[test]
fn commits_since_follow_git_order_through_merges() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "1\n", "One");
    repo.git(&["tag", "-a", "v1.0.0", "-m", "one"]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_file("f.txt", "f\n", "Feature");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file("a.txt", "2\n", "Two");
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge feature", "feature"]);
    repo.commit_file("VERSION", "1.1.0\n", "Version");
    let facts = read(&repo.path);
    assert_eq!(commit_ids(&facts), git_rev_list(&repo.path, "v1.0.0..HEAD"), "as git rev-list");
    let count = git_in(&repo.path, &["rev-list", "--count", "v1.0.0..HEAD"]);
    assert_eq!(facts.commits_since_previous_release.len().to_string(), count, "count");
}

#[test]
fn short_ids_follow_core_abbrev() {
    let repo = GitRepo::init();
    repo.commit_file("a.txt", "1\n", "One");
    repo.git(&["config", "core.abbrev", "12"]);
    let facts = read(&repo.path);
    let short = facts.head.map(|h| h.short_id).unwrap_or_default();
    assert_eq!(short, git_in(&repo.path, &["rev-parse", "--short", "HEAD"]), "as git prints");
    assert_eq!(short.len(), 12, "core.abbrev = 12");
}

#[test]
fn short_ids_grow_with_the_packed_object_count_like_git() {
    use std::io::Write;
    let repo = GitRepo::init();
    // 16,400 blobs in the pack fast-import writes: past 2^14 packed objects git abbreviates to
    // 8 digits, not 7 (git counts packed objects even when nothing reaches them).
    let mut stream = Vec::new();
    for n in 0..16_400 {
        write!(stream, "blob\ndata <<EOM\nblob {n}\nEOM\n").unwrap_or_default();
    }
    let mut import = crate::common::git_command(&repo.path)
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start git fast-import: {error}"));
    if let Some(mut stdin) = import.stdin.take() {
        stdin.write_all(&stream).unwrap_or_else(|error| panic!("fast-import input: {error}"));
    }
    assert!(import.wait().is_ok_and(|status| status.success()), "fast-import succeeds");
    repo.commit_file("a.txt", "1\n", "One");
    let facts = read(&repo.path);
    let short = facts.head.map(|h| h.short_id).unwrap_or_default();
    assert_eq!(short, git_in(&repo.path, &["rev-parse", "--short", "HEAD"]), "as git prints");
    assert_eq!(short.len(), 8, "git's automatic length for 2^14+ objects");
}
