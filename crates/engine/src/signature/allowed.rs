//! The `allowed_signers` file, read exactly as `ssh-keygen -Y verify` and `-Y find-principals`
//! read it (OpenSSH's sshsig.c; see ssh-keygen(1), "ALLOWED SIGNERS"), so that Release Pilot
//! and stock OpenSSH never disagree about who may sign:
//!
//! - one signer per line: `principals [options] key`; blank lines and `#` lines are skipped;
//! - the principals are a comma-separated *pattern list* (`*`, `?`, `!negation`), matched
//!   against the principal asked for; a double-quoted principals token may hold spaces;
//! - options: `cert-authority`, `namespaces="pattern-list"`, `valid-after="time"`,
//!   `valid-before="time"` (names in any case, values quoted); any other option, an option
//!   given twice, a bad time or `valid-before` not after `valid-after` make the line invalid;
//! - times are `YYYYMMDD[HHMM[SS]]`, in UTC with a `Z` or `UTC` suffix and in *local* time
//!   without one; a key is valid at `valid-after` and at `valid-before` itself;
//! - an invalid line is reported and skipped, as OpenSSH logs and skips it; the first line that
//!   matches decides.
//!
//! `cert-authority` lines never match a plain key (reports are signed with plain keys).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use ssh_key::PublicKey;

use super::SignatureError;
use crate::pattern::match_pattern_list;

/// One valid line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSigner {
    /// The principals pattern list as written, e.g. "ana@example.com,*@ops.example.com".
    pub principals: String,
    /// `cert-authority`: the key signs certificates, it does not sign reports itself.
    pub cert_authority: bool,
    /// The namespaces pattern list; `None` allows every namespace.
    pub namespaces: Option<String>,
    pub valid_after: Option<DateTime<Utc>>,
    pub valid_before: Option<DateTime<Utc>>,
    pub key: PublicKey,
    /// 1-based line in the file.
    pub line: usize,
}

/// A line OpenSSH would reject, and why (it is skipped, as OpenSSH skips it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub line: usize,
    pub detail: String,
}

/// A whole `allowed_signers` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSigners {
    pub path: PathBuf,
    pub signers: Vec<AllowedSigner>,
    /// Lines that are not valid, in file order.
    pub problems: Vec<LineProblem>,
    /// Keys refused whatever the file says (`ssh-keygen -Y verify -r`).
    pub revoked: Option<RevokedKeys>,
}

/// Why no line lets a key sign for a principal in a namespace at a time (the first reason
/// found on a line with the key, in file order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No valid line has the key (for this principal).
    UnknownKey,
    /// A line has the key, but its `namespaces=` does not allow the namespace.
    Namespace {
        principals: String,
    },
    /// A line has the key, but not at this time.
    NotYetValid {
        principals: String,
        from: DateTime<Utc>,
    },
    Expired {
        principals: String,
        until: DateTime<Utc>,
    },
}

impl Refusal {
    /// For a key outside its validity, when it is valid, in words.
    pub fn validity(&self) -> Option<String> {
        let at = |t: &DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
        match self {
            Self::NotYetValid { from, .. } => Some(format!("it is valid only from {}", at(from))),
            Self::Expired { until, .. } => Some(format!("it expired on {}", at(until))),
            _ => None,
        }
    }
}

impl AllowedSigners {
    /// Read and parse the file. Only a file that cannot be read is an error; its invalid lines
    /// are in `problems`.
    pub fn load(path: &Path) -> Result<Self, SignatureError> {
        let bytes = std::fs::read(path)
            .map_err(|source| SignatureError::Read { path: path.to_path_buf(), source })?;
        Ok(Self::parse(&String::from_utf8_lossy(&bytes), path))
    }

