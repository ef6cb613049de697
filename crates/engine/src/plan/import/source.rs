//! The runbook's text as the importer reads it: bytes decoded (a UTF-8 BOM dropped, CRLF read
//! as LF), refused when it is not text, and the fences people write that CommonMark would not
//! close repaired in place — a fence line with an info string (```` ```text ````) inside an open
//! block closes it, as its author meant — without moving any byte, so offsets and line numbers
//! stay those of the file.

/// Why a file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error(
        "{name} is not a text file (it holds NUL bytes): give the runbook's Markdown file (.md)"
    )]
    Binary { name: String },
    #[error("{name} is empty: there is nothing to import")]
    Empty { name: String },
}

/// The text, and where each line starts.
#[derive(Debug, Clone)]
pub struct Source {
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn read(bytes: &[u8], name: &str) -> Result<Self, SourceError> {
        if bytes.contains(&0) {
            return Err(SourceError::Binary { name: name.to_string() });
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // Broken encoding stays readable: an invalid byte becomes U+FFFD, the rest is kept.
        let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n").replace('\r', "\n");
        if text.trim().is_empty() {
            return Err(SourceError::Empty { name: name.to_string() });
        }
        let text = repair_fences(&text);
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Ok(Self { text, line_starts })
    }

    /// The 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// Inside an open ```` ``` ```` block, a fence line with an info string is taken as the block's
/// closing fence: its info string becomes spaces (a closing fence may be followed by spaces).
fn repair_fences(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<(char, usize)> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let fence = trimmed
            .chars()
            .next()
            .filter(|c| (*c == '`' || *c == '~') && indent < 4)
            .map(|c| (c, trimmed.chars().take_while(|x| *x == c).count()))
            .filter(|(_, n)| *n >= 3);
        match (open, fence) {
            (None, Some(f)) => {
                open = Some(f);
                out.push_str(line);
            }
            (Some((c, n)), Some((fc, fn_))) if fc == c && fn_ >= n => {
                open = None;
                let marker = indent + fn_ * c.len_utf8();
                let (head, rest) = line.split_at(marker);
                out.push_str(head);
                let body = rest.trim_end_matches('\n');
                // As many spaces as the info string had bytes: nothing after it moves.
                out.push_str(&" ".repeat(body.len()));
                if rest.ends_with('\n') {
                    out.push('\n');
                }
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fence_closed_with_an_info_string_is_closed_and_no_byte_moves() {
        let text = "```bash\ndf -h\n```text\n- [ ] done\n";
        let repaired = repair_fences(text);
        assert_eq!(repaired.len(), text.len());
        assert_eq!(repaired, "```bash\ndf -h\n```    \n- [ ] done\n");
    }

    #[test]
    fn lines_are_counted_from_one() {
        let s = Source::read(b"\xEF\xBB\xBFa\r\nb\n", "x.md").expect("text");
        assert_eq!(s.text, "a\nb\n");
        assert_eq!((s.line_of(0), s.line_of(2)), (1, 2));
        assert!(Source::read(b"a\0b", "x.md").is_err());
    }
}
