//! Where the binaries the tests drive are, and building the small ones when they are missing.
//!
//! `env!("CARGO_BIN_EXE_…")` only names binaries of this package, so the others are found in
//! the target folder (`$CARGO_TARGET_DIR`, else the workspace's `target/`). Every path can be
//! overridden by an environment variable, for a build made elsewhere.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::E2eError;

/// The workspace's root folder (this package lives in `tests/e2e`). Read from the
/// `CARGO_MANIFEST_DIR` cargo gives the running test first: the value compiled into this
/// library may name another checkout, because cargo reuses a path package's build across
/// clones that share a target folder (CI's fresh clone does), and building `pilot` there would
/// test that checkout's code.
pub fn workspace_root() -> PathBuf {
    let running = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let here = running.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let root = here.join("..").join("..");
    std::fs::canonicalize(&root).unwrap_or(root)
}

/// Cargo's target folder, as cargo itself resolves it.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// The file name of a binary on this platform.
pub fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// The e2e build of the desktop app (`scripts/lib/setup.sh build_app e2e` makes it):
/// `$RELEASE_PILOT_E2E_APP`, else `$CARGO_TARGET_DIR/e2e/debug/release-pilot`.
pub fn e2e_app() -> PathBuf {
    env_path("RELEASE_PILOT_E2E_APP")
        .unwrap_or_else(|| target_dir().join("e2e").join("debug").join(exe("release-pilot")))
}

/// The `pilot` CLI, built (or found up to date) with cargo.
pub fn pilot() -> Result<PathBuf, E2eError> {
    match env_path("PILOT_BIN") {
        Some(path) => Ok(path),
        None => build_binary("pilot-cli", "pilot", &target_dir()),
    }
}

/// The empty Tauri window (`tests/empty-window`), built (or found up to date) with cargo into
/// `$CARGO_TARGET_DIR/e2e`, beside the e2e build of the app, whose compiled tauri crates it
/// reuses.
pub fn empty_window() -> Result<PathBuf, E2eError> {
    match env_path("EMPTY_WINDOW_APP") {
        Some(path) => Ok(path),
        None => build_binary("empty-window", "empty-window", &target_dir().join("e2e")),
    }
}

/// `cargo build -p PACKAGE --bin BIN --target-dir TARGET` (debug profile); returns the binary.
pub fn build_binary(package: &str, bin: &str, target: &Path) -> Result<PathBuf, E2eError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let output = Command::new(&cargo)
        .current_dir(workspace_root())
        .args(["build", "--quiet", "-p", package, "--bin", bin, "--target-dir"])
        .arg(target)
        // A configuration meant for the app would rename the empty window.
        .env_remove("TAURI_CONFIG")
        .output()
        .map_err(|source| E2eError::Spawn { program: "cargo".into(), source })?;
    if !output.status.success() {
        return Err(E2eError::Build {
            package: package.into(),
            detail: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    let path = target.join("debug").join(exe(bin));
    if path.is_file() {
        Ok(path)
    } else {
        Err(E2eError::Build {
            package: package.into(),
            detail: format!("cargo succeeded but {} is not there", path.display()),
        })
    }
}

/// tauri-driver: `$TAURI_DRIVER`, else on the PATH, else in `~/.cargo/bin` (where
/// `cargo install` puts it).
pub fn tauri_driver() -> Option<PathBuf> {
    env_path("TAURI_DRIVER").or_else(|| in_path("tauri-driver")).or_else(|| {
        let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
        let path = PathBuf::from(home).join(".cargo").join("bin").join(exe("tauri-driver"));
        path.is_file().then_some(path)
    })
}

/// A program found on the PATH.
pub fn in_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).map(|dir| dir.join(exe(name))).find(|p| p.is_file())
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}
