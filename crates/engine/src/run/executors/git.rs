//! Git checks answered from the [`RepoFacts`](crate::repo::RepoFacts) read when the run
//! started: working-tree state, branch, HEAD, upstream, tags and the previous release.
//!
//! They read facts rather than the repository so that every check of one run sees the same
//! moment, and so that the report's evidence matches what the project screen showed.

use crate::plan::kinds::{
    GitBranchParams, GitCleanParams, GitHeadParams, GitPreviousReleaseParams, GitTagParams,
    GitUpstreamParams,
};
use crate::repo::{Change, ChangeStatus, CommitInfo};
use crate::run::{Evidence, StepOutcome, StepStatus};

use super::{StepContext, plural};

/// How many changed paths the evidence lists; the count always covers all of them.
const LISTED_CHANGES: usize = 10;
/// How many changed paths the one-line summary names.
const NAMED_CHANGES: usize = 3;

/// The working tree has no uncommitted changes (untracked files optionally allowed).
pub(super) fn clean(p: &GitCleanParams, ctx: &StepContext<'_>) -> StepOutcome {
    let facts = ctx.facts;
    if facts.bare {
        return StepOutcome::passed(
            "bare repository: there is no working tree that could hold uncommitted changes",
            Evidence::default().fact("repository", "bare"),
        );
    }
    let changes: Vec<&Change> = facts
        .worktree
        .changes
        .iter()
        .filter(|c| !(p.allow_untracked && c.status == ChangeStatus::Untracked))
        .collect();
    let ignored_untracked = facts.worktree.changes.len() - changes.len();

    let mut evidence = Evidence::default().fact("uncommitted changes", changes.len().to_string());
    if ignored_untracked > 0 {
        evidence = evidence.fact("untracked files (allowed)", ignored_untracked.to_string());
    }
    for c in changes.iter().take(LISTED_CHANGES) {
        evidence = evidence.fact(change_label(c), c.path.clone());
    }
    if changes.len() > LISTED_CHANGES {
        evidence = evidence.fact("…", format!("and {} more", changes.len() - LISTED_CHANGES));
    }

    if changes.is_empty() {
        let summary = if ignored_untracked > 0 {
            format!(
                "The working tree is clean ({} allowed).",
                plural(ignored_untracked, "untracked file", "untracked files")
            )
        } else {
            "The working tree is clean.".to_owned()
        };
        return StepOutcome::passed(summary, evidence);
    }

    let mut named: Vec<&str> =
        changes.iter().take(NAMED_CHANGES).map(|c| c.path.as_str()).collect();
    if changes.len() > NAMED_CHANGES {
        named.push("…");
    }
    let only_untracked = changes.iter().all(|c| c.status == ChangeStatus::Untracked);
    let advice = if only_untracked {
        "commit, remove or ignore them (or allow untracked files in the plan), then start a new run"
    } else {
        "commit or stash them, then start a new run"
    };
    StepOutcome::failed(
        format!(
            "The working tree has {} ({}): {advice}.",
            plural(changes.len(), "uncommitted change", "uncommitted changes"),
            named.join(", ")
        ),
        evidence,
    )
}

/// "modified (staged)", "untracked", "renamed from old.txt".
fn change_label(c: &Change) -> String {
    let status = match c.status {
        ChangeStatus::Added => "added",
        ChangeStatus::Modified => "modified",
        ChangeStatus::Deleted => "deleted",
        ChangeStatus::Renamed => "renamed",
        ChangeStatus::Typechange => "type changed",
        ChangeStatus::Untracked => "untracked",
        ChangeStatus::Conflicted => "conflicted",
    };
    match (&c.old_path, c.staged) {
        (Some(old), _) => format!("{status} from {old}"),
        (None, true) => format!("{status} (staged)"),
        (None, false) => status.to_owned(),
    }
}

