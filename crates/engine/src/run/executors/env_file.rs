//! `file.env_key`: an env file defines a key whose value is long enough.
//!
//! The value is a secret. It is measured (its length in characters) and then dropped: it never
//! reaches a summary, a fact, an error message or a hash in the evidence, so neither the store
//! nor the report can leak it. Only the length is reported ("present, 64 characters").
//!
//! The parser follows the common dotenv dialect (Docker Compose, python-dotenv): `KEY=value`
//! lines, an optional `export ` prefix, `#` comments, single quotes (literal), double quotes
//! (with backslash escapes, possibly spanning lines), CRLF line endings and a UTF-8 BOM. When a
//! key is defined twice, the last definition counts, as in those tools.

use std::fs;

use crate::plan::kinds::FileEnvKeyParams;
use crate::run::{Evidence, Measurement, StepOutcome};

use super::file::file_evidence;
use super::{StepContext, resolve};

/// One definition of the key: where, how long its value is, and the value (held only to be
/// measured here, and by the redactor to be masked; never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Definition {
    /// 1-based line of the definition.
    line: usize,
    /// Length of the value in characters, after quotes and escapes are removed.
    length: usize,
    /// The value after quotes and escapes are removed.
    value: String,
    /// The value as written between its quotes (what `cat .env` prints).
    written: String,
}

/// Every value `key` has in the env file's text, each as read and as written: what the
/// redactor masks wherever it appears (a command may print the file).
pub(crate) fn env_values(text: &str, key: &str) -> Vec<String> {
    definitions(text, key).into_iter().flat_map(|d| [d.value, d.written]).collect()
}

/// The env file defines `key` with a value of at least `min_length` characters (default 1).
pub(super) fn env_key(p: &FileEnvKeyParams, ctx: &StepContext<'_>) -> StepOutcome {
    let path = resolve(ctx.repo_path, &p.path);
    let (file, key) = (p.path.as_str(), p.key.as_str());
    let min = p.min_length.unwrap_or(1);
    let evidence = Evidence::default().fact("file", file).fact("key", key);

    // Errors name the path only: io::Error messages never contain file contents.
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return StepOutcome::failed(
                format!(
                    "{file} does not exist: create it with {key} set (at least {min} \
                     characters), then re-run the check."
                ),
                evidence.fact("value", "file missing"),
            );
        }
        Err(e) => {
            return StepOutcome::failed(
                format!(
                    "{file} could not be read ({e}): check its permissions, then re-run the check."
                ),
                evidence,
            );
        }
    };
    let mut evidence = evidence;
    if let Ok(meta) = fs::metadata(&path) {
        // No SHA-256 here: a hash of a file of secrets is a way to test guesses against it.
        evidence.files.push(file_evidence(&path, file, &meta, false).0);
    }

    let definitions = definitions(&String::from_utf8_lossy(&bytes), key);
    let Some(last) = definitions.last().cloned() else {
        return StepOutcome::failed(
            format!(
                "{key} is not defined in {file}: add it (at least {min} characters), then re-run \
                 the check."
            ),
            evidence.fact("value", "missing"),
        );
    };
    if definitions.len() > 1 {
        evidence = evidence.fact(
            "note",
            format!(
                "defined {} times; the last one (line {}) counts",
                definitions.len(),
                last.line
            ),
        );
    }
    let passed = last.length >= min;
    evidence = evidence.fact("line", last.line.to_string());
    evidence.measurements.push(Measurement {
        metric: format!("length of {key}"),
        target: format!("≥ {min} characters"),
        value: last.length as f64,
        unit: "characters".into(),
        passed,
    });
    let chars = if last.length == 1 { "character" } else { "characters" };

    if passed {
        let state = format!("present, {} {chars}", last.length);
        StepOutcome::passed(format!("{key} in {file}: {state}."), evidence.fact("value", state))
    } else if last.length == 0 {
        StepOutcome::failed(
            format!(
                "{key} is empty in {file}: set it (at least {min} characters), then re-run the \
                 check."
            ),
            evidence.fact("value", "empty"),
        )
    } else {
        let state = format!("too short: {} {chars}, need ≥ {min}", last.length);
        StepOutcome::failed(
            format!(
                "{key} in {file} is {state}: replace it with a longer random value, then re-run \
                 the check."
            ),
            evidence.fact("value", state),
        )
    }
}

