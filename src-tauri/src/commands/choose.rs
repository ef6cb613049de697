//! Choosing files and folders: the shell opens the native dialog (`crate::dialog`), records
//! what the user chose as a grant, and only then returns the path to the webview, which names
//! it in the commands that use it. `None` when the user cancelled. The webview can start a
//! dialog and suggest where it opens, never decide what is chosen.

use std::path::PathBuf;

use pilot_desktop_api::{ApiError, FilePurpose, SavePurpose};
use tauri::{Runtime, State, Window};

use super::off_main_thread;
use crate::AppState;
use crate::dialog::{Ask, ask};

/// Open a repository folder (remembered for the recent list).
#[tauri::command]
pub async fn choose_repo<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    default_path: Option<String>,
) -> Result<Option<String>, ApiError> {
    let Some(folder) = ask(&window, Ask::Repository, default_path.map(PathBuf::from)).await? else {
        return Ok(None);
    };
    off_main_thread(&state, "choose_repo", move |d| Ok(Some(d.grant_repository(&folder)))).await
}

/// Choose a file to read for `purpose` (a plan file, a key, a signature, allowed_signers).
#[tauri::command]
pub async fn choose_file<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    purpose: FilePurpose,
    default_path: Option<String>,
) -> Result<Option<String>, ApiError> {
    let Some(file) = ask(&window, Ask::File(purpose), default_path.map(PathBuf::from)).await?
    else {
        return Ok(None);
    };
    off_main_thread(&state, "choose_file", move |d| Ok(Some(d.grant_file(&file, purpose)))).await
}

/// Choose where run `run_id`'s report is saved ("Save as…"); `save_report` then writes it.
#[tauri::command]
pub async fn choose_report_destination<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    run_id: String,
) -> Result<Option<String>, ApiError> {
    let file_name =
        off_main_thread(&state, "choose_report_destination", move |d| d.report_file_name(&run_id))
            .await?;
    let Some(file) = ask(&window, Ask::ReportDestination { file_name }, None).await? else {
        return Ok(None);
    };
    off_main_thread(&state, "choose_report_destination", move |d| {
        d.grant_report_destination(&file).map(Some)
    })
    .await
}

/// Choose where a sign-off request or an approval file is saved; the webview suggests only
/// the file's name (its folder part, if any, is dropped).
#[tauri::command]
pub async fn choose_save_destination<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    purpose: SavePurpose,
    file_name: String,
) -> Result<Option<String>, ApiError> {
    let file_name = std::path::Path::new(&file_name)
        .file_name()
        .map_or_else(|| "release-pilot.txt".to_string(), |n| n.to_string_lossy().into_owned());
    let Some(file) = ask(&window, Ask::SaveAs { purpose, file_name }, None).await? else {
        return Ok(None);
    };
    off_main_thread(&state, "choose_save_destination", move |d| {
        d.grant_save_destination(&file).map(Some)
    })
    .await
}

/// Forget a repository chosen before ("Remove from the list"): it needs the dialog again.
#[tauri::command]
pub async fn forget_repo(state: State<'_, AppState>, path: String) -> Result<(), ApiError> {
    off_main_thread(&state, "forget_repo", move |d| {
        d.forget_repository(&path);
        Ok(())
    })
    .await
}