/// HEAD is on the expected branch.
pub(super) fn branch(p: &GitBranchParams, ctx: &StepContext<'_>) -> StepOutcome {
    let facts = ctx.facts;
    let expect = p.expect.as_str();
    let evidence = Evidence::default().fact("expected branch", expect);
    match (&facts.branch, &facts.head) {
        (Some(b), _) if b == expect => {
            StepOutcome::passed(format!("HEAD is on {b}."), evidence.fact("branch", b.clone()))
        }
        (Some(b), _) => StepOutcome::failed(
            format!(
                "HEAD is on {b}, not {expect}: switch to {expect} (git switch {expect}), then \
                 start a new run."
            ),
            evidence.fact("branch", b.clone()),
        ),
        (None, Some(head)) if facts.detached => StepOutcome::failed(
            format!(
                "HEAD is detached at {}, not on a branch: switch to {expect} (git switch \
                 {expect}), then start a new run.",
                head.short_id
            ),
            evidence.fact("branch", "(detached HEAD)").fact("HEAD", head.short_id.clone()),
        ),
        (None, _) => StepOutcome::failed(
            format!(
                "HEAD is not on any branch (the repository has no commits yet): commit on \
                 {expect}, then start a new run."
            ),
            evidence.fact("branch", "(none)"),
        ),
    }
}

/// HEAD is the expected commit and/or carries the expected tag.
pub(super) fn head(p: &GitHeadParams, ctx: &StepContext<'_>) -> StepOutcome {
    let facts = ctx.facts;
    let Some(head) = &facts.head else {
        return StepOutcome::failed(
            "The repository has no commits yet: commit the release first, then start a new run.",
            Evidence::default().fact("HEAD", "(no commits)"),
        );
    };
    let mut evidence = head_evidence(head);
    if !facts.head_tags.is_empty() {
        evidence = evidence.fact("tags at HEAD", facts.head_tags.join(", "));
    }
    let mut problems = Vec::new();

    if let Some(expect) = &p.expect_commit {
        let expect = expect.trim();
        evidence = evidence.fact("expected commit", expect);
        // An empty prefix would match every commit, which is never what a plan means.
        let matches = !expect.is_empty()
            && head.id.to_ascii_lowercase().starts_with(&expect.to_ascii_lowercase());
        if !matches {
            problems.push(format!(
                "HEAD is {}, not {expect}: check out the commit under review (git switch \
                 --detach {expect}) or fix the plan",
                head.short_id
            ));
        }
    }
    if let Some(tag) = &p.expect_tag {
        evidence = evidence.fact("expected tag", tag.clone());
        if !facts.head_tags.iter().any(|t| t == tag) {
            let elsewhere = facts.tags.iter().find(|t| &t.name == tag);
            problems.push(match elsewhere {
                Some(t) => format!(
                    "tag {tag} points at {}, not at HEAD {}: check out {tag} (git switch \
                     --detach {tag}), or move the tag if it was made on the wrong commit",
                    short(&t.target),
                    head.short_id
                ),
                None => format!(
                    "HEAD {} does not carry the tag {tag}: tag it (git tag {tag}) once the \
                     release is ready",
                    head.short_id
                ),
            });
        }
    }

    if problems.is_empty() {
        let mut summary = format!("HEAD is {} ({})", head.short_id, head.summary);
        if let Some(tag) = &p.expect_tag {
            summary.push_str(&format!(", tagged {tag}"));
        }
        summary.push('.');
        StepOutcome::passed(summary, evidence)
    } else {
        StepOutcome::failed(
            format!("{}; then start a new run.", capitalize(&problems.join("; "))),
            evidence,
        )
    }
}

fn head_evidence(head: &CommitInfo) -> Evidence {
    Evidence::default()
        .fact("HEAD", head.id.clone())
        .fact("commit", head.summary.clone())
        .fact("author", head.author.clone())
}

