//! Choosing what to release: the repository, its plan files, the templates, the demo.

use pilot_desktop_api::ApiError;
use pilot_desktop_api::dto::{
    DemoDto, PlanChoiceDto, PlanFileDto, PlanPreviewDto, RepoFactsDto, TemplateDto,
};
use tauri::State;

use super::off_main_thread;
use crate::AppState;

#[tauri::command]
pub async fn inspect_repo(
    state: State<'_, AppState>,
    path: String,
) -> Result<RepoFactsDto, ApiError> {
    off_main_thread(&state, "inspect_repo", move |d| d.inspect_repo(&path)).await
}

#[tauri::command]
pub async fn list_templates(state: State<'_, AppState>) -> Result<Vec<TemplateDto>, ApiError> {
    off_main_thread(&state, "list_templates", |d| Ok(d.list_templates())).await
}

#[tauri::command]
pub async fn find_plans(
    state: State<'_, AppState>,
    repo: String,
) -> Result<Vec<PlanFileDto>, ApiError> {
    off_main_thread(&state, "find_plans", move |d| d.find_plans(&repo)).await
}

#[tauri::command]
pub async fn preview_plan(
    state: State<'_, AppState>,
    choice: PlanChoiceDto,
) -> Result<PlanPreviewDto, ApiError> {
    off_main_thread(&state, "preview_plan", move |d| d.preview_plan(&choice)).await
}

#[tauri::command]
pub async fn create_demo(state: State<'_, AppState>) -> Result<DemoDto, ApiError> {
    off_main_thread(&state, "create_demo", |d| d.create_demo()).await
}
