//! The variable check: every `{{name}}` in every string value must name a built-in variable or
//! a `[vars]` key, and every `{{` must be closed. `[vars]` values may use built-ins and other
//! `[vars]` keys, but not themselves, even through others (see `plan::vars::run_variables`).

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::span::{Problems, did_you_mean, near};
use crate::plan::vars::{BUILTIN_VARS, Token, tokens};

pub(super) fn check(root: &DeTable<'_>, source: &str, problems: &mut Problems<'_>) {
    let plan_vars: Vec<&str> = root
        .get("vars")
        .and_then(|v| v.get_ref().as_table())
        .into_iter()
        .flat_map(|t| t.iter().map(|(k, _)| -> &str { k.get_ref() }))
        .collect();
    let everywhere: Vec<&str> =
        BUILTIN_VARS.iter().copied().chain(plan_vars.iter().copied()).collect();
    let mut scan = Scan { source, problems };
    for (_, item) in root.iter() {
        scan.value(item, &everywhere, "");
    }
    if let Some(vars) = root.get("vars").and_then(|v| v.get_ref().as_table()) {
        cycles(vars, problems);
    }
}

/// A `[vars]` value that uses itself, directly or through other variables, can never be
/// resolved: report it at its key, with the chain.
fn cycles(vars: &DeTable<'_>, problems: &mut Problems<'_>) {
    let uses = |name: &str| -> Vec<String> {
        vars.get(name)
            .and_then(|v| v.get_ref().as_str().map(crate::plan::vars::variables_in))
            .unwrap_or_default()
            .into_iter()
            .map(|(used, _)| used)
            .filter(|used| vars.get(used.as_str()).is_some())
            .collect()
    };
    for (key, _) in vars.iter() {
        let start: &str = key.get_ref();
        // Depth-first from `start`, looking for a way back to it.
        let mut stack: Vec<Vec<String>> = vec![vec![start.to_string()]];
        let mut seen: Vec<String> = Vec::new();
        while let Some(path) = stack.pop() {
            let last = path.last().cloned().unwrap_or_default();
            for next in uses(&last) {
                if next == start {
                    let chain =
                        path.iter().chain(std::iter::once(&next)).cloned().collect::<Vec<_>>();
                    problems.at(
                        key.span().start,
                        format!(
                            "[vars] `{start}` uses itself ({}): a variable can never be resolved from itself; give one of them a value of its own",
                            chain.join(" → ")
                        ),
                    );
                    stack.clear();
                    break;
                }
                if !seen.contains(&next) {
                    seen.push(next.clone());
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push(longer);
                }
            }
        }
    }
}

struct Scan<'p, 's, 't> {
    source: &'t str,
    problems: &'p mut Problems<'s>,
}

impl Scan<'_, '_, '_> {
    fn value(&mut self, item: &Spanned<DeValue<'_>>, known: &[&str], note: &str) {
        match item.get_ref() {
            DeValue::String(text) => self.string(text, item.span(), known, note),
            DeValue::Array(items) => items.iter().for_each(|i| self.value(i, known, note)),
            DeValue::Table(table) => table.iter().for_each(|(_, i)| self.value(i, known, note)),
            _ => {}
        }
    }

    fn string(&mut self, text: &str, span: std::ops::Range<usize>, known: &[&str], note: &str) {
        let found = tokens(text);
        if found.is_empty() {
            return;
        }
        let opens = opening_braces(self.source, span.clone(), text);
        for (index, token) in found.iter().enumerate() {
            let at = opens.get(index).copied().unwrap_or(span.start);
            match token {
                Token::Unclosed { .. } => self.problems.at(at, "`{{` without a closing `}}`"),
                Token::Variable { name, .. } if !known.contains(name) => {
                    let hint = did_you_mean(&near(name, known.iter().copied()));
                    let message = format!("unknown variable `{{{{{name}}}}}`{note}{hint}");
                    self.problems.at(at, message);
                }
                Token::Variable { .. } => {}
            }
        }
    }
}

/// Source offsets of the `{{` of each token, in order. The decoded text can differ from the
/// source (escapes, quotes), but escapes never produce `{{`, so the k-th `{{` opening a token in
/// the text is the k-th such `{{` in the source. The first entry is the value's start, used
/// when the two disagree.
fn opening_braces(source: &str, span: std::ops::Range<usize>, text: &str) -> Vec<usize> {
    let raw = source.get(span.clone()).unwrap_or("");
    let mut opens: Vec<usize> = tokens(raw)
        .into_iter()
        .map(|t| match t {
            Token::Variable { start, .. } | Token::Unclosed { start } => span.start + start,
        })
        .collect();
    if opens.len() != tokens(text).len() {
        opens.clear();
    }
    opens
}
