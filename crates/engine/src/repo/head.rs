//! The HEAD commit and the one way every commit is described in the facts ([`CommitInfo`]).

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};
use git2::{Commit, Repository};

use super::CommitInfo;
use super::abbrev::Abbreviation;

/// Describe one commit: full id, short id as git prints it, summary, author and author time.
pub(crate) fn commit_info(commit: &Commit<'_>, abbreviation: &Abbreviation<'_>) -> CommitInfo {
    let id = commit.id().to_string();
    let short_id = abbreviation.short(commit.id());
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
