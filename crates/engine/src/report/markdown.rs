//! Markdown building blocks: escaping free text, inline code, fenced code blocks and tables.
//!
//! Every piece of text that comes from a run (titles, summaries, notes, output, paths) goes
//! through one of these functions, so that nothing a step saw can change the structure of the
//! report: a `|` cannot split a table cell, a `#` cannot start a heading, a `<script>` is shown
//! as text, and a run of backticks in command output cannot close its code block early.
//! Each function is linear in its input; the report calls them tens of thousands of times.

use std::fmt::Write as _;

/// Free text for any inline position: list items, headings, paragraphs and table cells.
///
/// The result is one line: line breaks become `<br>` (GitHub renders it inside list items and
/// table cells alike). Characters that Markdown would interpret are backslash-escaped; the
/// rules are chosen so that ordinary prose (`student_management.db`, `p95 < 200 ms`) stays
/// readable in the raw file too.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_text(&mut out, s);
    out
}

/// [`text`], appended to `out`.
pub(crate) fn push_text(out: &mut String, s: &str) {
    let s = s.trim();
    // Most text needs no escaping at all: copy it without looking at it character by character.
    if !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && !s.bytes().any(|b| b"\\`*[|~<_&#>-+\r\n".contains(&b))
    {
        out.push_str(s);
        return;
    }
    let chars: Vec<char> = s.chars().collect();
    let start = out.len();
    let mut at_line_start = true;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        match c {
            '\r' => {
                // CRLF counts as one break; a lone CR is a break of its own.
                if next != Some('\n') {
                    out.push_str("<br>");
                    at_line_start = true;
                }
                i += 1;
                continue;
            }
            '\n' => {
                out.push_str("<br>");
                at_line_start = true;
                i += 1;
                continue;
            }
            '\\' | '`' | '*' | '[' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Only `<` before a letter, `/`, `!` or `?` can open an HTML tag or an autolink;
            // "p95 < 200 ms" stays as written.
            '<' if next
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("\\<");
            }
            // An underscore inside a word never makes emphasis in GFM; only escape the others.
            '_' if !(is_word(prev) && is_word(next)) => out.push_str("\\_"),
            // `&amp;`-like sequences would otherwise render as the character they name.
            '&' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#') => {
                out.push_str("\\&");
            }
            // "# x" would start a heading; a final " #" would be taken for its closing sequence.
            '#' if (at_line_start && next.is_none_or(|n| n.is_whitespace() || n == '#'))
                || (next.is_none() && prev.is_some_and(|p| p.is_whitespace() || p == '#')) =>
            {
                out.push_str("\\#");
            }
            '>' if at_line_start => out.push_str("\\>"),
            // "- x", "+ x" would start a list, "---" a thematic break.
            '-' | '+' if at_line_start && next.is_none_or(|n| n.is_whitespace() || n == '-') => {
                out.push('\\');
                out.push(c);
            }
            _ if at_line_start && c.is_ascii_digit() => {
                // "1. text" or "1) text" would start an ordered list: escape the delimiter.
                // "1.15.2" cannot, and stays as written.
                let mut j = i;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    out.push(chars[j]);
                    j += 1;
                }
                let after = chars.get(j + 1).copied();
                if let Some(d @ ('.' | ')')) = chars.get(j).copied()
                    && after.is_none_or(char::is_whitespace)
                {
                    out.push('\\');
                    out.push(d);
                    j += 1;
                }
                i = j;
                at_line_start = false;
                continue;
            }
            _ => out.push(c),
        }
        at_line_start = at_line_start && c.is_whitespace();
        i += 1;
    }
    if out.len() == start {
        out.push('—');
    }
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// An inline code span that shows `s` exactly (line breaks become spaces: a code span cannot
/// hold them without letting the next line start a new block).
pub(crate) fn code(s: &str) -> String {
    if s.is_empty() {
        return "(empty)".to_owned();
    }
    let flat: String = s.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
    let ticks = "`".repeat(longest_backtick_run(&flat) + 1);
    // A span that starts or ends with a backtick or a space needs padding, which the renderer
    // strips again.
    let pad = flat.starts_with(['`', ' ']) || flat.ends_with(['`', ' ']);
    let space = if pad { " " } else { "" };
    format!("{ticks}{space}{flat}{space}{ticks}")
}

/// [`code`] for a table cell: GFM splits cells before it parses code spans, so a `|` inside
/// the span must be escaped too (the table parser removes the backslash).
pub(crate) fn code_cell(s: &str) -> String {
    code(s).replace('|', "\\|")
}

/// The length of the longest run of backticks in `s`.
fn longest_backtick_run(s: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// A fenced code block holding `body` verbatim, every line indented by `indent` so that it
/// renders inside a list item. The fence is longer than any backtick run in the body, so no
/// line of output can close it.
pub(crate) fn fenced(out: &mut String, indent: &str, body: &str) {
    let fence = "`".repeat(longest_backtick_run(body).max(2) + 1);
    let _ = writeln!(out, "{indent}{fence}text");
    for line in body.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(indent);
            out.push_str(line);
            out.push('\n');
        }
    }
    let _ = writeln!(out, "{indent}{fence}");
}

/// A table's header row and delimiter row.
pub(crate) fn table_head(out: &mut String, columns: &[&str]) {
    out.push('|');
    for c in columns {
        out.push(' ');
        out.push_str(c);
        out.push_str(" |");
    }
    out.push_str("\n|");
    for _ in columns {
        out.push_str(" --- |");
    }
    out.push('\n');
}

/// One table row of already escaped cells (see [`text`] and [`code_cell`]).
pub(crate) fn table_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(c.as_ref());
        out.push_str(" |");
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_structure_but_keeps_prose_readable() {
        assert_eq!(text("student_management.db"), "student_management.db", "intraword _ stays");
        assert_eq!(text("a | b"), "a \\| b", "pipe cannot split a cell");
        assert_eq!(text("# Title"), "\\# Title", "no heading from text");
        assert_eq!(text("1. first"), "1\\. first", "no ordered list from text");
        assert_eq!(text("line\r\nnext"), "line<br>next", "one line");
        assert_eq!(text("<script>"), "\\<script>", "no raw HTML");
        assert_eq!(text("C#"), "C#", "no closing sequence without a space");
        assert_eq!(text("a #"), "a \\#", "no closing heading sequence");
        assert_eq!(text("1.15.2"), "1.15.2", "a version is not a list");
        assert_eq!(text("p95 < 200 ms"), "p95 < 200 ms", "a lone < is not a tag");
        assert_eq!(text("- x"), "\\- x", "no list from text");
        assert_eq!(text("  "), "—", "empty text shows a dash");
    }

    #[test]
    fn code_uses_a_longer_fence_than_its_content() {
        assert_eq!(code("a`b"), "``a`b``", "fence longer than the run inside");
        assert_eq!(code("`x`"), "`` `x` ``", "padding for edge backticks");
        assert_eq!(code_cell("a|b"), "`a\\|b`", "pipe escaped in cells");
    }

    #[test]
    fn fenced_block_cannot_be_closed_by_its_body() {
        let mut out = String::new();
        fenced(&mut out, "  ", "```\nx\n");
        assert!(out.starts_with("  ````text\n"), "four backticks beat three: {out}");
    }
}