    /// Parse the text of a file.
    pub fn parse(text: &str, path: &Path) -> Self {
        let mut signers = Vec::new();
        let mut problems = Vec::new();
        for (i, raw) in text.split_inclusive('\n').enumerate() {
            match parse_line(raw, i + 1) {
                Ok(Some(signer)) => signers.push(signer),
                Ok(None) => {}
                Err(detail) => problems.push(LineProblem { line: i + 1, detail }),
            }
        }
        Self { path: path.to_path_buf(), signers, problems, revoked: None }
    }

    /// The same signers, with keys on `revoked` refused.
    pub fn with_revoked(self, revoked: RevokedKeys) -> Self {
        Self { revoked: Some(revoked), ..self }
    }

    /// `ssh-keygen -Y verify -I principal -n namespace`: the first valid line whose principals
    /// match `principal`, whose key is `key`, that allows `namespace` and is valid at `now`.
    pub fn verify(
        &self,
        key: &PublicKey,
        principal: &str,
        namespace: &str,
        now: DateTime<Utc>,
    ) -> Result<&AllowedSigner, Refusal> {
        let lines = self.signers.iter().filter(|s| match_pattern_list(principal, &s.principals));
        first_allowed(lines, key, Some(namespace), now)
    }

    /// `ssh-keygen -Y find-principals`: the principals of the first valid line with `key` that
    /// is valid at `now` (OpenSSH does not look at namespaces here).
    pub fn find_principals(&self, key: &PublicKey, now: DateTime<Utc>) -> Result<&str, Refusal> {
        first_allowed(self.signers.iter(), key, None, now).map(|s| s.principals.as_str())
    }

    /// The principals of the first line with `key` valid at `now` that allows `namespace`
    /// (`find-principals` followed by `verify -I` for what it found), with why not otherwise.
    pub fn signer_for(
        &self,
        key: &PublicKey,
        namespace: &str,
        now: DateTime<Utc>,
    ) -> Result<&AllowedSigner, Refusal> {
        first_allowed(self.signers.iter(), key, Some(namespace), now)
    }
}

fn first_allowed<'a>(
    lines: impl Iterator<Item = &'a AllowedSigner>,
    key: &PublicKey,
    namespace: Option<&str>,
    now: DateTime<Utc>,
) -> Result<&'a AllowedSigner, Refusal> {
    // OpenSSH compares whole seconds.
    let now = now.timestamp();
    let mut first_refusal = None;
    for s in lines {
        if s.cert_authority || s.key.key_data() != key.key_data() {
            continue;
        }
        let refusal = if namespace.is_some_and(|n| {
            s.namespaces.as_deref().is_some_and(|list| !match_pattern_list(n, list))
        }) {
            Some(Refusal::Namespace { principals: s.principals.clone() })
        } else if let Some(from) = s.valid_after.filter(|t| now < t.timestamp()) {
            Some(Refusal::NotYetValid { principals: s.principals.clone(), from })
        } else {
            s.valid_before
                .filter(|t| now > t.timestamp())
                .map(|until| Refusal::Expired { principals: s.principals.clone(), until })
        };
        match refusal {
            None => return Ok(s),
            Some(r) => {
                first_refusal.get_or_insert(r);
            }
        }
    }
    Err(first_refusal.unwrap_or(Refusal::UnknownKey))
}

const WHITESPACE: &[char] = &[' ', '\t', '\r', '\n'];

/// One line, as sshsig.c's `parse_principals_key_and_options` and `sshsigopt_parse` read it.
/// `Ok(None)`: blank or a comment.
fn parse_line(raw: &str, number: usize) -> Result<Option<AllowedSigner>, String> {
    let line = raw.trim_start_matches(WHITESPACE);
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (principals, rest) = strdelimw(line).ok_or("invalid line (no key after the principals)")?;
    let (options, key) = match read_key(rest) {
        Ok(key) => ("", key),
        Err(_) => {
            let end = past_options(rest).ok_or("invalid options (an unterminated quote)")?;
            let (options, after) = rest.split_at(end);
            if after.is_empty() {
                return Err("missing key".into());
            }
            let after = after[1..].trim_start_matches([' ', '\t']);
            let key = read_key(after).map_err(|e| format!("invalid key ({e})"))?;
            (options, key)
        }
    };
    let mut signer = AllowedSigner {
        principals,
        cert_authority: false,
        namespaces: None,
        valid_after: None,
        valid_before: None,
        key,
        line: number,
    };
    parse_options(options, &mut signer).map_err(|e| format!("bad options: {e}"))?;
    Ok(Some(signer))
}

