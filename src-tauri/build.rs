//! Build script: tauri-build reads tauri.conf.json and the capabilities, and generates the
//! permission set for this app's own commands.
//!
//! Listing the commands in an app manifest puts them under the same access control as plugin
//! commands: the webview may call a command only when a capability allows it, so a command added
//! to the code but not to `capabilities/default.json` stays unreachable from the UI.

/// Every command the UI may call (the contract in the desktop docs); keep in step with
/// `commands::handler` in `src/lib.rs`.
const COMMANDS: &[&str] = &[
    "app_info",
    "inspect_repo",
    "list_templates",
    "find_plans",
    "preview_plan",
    "create_demo",
    "start_run",
    "drive_run",
    "answer_manual",
    "waive_step",
    "record_signoff",
    "get_run",
    "list_runs",
    "report_markdown",
    "report_html",
    "save_report",
    "rollback_readiness",
    "signing_setup",
    "sign_report",
    "attach_signature",
    "verify_report",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; the message is tauri-build's own.
        panic!("tauri-build failed: {e:#}");
    }
}
