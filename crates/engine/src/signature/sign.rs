//! Signing a report: a [`Statement`] about it (run, report digest, chain head, role) signed as
//! SSHSIG (namespace `release-pilot`, SHA-512) by a key file or by ssh-agent, and written as
//! the armored block ssh-keygen writes followed by the statement.
//!
//! Older signatures (and any made with `ssh-keygen -Y sign` over the report itself) sign the
//! report's bytes directly; they are read as such. A `Role:` line after one of those is not
//! covered by the signature and is never shown as the signer's role.

use std::path::{Path, PathBuf};

use ssh_key::private::{KeypairData, RsaKeypair};
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey, Signature, SshSig};

use super::agent::Agent;
use super::statement::{STATEMENT_HEADER, Statement};
use super::{NAMESPACE, SignatureError};

/// The unsigned role line older signature files carried after the armored block.
const ROLE_PREFIX: &str = "Role:";
const END_MARKER: &str = "-----END SSH SIGNATURE-----";

/// What the signature in a file signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signed {
    /// The statement after the armored block (its exact text is what was signed).
    Statement(Statement),
    /// The report's bytes themselves, with no role.
    Report,
    /// The report's bytes, with a `Role:` line the signature does not cover.
    UnsignedRole(String),
}

/// A signature file: the SSHSIG itself and what it signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFile {
    pub signature: SshSig,
    pub signed: Signed,
}

impl SignatureFile {
    /// The role the signature covers (only a statement's).
    pub fn role(&self) -> Option<&str> {
        match &self.signed {
            Signed::Statement(s) => s.role.as_deref(),
            _ => None,
        }
    }

    /// The bytes the signature is over, for a file signing `report`.
    pub fn message<'a>(&self, report: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        match &self.signed {
            Signed::Statement(s) => s.to_text().into_bytes().into(),
            _ => report.into(),
        }
    }

    /// The file's text: the armored block, then the statement.
    pub fn to_text(&self) -> Result<String, SignatureError> {
        let mut text = armored(&self.signature)?;
        match &self.signed {
            Signed::Statement(s) => text.push_str(&s.to_text()),
            Signed::Report => {}
            Signed::UnsignedRole(role) => text.push_str(&format!("{ROLE_PREFIX} {role}\n")),
        }
        Ok(text)
    }

    /// Read a signature file's text (CRLF tolerated). The error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (signature, rest) = split_armored(text)?;
        let rest = rest.as_str();
        let signed = if rest.starts_with(STATEMENT_HEADER) {
            Signed::Statement(
                Statement::parse(rest)
                    .map_err(|e| format!("its statement was changed or cut short: {e}"))?,
            )
        } else {
            match rest.lines().find_map(|l| l.trim().strip_prefix(ROLE_PREFIX)) {
                Some(role) if !role.trim().is_empty() => Signed::UnsignedRole(role.trim().into()),
                _ => Signed::Report,
            }
        };
        Ok(Self { signature, signed })
    }
}

