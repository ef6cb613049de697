//! The runbook read as sections of items, with pulldown-cmark's offset iterator: each heading
//! starts a section; an item is a task-list entry (`- [ ]`, `- [x]`, or a `☐`/`✅`-style line),
//! a command line of a fenced block (comments and blank lines are not commands; prompts are
//! taken off), or a row of a table's body. Each keeps its 1-based line.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::source::Source;

/// What an item is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// A checkbox (ticked or not in the file).
    Task { checked: bool },
    /// One command of a fenced block, in the block's shell (`bash`, `powershell`, …).
    Command { shell: String },
    /// A table row, its cells under the table's header.
    Row { header: Vec<String>, cells: Vec<String> },
}

/// One item of the runbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub line: usize,
    pub kind: ItemKind,
    /// The item's words (for a command: the command line).
    pub text: String,
    /// Inline code in a task's text, e.g. "`df -h`" in "Sufficient disk space: `df -h`".
    pub code: Vec<String>,
    /// A command's trailing comment, which runbooks use to say what to expect
    /// (`git status  # Should show no uncommitted changes`).
    pub note: Option<String>,
}

/// A heading and the items under it (before the next heading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub line: usize,
    pub items: Vec<Item>,
}

/// Markers people write for checkboxes without the task-list syntax.
const BOX_MARKERS: &[(&str, bool)] =
    &[("☐", false), ("□", false), ("☑", true), ("✅", true), ("✔", true), ("✓", true)];

/// The document's title (its first top-level heading), if it has one.
pub fn document_title(source: &Source) -> Option<String> {
    let mut title: Option<String> = None;
    let mut reading = false;
    for event in Parser::new_ext(&source.text, Options::empty()) {
        match event {
            Event::Start(Tag::Heading { level: pulldown_cmark::HeadingLevel::H1, .. }) => {
                reading = true;
                title = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) if reading => break,
            Event::Text(t) | Event::Code(t) if reading => {
                if let Some(s) = title.as_mut() {
                    s.push_str(&t);
                }
            }
            _ => {}
        }
    }
    title.map(|t| one_line(&t)).filter(|t| !t.is_empty())
}

/// Read the sections of `source` (items before the first heading go in a section named after
/// the file).
pub fn sections(source: &Source, file_title: &str) -> Vec<Section> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    let mut out = vec![Section { title: file_title.to_string(), line: 1, items: Vec::new() }];
    let mut heading: Option<(String, usize)> = None;
    // Open list items: (start line, task state, text, inline code).
    let mut open_items: Vec<(usize, Option<bool>, String, Vec<String>)> = Vec::new();
    let mut code: Option<(String, usize, String)> = None;
    let mut table: Option<(Vec<String>, bool)> = None;
    let mut row: Option<(usize, Vec<String>)> = None;
    let mut cell: Option<String> = None;
    let push = |out: &mut Vec<Section>, item: Item| {
        if let Some(last) = out.last_mut() {
            last.items.push(item);
        }
    };
    for (event, range) in Parser::new_ext(&source.text, options).into_offset_iter() {
        let line = source.line_of(range.start);
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some((String::new(), line)),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((title, line)) = heading.take() {
                    let title = title.trim().to_string();
                    out.push(Section { title, line, items: Vec::new() });
                }
            }
            Event::Start(Tag::Item) => open_items.push((line, None, String::new(), Vec::new())),
            Event::TaskListMarker(checked) => {
                if let Some(item) = open_items.last_mut() {
                    item.1 = Some(checked);
                }
            }
            Event::End(TagEnd::Item) => {
                if let Some((line, task, text, code)) = open_items.pop() {
                    let text = one_line(&text);
                    let task = task.or_else(|| {
                        BOX_MARKERS.iter().find(|(m, _)| text.starts_with(m)).map(|(_, c)| *c)
                    });
                    if let Some(checked) = task {
                        let text = BOX_MARKERS
                            .iter()
                            .find_map(|(m, _)| text.strip_prefix(m))
                            .unwrap_or(&text)
                            .trim()
                            .to_string();
                        if !text.is_empty() {
                            push(
                                &mut out,
                                Item {
                                    line,
                                    kind: ItemKind::Task { checked },
                                    text,
                                    code,
                                    note: None,
                                },
                            );
                        }
                    }
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let shell = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{' || c == '}')
                        .find(|w| !w.is_empty())
                        .unwrap_or("")
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((shell, line, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((shell, start, body)) = code.take() {
                    let fenced = start + 1;
                    for (i, raw) in body.lines().enumerate() {
                        if let Some(command) = command_line(&shell, raw) {
                            let (text, note) = split_comment(&shell, &command);
                            let item = Item {
                                line: fenced + i,
                                kind: ItemKind::Command { shell: shell.clone() },
                                text,
                                code: Vec::new(),
                                note,
                            };
                            push(&mut out, item);
                        }
                    }
                }
            }
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), true)),
            Event::End(TagEnd::TableHead) => {
                if let Some((_, head)) = table.as_mut() {
                    *head = false;
                }
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                row = Some((line, Vec::new()));
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(c), Some((_, cells))) = (cell.take(), row.as_mut()) {
                    cells.push(one_line(&c));
                }
                // The header's cells end with the head itself.
                if let (Some((header, true)), Some((_, cells))) = (table.as_mut(), row.as_ref()) {
                    *header = cells.clone();
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let (Some((line, cells)), Some((header, false))) = (row.take(), table.as_ref())
                    && cells.iter().any(|c| !c.is_empty())
                {
                    let text = cells.iter().filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>();
                    let item = Item {
                        line,
                        kind: ItemKind::Row { header: header.clone(), cells },
                        text: text.join(" — "),
                        code: Vec::new(),
                        note: None,
                    };
                    push(&mut out, item);
                }
            }
            Event::End(TagEnd::Table) => table = None,
            Event::Code(text) => {
                append(&mut heading, &mut open_items, &mut cell, &mut code, &text, true);
            }
            Event::Text(text) => {
                if let Some((_, _, body)) = code.as_mut() {
                    body.push_str(&text);
                } else {
                    append(&mut heading, &mut open_items, &mut cell, &mut code, &text, false);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                append(&mut heading, &mut open_items, &mut cell, &mut code, " ", false);
            }
            _ => {}
        }
    }
    out.retain(|s| !s.items.is_empty());
    out
}

