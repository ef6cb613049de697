//! The masking core every output of a run passes through: a [`Redactor`] holds the secret
//! values and every form each takes on its way out (raw; escaped as in JSON, TOML or a
//! `{:?}` string; percent-encoded; flattened onto one line or trimmed; line by line), and masks
//! them in text ([`Redactor::text`]) and in structured values string by string
//! ([`Redactor::json`]). Where the masking is applied (store, progress, errors, reports) is in
//! `run::redact`; the report adds its Markdown forms ([`Redactor::with_forms`]).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::plan::{Plan, vars};

/// What replaces a secret value.
pub const MASK: &str = "••••••";

/// Shortest value treated as a secret: masking one- to three-character values would mangle
/// ordinary text and protects nothing. A run refuses shorter secrets ([`too_short`]).
pub const MIN_SECRET_LEN: usize = 4;

/// Replaces every form of every secret value in text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// The secrets as given, for extra forms.
    secrets: Vec<String>,
    /// Every form of every secret, longest first, so a form containing another is masked whole.
    forms: Vec<String>,
}

impl Redactor {
    /// The redactor for a plan's secret variables.
    pub fn for_plan(plan: &Plan) -> Self {
        Self::new(vars::secret_values(plan))
    }

    /// A redactor for these secret values.
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let secrets: Vec<String> =
            secrets.into_iter().filter(|s| s.chars().count() >= MIN_SECRET_LEN).collect();
        let mut redactor = Self { secrets: Vec::new(), forms: Vec::new() };
        let mut forms = BTreeSet::new();
        for secret in &secrets {
            forms.extend(forms_of(secret));
        }
        redactor.secrets = secrets;
        redactor.set_forms(forms);
        redactor
    }

    /// The same redactor, also masking these secret values.
    pub fn with_secrets(self, more: impl IntoIterator<Item = String>) -> Self {
        let mut secrets = self.secrets;
        secrets.extend(more);
        Self::new(secrets)
    }

    /// The same redactor, also masking the forms `extra` gives for each secret (a renderer's
    /// own escaping).
    pub fn with_forms(mut self, extra: impl Fn(&str) -> Vec<String>) -> Self {
        let mut forms: BTreeSet<String> = self.forms.drain(..).collect();
        for secret in &self.secrets {
            for form in extra(secret) {
                forms.extend(forms_of(&form));
            }
        }
        self.set_forms(forms);
        self
    }

    fn set_forms(&mut self, forms: BTreeSet<String>) {
        let mut forms: Vec<String> =
            forms.into_iter().filter(|f| f.chars().count() >= MIN_SECRET_LEN).collect();
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        self.forms = forms;
    }

    /// True when there is nothing to mask.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// `text` with every form of every secret masked.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for form in &self.forms {
            if out.contains(form.as_str()) {
                out = out.replace(form.as_str(), MASK);
            }
        }
        out
    }

    /// Every string in `value` masked (keys too: a map keyed by a header value could carry one).
    pub fn json(&self, value: Value) -> Value {
        if self.is_empty() {
            return value;
        }
        match value {
            Value::String(s) => Value::String(self.text(&s)),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.json(v)).collect()),
            Value::Object(fields) => Value::Object(
                fields.into_iter().map(|(k, v)| (self.text(&k), self.json(v))).collect(),
            ),
            other => other,
        }
    }
}

/// The forms a secret takes on its way out of a program or a serializer.
fn forms_of(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_string()];
    let json = serde_json::to_string(secret).unwrap_or_default();
    forms.push(json.get(1..json.len().saturating_sub(1)).unwrap_or_default().to_string());
    let debug = format!("{secret:?}");
    forms.push(debug.get(1..debug.len().saturating_sub(1)).unwrap_or_default().to_string());
    forms.push(percent_encoded(secret, false));
    forms.push(percent_encoded(secret, true));
    forms.push(percent_encoded(secret, false).to_lowercase());
    let flat = secret.replace("\r\n", " ").replace(['\r', '\n'], " ");
    forms.push(flat.trim().to_string());
    forms.push(flat);
    forms.push(secret.trim().to_string());
    // Live output arrives line by line; a line terminal may drop a trailing `\r`.
    for line in secret.split('\n') {
        forms.push(line.to_string());
        forms.push(line.trim_end_matches('\r').to_string());
        forms.push(line.trim().to_string());
    }
    // A shell-quoted command line (`'it'\''s'`).
    forms.push(secret.replace('\'', "'\\''"));
    forms
}

/// `text` percent-encoded: every byte but the unreserved ones (RFC 3986) as `%XX`; with `form`,
/// a space as `+` (an HTML form body).
fn percent_encoded(text: &str, form: bool) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            b' ' if form => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_masked_in_each_form_it_leaves_in() {
        let secret = "pa\"ss\\wo rd\n2é";
        let r = Redactor::new([secret.to_string()]);
        for (how, shown) in [
            ("raw", secret.to_string()),
            ("json", serde_json::to_string(secret).expect("json")),
            ("debug", format!("{secret:?}")),
            ("url", percent_encoded(secret, false)),
            ("form", percent_encoded(secret, true)),
            ("flattened", secret.replace('\n', " ")),
        ] {
            let masked = r.text(&format!("before {shown} after"));
            assert!(!masked.contains("wo rd") && !masked.contains("wo%20rd"), "{how}: {masked}");
        }
        let value = serde_json::json!({ "summary": format!("got {secret}"), "list": [secret] });
        let masked = serde_json::to_string(&r.json(value)).expect("json");
        assert!(!masked.contains("wo rd"), "structured values are masked string by string");
    }

    #[test]
    fn short_values_are_not_secrets_the_redactor_could_keep() {
        let r = Redactor::new(["abc".to_string()]);
        assert!(r.is_empty(), "three characters are not masked (a run refuses them instead)");
    }
}