/// The armored block ssh-keygen writes, ending in a newline (what follows it is the signed
/// statement).
pub fn armored(signature: &SshSig) -> Result<String, SignatureError> {
    let mut text = signature
        .to_pem(LineEnding::LF)
        .map_err(|e| SignatureError::Sign { detail: e.to_string() })?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// The armored SSHSIG at the start of a file (CRLF tolerated) and the text after its END line.
pub fn split_armored(text: &str) -> Result<(SshSig, String), String> {
    let text = text.replace("\r\n", "\n");
    let text = text.trim_start_matches('\u{feff}');
    let Some(end) = text.find(END_MARKER) else {
        return Err("not an SSH signature (no -----END SSH SIGNATURE----- line)".into());
    };
    let (armored, rest) = text.split_at(end + END_MARKER.len());
    let signature = SshSig::from_pem(format!("{}\n", armored.trim_start()))
        .map_err(|e| format!("not a readable SSH signature ({e})"))?;
    Ok((signature, rest.strip_prefix('\n').unwrap_or(rest).to_string()))
}

/// Sign `report` with the private key file at `key`, decrypting it with `passphrase` when it is
/// encrypted.
pub fn sign_with_key_file(
    report: &[u8],
    key: &Path,
    passphrase: Option<&str>,
    role: Option<&str>,
) -> Result<SignatureFile, SignatureError> {
    let statement = statement(report, role)?;
    let signature = sign_message_with_key_file(statement.to_text().as_bytes(), key, passphrase)?;
    Ok(SignatureFile { signature, signed: Signed::Statement(statement) })
}

/// An SSHSIG (namespace `release-pilot`) over `message`, made with the private key file `key`.
pub fn sign_message_with_key_file(
    message: &[u8],
    key: &Path,
    passphrase: Option<&str>,
) -> Result<SshSig, SignatureError> {
    let text = std::fs::read_to_string(key)
        .map_err(|source| SignatureError::Read { path: key.to_path_buf(), source })?;
    let mut private =
        PrivateKey::from_openssh(text.trim_start_matches('\u{feff}')).map_err(|e| {
            match unsupported_algorithm(&text) {
                Some(algorithm) => SignatureError::UnsupportedKey { algorithm },
                None => SignatureError::KeyParse { path: key.to_path_buf(), detail: e.to_string() },
            }
        })?;
    if private.is_encrypted() {
        let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) else {
            return Err(SignatureError::PassphraseNeeded { path: key.to_path_buf() });
        };
        private = private
            .decrypt(passphrase)
            .map_err(|_| SignatureError::WrongPassphrase { path: key.to_path_buf() })?;
    }
    can_sign_with(&private.algorithm())?;
    match private.key_data() {
        KeypairData::Rsa(rsa) => sign_rsa(rsa, message),
        _ => private
            .sign(NAMESPACE, HashAlg::Sha512, message)
            .map_err(|e| SignatureError::Sign { detail: e.to_string() }),
    }
}

/// The algorithm of a private key file this build cannot read (ECDSA, security keys, a PEM
/// "EC PRIVATE KEY"), so that it is named as unsupported instead of "not a key". The key type
/// is written in the clear inside an OpenSSH key's base64 body, encrypted or not.
fn unsupported_algorithm(text: &str) -> Option<String> {
    if text.contains("-----BEGIN EC PRIVATE KEY-----") {
        return Some("ECDSA (PEM)".into());
    }
    let body: String =
        text.lines().filter(|l| !l.starts_with("-----")).flat_map(|l| l.trim().chars()).collect();
    let bytes = base64_decode(&body)?;
    let found = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    [
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519",
        "sk-ecdsa",
    ]
    .into_iter()
    .find(|n| found(n))
    .map(str::to_string)
}

/// Standard base64 (padding optional); `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// SSHSIG with an RSA key (`rsa-sha2-512`), signed with the `rsa` crate directly: ssh-key 0.6
/// rebuilds the private key from `p` twice instead of `p` and `q` and fails to sign.
fn sign_rsa(key: &RsaKeypair, message: &[u8]) -> Result<SshSig, SignatureError> {
    use rsa::signature::{SignatureEncoding as _, Signer as _};
    let fail = |detail: &str| SignatureError::Sign { detail: format!("RSA key: {detail}") };
    let int = |m: &ssh_key::Mpint| {
        m.as_positive_bytes().map(rsa::BigUint::from_bytes_be).ok_or_else(|| fail("bad number"))
    };
    let private = rsa::RsaPrivateKey::from_components(
        int(&key.public.n)?,
        int(&key.public.e)?,
        int(&key.private.d)?,
        vec![int(&key.private.p)?, int(&key.private.q)?],
    )
    .map_err(|e| fail(&e.to_string()))?;
    let data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, message)
        .map_err(|e| fail(&e.to_string()))?;
    let signer = rsa::pkcs1v15::SigningKey::<ssh_key::sha2::Sha512>::new(private);
    let raw = signer.try_sign(&data).map_err(|e| fail(&e.to_string()))?;
    let signature = Signature::new(Algorithm::Rsa { hash: Some(HashAlg::Sha512) }, raw.to_vec())
        .map_err(|e| fail(&e.to_string()))?;
    let public = KeyData::Rsa(key.public.clone());
    SshSig::new(public, NAMESPACE, HashAlg::Sha512, signature).map_err(|e| fail(&e.to_string()))
}

