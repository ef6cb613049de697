//! `pilot inspect --json` agrees with git itself.

use std::collections::BTreeSet;

use crate::common::{Sandbox, git, json, text};

#[test]
fn inspect_json_agrees_with_git() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    // A dirty tracked file, a staged new file and an untracked file, on top of a branch that
    // is one commit ahead of its upstream and has annotated, lightweight and non-semver tags.
    std::fs::write(repo.join("src/app.py"), "print('changed')\n").expect("modify");
    std::fs::write(repo.join("notes.txt"), "todo\n").expect("untracked");
    std::fs::write(repo.join("src/new.py"), "x = 1\n").expect("new");
    git(&repo, &["add", "src/new.py"]);

    let out = sandbox.pilot(&["inspect", "--json", "--repo", repo.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "inspect succeeds: {}", text(&out.stderr));
    let facts = json(&out);

    assert_eq!(facts["head"]["id"], git(&repo, &["rev-parse", "HEAD"]).trim(), "HEAD id");
    assert_eq!(
        facts["head"]["short_id"],
        git(&repo, &["rev-parse", "--short", "HEAD"]).trim(),
        "short id"
    );
    assert_eq!(
        facts["head"]["summary"],
        git(&repo, &["log", "-1", "--format=%s"]).trim(),
        "summary"
    );
    assert_eq!(
        facts["head"]["author"],
        git(&repo, &["log", "-1", "--format=%an <%ae>"]).trim(),
        "author"
    );
    assert_eq!(facts["branch"], git(&repo, &["symbolic-ref", "--short", "HEAD"]).trim(), "branch");
    assert_eq!(facts["detached"], false, "not detached");

    // Working tree: the same paths as `git status --porcelain`, with the same states.
    let mut from_git = BTreeSet::new();
    for line in git(&repo, &["status", "--porcelain=v1", "--untracked-files=all"]).lines() {
        let (x, y, path) = (&line[0..1], &line[1..2], line[3..].to_string());
        if x == "?" {
            from_git.insert((path, "untracked".to_string(), false));
            continue;
        }
        if x != " " {
            from_git.insert((
                path.clone(),
                if x == "A" { "added" } else { "modified" }.to_string(),
                true,
            ));
        }
        if y != " " {
            from_git.insert((path, "modified".to_string(), false));
        }
    }
    let from_pilot: BTreeSet<(String, String, bool)> = facts["worktree"]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["path"].as_str().expect("path").to_string(),
                c["status"].as_str().expect("status").to_string(),
                c["staged"].as_bool().expect("staged"),
            )
        })
        .collect();
    assert_eq!(from_pilot, from_git, "working-tree changes match git status");
    assert_eq!(facts["worktree"]["clean"], false, "the tree is dirty");

    // Tags: names, annotated or not, and the commit each points at.
    let mut tags_git = BTreeSet::new();
    for line in git(
        &repo,
        &["for-each-ref", "refs/tags", "--format=%(refname:short) %(objecttype) %(objectname)"],
    )
    .lines()
    {
        let parts: Vec<&str> = line.split(' ').collect();
        let annotated = parts[1] == "tag";
        // Fully peeled with `^{}`: `%(*objectname)` peels one level only in git 2.39.
        let target = if annotated {
            git(&repo, &["rev-parse", &format!("refs/tags/{}^{{}}", parts[0])]).trim().to_string()
        } else {
            parts[2].to_string()
        };
        tags_git.insert((parts[0].to_string(), annotated, target));
    }
    let tags_pilot: BTreeSet<(String, bool, String)> = facts["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().expect("name").into(),
                t["annotated"].as_bool().expect("annotated"),
                t["target"].as_str().expect("target").into(),
            )
        })
        .collect();
    assert_eq!(tags_pilot, tags_git, "tags match git for-each-ref");
    assert!(tags_pilot.iter().any(|t| t.0 == "deploy-staging"), "the non-semver tag is listed");
    let head_tags: Vec<String> =
        git(&repo, &["tag", "--points-at", "HEAD"]).lines().map(str::to_string).collect();
    assert_eq!(facts["head_tags"], serde_json::json!(head_tags), "tags at HEAD");

    // Releases: the non-semver tag is never a release.
    assert_eq!(
        facts["previous_release"]["tag"], "v1.15.1",
        "the previous release is the newest lower semver tag"
    );
    let since: Vec<String> =
        git(&repo, &["rev-list", "v1.15.1..HEAD"]).lines().map(str::to_string).collect();
    let since_pilot: Vec<String> = facts["commits_since_previous_release"]
        .as_array()
        .expect("commits")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(since_pilot, since, "commits since the previous release match git rev-list");

    let counts = git(&repo, &["rev-list", "--left-right", "--count", "HEAD...@{u}"]);
    let (ahead, behind) = counts.trim().split_once('\t').expect("two counts");
    assert_eq!(facts["upstream"]["name"], "origin/main", "upstream name");
    assert_eq!(facts["upstream"]["ahead"].to_string(), ahead, "ahead count matches git");
    assert_eq!(facts["upstream"]["behind"].to_string(), behind, "behind count matches git");

    assert_eq!(facts["version"]["value"], git(&repo, &["show", "HEAD:VERSION"]).trim(), "VERSION");
    assert_eq!(facts["version"]["valid"], true, "VERSION is valid");
    assert_eq!(facts["changelog"]["has_entry"], true, "the changelog has the entry");
}

#[test]
fn inspect_names_a_folder_that_is_not_a_repository() {
    let sandbox = Sandbox::new();
    let out = sandbox.pilot(&["inspect", "--repo", sandbox.root.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "not a repository is bad input");
    let err = text(&out.stderr);
    assert!(
        err.contains(sandbox.root.path().to_str().expect("utf-8")),
        "the error names the path: {err}"
    );
    assert!(err.contains("not a git repository"), "the error says what is wrong: {err}");
}
