//! Whether the changelog has an entry for the target version.
//!
//! An entry is a Markdown ATX heading of level 1 to 3 whose first word, after an optional `[`,
//! is the version with an optional `v`: `## [1.2.3] - 2026-01-07` (Keep a Changelog),
//! `## v1.2.3`, `## 1.2.3 (2026-01-07)`, `## [v1.2.3]`. A heading that only mentions the
//! version later (`## Changes since 1.2.3`) or a longer number (`## 1.2.30`, `## 11.2.3`) is
//! not an entry, and nothing inside a fenced code block counts.

use super::Changelog;
use super::files::FileRead;
use super::version::strip_v;

/// Look for the entry of `version` in the changelog `file`, whose contents are `read`.
/// `version` is `None` when there is no target version: the file is then only checked for
/// existence.
pub(crate) fn find_entry(file: &str, read: FileRead, version: Option<&str>) -> Changelog {
    let mut changelog = Changelog {
        file: file.to_owned(),
        has_entry: false,
        heading: None,
        line: None,
        exists: false,
    };
    let FileRead::Found(bytes) = read else {
        return changelog;
    };
    changelog.exists = true;
    let Some(version) = version.map(strip_v).filter(|v| !v.is_empty()) else {
        return changelog;
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = String::from_utf8_lossy(bytes);
    if let Some((line, heading)) = entry_heading(&text, version) {
        changelog.has_entry = true;
        changelog.heading = Some(heading);
        changelog.line = Some(line);
    }
    changelog
}

/// The 1-based line number and text of the first heading that is the entry of `version`
/// (written without a `v`). The executor of `git.changelog` uses the same rule for other files.
pub(crate) fn entry_heading(text: &str, version: &str) -> Option<(usize, String)> {
    let mut fence: Option<(char, usize)> = None;
    for (index, raw_line) in text.lines().enumerate() {
        let line = raw_line.trim_end_matches('\r');
        let indented = line.len() - line.trim_start_matches(' ').len();
        let body = line.trim_start_matches(' ');
        if let Some(marker) = fence_marker(body).filter(|_| indented <= 3) {
            match fence {
                None => {
                    fence = Some(marker);
                    continue;
                }
                // A closing fence uses the same character, at least as many times, and nothing
                // else on the line.
                Some((ch, len))
                    if marker.0 == ch
                        && marker.1 >= len
                        && body.trim_start_matches(ch).trim().is_empty() =>
                {
                    fence = None;
                    continue;
                }
                Some(_) => continue,
            }
        }
        if fence.is_some() || indented > 3 {
            continue;
        }
        if heading_version(body).is_some_and(|found| strip_v(found) == version) {
            return Some((index + 1, line.trim().to_owned()));
        }
    }
    None
}

/// A fence opener or closer: three or more backticks or tildes.
fn fence_marker(body: &str) -> Option<(char, usize)> {
    let ch = body.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = body.chars().take_while(|c| *c == ch).count();
    (len >= 3).then_some((ch, len))
}

/// The first word of a level 1–3 heading, without an opening `[` and a closing `]`.
fn heading_version(body: &str) -> Option<&str> {
    let hashes = body.chars().take_while(|c| *c == '#').count();
    if !(1..=3).contains(&hashes) {
        return None;
    }
    let rest = &body[hashes..];
    // `##1.2.3` is not a heading in Markdown: the hashes must be followed by a space or tab.
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix('[').unwrap_or(rest);
    let word = rest.split([' ', '\t', ']']).next()?;
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str, version: &str) -> Changelog {
        find_entry("CHANGELOG.md", FileRead::Found(text.as_bytes().to_vec()), Some(version))
    }

    #[test]
    fn accepted_heading_forms() {
        for heading in [
            "## [1.2.3] - 2026-01-07",
            "## v1.2.3",
            "## 1.2.3 (2026-01-07)",
            "## [v1.2.3]",
            "# 1.2.3",
            "### [1.2.3]",
            "  ## 1.2.3",
        ] {
            let text = format!("# Changelog\n\n{heading}\n- fix\n");
            let found = find(&text, "1.2.3");
            assert!(found.has_entry, "{heading:?} is an entry for 1.2.3");
            assert_eq!(found.line, Some(3), "{heading:?} is on line 3");
            assert_eq!(found.heading.as_deref(), Some(heading.trim()), "heading text kept");
        }
    }

    #[test]
    fn headings_that_only_mention_the_version_do_not_count() {
        for heading in [
            "## Changes since 1.2.3",
            "## 1.2.30",
            "## 11.2.3",
            "## [1.2.3-rc.1]",
            "#### 1.2.3",
            "##1.2.3",
            "1.2.3",
            "- 1.2.3",
        ] {
            let text = format!("# Changelog\n{heading}\n");
            assert!(!find(&text, "1.2.3").has_entry, "{heading:?} is not an entry for 1.2.3");
        }
    }

    #[test]
    fn fenced_code_blocks_are_skipped() {
        let text = "# Changelog\n```md\n## 1.2.3\n```\n~~~~\n## 1.2.3\n```\n~~~~\n## [1.2.3]\n";
        let found = find(text, "1.2.3");
        assert_eq!(found.line, Some(9), "only the heading after both fences counts");
    }

    #[test]
    fn crlf_and_bom_are_tolerated() {
        let found = find("\u{feff}## v1.2.3\r\n- fix\r\n", "v1.2.3");
        assert!(found.has_entry, "CRLF, BOM and a v in the target are fine");
        assert_eq!(found.heading.as_deref(), Some("## v1.2.3"), "no CR in the heading");
    }

    #[test]
    fn missing_file_and_missing_version() {
        let missing = find_entry("CHANGELOG.md", FileRead::Missing, Some("1.0.0"));
        assert!(!missing.exists && !missing.has_entry, "no file, no entry");
        let no_version = find_entry("CHANGELOG.md", FileRead::Found(b"## 1.0.0\n".to_vec()), None);
        assert!(no_version.exists && !no_version.has_entry, "no target version, no entry");
    }
}