/// misc.c's `strdelimw`: the first token, ending at whitespace, or a double-quoted run (the
/// quote removed) ending at the closing quote; then the rest after any whitespace. `None`
/// when there is no rest or a quote is not closed.
fn strdelimw(s: &str) -> Option<(String, &str)> {
    let at = s.find(|c: char| WHITESPACE.contains(&c) || c == '"')?;
    if s[at..].starts_with('"') {
        let close = s[at + 1..].find('"')? + at + 1;
        let token = format!("{}{}", &s[..at], &s[at + 1..close]);
        return Some((token, s[close + 1..].trim_start_matches(WHITESPACE)));
    }
    Some((s[..at].to_string(), s[at + 1..].trim_start_matches(WHITESPACE)))
}

/// sshkey.c's `sshkey_advance_past_options`: the end of the options token (the first space
/// or tab outside quotes, `\"` escaping a quote); `None` for an unterminated quote.
fn past_options(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let (mut i, mut quoted) = (0, false);
    while i < bytes.len() && (quoted || (bytes[i] != b' ' && bytes[i] != b'\t')) {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'"') {
            i += 1;
        } else if bytes[i] == b'"' {
            quoted = !quoted;
        }
        i += 1;
    }
    (!(i >= bytes.len() && quoted)).then_some(i.min(bytes.len()))
}

/// `keytype base64 [comment]`, as `sshkey_read` reads it.
pub(super) fn read_key(s: &str) -> Result<PublicKey, String> {
    let s = s.trim_start_matches([' ', '\t']);
    let (kind, rest) = s.split_once([' ', '\t']).ok_or("no key data after the key type")?;
    let blob = rest.trim_start_matches([' ', '\t']);
    let blob = blob.split(WHITESPACE).next().unwrap_or_default();
    PublicKey::from_openssh(&format!("{kind} {blob}")).map_err(|e| e.to_string())
}

/// sshsig.c's `sshsigopt_parse`.
fn parse_options(opts: &str, signer: &mut AllowedSigner) -> Result<(), String> {
    let mut rest = opts;
    while !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        if starts_with_ignore_case(rest, "cert-authority") {
            signer.cert_authority = true;
            rest = &rest["cert-authority".len()..];
        } else if let Some(value) = option_value(&mut rest, "namespaces")? {
            if signer.namespaces.is_some() {
                return Err("multiple \"namespaces\" clauses".into());
            }
            signer.namespaces = Some(value);
        } else if let Some(value) = option_value(&mut rest, "valid-after")? {
            if signer.valid_after.is_some() {
                return Err("multiple \"valid-after\" clauses".into());
            }
            signer.valid_after = Some(parse_time(&value).ok_or("invalid \"valid-after\" time")?);
        } else if let Some(value) = option_value(&mut rest, "valid-before")? {
            if signer.valid_before.is_some() {
                return Err("multiple \"valid-before\" clauses".into());
            }
            signer.valid_before = Some(parse_time(&value).ok_or("invalid \"valid-before\" time")?);
        }
        if rest.is_empty() || rest.starts_with([' ', '\t']) {
            break;
        }
        let Some(next) = rest.strip_prefix(',') else {
            return Err("unknown key option".into());
        };
        if next.is_empty() {
            return Err("unexpected end-of-options".into());
        }
        rest = next;
    }
    if let (Some(after), Some(before)) = (signer.valid_after, signer.valid_before)
        && before <= after
    {
        return Err("\"valid-before\" time is before \"valid-after\"".into());
    }
    Ok(())
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// misc.c's `opt_match` + `opt_dequote`: `name="value"` (`\"` inside is a quote).
fn option_value(rest: &mut &str, name: &str) -> Result<Option<String>, String> {
    if !starts_with_ignore_case(rest, name) || rest.as_bytes().get(name.len()) != Some(&b'=') {
        return Ok(None);
    }
    let s = &rest[name.len() + 1..];
    let Some(mut s) = s.strip_prefix('"') else {
        return Err("missing start quote".into());
    };
    let mut value = String::new();
    loop {
        let Some(c) = s.chars().next() else {
            return Err("missing end quote".into());
        };
        if c == '"' {
            *rest = &s[1..];
            return Ok(Some(value));
        }
        if c == '\\' && s[1..].starts_with('"') {
            s = &s[1..];
            value.push('"');
            s = &s[1..];
            continue;
        }
        value.push(c);
        s = &s[c.len_utf8()..];
    }
}

