//! About the app: version, data folder, the repository given on the command line.

use pilot_desktop_api::ApiError;
use pilot_desktop_api::dto::AppInfo;
use tauri::State;

use super::off_main_thread;
use crate::AppState;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ApiError> {
    // Reads git's configuration for the operator's name: small, but still file I/O.
    off_main_thread(&state, "app_info", |d| Ok(d.app_info())).await
}
