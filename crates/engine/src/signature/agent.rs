//! The few messages of the ssh-agent protocol that signing needs (draft-miller-ssh-agent):
//! list the agent's keys, and ask it to sign data with one of them. The agent is reached over a
//! Unix socket (`SSH_AUTH_SOCK`) or, on Windows, the OpenSSH agent's named pipe; both are byte
//! streams, so everything above [`connect`] is the same on every platform.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use ssh_key::{Algorithm, PublicKey, Signature};

use super::SignatureError;

const REQUEST_IDENTITIES: u8 = 11;
const IDENTITIES_ANSWER: u8 = 12;
const SIGN_REQUEST: u8 = 13;
const SIGN_RESPONSE: u8 = 14;
const FAILURE: u8 = 5;
/// Ask for an `rsa-sha2-512` signature: SSHSIG requires it for RSA keys.
const RSA_SHA2_512: u32 = 4;
/// An agent's answer larger than this is not an answer to these requests.
const MAX_MESSAGE: usize = 256 * 1024;

/// The Windows OpenSSH agent's pipe, used when `SSH_AUTH_SOCK` is not set.
pub const WINDOWS_AGENT_PIPE: &str = r"\\.\pipe\openssh-ssh-agent";

/// Where the agent listens: `SSH_AUTH_SOCK`, or on Windows the OpenSSH agent's pipe.
pub fn agent_address(ssh_auth_sock: Option<&str>) -> Option<PathBuf> {
    match ssh_auth_sock.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(PathBuf::from(s)),
        None if cfg!(windows) => Some(PathBuf::from(WINDOWS_AGENT_PIPE)),
        None => None,
    }
}

/// A connection to a running agent.
pub struct Agent {
    stream: Box<dyn Stream>,
    address: PathBuf,
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent").field("address", &self.address).finish_non_exhaustive()
    }
}

trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

#[cfg(unix)]
fn connect(address: &Path) -> std::io::Result<Box<dyn Stream>> {
    Ok(Box::new(std::os::unix::net::UnixStream::connect(address)?))
}

/// A named pipe opens like a file on Windows.
#[cfg(windows)]
fn connect(address: &Path) -> std::io::Result<Box<dyn Stream>> {
    Ok(Box::new(std::fs::OpenOptions::new().read(true).write(true).open(address)?))
}

#[cfg(not(any(unix, windows)))]
fn connect(_address: &Path) -> std::io::Result<Box<dyn Stream>> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no ssh-agent transport here"))
}

impl Agent {
    /// Connect to the agent at `address` (see [`agent_address`]).
    pub fn connect(address: &Path) -> Result<Self, SignatureError> {
        let stream = connect(address).map_err(|e| SignatureError::Agent {
            detail: format!("cannot reach ssh-agent at {}: {e}", address.display()),
        })?;
        Ok(Self { stream, address: address.to_path_buf() })
    }

    /// The keys the agent holds.
    pub fn identities(&mut self) -> Result<Vec<PublicKey>, SignatureError> {
        let answer = self.request(&[REQUEST_IDENTITIES])?;
        let mut r = Reader(&answer);
        if r.byte()? != IDENTITIES_ANSWER {
            return Err(agent_error("the agent refused to list its keys"));
        }
        let count = r.u32()?;
        let mut keys = Vec::new();
        for _ in 0..count {
            let blob = r.string()?;
            let comment = String::from_utf8_lossy(r.string()?).into_owned();
            // Keys this crate cannot read (certificates, security keys) are skipped.
            if let Ok(mut key) = PublicKey::from_bytes(blob) {
                key.set_comment(comment);
                keys.push(key);
            }
        }
        Ok(keys)
    }

    /// Ask the agent to sign `data` with `key`.
    pub fn sign(&mut self, key: &PublicKey, data: &[u8]) -> Result<Signature, SignatureError> {
        let blob = key.to_bytes().map_err(|e| agent_error(&format!("key encoding: {e}")))?;
        let flags = if matches!(key.algorithm(), Algorithm::Rsa { .. }) { RSA_SHA2_512 } else { 0 };
        let mut msg = vec![SIGN_REQUEST];
        put_string(&mut msg, &blob);
        put_string(&mut msg, data);
        msg.extend_from_slice(&flags.to_be_bytes());
        let answer = self.request(&msg)?;
        let mut r = Reader(&answer);
        match r.byte()? {
            SIGN_RESPONSE => {}
            FAILURE => {
                return Err(agent_error(
                    "the agent refused to sign (the key may need confirmation, or be locked)",
                ));
            }
            other => {
                return Err(agent_error(&format!("unexpected answer {other} to a sign request")));
            }
        }
        let mut sig = Reader(r.string()?);
        let algorithm = String::from_utf8_lossy(sig.string()?).into_owned();
        let bytes = sig.string()?;
        let algorithm = Algorithm::new(&algorithm)
            .map_err(|e| agent_error(&format!("signature algorithm {algorithm}: {e}")))?;
        Signature::new(algorithm, bytes.to_vec())
            .map_err(|e| agent_error(&format!("signature: {e}")))
    }

    /// Send one message and read the answer (both length-prefixed).
    fn request(&mut self, body: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let io = |e: std::io::Error| agent_error(&format!("talking to the agent: {e}"));
        let mut framed = Vec::with_capacity(body.len() + 4);
        put_string(&mut framed, body);
        self.stream.write_all(&framed).map_err(io)?;
        self.stream.flush().map_err(io)?;
        let mut len = [0u8; 4];
        self.stream.read_exact(&mut len).map_err(io)?;
        let len = u32::from_be_bytes(len) as usize;
        if len == 0 || len > MAX_MESSAGE {
            return Err(agent_error(&format!("the agent sent a message of {len} bytes")));
        }
        let mut answer = vec![0u8; len];
        self.stream.read_exact(&mut answer).map_err(io)?;
        Ok(answer)
    }
}

fn agent_error(detail: &str) -> SignatureError {
    SignatureError::Agent { detail: detail.to_string() }
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Reads the protocol's big-endian integers and length-prefixed strings, refusing short input.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SignatureError> {
        if self.0.len() < n {
            return Err(agent_error("the agent's answer was cut short"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn byte(&mut self) -> Result<u8, SignatureError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, SignatureError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn string(&mut self) -> Result<&'a [u8], SignatureError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}
