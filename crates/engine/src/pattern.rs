//! OpenSSH's pattern lists (match.c), as `allowed_signers` principals use them and as a plan
//! names who may sign for a role: `alan@example.com`, `*@qa.example.com,!intern@qa.example.com`.

/// match.c's `match_pattern_list`: a comma-separated list of patterns, `!` negating one; a
/// negated match refuses at once, otherwise any positive match accepts. Case-sensitive.
pub fn match_pattern_list(s: &str, list: &str) -> bool {
    let mut positive = false;
    for sub in list.split(',') {
        let (negated, pattern) = match sub.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, sub),
        };
        if pattern.len() >= 1023 {
            return false;
        }
        if match_pattern(s.as_bytes(), pattern.as_bytes()) {
            if negated {
                return false;
            }
            positive = true;
        }
    }
    positive
}

/// `*` matches any run, `?` any one byte.
fn match_pattern(s: &[u8], p: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| match_pattern(&s[i..], rest)),
        Some((b'?', rest)) => !s.is_empty() && match_pattern(&s[1..], rest),
        Some((c, rest)) => s.first() == Some(c) && match_pattern(&s[1..], rest),
    }
}
