//! The run's report (Markdown, HTML, saved to a file) and rollback readiness.

use pilot_desktop_api::ApiError;
use pilot_desktop_api::dto::{RollbackDto, SavedReportDto};
use tauri::State;

use super::off_main_thread;
use crate::AppState;

#[tauri::command]
pub async fn report_markdown(
    state: State<'_, AppState>,
    run_id: String,
) -> Result<String, ApiError> {
    off_main_thread(&state, "report_markdown", move |d| d.report_markdown(&run_id)).await
}

/// The report as HTML for the report screen (raw HTML in the Markdown is escaped).
#[tauri::command]
pub async fn report_html(state: State<'_, AppState>, run_id: String) -> Result<String, ApiError> {
    off_main_thread(&state, "report_html", move |d| d.report_html(&run_id)).await
}

/// Write the report to `path`, the file the user chose in the native "Save as…" dialog
/// (`choose_report_destination`); any other path is refused.
#[tauri::command]
pub async fn save_report(
    state: State<'_, AppState>,
    run_id: String,
    path: String,
) -> Result<SavedReportDto, ApiError> {
    off_main_thread(&state, "save_report", move |d| d.save_report(&run_id, &path)).await
}

#[tauri::command]
pub async fn rollback_readiness(
    state: State<'_, AppState>,
    run_id: String,
) -> Result<RollbackDto, ApiError> {
    off_main_thread(&state, "rollback_readiness", move |d| d.rollback_readiness(&run_id)).await
}
