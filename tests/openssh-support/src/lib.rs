//! Real OpenSSH for the signing tests: keys made by `ssh-keygen`, signatures made by
//! `ssh-keygen -Y sign` (as a colleague would on their workstation), `ssh-keygen -Y verify`,
//! and an `ssh-agent` on a socket of its own, stopped by its process id when the test ends.
//! Shared by the engine's and the desktop boundary's tests (test support: a failure here is the
//! test's failure, so it panics with a message).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A key pair made by `ssh-keygen` in `dir`.
#[derive(Debug)]
pub struct Key {
    pub private: PathBuf,
    /// `type base64`, as an allowed_signers line and the agent list name it.
    pub public_line: String,
}

/// `ssh-keygen -t kind` with an optional passphrase ("" for none).
pub fn keygen(dir: &Path, name: &str, kind: &str, passphrase: &str) -> Key {
    let private = dir.join(name);
    let mut args = vec!["-q", "-t", kind, "-N", passphrase, "-C", name, "-f"];
    if kind == "rsa" {
        args.splice(3..3, ["-b", "2048"]);
    }
    let out = Command::new("ssh-keygen")
        .args(&args)
        .arg(&private)
        .output()
        .expect("ssh-keygen runs (openssh-client is installed)");
    assert!(
        out.status.success(),
        "ssh-keygen made {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = std::fs::read_to_string(format!("{}.pub", private.display()))
        .expect("ssh-keygen wrote the public key");
    let public_line = public.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    Key { private, public_line }
}

/// Write an allowed_signers file: one `principal [options] key` line per entry.
pub fn allowed_signers(path: &Path, lines: &[(&str, &str, &Key)]) {
    let text: String = lines
        .iter()
        .map(|(who, options, key)| {
            let sep = if options.is_empty() { "" } else { " " };
            format!("{who}{sep}{options} {}\n", key.public_line)
        })
        .collect();
    std::fs::write(path, text).expect("allowed_signers written");
}

/// [`allowed_signers`] written as `dir/allowed_signers`; returns its path.
pub fn allowed_signers_in(dir: &Path, lines: &[(&str, &str, &Key)]) -> PathBuf {
    let path = dir.join("allowed_signers");
    allowed_signers(&path, lines);
    path
}

/// `ssh-keygen -Y sign -n namespace` over `file`, as someone would on their own workstation;
/// returns the signature file (`file.sig`).
pub fn openssh_sign(key: &Key, namespace: &str, file: &Path) -> PathBuf {
    let out = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-f"])
        .arg(&key.private)
        .args(["-n", namespace])
        .arg(file)
        .output()
        .expect("ssh-keygen runs");
    assert!(out.status.success(), "ssh-keygen -Y sign: {}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(format!("{}.sig", file.display()))
}

/// True when stock tools accept the signature over `report` (see the comment inside).
pub fn openssh_accepts(allowed: &Path, who: &str, signature: &Path, report: &Path) -> bool {
    let text = std::fs::read_to_string(signature).expect("the signature is readable");
    let end = "-----END SSH SIGNATURE-----\n";
    let statement = text.find(end).map(|at| &text[at + end.len()..]).unwrap_or_default();
    let report_bytes = std::fs::read(report).expect("the report is readable");
    // A statement signature: ssh-keygen verifies the statement after the armored block (the
    // way the README says to, with sed), and the statement must name the report's SHA-256
    // (compared with the real sha256sum). An older one: ssh-keygen verifies the report itself.
    let (stdin, digest_ok) = if statement.starts_with("Release Pilot report signature") {
        let digest = Command::new("sha256sum").arg(report).output().expect("sha256sum runs").stdout;
        let digest = String::from_utf8_lossy(&digest);
        let digest = digest.split_whitespace().next().unwrap_or_default().to_string();
        let sed = Command::new("sed")
            .arg("1,/^-----END SSH SIGNATURE-----$/d")
            .arg(signature)
            .output()
            .expect("sed runs")
            .stdout;
        (sed, statement.lines().any(|l| l == format!("report-sha256: {digest}")))
    } else {
        (report_bytes, true)
    };
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(allowed)
        .args(["-I", who, "-n", "release-pilot", "-s"])
        .arg(signature)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssh-keygen runs");
    child.stdin.take().expect("stdin").write_all(&stdin).expect("the message is piped");
    let verified = child.wait_with_output().expect("ssh-keygen ends").status.success();
    verified && digest_ok
}

/// A real ssh-agent on its own socket, stopped (by its process id) when dropped.
#[derive(Debug)]
pub struct AgentProcess {
    child: Child,
    pub socket: PathBuf,
}

impl AgentProcess {
    pub fn start(dir: &Path) -> Self {
        let socket = dir.join("agent.sock");
        let child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ssh-agent starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            assert!(Instant::now() < deadline, "ssh-agent made its socket in time");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { child, socket }
    }

    /// `ssh-add KEY` into this agent.
    pub fn add(&self, key: &Key) {
        let out = Command::new("ssh-add")
            .arg("-q")
            .arg(&key.private)
            .env("SSH_AUTH_SOCK", &self.socket)
            .stdin(Stdio::null())
            .output()
            .expect("ssh-add runs");
        assert!(
            out.status.success(),
            "ssh-add added the key: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
