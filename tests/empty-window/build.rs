//! Build script: tauri-build reads tauri.conf.json and embeds the window's configuration.

fn main() {
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new()) {
        // A build script reports failure by panicking; the message is tauri-build's own.
        panic!("tauri-build failed: {e:#}");
    }
}
