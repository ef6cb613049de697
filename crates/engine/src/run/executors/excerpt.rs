//! Reading a program's output without letting it grow memory: lines are cut at a fixed length
//! while they are read, and only the last lines are kept for the evidence.
//!
//! A test suite can print gigabytes, or one endless line with no newline; the run must still
//! finish with a small, readable excerpt ("… 1,204 earlier lines omitted" then the tail).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, ErrorKind, Read};

/// Longest line kept; the rest of a longer line is dropped while reading.
pub(super) const MAX_LINE_BYTES: usize = 4 * 1024;
/// Lines kept for the evidence, per stream.
const TAIL_LINES: usize = 40;
/// Bytes kept for the evidence, per stream.
const TAIL_BYTES: usize = 8 * 1024;

/// The last lines of one output stream.
#[derive(Debug, Default)]
pub(super) struct OutputTail {
    lines: VecDeque<String>,
    bytes: usize,
    omitted: u64,
}

impl OutputTail {
    /// Keep `line`, dropping the oldest lines beyond the line and byte limits.
    pub(super) fn push(&mut self, line: &str) {
        self.lines.push_back(line.to_owned());
        self.bytes += line.len() + 1;
        while self.lines.len() > TAIL_LINES || (self.bytes > TAIL_BYTES && self.lines.len() > 1) {
            if let Some(old) = self.lines.pop_front() {
                self.bytes -= old.len() + 1;
                self.omitted += 1;
            }
        }
    }

    /// The last non-empty line, for one-line summaries.
    pub(super) fn last_line(&self) -> Option<&str> {
        self.lines.iter().rev().map(|l| l.trim()).find(|l| !l.is_empty())
    }

    /// The excerpt for the evidence: a note of what was left out, then the kept lines.
    pub(super) fn render(&self) -> String {
        let kept = self.lines.iter().map(String::as_str).collect::<Vec<_>>().join("\n");
        match self.omitted {
            0 => kept,
            1 => format!("… 1 earlier line omitted\n{kept}"),
            n => format!("… {n} earlier lines omitted\n{kept}"),
        }
    }
}

/// Read `reader` line by line, handing each line (lossily decoded, without its line ending,
/// cut at [`MAX_LINE_BYTES`]) to `on_line` until the end of the stream, a read error, or
/// `on_line` returning `false`.
pub(super) fn read_lines(reader: impl Read, mut on_line: impl FnMut(String) -> bool) {
    let mut reader = BufReader::with_capacity(16 * 1024, reader);
    let mut line: Vec<u8> = Vec::new();
    let mut cut = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok([]) => break,
            Ok(chunk) => chunk,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let (part, used, ends_line) = match chunk.iter().position(|&b| b == b'\n') {
            Some(at) => (&chunk[..at], at + 1, true),
            None => (chunk, chunk.len(), false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(line.len());
        line.extend_from_slice(&part[..part.len().min(room)]);
        cut |= part.len() > room;
        reader.consume(used);
        if ends_line && !on_line(finish(&mut line, &mut cut)) {
            return;
        }
    }
    if !line.is_empty() || cut {
        on_line(finish(&mut line, &mut cut));
    }
}

fn finish(line: &mut Vec<u8>, cut: &mut bool) -> String {
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    let mut text = String::from_utf8_lossy(line).into_owned();
    if *cut {
        text.push_str(" … (line cut)");
    }
    line.clear();
    *cut = false;
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_cut_and_decoded_lossily() {
        let long = "x".repeat(MAX_LINE_BYTES * 3);
        let input = format!("one\r\n{long}\ntwo\n\u{0}last");
        let mut bytes = input.into_bytes();
        bytes.extend_from_slice(b"\xff\n");
        let mut lines = Vec::new();
        read_lines(bytes.as_slice(), |l| {
            lines.push(l);
            true
        });
        assert_eq!(lines.len(), 4, "four lines: {lines:?}");
        assert_eq!(lines[0], "one", "CRLF removed");
        assert!(lines[1].len() < MAX_LINE_BYTES + 32, "long line cut");
        assert!(lines[1].ends_with("(line cut)"), "cut lines say so");
        assert_eq!(lines[2], "two", "reading resumes after a cut line");
        assert_eq!(lines[3], "\u{0}last\u{fffd}", "invalid UTF-8 replaced");
    }

    #[test]
    fn tail_keeps_the_last_lines_and_counts_the_rest() {
        let mut tail = OutputTail::default();
        for i in 0..100 {
            tail.push(&format!("line {i}"));
        }
        let text = tail.render();
        assert!(text.starts_with("… 60 earlier lines omitted\n"), "omitted count: {text}");
        assert!(text.ends_with("line 99"), "newest line last");
        assert_eq!(tail.last_line(), Some("line 99"), "last line");
    }
}
