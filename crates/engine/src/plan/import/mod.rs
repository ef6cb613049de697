//! `pilot plan import`: a team's Markdown runbook read as a plan (issue 17, first part). Every
//! item of the runbook becomes a step — each checkbox, each command line of a code block, each
//! table row — with its source line (`source = "RUNBOOK.md:42"`), so nothing is dropped
//! silently. Headings become phases in order, their stage inferred from their words; commands
//! Release Pilot knows become native kinds (`df` → `system.disk` with the threshold the item
//! writes, `free` → `system.memory`, `git status` → `git.clean`, `cat VERSION` →
//! `git.version`, `curl URL` → `http.check`), others `command` steps in their shell, actions
//! unless known to only look; a checkbox whose inline code names a known command becomes that
//! automatic step with the checkbox's words as its title; the rest are manual items.
//!
//! Deterministic: the same bytes give the same plan, byte for byte. The plan is checked
//! (`parse_plan`) before it is returned: an importer that wrote a plan the loader refuses is a
//! bug, reported as one. Layout: `source.rs` (decoding, line numbers, broken fences),
//! `items.rs` (sections of items from the Markdown), `classify.rs` (what each item becomes).

mod classify;
mod items;
mod source;

use std::collections::BTreeSet;
use std::fmt::Write as _;

pub use items::{Item, ItemKind, Section};
pub use source::SourceError;

use super::Stage;
use classify::Classified;

/// Why a runbook could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(
        "{name} holds no item to import: no checkbox (- [ ]), no command in a code block and no \
         table row. Is it the runbook's Markdown?"
    )]
    NoItems { name: String },
    #[error(
        "the plan imported from {name} does not load ({detail}); this is a bug in the importer"
    )]
    Invalid { name: String, detail: String },
}

/// What the import found, for the summary the CLI and the desktop show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub items: usize,
    pub phases: usize,
    /// Steps Release Pilot performs (native kinds and commands).
    pub automatic: usize,
    /// Of those, commands that change something (confirmed before they run).
    pub actions: usize,
    /// Manual items: a person ticks them (or answers a number).
    pub manual: usize,
    /// Of those, items whose words write a threshold: the person answers the number measured,
    /// judged against it.
    pub measured: usize,
    /// Guesses to review, with their line.
    pub guesses: Vec<(usize, String)>,
}

/// A plan imported from a runbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The plan's TOML, with a header comment saying where it came from.
    pub toml: String,
    pub summary: ImportSummary,
    pub sections: Vec<Section>,
}

/// Import `bytes`, the runbook file called `name` (its file name, used in `source` and the
/// plan's name).
pub fn import_runbook(bytes: &[u8], name: &str) -> Result<Imported, ImportError> {
    let source = source::Source::read(bytes, name)?;
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = stem.strip_suffix(".md").or_else(|| stem.strip_suffix(".markdown")).unwrap_or(stem);
    let sections = items::sections(&source, stem);
    let count: usize = sections.iter().map(|s| s.items.len()).sum();
    if count == 0 {
        return Err(ImportError::NoItems { name: name.to_string() });
    }
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let doc_title = items::document_title(&source).unwrap_or_else(|| stem.to_string());
    let (toml, summary) = emit(&sections, &doc_title, stem, file, count);
    super::parse_plan(&toml, file)
        .map_err(|e| ImportError::Invalid { name: name.to_string(), detail: e.to_string() })?;
    Ok(Imported { toml, summary, sections })
}