/// The first 7 characters of a commit id, for sentences.
fn short(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The branch is not too far behind (or ahead of) its upstream.
pub(super) fn upstream(p: &GitUpstreamParams, ctx: &StepContext<'_>) -> StepOutcome {
    let facts = ctx.facts;
    let branch = facts.branch.as_deref().unwrap_or("HEAD");
    let Some(up) = &facts.upstream else {
        let evidence = Evidence::default().fact("upstream", "(none)");
        return if p.require_upstream {
            StepOutcome::failed(
                format!(
                    "{branch} has no upstream branch: push it (git push -u origin {branch}), \
                     then start a new run."
                ),
                evidence,
            )
        } else {
            // As documented: a warning, not a pass. Nothing says the commits were pushed.
            StepOutcome {
                status: StepStatus::Warned,
                summary: format!(
                    "{branch} has no upstream branch, so whether its commits are pushed is not \
                     known: push it (git push -u origin {branch}) to have it checked"
                ),
                evidence,
            }
        };
    };

    let evidence = Evidence::default()
        .fact("upstream", up.name.clone())
        .fact("behind", up.behind.to_string())
        .fact("ahead", up.ahead.to_string());
    let mut problems = Vec::new();
    if up.behind > p.max_behind {
        problems.push(format!(
            "{branch} is {} behind {} (at most {} allowed): pull (git pull), then start a new \
             run",
            plural(up.behind, "commit", "commits"),
            up.name,
            p.max_behind
        ));
    }
    if let Some(max_ahead) = p.max_ahead.filter(|m| up.ahead > *m) {
        problems.push(format!(
            "{branch} is {} ahead of {} (at most {max_ahead} allowed): push (git push) so the \
             release is built from shared history, then start a new run",
            plural(up.ahead, "commit", "commits"),
            up.name
        ));
    }
    if problems.is_empty() {
        StepOutcome::passed(
            format!("{branch} is {} behind and {} ahead of {}.", up.behind, up.ahead, up.name),
            evidence,
        )
    } else {
        StepOutcome::failed(format!("{}.", problems.join("; ")), evidence)
    }
}

/// A tag exists, optionally pointing at HEAD.
pub(super) fn tag(p: &GitTagParams, ctx: &StepContext<'_>) -> StepOutcome {
    let facts = ctx.facts;
    let name = p.name.as_str();
    let Some(tag) = facts.tags.iter().find(|t| t.name == name) else {
        return StepOutcome::failed(
            format!(
                "Tag {name} does not exist: create it (git tag {name}) on the release commit, \
                 or fetch tags (git fetch --tags) if it was made elsewhere, then start a new \
                 run."
            ),
            Evidence::default().fact("tag", name).fact("exists", "no"),
        );
    };
    let mut evidence = Evidence::default()
        .fact("tag", name)
        .fact("points at", tag.target.clone())
        .fact("annotated", if tag.annotated { "yes" } else { "no" });
    if let Some(v) = &tag.version {
        evidence = evidence.fact("version", v.clone());
    }
    let head_id = facts.head.as_ref().map(|h| h.id.as_str());
    let at_head = head_id == Some(tag.target.as_str()) || facts.head_tags.iter().any(|t| t == name);
    if p.at_head && !at_head {
        let head_short = facts.head.as_ref().map_or("(no commits)", |h| h.short_id.as_str());
        return StepOutcome::failed(
            format!(
                "Tag {name} points at {}, not at HEAD {head_short}: check out {name} or move \
                 the tag to the release commit, then start a new run.",
                short(&tag.target)
            ),
            evidence,
        );
    }
    let summary = if at_head {
        format!("Tag {name} exists and points at HEAD.")
    } else {
        format!("Tag {name} exists (at {}).", short(&tag.target))
    };
    StepOutcome::passed(summary, evidence)
}

/// A previous release tag exists, so rollback has a target and the report a range.
pub(super) fn previous_release(_: &GitPreviousReleaseParams, ctx: &StepContext<'_>) -> StepOutcome {
    let facts = ctx.facts;
    let since = facts.commits_since_previous_release.len();
    let Some(prev) = &facts.previous_release else {
        let mut summary = format!(
            "No release tag older than {} is reachable from HEAD: tag the previous release \
             (e.g. git tag v1.2.3 <commit>) so rollback has a target",
            ctx.version
        );
        if facts.shallow {
            summary.push_str(
                ", or fetch the full history (git fetch --unshallow --tags): this clone is shallow",
            );
        }
        summary.push_str(", then start a new run.");
        return StepOutcome::failed(
            summary,
            Evidence::default()
                .fact("previous release", "(none)")
                .fact("shallow clone", if facts.shallow { "yes" } else { "no" }),
        );
    };
    let mut evidence = Evidence::default()
        .fact("previous release", prev.tag.clone())
        .fact("version", prev.version.clone())
        .fact("commits since", since.to_string());
    if !prev.commit.is_empty() {
        evidence = evidence.fact("commit", prev.commit.clone());
    }
    StepOutcome::passed(
        format!(
            "Previous release is {} (version {}); {} since.",
            prev.tag,
            prev.version,
            plural(since, "commit", "commits")
        ),
        evidence,
    )
}

executors! {
    GitCleanParams => clean,
    GitBranchParams => branch,
    GitHeadParams => head,
    GitUpstreamParams => upstream,
    GitTagParams => tag,
    GitPreviousReleaseParams => previous_release,
}
