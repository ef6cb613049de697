//! "Commits since previous release": what this release ships, read from the repository facts
//! taken when the run started.

use std::fmt::Write as _;

use chrono::Utc;

use super::markdown::{code, code_cell, table_head, table_row, text};
use super::view::RunView;

/// A release with more commits than this lists the newest ones and says how many it left out;
/// the full list is one `git log` away and a report of megabytes helps nobody.
const MAX_COMMITS: usize = 500;

pub(crate) fn commits(out: &mut String, view: &RunView<'_>) {
    let facts = &view.run.header.facts;
    let commits = &facts.commits_since_previous_release;
    out.push_str("## Commits since previous release\n\n");
    match &facts.previous_release {
        Some(p) if commits.is_empty() => {
            let _ = writeln!(out, "No commits since {}.\n", code(&p.tag));
            return;
        }
        Some(p) => {
            let _ = writeln!(
                out,
                "{} commit{} since {} ({}), newest first.\n",
                commits.len(),
                if commits.len() == 1 { "" } else { "s" },
                code(&p.tag),
                text(&p.version)
            );
        }
        None if commits.is_empty() => {
            out.push_str("No previous release tag was found, and HEAD has no history.\n\n");
            return;
        }
        None => {
            let _ = writeln!(
                out,
                "No previous release tag was found: this is all of HEAD's history ({} commit{}), \
                 newest first.\n",
                commits.len(),
                if commits.len() == 1 { "" } else { "s" }
            );
        }
    }
    table_head(out, &["Commit", "Summary", "Author", "Date (UTC)"]);
    for c in commits.iter().take(MAX_COMMITS) {
        table_row(
            out,
            &[
                code_cell(&c.short_id),
                text(&c.summary),
                text(author_name(&c.author)),
                c.time.with_timezone(&Utc).format("%Y-%m-%d %H:%M").to_string(),
            ],
        );
    }
    out.push('\n');
    if commits.len() > MAX_COMMITS {
        let _ = writeln!(out, "… and {} more.\n", commits.len() - MAX_COMMITS);
    }
}

/// "Ana Lopez <ana@example.com>" → "Ana Lopez": the name is what a reader recognises, and the
/// address would otherwise need escaping to survive as text.
fn author_name(author: &str) -> &str {
    match author.find('<') {
        Some(i) if !author[..i].trim().is_empty() => author[..i].trim(),
        _ => author,
    }
}
