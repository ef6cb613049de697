//! The variable check: every `{{name}}` in every string value must name a built-in variable or
//! a `[vars]` key, and every `{{` must be closed. `[vars]` values may use built-ins only, because
//! plan variables are resolved once, against the built-ins (see `plan::vars::run_variables`).

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
    for (key, item) in root.iter() {
        if key.get_ref() == "vars" {
            scan.value(item, BUILTIN_VARS, " (a [vars] value may use only built-in variables)");
        } else {
            scan.value(item, &everywhere, "");
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