/// The stage a heading's words say, else the one before it (a runbook reads in order).
fn stage_of(title: &str, previous: Stage) -> Stage {
    let t = title.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["rollback", "roll back", "revert"]) {
        Stage::Rollback
    } else if has(&["sign-off", "signoff", "sign off", "approval", "go/no-go", "go / no-go"]) {
        Stage::Signoff
    } else if has(&["backup", "back up", "snapshot"]) {
        Stage::Backup
    } else if has(&[
        "validat",
        "smoke",
        "verification after",
        "post-deploy",
        "post deploy",
        "monitor",
        "test",
        "health",
        "soak",
        "performance",
    ]) && !has(&["pre-deploy", "pre deploy", "before"])
    {
        Stage::Validation
    } else if has(&["deploy", "shutdown", "shut down", "migrat", "update", "release", "rollout"])
        && !has(&["pre-deploy", "pre deploy", "preparation", "checklist"])
    {
        Stage::Deploy
    } else if has(&["check", "prerequisite", "verif", "prepar", "environment", "code", "pre-"]) {
        Stage::Checks
    } else {
        previous
    }
}

fn stage_word(stage: Stage) -> &'static str {
    match stage {
        Stage::Checks => "checks",
        Stage::Backup => "backup",
        Stage::Deploy => "deploy",
        Stage::Validation => "validation",
        Stage::Signoff => "signoff",
        Stage::Rollback => "rollback",
    }
}

