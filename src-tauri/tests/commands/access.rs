//! The access control built from the real configuration (tauri.conf.json, the capability and
//! the app manifest in build.rs): the main window may call the app's commands and nothing
//! else — not even the dialog plugin, whose dialogs the shell opens itself; other windows and
//! remote pages may call nothing.

use serde_json::{Value, json};
use tauri::test::{MockRuntime, mock_builder};
use tauri::{App, WebviewUrl, WebviewWindowBuilder};

use crate::common::invoke_from;

/// The app as the binary builds it, but on the mock runtime and over a temp data folder.
fn real_app(data: &std::path::Path) -> App<MockRuntime> {
    let state = release_pilot_app::AppState::open(Ok(crate::common::config(data)));
    release_pilot_app::app(mock_builder(), state)
        .build(tauri::generate_context!())
        .expect("the app builds with its real configuration")
}

fn window(app: &App<MockRuntime>, label: &str) -> tauri::WebviewWindow<MockRuntime> {
    use tauri::Manager;
    app.get_webview_window(label).unwrap_or_else(|| {
        WebviewWindowBuilder::new(app, label, WebviewUrl::default())
            .build()
            .expect("a window opens")
    })
}

/// The commands of the contract between the shell and the UI (the list build.rs grants).
const CONTRACT: &[&str] = include!("../../command-names.rs");

#[test]
fn the_main_window_may_call_every_command_of_the_contract() {
    let data = tempfile::tempdir().expect("temp data folder");
    let app = real_app(data.path());
    let main = window(&app, "main");
    for cmd in CONTRACT {
        // With arguments of the wrong type most commands fail, but on their arguments, after
        // the access control let them through; the `choose_*` commands fail on them too
        // instead of opening a native dialog the mock runtime cannot show.
        let answer = invoke_from(
            &main,
            "tauri://localhost",
            cmd,
            json!({ "defaultPath": 5, "runId": 5, "purpose": 5 }),
        );
        let refused = answer.as_ref().err().and_then(Value::as_str).unwrap_or_default();
        assert!(!refused.contains("not allowed"), "{cmd} is allowed by the capability: {refused}");
    }
    let templates = invoke_from(&main, "tauri://localhost", "list_templates", Value::Null);
    assert!(templates.is_ok(), "list_templates answers through the real configuration");
}

#[test]
fn the_main_window_may_not_use_plugin_or_core_commands_not_even_the_dialogs() {
    let data = tempfile::tempdir().expect("temp data folder");
    let app = real_app(data.path());
    let main = window(&app, "main");
    for (cmd, args) in [
        // The webview names what the user chose in the shell's dialogs; opening one itself
        // would let it hand the commands paths nobody chose.
        ("plugin:dialog|open", json!({ "options": { "directory": true } })),
        ("plugin:dialog|save", json!({ "options": {} })),
        ("plugin:dialog|message", json!({ "message": "hello" })),
        ("plugin:dialog|ask", json!({ "message": "hello" })),
        ("plugin:window|close", json!({ "label": "main" })),
        ("plugin:event|listen", json!({ "event": "x", "target": { "kind": "Any" }, "handler": 1 })),
        ("plugin:webview|internal_toggle_devtools", json!({})),
        ("plugin:path|resolve_directory", json!({ "directory": 1 })),
    ] {
        let error = invoke_from(&main, "tauri://localhost", cmd, args)
            .expect_err("not granted by the capability");
        assert!(
            error.as_str().is_some_and(|e| e.contains("not allowed")),
            "{cmd} is refused by the access control: {error}"
        );
    }
}

#[test]
fn other_windows_and_remote_pages_may_call_nothing() {
    let data = tempfile::tempdir().expect("temp data folder");
    let app = real_app(data.path());
    let other = window(&app, "other");
    let error = invoke_from(&other, "tauri://localhost", "list_runs", Value::Null)
        .expect_err("the capability names the main window only");
    assert!(error.as_str().is_some_and(|e| e.contains("not allowed")), "refused: {error}");

    let main = window(&app, "main");
    let error = invoke_from(&main, "https://example.com", "list_runs", Value::Null)
        .expect_err("a remote page gets no command");
    assert!(error.as_str().is_some_and(|e| e.contains("not allowed")), "refused: {error}");
}
