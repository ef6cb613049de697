//! An empty Tauri v2 window: no commands, no plugins, a page with an empty body.
//!
//! It is the baseline the desktop benchmarks compare Release Pilot with (start-up time and
//! memory of the bare runtime and its WebKit processes), and the app the end-to-end harness is
//! proven against before the real one exists.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("empty-window: {e}");
        std::process::exit(1);
    }
}
