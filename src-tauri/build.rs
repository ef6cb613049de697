//! Build script: tauri-build reads tauri.conf.json and the capabilities, and generates the
//! permission set for this app's own commands.
//!
//! Listing the commands in an app manifest puts them under the same access control as plugin
//! commands: the webview may call a command only when a capability allows it, so a command added
//! to the code but not to `capabilities/default.json` stays unreachable from the UI.

/// Every command the UI may call (`command-names.rs`, shared with the access test).
const COMMANDS: &[&str] = include!("command-names.rs");

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; the message is tauri-build's own.
        panic!("tauri-build failed: {e:#}");
    }
}
