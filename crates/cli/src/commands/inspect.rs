//! `pilot inspect`: the repository facts, as text or JSON.

use std::path::Path;

use pilot_engine::repo::{InspectOptions, RepoFacts, inspect as read_facts};

use crate::failure::{ExitCode, Failure};

pub fn inspect(repo: &Path, json: bool) -> Result<ExitCode, Failure> {
    let facts = read_facts(repo, &InspectOptions::default())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&facts).unwrap_or_default());
    } else {
        print!("{}", describe(&facts));
    }
    Ok(ExitCode::Go)
}

/// The facts as a few readable lines.
fn describe(f: &RepoFacts) -> String {
    let mut out = String::new();
    let mut line = |label: &str, value: String| out.push_str(&format!("{label:<18}{value}\n"));
    line("Repository", f.path.clone());
    line(
        "Branch",
        match (&f.branch, f.detached) {
            (_, true) => "(detached HEAD)".into(),
            (Some(b), false) => b.clone(),
            (None, false) => "(none)".into(),
        },
    );
    line(
        "HEAD",
        f.head
            .as_ref()
            .map(|h| format!("{} {} ({})", h.short_id, h.summary, h.author))
            .unwrap_or_else(|| "(no commits yet)".into()),
    );
    let changes = &f.worktree.changes;
    line(
        "Working tree",
        if f.worktree.clean { "clean".into() } else { format!("{} change(s)", changes.len()) },
    );
    for c in changes.iter().take(20) {
        out.push_str(&format!(
            "                    {:<11}{}{}\n",
            format!("{:?}", c.status).to_lowercase(),
            c.path,
            if c.staged { " (staged)" } else { "" }
        ));
    }
    if changes.len() > 20 {
        out.push_str(&format!("                    … and {} more\n", changes.len() - 20));
    }
    let mut line = |label: &str, value: String| out.push_str(&format!("{label:<18}{value}\n"));
    line(
        "VERSION",
        match (&f.version.value, f.version.valid) {
            (Some(v), true) => v.clone(),
            (Some(v), false) => format!(
                "{v} (not a valid version: {})",
                f.version.error.clone().unwrap_or_default()
            ),
            (None, _) => format!("missing ({})", f.version.file),
        },
    );
    line(
        "CHANGELOG entry",
        if f.changelog.has_entry {
            "yes".into()
        } else {
            format!("no entry in {}", f.changelog.file)
        },
    );
    line(
        "Previous release",
        f.previous_release.as_ref().map(|r| r.tag.clone()).unwrap_or_else(|| "(none)".into()),
    );
    line(
        "Tags",
        format!("{} ({} at HEAD: {})", f.tags.len(), f.head_tags.len(), f.head_tags.join(", ")),
    );
    line(
        "Upstream",
        f.upstream
            .as_ref()
            .map(|u| format!("{} (ahead {}, behind {})", u.name, u.ahead, u.behind))
            .unwrap_or_else(|| "no upstream".into()),
    );
    line(
        "Commits since",
        format!("{} since the previous release", f.commits_since_previous_release.len()),
    );
    for w in &f.warnings {
        line("Warning", w.clone());
    }
    out
}
