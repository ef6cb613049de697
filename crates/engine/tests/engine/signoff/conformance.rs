//! The allowed-signers reader against real OpenSSH: a generated matrix of files (options,
//! times in UTC and local time, principal patterns, keys, invalid lines before the one that
//! matters, revocation lists), each given to `ssh-keygen -Y verify` and `-Y find-principals`
//! and to Release Pilot, which must reach the same verdict and name the same principals in
//! every case.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::Utc;
use pilot_engine::signature::{AllowedSigners, PublicKey, RevokedKeys};
use pilot_test_openssh::openssh_sign;

use super::keys::{Key, keygen};

const OPTIONS: &[&str] = &[
    "",
    "namespaces=\"release-pilot\"",
    "namespaces=\"git\"",
    "namespaces=\"git,release-pilot\"",
    "namespaces=\"release-*\"",
    "namespaces=\"!release-pilot,*\"",
    "NAMESPACES=\"release-pilot\"",
    "namespaces=release-pilot",
    "namespaces=\"a b,release-pilot\"",
    "namespaces=\"git\",namespaces=\"release-pilot\"",
    "namespaces=\"release-pilot\",",
    "valid-after=\"20200101\"",
    "valid-after=\"20990101Z\"",
    "valid-before=\"20200101000000Z\"",
    "valid-before=\"20991231UTC\"",
    "valid-before=\"209912312359\"",
    "valid-after=\"20200101\",valid-before=\"20990101\"",
    "valid-after=\"20990101Z\",valid-before=\"20200101Z\"",
    "valid-after=\"2020010\"",
    "valid-after=\"19700101Z\"",
    "valid-before=\"20200231Z\"",
    "valid-before=\"20201301Z\"",
    "Valid-Before=\"20990101z\"",
    "cert-authority",
    "cert-authority,namespaces=\"release-pilot\"",
    "foo",
    "no-touch-required",
    "namespaces=\"release-pilot\",valid-after=\"20200101Z\"",
];

const PRINCIPALS: &[&str] = &[
    "ana@example.com",
    "*@example.com",
    "ana@example.com,bo@example.com",
    "!ana@example.com,*",
    "\"ana@example.com\"",
    "ana@example.org",
    "ana?example.com",
];

/// Lines put before the line under test: none, an invalid one, a line for the other key.
const BEFORE: &[&str] = &["", "garbage that is not a line\n", "ana@example.com {bo}\n"];

fn openssh_verify(
    allowed: &Path,
    who: &str,
    sig: &Path,
    msg: &[u8],
    revoked: Option<&Path>,
) -> bool {
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(["-Y", "verify", "-f"]).arg(allowed).args(["-I", who, "-n", "release-pilot", "-s"]);
    cmd.arg(sig);
    if let Some(r) = revoked {
        cmd.arg("-r").arg(r);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssh-keygen runs");
    child.stdin.take().expect("stdin").write_all(msg).expect("message piped");
    child.wait_with_output().expect("ssh-keygen ends").status.success()
}

/// `ssh-keygen -Y find-principals`: the principals it prints, or `None` when none matched.
fn openssh_find(allowed: &Path, sig: &Path) -> Option<Vec<String>> {
    let out = Command::new("ssh-keygen")
        .args(["-Y", "find-principals", "-f"])
        .arg(allowed)
        .arg("-s")
        .arg(sig)
        .output()
        .expect("ssh-keygen runs");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect())
}

/// find-principals prints the principals one per line, up to the first empty one.
fn printed(principals: &str) -> Vec<String> {
    principals.split(',').take_while(|p| !p.is_empty()).map(str::to_string).collect()
}

fn public(key: &Key) -> PublicKey {
    PublicKey::from_openssh(&key.public_line).expect("public key")
}