/// Add words to whatever is being read: a heading, a cell, or the innermost list item.
fn append(
    heading: &mut Option<(String, usize)>,
    items: &mut [(usize, Option<bool>, String, Vec<String>)],
    cell: &mut Option<String>,
    code: &mut Option<(String, usize, String)>,
    text: &str,
    inline_code: bool,
) {
    if code.is_some() {
        return;
    }
    if let Some((title, _)) = heading.as_mut() {
        title.push_str(text);
    } else if let Some(c) = cell.as_mut() {
        c.push_str(text);
    } else if let Some(item) = items.last_mut() {
        if inline_code {
            item.3.push(text.to_string());
            item.2.push('`');
            item.2.push_str(text);
            item.2.push('`');
        } else {
            item.2.push_str(text);
        }
    }
}

/// A trailing ` # comment` (` # ` outside quotes, in a POSIX or PowerShell line) taken off the
/// command, and its words.
fn split_comment(shell: &str, line: &str) -> (String, Option<String>) {
    if matches!(shell, "cmd" | "bat" | "batch") {
        return (line.to_string(), None);
    }
    let (mut single, mut double) = (false, false);
    let bytes = line.as_bytes();
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                let note = line[i + 1..].trim();
                let command = line[..i].trim_end();
                return (command.to_string(), (!note.is_empty()).then(|| note.to_string()));
            }
            _ => {}
        }
    }
    (line.to_string(), None)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The command on a line of a code block in `shell`, prompts taken off; `None` for blank
/// lines, comments, and blocks that are not shell (output, YAML, JSON…).
fn command_line(shell: &str, raw: &str) -> Option<String> {
    let line = raw.trim();
    if line.is_empty() {
        return None;
    }
    let shellish = matches!(
        shell,
        "bash"
            | "sh"
            | "shell"
            | "zsh"
            | "console"
            | "shell-session"
            | "powershell"
            | "ps1"
            | "pwsh"
            | "ps"
            | "cmd"
            | "bat"
            | "batch"
            | ""
    );
    if !shellish {
        return None;
    }
    let line = match shell {
        "console" | "shell-session" => {
            line.strip_prefix("$ ").or_else(|| line.strip_prefix("# "))?
        }
        "powershell" | "ps1" | "pwsh" | "ps" => {
            if line.starts_with('#') {
                return None;
            }
            line.strip_prefix("PS>")
                .or_else(|| {
                    line.find("> ").filter(|_| line.starts_with("PS ")).map(|i| &line[i + 2..])
                })
                .unwrap_or(line)
        }
        "cmd" | "bat" | "batch" => {
            if line.to_ascii_lowercase().starts_with("rem ") || line.starts_with("::") {
                return None;
            }
            line.find(">").filter(|i| line[..*i].contains(":\\")).map_or(line, |i| &line[i + 1..])
        }
        _ => {
            if line.starts_with('#') {
                return None;
            }
            line.strip_prefix("$ ").unwrap_or(line)
        }
    };
    let line = line.trim();
    (!line.is_empty()).then(|| line.to_string())
}