/// Every definition of `key` in the text of an env file, in file order.
fn definitions(text: &str, key: &str) -> Vec<Definition> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i + 1;
        let line = lines[i].trim_start();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line =
            line.strip_prefix("export").filter(|r| r.starts_with([' ', '\t'])).unwrap_or(line);
        let Some((name, raw)) = line.split_once('=') else { continue };
        let raw = raw.trim_start();
        // A quoted value may run over several lines; parse it either way so that the lines
        // it spans are not read as definitions of their own.
        let (value, written, consumed) = value_of(raw, &lines[i..]);
        i += consumed;
        if name.trim() == key {
            let length = value.chars().count();
            found.push(Definition { line: line_no, length, value, written });
        }
    }
    found
}

/// The value starting at `raw` (quotes and escapes removed), the value as written between its
/// quotes, and how many of the `following` lines a multi-line quoted value consumed.
fn value_of(raw: &str, following: &[&str]) -> (String, String, usize) {
    match raw.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let mut value = String::new();
            let mut written = String::new();
            let mut consumed = 0;
            let mut rest = &raw[1..];
            loop {
                let mut chars = rest.chars();
                while let Some(c) = chars.next() {
                    match c {
                        c if c == quote => return (value, written, consumed),
                        // In double quotes a backslash escapes the next character (`\n`, `\"`).
                        '\\' if quote == '"' => {
                            written.push(c);
                            if let Some(next) = chars.next() {
                                written.push(next);
                                value.push(match next {
                                    'n' => '\n',
                                    't' => '\t',
                                    'r' => '\r',
                                    other => other,
                                });
                            }
                        }
                        _ => {
                            value.push(c);
                            written.push(c);
                        }
                    }
                }
                // No closing quote on this line: the value continues on the next one.
                match following.get(consumed) {
                    Some(next) => {
                        value.push('\n');
                        written.push('\n');
                        rest = next;
                        consumed += 1;
                    }
                    // Never closed: take what there is rather than fail, like dotenv does.
                    None => return (value, written, consumed),
                }
            }
        }
        _ => {
            // Unquoted: a `#` after white space starts a comment.
            let end = raw
                .char_indices()
                .find(|&(at, c)| c == '#' && raw[..at].ends_with([' ', '\t']))
                .map_or(raw.len(), |(at, _)| at);
            let value = raw[..end].trim_end().to_string();
            (value.clone(), value, 0)
        }
    }
}

executors! {
    FileEnvKeyParams => env_key,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lengths(text: &str, key: &str) -> Vec<(usize, usize)> {
        definitions(text, key).iter().map(|d| (d.line, d.length)).collect()
    }

    #[test]
    fn parses_the_common_dotenv_forms() {
        let text =
            "\u{feff}# comment\r\nexport A=abc\r\nB = 'x y' \r\nC=\"q\\\"q\"\nD=v # note\nE=\n";
        assert_eq!(lengths(text, "A"), vec![(2, 3)], "export prefix and CRLF");
        assert_eq!(lengths(text, "B"), vec![(3, 3)], "single quotes keep spaces");
        assert_eq!(lengths(text, "C"), vec![(4, 3)], "escaped quote counts as one character");
        assert_eq!(lengths(text, "D"), vec![(5, 1)], "inline comment is not part of the value");
        assert_eq!(lengths(text, "E"), vec![(6, 0)], "empty value");
        assert_eq!(lengths(text, "Z"), vec![], "missing key");
    }

    #[test]
    fn multi_line_values_do_not_hide_or_invent_keys() {
        let text = "K=\"line1\nFAKE=1\nline3\"\nK2=ok\nA=#x\n";
        assert_eq!(lengths(text, "K"), vec![(1, 18)], "three lines joined by two breaks");
        assert_eq!(lengths(text, "FAKE"), vec![], "inside a quoted value, not a definition");
        assert_eq!(lengths(text, "K2"), vec![(4, 2)], "parsing resumes after the value");
        assert_eq!(lengths(text, "A"), vec![(5, 2)], "a # right after = is part of the value");
    }
}
