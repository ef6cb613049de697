//! Release Pilot's desktop shell: Tauri v2 over the desktop boundary (`pilot_desktop_api`).
//!
//! The shell is deliberately thin. Each command in [`commands`] takes the app's state, runs one
//! blocking [`Desktop`](pilot_desktop_api::Desktop) method off the main thread and returns its
//! result or an [`ApiError`](pilot_desktop_api::ApiError) (`{kind, message}`); run progress
//! streams through a `tauri::ipc::Channel`. The web UI never
//! sends a command line: it names a run, a step and a stage, and the engine runs what the
//! stored plan says. Nor does it choose paths: the native dialogs are opened here
//! ([`dialog`], behind the `choose_*` commands), and what the user chose there is recorded as a
//! grant before the webview learns it; a path the webview names otherwise is refused.
//!
//! [`app`] is generic over the Tauri runtime so the command tests drive the real commands
//! through `tauri::test`'s mock runtime; [`run`] wires the real window.

pub mod commands;
mod dialog;
mod forward;
mod launch;
mod state;

use tauri::Runtime;

pub use dialog::E2E_DIALOGS_ENV;
pub use launch::{DATA_APP_ID, Launch, USAGE, desktop_config, parse_args};
pub use state::AppState;

/// Register the app's state, the dialog plugin and every command on `builder`. The plugin is
/// there for the shell's own use (`dialog`); the capability gives the webview none of it.
pub fn app<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder.manage(state).plugin(tauri_plugin_dialog::init()).invoke_handler(commands::handler())
}

/// Open the data folder and show the main window until it is closed.
///
/// A store that cannot be opened (damaged, too new, not writable) does not stop the app: the
/// window opens and every command answers with that error, so the user reads what happened and
/// what to do in the app itself. The store file is never touched in that case.
pub fn run(start_repo: Option<std::path::PathBuf>) -> Result<(), tauri::Error> {
    let state = AppState::open(desktop_config(start_repo));
    if let Some(e) = state.problem() {
        eprintln!("release-pilot: {e}");
    }
    app(tauri::Builder::default(), state).run(tauri::generate_context!())
}
