//! Helpers shared by the engine tests.
//!
//! [`GitRepo`] makes real repositories with the git command line in a temp dir. Git runs
//! isolated from the machine: no global or system config, a fixed author and committer, and a
//! clock that ticks one minute per commit so that time-ordered walks are deterministic.

#![allow(dead_code)]

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The first commit's time (2026-01-07T10:00:00Z); each commit adds one minute.
const EPOCH: i64 = 1_767_780_000;

/// A git command isolated from the user's and the system's configuration.
pub fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    command
}

/// Run git in `dir`, panicking with git's output when it fails; returns raw stdout.
pub fn git_raw_in(dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = git_output_in(dir, args);
    assert!(
        output.status.success(),
        "git {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Run git in `dir` and return its output whatever the exit status.
pub fn git_output_in(dir: &Path, args: &[&str]) -> Output {
    git_command(dir)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run git {args:?}: {error}"))
}

/// Run git in `dir`; returns stdout as text with the trailing newline removed.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    String::from_utf8_lossy(&git_raw_in(dir, args)).trim_end_matches('\n').to_owned()
}

/// A repository made with the git command line in its own temp dir.
#[derive(Debug)]
pub struct GitRepo {
    /// Keeps the temp dir alive; other repositories (clones, remotes) can live beside the work
    /// tree under [`GitRepo::scratch`].
    pub temp: tempfile::TempDir,
    /// The work tree (or git dir when bare).
    pub path: PathBuf,
    clock: Cell<i64>,
}

impl GitRepo {
    /// A new repository on branch `main`, with no commits.
    pub fn init() -> Self {
        Self::init_with(&[])
    }

    /// A new repository with extra `git init` arguments (e.g. `--bare`).
    pub fn init_with(extra: &[&str]) -> Self {
        let temp = tempfile::tempdir().unwrap_or_else(|error| panic!("no temp dir: {error}"));
        let path = temp.path().join("project");
        std::fs::create_dir_all(&path).unwrap_or_else(|error| panic!("mkdir: {error}"));
        let mut args = vec!["init", "-q", "-b", "main"];
        args.extend_from_slice(extra);
        git_in(&path, &args);
        Self { temp, path, clock: Cell::new(EPOCH) }
    }

    /// Another folder inside this repository's temp dir, for clones and remotes.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.temp.path().join(name)
    }

    /// Run git in the work tree at the next clock tick.
    pub fn git(&self, args: &[&str]) -> String {
        String::from_utf8_lossy(&self.git_raw(args)).trim_end_matches('\n').to_owned()
    }

    /// Run git in the work tree at the next clock tick; raw stdout.
    pub fn git_raw(&self, args: &[&str]) -> Vec<u8> {
        let output = self.git_output(args);
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    /// Run git at the next clock tick and return its output whatever the exit status.
    pub fn git_output(&self, args: &[&str]) -> Output {
        let now = self.clock.get() + 60;
        self.clock.set(now);
        let date = format!("@{now} +0100");
        git_command(&self.path)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .args(args)
            .output()
            .unwrap_or_else(|error| panic!("cannot run git {args:?}: {error}"))
    }

    /// Write a file (creating folders) relative to the work tree.
    pub fn write(&self, relative: &str, contents: &str) {
        self.write_bytes(relative, contents.as_bytes());
    }

    pub fn write_bytes(&self, relative: &str, contents: &[u8]) {
        let path = self.path.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|error| panic!("mkdir: {error}"));
        }
        std::fs::write(&path, contents)
            .unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
    }

    /// Write a file, stage it and commit it with `message`; returns the new commit id.
    pub fn commit_file(&self, relative: &str, contents: &str, message: &str) -> String {
        self.write(relative, contents);
        self.git(&["add", "--", relative]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// An empty commit; returns its id.
    pub fn commit_empty(&self, message: &str) -> String {
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }
}
