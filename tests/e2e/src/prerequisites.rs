//! What an end-to-end test needs installed, and what happens when it is not there.
//!
//! Outside `scripts/test.sh` a developer may run `cargo test` without the desktop toolchain:
//! the test then skips with a banner written straight to the terminal (not through the test
//! harness's captured output, which hides a passing test's messages). With
//! `PILOT_E2E_REQUIRED=1` — which `scripts/test.sh` sets — anything missing fails the test.

use std::io::Write;
use std::path::PathBuf;

use crate::locate;

/// What the end-to-end tests need: tauri-driver, WebKitWebDriver, and an X server to start
/// when there is no display.
#[derive(Debug)]
pub struct Tools {
    pub tauri_driver: PathBuf,
}

/// Find the tools, or say what is missing and how to get it.
pub fn tools() -> Result<Tools, String> {
    let mut missing = Vec::new();
    let tauri_driver = locate::tauri_driver();
    if tauri_driver.is_none() {
        missing.push("tauri-driver (cargo install tauri-driver --locked)");
    }
    if cfg!(target_os = "linux") && locate::in_path("WebKitWebDriver").is_none() {
        missing.push("WebKitWebDriver (apt-get install webkit2gtk-driver)");
    }
    let display_set = std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty());
    if cfg!(target_os = "linux") && !display_set && locate::in_path("Xvfb").is_none() {
        missing.push("an X display or Xvfb (apt-get install xvfb)");
    }
    if cfg!(target_os = "linux") && locate::in_path("import").is_none() {
        missing.push("ImageMagick's import, for screenshots (apt-get install imagemagick)");
    }
    match tauri_driver {
        Some(tauri_driver) if missing.is_empty() => Ok(Tools { tauri_driver }),
        _ => Err(format!("missing: {}", missing.join(", "))),
    }
}

/// Whether missing prerequisites fail the test instead of skipping it.
pub fn required() -> bool {
    std::env::var("PILOT_E2E_REQUIRED").is_ok_and(|v| v == "1")
}

/// Skip `test` loudly because of `reason` — or fail it when prerequisites are required.
pub fn skip(test: &str, reason: &str) {
    assert!(
        !required(),
        "{test}: {reason} (PILOT_E2E_REQUIRED=1: scripts/test.sh provides every prerequisite, so this is a failure)"
    );
    let banner = format!(
        "\n{line}\nSKIPPED end-to-end test `{test}`: {reason}\nRun scripts/test.sh to install and build everything it needs.\n{line}\n",
        line = "!".repeat(78)
    );
    // Straight to the terminal: the test harness would hide a println! of a passing test.
    let _ = std::io::stderr().write_all(banner.as_bytes());
}