/// A TOML string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// An id from words: lowercase letters and digits, dashes between, unique in `taken`.
fn slug(words: &str, fallback: &str, taken: &mut BTreeSet<String>) -> String {
    let mut out = String::new();
    for c in words.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let base = out.trim_matches('-').to_string();
    let base = if base.is_empty() { fallback.to_string() } else { base };
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// A title no longer than a line.
fn title(words: &str) -> String {
    let words = words.trim();
    if words.chars().count() <= 120 {
        return words.to_string();
    }
    let cut: String = words.chars().take(117).collect();
    format!("{cut}…")
}

fn emit(
    sections: &[Section],
    doc_title: &str,
    stem: &str,
    file: &str,
    count: usize,
) -> (String, ImportSummary) {
    let mut summary = ImportSummary { items: count, ..ImportSummary::default() };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported by `pilot plan import` from {file}: every item of the runbook is a step, with\n\
         # its line in `source`. Review the stages, the guesses listed by the import, and which\n\
         # commands are actions before you run it."
    );
    let mut phase_ids = BTreeSet::new();
    let mut step_ids = BTreeSet::new();
    let plan_name = slug(stem, "runbook", &mut BTreeSet::new());
    let _ = writeln!(out, "\n[plan]\nname = {}\ntitle = {}", q(&plan_name), q(&title(doc_title)));
    let _ = writeln!(out, "description = {}", q(&format!("Imported from the runbook {file}.")));
    let mut stage = Stage::Checks;
    // The services the runbook reaches, each a variable with the runbook's own value.
    let mut bases: Vec<(String, String, String)> = Vec::new();
    for section in sections {
        stage = stage_of(&section.title, stage);
        summary.phases += 1;
        let phase = slug(&section.title, "phase", &mut phase_ids);
        let _ = writeln!(
            out,
            "\n[[phase]]\nid = {}\ntitle = {}\nstage = {}\ndescription = {}",
            q(&phase),
            q(&title(if section.title.is_empty() { "Untitled section" } else { &section.title })),
            q(stage_word(stage)),
            q(&format!("From the heading at {file}:{}.", section.line)),
        );
        for item in &section.items {
            let source = format!("{file}:{}", item.line);
            let (step_title, classified, description): (String, Option<Classified>, String) =
                match &item.kind {
                    ItemKind::Task { .. } => (
                        title(&item.text),
                        classify::task(&item.text, &item.code),
                        item.text.clone(),
                    ),
                    ItemKind::Command { shell } => (
                        title(&format!("Run `{}`", item.text)),
                        Some(classify::command(
                            &item.text,
                            shell,
                            &format!("{} {}", section.title, item.note.as_deref().unwrap_or("")),
                        )),
                        match &item.note {
                            Some(note) => {
                                format!("The runbook runs: {} — and says: {note}", item.text)
                            }
                            None => format!("The runbook runs: {}", item.text),
                        },
                    ),
                    ItemKind::Row { header, cells } => {
                        let first =
                            cells.iter().find(|c| !c.is_empty()).cloned().unwrap_or_default();
                        let described: Vec<String> = header
                            .iter()
                            .zip(cells)
                            .filter(|(_, c)| !c.is_empty())
                            .map(
                                |(h, c)| if h.is_empty() { c.clone() } else { format!("{h}: {c}") },
                            )
                            .collect();
                        (title(&first), None, described.join("; "))
                    }
                };
            let id = slug(&step_title, "step", &mut step_ids);
            let _ = write!(
                out,
                "\n[[phase.step]]\nid = {}\ntitle = {}\nsource = {}\n",
                q(&id),
                q(if step_title.is_empty() { "Untitled item" } else { &step_title }),
                q(&source)
            );
            match classified {
                Some(mut c) => {
                    if c.kind == "http.check" {
                        parameterize_url(&mut c, &mut bases, &source);
                    }
                    summary.automatic += 1;
                    let mut description = description;
                    if let Some(t) = &c.threshold {
                        description.push_str(&format!(" (threshold from the runbook: “{t}”)"));
                    }
                    if let Some(g) = &c.guess {
                        summary.guesses.push((item.line, g.clone()));
                    }
                    if c.kind == "command" && !c.params.iter().any(|(k, _)| *k == "read_only") {
                        summary.actions += 1;
                    }
                    let _ =
                        writeln!(out, "description = {}\nkind = {}", q(&description), q(c.kind));
                    for (key, value) in &c.params {
                        let _ = writeln!(out, "{key} = {value}");
                    }
                    if c.kind == "command" {
                        // A runbook's commands assume a server of their own: a failure here
                        // warns, it does not stop the run.
                        let _ = writeln!(out, "blocking = false");
                    }
                }
                None => {
                    summary.manual += 1;
                    match classify::prose_threshold(&description) {
                        // A threshold in the words: the person answers the number measured,
                        // and it is judged against the runbook's own bound.
                        Some((number, phrase)) => {
                            summary.measured += 1;
                            summary.guesses.push((
                                item.line,
                                format!("a number is asked for, judged against “{phrase}”: check the bound"),
                            ));
                            let hint =
                                format!("{description} (threshold from the runbook: “{phrase}”)");
                            let _ = writeln!(
                                out,
                                "kind = \"manual\"\nhint = {}\nnumber = {number}",
                                q(&hint)
                            );
                        }
                        None => {
                            let _ = writeln!(out, "kind = \"manual\"\nhint = {}", q(&description));
                        }
                    }
                }
            }
        }
    }
    if !bases.is_empty() {
        out.push_str("\n[vars]\n");
        for (base, var, source) in &bases {
            let _ = writeln!(
                out,
                "# The runbook's own value, from {source}: set it to the service this run checks.\n{var} = {}",
                q(base)
            );
        }
    }
    (out, summary)
}

/// `http://host:port/path` → `{{base_url}}/path`, the base a variable of its own (one per
/// distinct base, named in the order the runbook reaches them).
fn parameterize_url(c: &mut Classified, bases: &mut Vec<(String, String, String)>, source: &str) {
    let Some((_, value)) = c.params.iter_mut().find(|(k, _)| *k == "url") else { return };
    let Ok(url) = value.parse::<toml::Value>().map(|v| v.as_str().unwrap_or_default().to_string())
    else {
        return;
    };
    let Ok(parsed) = reqwest::Url::parse(&url) else { return };
    let base = parsed.origin().ascii_serialization();
    if base == "null" || !url.starts_with(&base) {
        return;
    }
    let var = match bases.iter().find(|(b, _, _)| *b == base) {
        Some((_, var, _)) => var.clone(),
        None => {
            let var = if bases.is_empty() {
                "base_url".to_string()
            } else {
                format!("base_url_{}", bases.len() + 1)
            };
            bases.push((base.clone(), var.clone(), source.to_string()));
            var
        }
    };
    *value = q(&format!("{{{{{var}}}}}{}", &url[base.len()..]));
}