/// misc.c's `parse_absolute_time`: `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, UTC with a
/// trailing `Z` or `UTC` (any case), local time without. Out-of-range days roll over as
/// `timegm`/`mktime` roll them (Feb 31 is Mar 3); the epoch itself is refused, as OpenSSH
/// refuses a time of 0.
pub(super) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let lower = s.to_ascii_lowercase();
    let (digits, utc) = if s.len() > 1 && lower.ends_with('z') {
        (&s[..s.len() - 1], true)
    } else if s.len() > 3 && lower.ends_with("utc") {
        (&s[..s.len() - 3], true)
    } else {
        (s, false)
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<u32> {
        digits.get(from..from + len).map(|d| d.parse().unwrap_or(0))
    };
    let (year, month, day) = (num(0, 4)? as i32, num(4, 2)?, num(6, 2)?);
    let (hour, minute, second) =
        (num(8, 2).unwrap_or(0), num(10, 2).unwrap_or(0), num(12, 2).unwrap_or(0));
    // strptime's ranges.
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 61
    {
        return None;
    }
    let first = NaiveDate::from_ymd_opt(year, month, 1)?.and_hms_opt(0, 0, 0)?;
    let naive = first
        + chrono::Duration::days(i64::from(day) - 1)
        + chrono::Duration::seconds(i64::from(hour * 3600 + minute * 60 + second));
    let t = if utc {
        naive.and_utc()
    } else {
        Local.from_local_datetime(&naive).earliest()?.with_timezone(&Utc)
    };
    (t.timestamp() != 0).then_some(t)
}

/// A revocation list as `ssh-keygen -Y verify -r` reads a flat one: public keys, one per line,
/// `#` comments. A binary KRL is refused with what to do; a line that is not a key fails the
/// whole list (OpenSSH fails closed too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedKeys {
    pub path: PathBuf,
    pub keys: Vec<PublicKey>,
}

impl RevokedKeys {
    pub fn load(path: &Path) -> Result<Self, SignatureError> {
        let bytes = std::fs::read(path)
            .map_err(|source| SignatureError::Read { path: path.to_path_buf(), source })?;
        let fail = |line: usize, detail: String| SignatureError::Revoked {
            path: path.to_path_buf(),
            line,
            detail,
        };
        if bytes.starts_with(b"SSHKRL\n\0") {
            return Err(fail(
                0,
                "a binary KRL cannot be read here; give the revoked public keys, one per line \
                 (the .pub files' lines)"
                    .into(),
            ));
        }
        let mut keys = Vec::new();
        for (i, line) in String::from_utf8_lossy(&bytes).lines().enumerate() {
            let line = line.trim_start_matches([' ', '\t']);
            if line.is_empty() || line.starts_with('#') || line == "\r" {
                continue;
            }
            keys.push(read_key(line).map_err(|e| fail(i + 1, format!("not a public key ({e})")))?);
        }
        Ok(Self { path: path.to_path_buf(), keys })
    }

    pub fn contains(&self, key: &PublicKey) -> bool {
        self.keys.iter().any(|k| k.key_data() == key.key_data())
    }
}