/// Sign `report` through the agent. `wanted` picks the agent's key equal to that public key;
/// otherwise the first ed25519 or RSA key the agent holds signs.
pub fn sign_with_agent(
    report: &[u8],
    agent: &mut Agent,
    wanted: Option<&PublicKey>,
    role: Option<&str>,
) -> Result<SignatureFile, SignatureError> {
    let statement = statement(report, role)?;
    let signature = sign_message_with_agent(statement.to_text().as_bytes(), agent, wanted)?;
    Ok(SignatureFile { signature, signed: Signed::Statement(statement) })
}

/// An SSHSIG (namespace `release-pilot`) over `message`, made by the agent's key (`wanted`, or
/// its first ed25519 or RSA key).
pub fn sign_message_with_agent(
    message: &[u8],
    agent: &mut Agent,
    wanted: Option<&PublicKey>,
) -> Result<SshSig, SignatureError> {
    let keys = agent.identities()?;
    let key = keys
        .iter()
        .filter(|k| can_sign(&k.algorithm()))
        .find(|k| wanted.is_none_or(|w| w.key_data() == k.key_data()))
        .ok_or_else(|| SignatureError::NoAgentKey {
            wanted: wanted
                .map(|w| format!(" matching {}", w.fingerprint(HashAlg::Sha256)))
                .unwrap_or_default(),
        })?;
    let data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, message)
        .map_err(|e| SignatureError::Sign { detail: e.to_string() })?;
    let raw = agent.sign(key, &data)?;
    let signature = SshSig::new(key.key_data().clone(), NAMESPACE, HashAlg::Sha512, raw)
        .map_err(|e| SignatureError::Sign { detail: e.to_string() })?;
    // An agent that signed with another key or algorithm is caught here, not by the verifier.
    key.verify(NAMESPACE, message, &signature).map_err(|e| SignatureError::Agent {
        detail: format!("the agent's signature does not verify ({e})"),
    })?;
    Ok(signature)
}

fn statement(report: &[u8], role: Option<&str>) -> Result<Statement, SignatureError> {
    Statement::for_report(report, role).map_err(|detail| SignatureError::Sign { detail })
}

/// The public key at `path`, or in `path.pub` beside a private key: picks the agent's key.
pub fn read_public_key(path: &Path) -> Result<PublicKey, SignatureError> {
    let mut with_pub = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    with_pub.push(".pub");
    for candidate in [path.to_path_buf(), path.with_file_name(with_pub)] {
        if let Ok(text) = std::fs::read_to_string(&candidate)
            && let Ok(key) = PublicKey::from_openssh(text.trim().trim_start_matches('\u{feff}'))
        {
            return Ok(key);
        }
    }
    Err(SignatureError::KeyParse {
        path: path.to_path_buf(),
        detail: "no OpenSSH public key there or in the .pub beside it".into(),
    })
}

/// Whether reports can be signed with a key of this algorithm here (ed25519 and RSA).
pub fn can_sign(algorithm: &Algorithm) -> bool {
    matches!(algorithm, Algorithm::Ed25519 | Algorithm::Rsa { .. })
}

fn can_sign_with(algorithm: &Algorithm) -> Result<(), SignatureError> {
    if can_sign(algorithm) {
        Ok(())
    } else {
        Err(SignatureError::UnsupportedKey { algorithm: algorithm.to_string() })
    }
}

/// Where a report's signature goes by default, and where verifying looks for it:
/// `report.md` → `report.md.sig`.
pub fn signature_path(report: &Path) -> PathBuf {
    let mut name = report.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".sig");
    report.with_file_name(name)
}
