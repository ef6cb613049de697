//! Forbidden and required patterns in a log file (read line by line) or in lines already read
//! (a container's log) (bounded memory, CRLF and
//! invalid UTF-8 tolerated). With `since`, lines that start with an RFC 3339 timestamp older
//! than it are left out: only what the service logged after the deploy began counts. Lines with
//! no timestamp are always scanned (a traceback's continuation lines have none).

use std::io::BufRead;
use std::path::Path;

use chrono::{DateTime, Utc};
use regex::Regex;

use super::{ValidateError, bounded};

/// Matching lines kept per forbidden pattern; the rest are only counted.
pub const MAX_LINES_KEPT: usize = 10;
/// Characters of a matching line kept.
pub const MAX_LINE_CHARS: usize = 300;

/// What a scan found for one pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternHits {
    pub pattern: String,
    pub count: u64,
    /// (1-based line number, the line, bounded).
    pub lines: Vec<(u64, String)>,
}

/// What a scan found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scan {
    pub lines_scanned: u64,
    pub forbidden: Vec<PatternHits>,
    pub required: Vec<PatternHits>,
}

/// Compile plan patterns, naming the bad one.
pub fn patterns(list: &[String]) -> Result<Vec<Regex>, ValidateError> {
    list.iter()
        .map(|p| {
            Regex::new(p)
                .map_err(|e| ValidateError::Pattern { pattern: p.clone(), reason: e.to_string() })
        })
        .collect()
}

/// Scan a log file.
pub fn scan_file(
    path: &Path,
    forbid: &[Regex],
    require: &[Regex],
    since: Option<DateTime<Utc>>,
) -> Result<Scan, ValidateError> {
    let read_err = |source| ValidateError::Read { path: path.display().to_string(), source };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut reader = std::io::BufReader::new(file);
    let mut scanner = Scanner::new(forbid, require, since);
    let mut raw = Vec::new();
    loop {
        raw.clear();
        if reader.read_until(b'\n', &mut raw).map_err(read_err)? == 0 {
            break;
        }
        scanner.line(&String::from_utf8_lossy(&raw));
    }
    Ok(scanner.finish())
}

/// Scan lines already read (a container's log, from the Docker API).
pub fn scan_lines<'l>(
    lines: impl IntoIterator<Item = &'l str>,
    forbid: &[Regex],
    require: &[Regex],
    since: Option<DateTime<Utc>>,
) -> Scan {
    let mut scanner = Scanner::new(forbid, require, since);
    for line in lines {
        scanner.line(line);
    }
    scanner.finish()
}

/// The scan in progress, fed one line at a time (so a file never has to be held whole).
struct Scanner<'r> {
    forbid: &'r [Regex],
    require: &'r [Regex],
    since: Option<DateTime<Utc>>,
    scan: Scan,
    n: u64,
}

impl<'r> Scanner<'r> {
    fn new(forbid: &'r [Regex], require: &'r [Regex], since: Option<DateTime<Utc>>) -> Self {
        let hits = |res: &[Regex]| {
            res.iter()
                .map(|r| PatternHits {
                    pattern: r.as_str().to_owned(),
                    count: 0,
                    lines: Vec::new(),
                })
                .collect::<Vec<_>>()
        };
        let scan = Scan { lines_scanned: 0, forbidden: hits(forbid), required: hits(require) };
        Self { forbid, require, since, scan, n: 0 }
    }

    fn line(&mut self, line: &str) {
        self.n += 1;
        let n = self.n;
        let line = line.trim_end_matches(['\n', '\r']);
        if self.since.is_some_and(|s| timestamp(line).is_some_and(|t| t < s)) {
            return;
        }
        self.scan.lines_scanned += 1;
        for (re, h) in self.forbid.iter().zip(self.scan.forbidden.iter_mut()) {
            if re.is_match(line) {
                h.count += 1;
                if h.lines.len() < MAX_LINES_KEPT {
                    h.lines.push((n, bounded(line, MAX_LINE_CHARS)));
                }
            }
        }
        for (re, h) in self.require.iter().zip(self.scan.required.iter_mut()) {
            if re.is_match(line) {
                h.count += 1;
                if h.lines.is_empty() {
                    h.lines.push((n, bounded(line, MAX_LINE_CHARS)));
                }
            }
        }
    }

    fn finish(self) -> Scan {
        self.scan
    }
}

/// A leading RFC 3339 timestamp ("2026-11-20T10:00:00Z", or with a space instead of the T, as
/// Python's logging writes; a missing zone is taken as UTC).
fn timestamp(line: &str) -> Option<DateTime<Utc>> {
    let head = line.trim_start_matches('[');
    let end = head
        .find(|c: char| !(c.is_ascii_alphanumeric() || "-:.+T ".contains(c)))
        .unwrap_or(head.len());
    let candidate = head.get(..end.min(35))?.trim();
    for len in (19..=candidate.len()).rev() {
        let Some(s) = candidate.get(..len) else { continue };
        let s = s.replacen(' ', "T", 1);
        if let Ok(t) = DateTime::parse_from_rfc3339(&s) {
            return Some(t.with_timezone(&Utc));
        }
        let naive = s.replace(',', ".");
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(&naive, "%Y-%m-%dT%H:%M:%S%.f") {
            return Some(t.and_utc());
        }
    }
    None
}
