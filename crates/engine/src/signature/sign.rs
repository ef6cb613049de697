//! Signing a report: the SSHSIG "signed data" (magic, namespace, SHA-512 of the report) signed
//! by a key file or by ssh-agent, written as the armored block ssh-keygen writes, plus an
//! optional `Role:` line after it.

use std::path::{Path, PathBuf};

use ssh_key::private::{KeypairData, RsaKeypair};
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey, Signature, SshSig};

use super::agent::Agent;
use super::{NAMESPACE, SignatureError};

/// The line that names the role, after the armored block.
const ROLE_PREFIX: &str = "Role: ";
const END_MARKER: &str = "-----END SSH SIGNATURE-----";

/// A signature file: the SSHSIG itself and the role its signer gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFile {
    pub signature: SshSig,
    pub role: Option<String>,
}

impl SignatureFile {
    /// The file's text: the armored block, then `Role: …` when a role was given.
    pub fn to_text(&self) -> Result<String, SignatureError> {
        let mut text = self
            .signature
            .to_pem(LineEnding::LF)
            .map_err(|e| SignatureError::Sign { detail: e.to_string() })?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        if let Some(role) = self.role.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            text.push_str(ROLE_PREFIX);
            text.push_str(&role.replace(['\r', '\n'], " "));
            text.push('\n');
        }
        Ok(text)
    }

    /// Read a signature file's text (CRLF tolerated). The error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.replace("\r\n", "\n");
        let text = text.trim_start_matches('\u{feff}');
        let Some(end) = text.find(END_MARKER) else {
            return Err("not an SSH signature (no -----END SSH SIGNATURE----- line)".into());
        };
        let (armored, rest) = text.split_at(end + END_MARKER.len());
        let signature = SshSig::from_pem(format!("{}\n", armored.trim_start()))
            .map_err(|e| format!("not a readable SSH signature ({e})"))?;
        let role = rest
            .lines()
            .find_map(|l| l.trim().strip_prefix(ROLE_PREFIX.trim_end()))
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        Ok(Self { signature, role })
    }
}

/// Sign `report` with the private key file at `key`, decrypting it with `passphrase` when it is
/// encrypted.
pub fn sign_with_key_file(
    report: &[u8],
    key: &Path,
    passphrase: Option<&str>,
    role: Option<&str>,
) -> Result<SignatureFile, SignatureError> {
    let text = std::fs::read_to_string(key)
        .map_err(|source| SignatureError::Read { path: key.to_path_buf(), source })?;
    let mut private = PrivateKey::from_openssh(text.trim_start_matches('\u{feff}'))
        .map_err(|e| SignatureError::KeyParse { path: key.to_path_buf(), detail: e.to_string() })?;
    if private.is_encrypted() {
        let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) else {
            return Err(SignatureError::PassphraseNeeded { path: key.to_path_buf() });
        };
        private = private
            .decrypt(passphrase)
            .map_err(|_| SignatureError::WrongPassphrase { path: key.to_path_buf() })?;
    }
    can_sign_with(&private.algorithm())?;
    let signature = match private.key_data() {
        KeypairData::Rsa(rsa) => sign_rsa(rsa, report)?,
        _ => private
            .sign(NAMESPACE, HashAlg::Sha512, report)
            .map_err(|e| SignatureError::Sign { detail: e.to_string() })?,
    };
    Ok(SignatureFile { signature, role: role.map(str::to_string) })
}

/// SSHSIG with an RSA key (`rsa-sha2-512`), signed with the `rsa` crate directly: ssh-key 0.6
/// rebuilds the private key from `p` twice instead of `p` and `q` and fails to sign.
fn sign_rsa(key: &RsaKeypair, report: &[u8]) -> Result<SshSig, SignatureError> {
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
    let data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, report)
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
    let data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, report)
        .map_err(|e| SignatureError::Sign { detail: e.to_string() })?;
    let raw = agent.sign(key, &data)?;
    let signature = SshSig::new(key.key_data().clone(), NAMESPACE, HashAlg::Sha512, raw)
        .map_err(|e| SignatureError::Sign { detail: e.to_string() })?;
    // An agent that signed with another key or algorithm is caught here, not by the verifier.
    key.verify(NAMESPACE, report, &signature).map_err(|e| SignatureError::Agent {
        detail: format!("the agent's signature does not verify ({e})"),
    })?;
    Ok(SignatureFile { signature, role: role.map(str::to_string) })
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