#[test]
fn release_pilot_reads_allowed_signers_exactly_as_openssh_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ana = keygen(dir.path(), "ana", "ed25519", "");
    let bo = keygen(dir.path(), "bo", "ed25519", "");
    let msg_path = dir.path().join("statement.txt");
    let msg = b"Release Pilot report signature, version 1\nrun: r-1\n";
    std::fs::write(&msg_path, msg).expect("message written");
    let sig = openssh_sign(&ana, "release-pilot", &msg_path);
    let ana_key = public(&ana);
    let allowed_path = dir.path().join("allowed_signers");

    let (mut cases, mut accepted) = (0, 0);
    let mut disagreements = Vec::new();
    for before in BEFORE {
        for options in OPTIONS {
            for principals in PRINCIPALS {
                for line_key in [&ana, &bo] {
                    let line = format!("{principals} {options} {}", line_key.public_line);
                    let text = format!("{}{line}\n", before.replace("{bo}", &bo.public_line));
                    std::fs::write(&allowed_path, &text).expect("allowed_signers written");
                    let ours = AllowedSigners::parse(&text, &allowed_path);
                    let now = Utc::now();
                    for who in ["ana@example.com", "bo@example.com"] {
                        cases += 1;
                        let theirs = openssh_verify(&allowed_path, who, &sig, msg, None);
                        accepted += usize::from(theirs);
                        let mine = ours.verify(&ana_key, who, "release-pilot", now).is_ok();
                        if theirs != mine {
                            disagreements.push(format!(
                                "verify -I {who}: ssh-keygen {theirs}, pilot {mine}\n{text}"
                            ));
                        }
                    }
                    cases += 1;
                    let theirs = openssh_find(&allowed_path, &sig);
                    let mine = ours.find_principals(&ana_key, now).ok().map(printed);
                    if theirs != mine {
                        disagreements.push(format!(
                            "find-principals: ssh-keygen {theirs:?}, pilot {mine:?}\n{text}"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {cases} cases differ from OpenSSH:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(cases > 1000, "the matrix is large: {cases} cases");
    assert!(
        accepted > 100 && accepted < cases / 2,
        "it holds signatures OpenSSH accepts and ones it refuses: {accepted} accepted"
    );
}

#[test]
fn a_revocation_list_refuses_its_keys_as_openssh_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ana = keygen(dir.path(), "ana", "ed25519", "");
    let bo = keygen(dir.path(), "bo", "rsa", "");
    let msg_path = dir.path().join("statement.txt");
    std::fs::write(&msg_path, b"hello\n").expect("message written");
    let sig = openssh_sign(&ana, "release-pilot", &msg_path);
    let allowed_path = dir.path().join("allowed_signers");
    let text = format!("ana@example.com {}\n", ana.public_line);
    std::fs::write(&allowed_path, &text).expect("allowed_signers written");
    let revoked_path = dir.path().join("revoked");
    for (list, revoked) in [
        (format!("{} ana\n", ana.public_line), true),
        (format!("# old keys\n\n{} bo\n", bo.public_line), false),
        (format!("{}\n  {}\n", bo.public_line, ana.public_line), true),
    ] {
        std::fs::write(&revoked_path, &list).expect("revoked written");
        let theirs =
            openssh_verify(&allowed_path, "ana@example.com", &sig, b"hello\n", Some(&revoked_path));
        let allowed = AllowedSigners::parse(&text, &allowed_path)
            .with_revoked(RevokedKeys::load(&revoked_path).expect("list read"));
        let key = public(&ana);
        let mine = !allowed.revoked.as_ref().is_some_and(|r| r.contains(&key))
            && allowed.verify(&key, "ana@example.com", "release-pilot", Utc::now()).is_ok();
        assert_eq!(theirs, !revoked, "ssh-keygen's verdict with {list:?}");
        assert_eq!(mine, theirs, "the same verdict as ssh-keygen with {list:?}");
    }
    // A list with a line that is not a key fails closed, with the line named.
    std::fs::write(&revoked_path, "not a key\n").expect("written");
    let err = RevokedKeys::load(&revoked_path).expect_err("a bad list is refused");
    assert!(err.to_string().contains("line 1"), "names the line: {err}");
    assert!(
        !openssh_verify(&allowed_path, "ana@example.com", &sig, b"hello\n", Some(&revoked_path)),
        "ssh-keygen fails closed on it too"
    );
}

#[test]
fn invalid_lines_are_named_and_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ana = keygen(dir.path(), "ana", "ed25519", "");
    let text = format!(
        "# team\nana@example.com foo {key}\nana@example.com valid-after=\"2020\" {key}\n\
         ana@example.com\nbo@example.com {key}\n",
        key = ana.public_line
    );
    let allowed = AllowedSigners::parse(&text, Path::new("allowed_signers"));
    let lines: Vec<(usize, &str)> =
        allowed.problems.iter().map(|p| (p.line, p.detail.as_str())).collect();
    assert_eq!(lines.len(), 3, "three invalid lines: {lines:?}");
    assert_eq!(lines[0], (2, "bad options: unknown key option"), "{lines:?}");
    assert_eq!(lines[1], (3, "bad options: invalid \"valid-after\" time"), "{lines:?}");
    assert_eq!(lines[2].0, 4, "{lines:?}");
    assert_eq!(allowed.signers.len(), 1, "the valid line is read");
    assert_eq!(allowed.signers[0].line, 5);
}
