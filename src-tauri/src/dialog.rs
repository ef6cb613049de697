//! The native open and save dialogs, opened by the shell — never by the webview, which has no
//! dialog permission — so that what the user chose is recorded as a grant
//! (`pilot_desktop_api::grant`) before the webview learns the path. The webview only says which
//! dialog it wants and where it might start; the title and filters are decided here, so the
//! dialog tells the user truthfully what their choice is for.
//!
//! End-to-end builds (feature `e2e`) answer from a file instead when one is named in
//! [`E2E_DIALOGS_ENV`]: a WebDriver cannot drive a native dialog. The answer still goes
//! through the same grant as the user's choice would.

use std::path::{Path, PathBuf};

use pilot_desktop_api::{ApiError, ErrorKind, FilePurpose, SavePurpose};
use tauri::{Runtime, Window};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};

/// End-to-end builds only: a JSON file of dialog answers, `{"repository": "/path", "plan": …,
/// "signingKey": …, "signature": …, "allowedSigners": …, "signoffRequest": …, "approval": …,
/// "reportDestination": …, "requestDestination": …, "approvalDestination": …}`, read at each
/// dialog so a test can change an answer between steps. Ignored by ordinary builds.
pub const E2E_DIALOGS_ENV: &str = "RELEASE_PILOT_E2E_DIALOGS";

/// Which dialog to show.
#[derive(Debug, Clone)]
pub(crate) enum Ask {
    /// Choose a repository folder.
    Repository,
    /// Choose a file to read for a purpose.
    File(FilePurpose),
    /// Choose where to save the report, suggesting `file_name`.
    ReportDestination { file_name: String },
    /// Choose where to save a sign-off request or an approval file, suggesting `file_name`.
    SaveAs { purpose: SavePurpose, file_name: String },
}

impl Ask {
    fn title(&self) -> &'static str {
        match self {
            Self::Repository => "Open a repository folder",
            Self::File(FilePurpose::Plan) => "Choose a plan file",
            Self::File(FilePurpose::SigningKey) => "Choose your SSH private key (not the .pub)",
            Self::File(FilePurpose::Signature) => "Choose a signature file",
            Self::File(FilePurpose::AllowedSigners) => "Choose the allowed_signers file",
            Self::File(FilePurpose::SignoffRequest) => "Open the sign-off request you were sent",
            Self::File(FilePurpose::Approval) => "Choose the approval file an approver sent",
            Self::ReportDestination { .. } => "Save the report",
            Self::SaveAs { purpose: SavePurpose::SignoffRequest, .. } => {
                "Save the sign-off request, to send to the approvers"
            }
            Self::SaveAs { purpose: SavePurpose::Approval, .. } => {
                "Save your signed decision, to send to the tech lead"
            }
        }
    }

    /// Its key in the end-to-end answers file.
    #[cfg_attr(not(feature = "e2e"), allow(dead_code))]
    fn answer_key(&self) -> &'static str {
        match self {
            Self::Repository => "repository",
            Self::File(FilePurpose::Plan) => "plan",
            Self::File(FilePurpose::SigningKey) => "signingKey",
            Self::File(FilePurpose::Signature) => "signature",
            Self::File(FilePurpose::AllowedSigners) => "allowedSigners",
            Self::File(FilePurpose::SignoffRequest) => "signoffRequest",
            Self::File(FilePurpose::Approval) => "approval",
            Self::ReportDestination { .. } => "reportDestination",
            Self::SaveAs { purpose: SavePurpose::SignoffRequest, .. } => "requestDestination",
            Self::SaveAs { purpose: SavePurpose::Approval, .. } => "approvalDestination",
        }
    }
}

/// Show the dialog for `ask` over `window`, starting at `start` when given; the path chosen,
/// or `None` when the user cancelled.
pub(crate) async fn ask<R: Runtime>(
    window: &Window<R>,
    ask: Ask,
    start: Option<PathBuf>,
) -> Result<Option<PathBuf>, ApiError> {
    #[cfg(feature = "e2e")]
    if let Some(answer) = e2e::answer(&ask) {
        return Ok(answer);
    }
    let builder = prepared(window, &ask, start.as_deref());
    // The dialog calls back on the main thread once the user is done; this command waits for
    // it without holding a thread (a blocking wait could hold the very thread it needs).
    let (tx, mut rx) = tauri::async_runtime::channel::<Option<FilePath>>(1);
    let done = move |picked: Option<FilePath>| {
        // Capacity 1, one answer per dialog: the send cannot find the channel full.
        let _ = tx.try_send(picked);
    };
    match ask {
        Ask::Repository => builder.pick_folder(done),
        Ask::File(_) => builder.pick_file(done),
        Ask::ReportDestination { .. } | Ask::SaveAs { .. } => builder.save_file(done),
    }
    let picked = rx.recv().await.flatten();
    picked
        .map(|p| {
            p.simplified().into_path().map_err(|e| {
                ApiError::new(
                    ErrorKind::Io,
                    format!(
                        "the dialog returned a location that is not a file on this computer \
                         ({e}): choose a local file or folder"
                    ),
                )
            })
        })
        .transpose()
}

fn prepared<R: Runtime>(
    window: &Window<R>,
    ask: &Ask,
    start: Option<&Path>,
) -> FileDialogBuilder<R> {
    let mut builder = window.dialog().file().set_title(ask.title());
    // A parent keeps the dialog in front of the window; the dialog plugin sets one only on
    // Windows and macOS, where it is supported, and so does this.
    #[cfg(any(windows, target_os = "macos"))]
    {
        builder = builder.set_parent(window);
    }
    builder = match ask {
        Ask::File(FilePurpose::Plan) => builder.add_filter("Release plan", &["toml"]),
        Ask::File(FilePurpose::Signature) => builder.add_filter("SSH signature", &["sig"]),
        Ask::ReportDestination { file_name } => {
            builder.add_filter("Markdown", &["md"]).set_file_name(file_name)
        }
        Ask::SaveAs { file_name, .. } => builder.set_file_name(file_name),
        Ask::Repository | Ask::File(_) => builder,
    };
    let start = start.map(Path::to_path_buf).or_else(|| match ask {
        Ask::File(FilePurpose::SigningKey) => pilot_desktop_api::SigningPlaces::from_env().ssh_dir,
        _ => None,
    });
    match start {
        // A file to start at: open its folder with it selected (or named, to save).
        Some(path) if path.is_file() => {
            if let Some(folder) = path.parent() {
                builder = builder.set_directory(folder);
            }
            if let Some(name) = path.file_name() {
                builder = builder.set_file_name(name.to_string_lossy());
            }
            builder
        }
        Some(path) if path.is_dir() => builder.set_directory(path),
        _ => builder,
    }
}

#[cfg(feature = "e2e")]
mod e2e {
    use std::path::PathBuf;

    use super::{Ask, E2E_DIALOGS_ENV};

    /// The answer the test gave for `ask`: `Some(Some(path))` chosen, `Some(None)` cancelled
    /// (the test gave no answer for this dialog: a native one would wait for nobody).
    pub(super) fn answer(ask: &Ask) -> Option<Option<PathBuf>> {
        let file = std::env::var_os(E2E_DIALOGS_ENV).filter(|v| !v.is_empty())?;
        let answers: serde_json::Value = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let key = ask.answer_key();
        let answer = answers.get(key).and_then(|v| v.as_str()).map(PathBuf::from);
        if answer.is_none() {
            eprintln!(
                "release-pilot (e2e): no answer for the {key} dialog in {}; taken as cancelled",
                PathBuf::from(&file).display()
            );
        }
        Some(answer)
    }
}
