//! Positions in the plan source: byte offsets become 1-based line and column (in characters),
//! and problems are collected here so every check can report without stopping the others.

use super::Problem;

/// The problems found so far in one source text.
#[derive(Debug)]
pub(super) struct Problems<'s> {
    file: &'s str,
    text: &'s str,
    /// Byte offset at which each line starts; line N (1-based) starts at `line_starts[N - 1]`.
    line_starts: Vec<usize>,
    found: Vec<Problem>,
}

impl<'s> Problems<'s> {
    pub(super) fn new(file: &'s str, text: &'s str) -> Self {
        let line_starts =
            std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        Self { file, text, line_starts, found: Vec::new() }
    }

    /// Record a problem at a byte offset of the source.
    pub(super) fn at(&mut self, offset: usize, message: impl Into<String>) {
        let (line, column) = self.position(offset);
        self.found.push(Problem {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        });
    }

    /// The 1-based line of a byte offset, for messages such as "first used on line 12".
    pub(super) fn line(&self, offset: usize) -> usize {
        self.position(offset).0
    }

    /// Add the problems `other` found after syntax errors, except those the errors explain: from
    /// a line with a syntax error up to the next table header (a broken header puts its keys
    /// in the wrong table; a broken value loses its key).
    pub(super) fn extend_after_syntax_errors(&mut self, other: Problems<'_>) {
        let lines: Vec<&str> = self.text.lines().collect();
        let header = |n: usize| lines.get(n - 1).is_some_and(|l| l.trim_start().starts_with('['));
        let broken: Vec<usize> = self.found.iter().map(|p| p.line).collect();
        let explained =
            |line: usize| broken.iter().any(|&b| line >= b && (b + 1..=line).all(|n| !header(n)));
        self.found.extend(other.found.into_iter().filter(|p| !explained(p.line)));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The problems in reading order: by line, then column (then message, so the order never
    /// depends on the order the checks ran in).
    pub(super) fn into_sorted(mut self) -> Vec<Problem> {
        self.found
            .sort_by(|a, b| (a.line, a.column, &a.message).cmp(&(b.line, b.column, &b.message)));
        self.found.dedup();
        self.found
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let index = self.line_starts.partition_point(|start| *start <= offset).max(1) - 1;
        let start = self.line_starts.get(index).copied().unwrap_or(0);
        // Offsets from the parser fall on character boundaries; `get` keeps a bad one harmless.
        let column = self.text.get(start..offset).map_or(0, |s| s.chars().count());
        (index + 1, column + 1)
    }
}

/// Names close to `wanted` (a typo, the part after the dot, or a shared
/// beginning), best first, at most
/// three.
pub(super) fn near<'n>(wanted: &str, names: impl IntoIterator<Item = &'n str>) -> Vec<&'n str> {
    let mut scored: Vec<(usize, &str)> = names
        .into_iter()
        .filter_map(|name| {
            let distance = edit_distance(wanted, name);
            let tail = name.rsplit('.').next().unwrap_or(name);
            let limit = (wanted.chars().count() / 3).max(2);
            if distance <= limit {
                Some((distance, name))
            } else if tail == wanted
                || edit_distance(wanted, tail) <= 1
                || common_prefix(wanted.rsplit('.').next().unwrap_or(wanted), tail) >= 4
            {
                Some((limit + 1, name))
            } else {
                None
            }
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, name)| name).collect()
}

/// "; did you mean a or b?" or nothing.
pub(super) fn did_you_mean(candidates: &[&str]) -> String {
    match candidates {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean {}?", many.join(" or ")),
    }
}

/// How many leading characters two names share ("retry" and "retries": 4).
fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_tolerate_crlf() {
        let text = "a = 1\r\nb = \"é x\"\n";
        let problems = Problems::new("f", text);
        let x = text.find('x').unwrap_or_default();
        assert_eq!(problems.position(x), (2, 8), "é counts as one column; CRLF ends a line");
        assert_eq!(problems.position(0), (1, 1), "the first byte is line 1, column 1");
    }

    #[test]
    fn near_finds_typos_and_dotted_tails() {
        let kinds = ["git.clean", "git.branch", "system.disk"];
        assert_eq!(near("git.cleen", kinds), vec!["git.clean"], "one typo is near");
        assert_eq!(near("clean", kinds), vec!["git.clean"], "the part after the dot is near");
        assert!(near("docker", kinds).is_empty(), "unrelated names are not suggested");
    }
}
