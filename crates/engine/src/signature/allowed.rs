//! The `allowed_signers` file, as `ssh-keygen -Y verify` reads it (see ssh-keygen(1),
//! "ALLOWED SIGNERS"): one signer per line, `principals [options] keytype base64-key [comment]`,
//! with `#` comments. The options understood are `namespaces="…"`, `valid-after="…"` and
//! `valid-before="…"` (times as `YYYYMMDD[HHMM[SS]][Z]`, read as UTC). `cert-authority` lines
//! are skipped: reports are signed with plain keys.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use ssh_key::PublicKey;

use super::SignatureError;

/// One signer of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSigner {
    /// Who, as written (comma-separated in the file), e.g. "ana@example.com".
    pub principals: Vec<String>,
    /// The namespaces the key may sign in; `None` allows every namespace.
    pub namespaces: Option<Vec<String>>,
    pub valid_after: Option<DateTime<Utc>>,
    pub valid_before: Option<DateTime<Utc>>,
    pub key: PublicKey,
    /// 1-based line in the file.
    pub line: usize,
}

/// A whole `allowed_signers` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSigners {
    pub path: PathBuf,
    pub signers: Vec<AllowedSigner>,
}

impl AllowedSigners {
    /// Read and parse the file; a line that cannot be read is an error naming it.
    pub fn load(path: &Path) -> Result<Self, SignatureError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| SignatureError::Read { path: path.to_path_buf(), source })?;
        Self::parse(&text, path)
    }

    /// Parse the text of a file (CRLF and a BOM tolerated).
    pub fn parse(text: &str, path: &Path) -> Result<Self, SignatureError> {
        let mut signers = Vec::new();
        for (i, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fail = |detail: String| SignatureError::AllowedSigners {
                path: path.to_path_buf(),
                line: i + 1,
                detail,
            };
            if let Some(signer) = parse_line(line, i + 1).map_err(fail)? {
                signers.push(signer);
            }
        }
        Ok(Self { path: path.to_path_buf(), signers })
    }

    /// The signers whose key is `key`.
    pub fn for_key<'a>(&'a self, key: &'a PublicKey) -> impl Iterator<Item = &'a AllowedSigner> {
        self.signers.iter().filter(move |s| s.key.key_data() == key.key_data())
    }
}

fn parse_line(line: &str, number: usize) -> Result<Option<AllowedSigner>, String> {
    let tokens = tokens(line);
    let mut it = tokens.iter().map(String::as_str);
    let principals = it.next().ok_or("no principals")?;
    let mut next = it.next().ok_or("no key")?;
    let mut options = "";
    if !is_key_type(next) {
        options = next;
        next = it.next().ok_or("no key type after the options")?;
    }
    let key_type = next;
    let blob = it.next().ok_or("no key after the key type")?;
    let mut signer = AllowedSigner {
        principals: principals.trim_matches('"').split(',').map(|p| p.trim().to_string()).collect(),
        namespaces: None,
        valid_after: None,
        valid_before: None,
        key: PublicKey::from_openssh(&format!("{key_type} {blob}"))
            .map_err(|e| format!("the key cannot be read ({e})"))?,
        line: number,
    };
    for option in split_options(options) {
        let (name, value) = option.split_once('=').unwrap_or((option.as_str(), ""));
        let value = value.trim_matches('"');
        match name.to_ascii_lowercase().as_str() {
            "cert-authority" => return Ok(None),
            "namespaces" => {
                signer.namespaces = Some(value.split(',').map(|n| n.trim().to_string()).collect());
            }
            "valid-after" => signer.valid_after = Some(time(value)?),
            "valid-before" => signer.valid_before = Some(time(value)?),
            _ => {}
        }
    }
    Ok(Some(signer))
}

fn is_key_type(token: &str) -> bool {
    token.starts_with("ssh-") || token.starts_with("ecdsa-") || token.starts_with("sk-")
}

/// Whitespace-separated tokens; double quotes keep spaces inside a token.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Options are comma-separated; commas inside quotes belong to the value.
fn split_options(options: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in options.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, optionally ending in `Z`.
fn time(value: &str) -> Result<DateTime<Utc>, String> {
    let v = value.trim().trim_end_matches(['Z', 'z']);
    let bad = || format!("{value:?} is not a time (YYYYMMDD[HHMM[SS]][Z])");
    let parsed = match v.len() {
        8 => NaiveDate::parse_from_str(v, "%Y%m%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)),
        12 => NaiveDateTime::parse_from_str(v, "%Y%m%d%H%M").ok(),
        14 => NaiveDateTime::parse_from_str(v, "%Y%m%d%H%M%S").ok(),
        _ => None,
    };
    parsed.map(|t| t.and_utc()).ok_or_else(bad)
}
