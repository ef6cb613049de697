//! The HEAD commit and the one way every commit is described in the facts ([`CommitInfo`]).

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};
use git2::{Commit, Repository};

use super::CommitInfo;

/// Describe one commit: full id, unique short id, summary, author and author time.
///
/// The short id is libgit2's unique abbreviation starting at `core.abbrev` (7 by default), which
/// is what `git rev-parse --short` prints for repositories small enough that git's automatic
/// abbreviation length stays at 7; for very large repositories git may print more digits, and
/// either form stays unique.
pub(crate) fn commit_info(commit: &Commit<'_>) -> CommitInfo {
    let id = commit.id().to_string();
    let short_id = commit
        .as_object()
        .short_id()
        .ok()
        .and_then(|buf| buf.as_str().ok().map(str::to_owned))
        // A short id that cannot be computed (a corrupt object database) still needs a value:
        // the full id is always unique.
        .unwrap_or_else(|| id.clone());
    let summary = commit
        .summary_bytes()
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_default();
    let author = commit.author();
    let author_text = format!(
        "{} <{}>",
        String::from_utf8_lossy(author.name_bytes()),
        String::from_utf8_lossy(author.email_bytes())
    );
    CommitInfo { id, short_id, summary, author: author_text, time: git_time(author.when()) }
}

/// Convert a git time (seconds since the epoch and an offset in minutes) to a date with its
/// original offset.
///
/// Git accepts offsets and times that chrono cannot represent (hand-made commits with
/// `+9999`); those fall back to UTC, and an unrepresentable instant to the epoch, rather than
/// failing the whole reading over one odd commit.
pub(crate) fn git_time(time: git2::Time) -> DateTime<FixedOffset> {
    let utc = Utc.fix();
    let offset = FixedOffset::east_opt(time.offset_minutes().saturating_mul(60)).unwrap_or(utc);
    match offset.timestamp_opt(time.seconds(), 0).single() {
        Some(when) => when,
        None => DateTime::<Utc>::UNIX_EPOCH.with_timezone(&utc),
    }
}

/// The HEAD commit, or `None` when HEAD does not resolve to a commit (an empty repository on
/// its unborn branch).
pub(crate) fn head_commit(repo: &Repository) -> Option<Commit<'_>> {
    repo.head().ok()?.peel_to_commit().ok()
}
