//! What this workstation can sign with: the private keys in `~/.ssh` (read only to name them:
//! algorithm, fingerprint, comment, passphrase or not — nothing is decrypted) and the keys the
//! running ssh-agent holds. Nothing here fails: what cannot be used is listed with why.

use std::path::Path;

use pilot_engine::repo::git_identity;
use pilot_engine::signature::{Agent, PublicKey, can_sign, read_public_key};
use ssh_key::{HashAlg, PrivateKey};

use super::SigningPlaces;
use crate::Desktop;
use crate::dto::{AgentDto, AgentKeyDto, KeyFileDto, SigningSetupDto};

/// Files in `~/.ssh` larger than this are not keys (an RSA-16384 key is about 13 KiB).
const MAX_KEY_FILE: u64 = 64 * 1024;
/// A folder holding more files than this is not looked through further.
const MAX_FILES: usize = 200;

impl Desktop {
    /// The key files and agent keys this workstation can sign reports with.
    pub fn signing_setup(&self, places: &SigningPlaces) -> SigningSetupDto {
        SigningSetupDto {
            ssh_dir: places.ssh_dir.as_ref().map(|d| d.display().to_string()),
            keys: places.ssh_dir.as_deref().map(key_files).unwrap_or_default(),
            agent: agent(places.agent.as_deref()),
            signer: git_identity(None),
        }
    }
}

fn key_files(dir: &Path) -> Vec<KeyFileDto> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut keys: Vec<KeyFileDto> = entries
        .filter_map(Result::ok)
        .take(MAX_FILES)
        .map(|e| e.path())
        .filter(|p| p.extension().is_none_or(|x| x != "pub"))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= MAX_KEY_FILE))
        .filter_map(|p| key_file(&p))
        .collect();
    // Usable keys first, then by file name, so the likely choice is at the top.
    keys.sort_by(|a, b| (a.unusable.is_some(), &a.path).cmp(&(b.unusable.is_some(), &b.path)));
    keys
}

/// The key at `path`, or `None` when the file is not a private key.
fn key_file(path: &Path) -> Option<KeyFileDto> {
    let text = std::fs::read_to_string(path).ok()?;
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let display = path.display().to_string();
    let openssh = text.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----");
    if let Some(private) = openssh.then(|| PrivateKey::from_openssh(text).ok()).flatten() {
        let public = private.public_key();
        let encrypted = private.is_encrypted();
        let unusable = if !can_sign(&private.algorithm()) {
            Some(format!(
                "{} keys cannot sign reports here; use an ed25519 or RSA key",
                private.algorithm()
            ))
        } else if encrypted {
            Some(format!(
                "protected by a passphrase: load it into ssh-agent (ssh-add {display}) and sign \
                 through the agent"
            ))
        } else {
            None
        };
        return Some(KeyFileDto {
            algorithm: public.algorithm().to_string(),
            fingerprint: public.fingerprint(HashAlg::Sha256).to_string(),
            comment: public.comment().to_string(),
            path: display,
            encrypted,
            unusable,
        });
    }
    // Keys of a kind this build cannot read (ECDSA, security keys) and keys in the old PEM
    // format: named from the .pub beside them, and listed as unusable with what to do.
    if text.starts_with("-----BEGIN") && text.contains("PRIVATE KEY-----") {
        let public = read_public_key(path).ok();
        return Some(KeyFileDto {
            algorithm: public.as_ref().map(|k| k.algorithm().to_string()).unwrap_or_default(),
            fingerprint: public
                .as_ref()
                .map(|k| k.fingerprint(HashAlg::Sha256).to_string())
                .unwrap_or_default(),
            comment: public.as_ref().map(|k| k.comment().to_string()).unwrap_or_default(),
            encrypted: text.contains("ENCRYPTED"),
            unusable: Some(match &public {
                Some(key) if openssh || !can_sign(&key.algorithm()) => format!(
                    "{} keys cannot sign reports here; use an ed25519 or RSA key",
                    key.algorithm()
                ),
                _ if openssh => "this key cannot be read here; use an ed25519 or RSA key".into(),
                _ => format!(
                    "an old PEM-format key: rewrite it in the OpenSSH format with ssh-keygen -p \
                     -f {display} (the key stays the same), or load it into ssh-agent"
                ),
            }),
            path: display,
        });
    }
    None
}

fn agent(address: Option<&Path>) -> AgentDto {
    let Some(address) = address else {
        return AgentDto {
            address: None,
            identities: Vec::new(),
            problem: Some(
                "no ssh-agent is reachable from Release Pilot (SSH_AUTH_SOCK is not set): start \
                 one and add your key (ssh-add) before starting the app, or sign with a key file"
                    .into(),
            ),
        };
    };
    let listed = Agent::connect(address).and_then(|mut a| a.identities());
    let shown = address.display().to_string();
    match listed {
        Err(e) => {
            AgentDto { address: Some(shown), identities: Vec::new(), problem: Some(e.to_string()) }
        }
        Ok(keys) => {
            let identities: Vec<AgentKeyDto> =
                keys.iter().filter(|k| can_sign(&k.algorithm())).map(agent_key).collect();
            let problem = identities.is_empty().then(|| {
                format!(
                    "the ssh-agent at {shown} holds no ed25519 or RSA key: add one with ssh-add, \
                     or sign with a key file"
                )
            });
            AgentDto { address: Some(shown), identities, problem }
        }
    }
}

fn agent_key(key: &PublicKey) -> AgentKeyDto {
    // `type base64` without the comment: it names the key when the UI asks to sign with it.
    let mut plain = key.clone();
    plain.set_comment("");
    AgentKeyDto {
        public_key: plain.to_openssh().map(|s| s.trim().to_string()).unwrap_or_default(),
        algorithm: key.algorithm().to_string(),
        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
        comment: key.comment().to_string(),
    }
}
