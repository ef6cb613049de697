//! Running `pilot` and `git` from tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A data folder and a demo project, both in temp dirs that vanish with the value.
pub struct Sandbox {
    pub data: tempfile::TempDir,
    pub root: tempfile::TempDir,
    /// Folders put in front of PATH for `pilot` (program shims).
    pub path_prefix: Vec<PathBuf>,
}

impl Sandbox {
    pub fn new() -> Self {
        Self {
            data: tempfile::tempdir().expect("temp data dir"),
            root: tempfile::tempdir().expect("temp dir"),
            path_prefix: Vec::new(),
        }
    }

    /// A fresh demo project under the sandbox.
    pub fn demo(&self, name: &str) -> PathBuf {
        let dir = self.root.path().join(name);
        let out = self.pilot(&["demo", "init", dir.to_str().expect("utf-8 path")]);
        assert_eq!(out.status.code(), Some(0), "demo init succeeds: {}", text(&out.stderr));
        dir
    }

    /// `pilot` with the sandbox's data folder and PATH.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pilot"));
        cmd.env("RELEASE_PILOT_DATA_DIR", self.data.path())
            .env("GIT_CONFIG_GLOBAL", null_device())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("NO_COLOR");
        if !self.path_prefix.is_empty() {
            let mut paths = self.path_prefix.clone();
            paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
            cmd.env("PATH", std::env::join_paths(paths).expect("joinable PATH"));
        }
        cmd
    }

    pub fn pilot(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("pilot runs")
    }

    pub fn store_file(&self) -> PathBuf {
        self.data.path().join("runs.sqlite3")
    }
}

pub fn null_device() -> &'static str {
    if cfg!(windows) { "NUL" } else { "/dev/null" }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `git` in `dir`, isolated from the machine's configuration (committing as Grace Hopper);
/// returns standard output.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Grace Hopper", "-c", "user.email=grace@example.com"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", null_device())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?} succeeded: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Parse the JSON a command printed.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("stdout is JSON ({e}): {}\nstderr: {}", text(&out.stdout), text(&out.stderr))
    })
}
