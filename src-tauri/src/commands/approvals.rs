//! Signed approvals: on the operator's side, requesting sign-off and receiving approvals (the
//! sign-off screen polls `collect_approvals` while it is open); on an approver's, the open
//! requests of a repository they chose and their decision, signed with their own key and
//! pushed back. Repositories and key files are the ones the user chose or listed from `~/.ssh`.

use pilot_desktop_api::dto::{
    ApprovalFileDto, ApprovalSentDto, CollectedDto, DecisionDto, OpenRequestDto, OpenRequestsDto,
    RequestedDto, SignWithDto,
};
use pilot_desktop_api::{ApiError, SigningPlaces};
use tauri::State;

use super::off_main_thread;
use crate::AppState;

#[tauri::command]
pub async fn request_signoff(
    state: State<'_, AppState>,
    run_id: String,
) -> Result<RequestedDto, ApiError> {
    off_main_thread(&state, "request_signoff", move |d| d.request_signoff(&run_id)).await
}

#[tauri::command]
pub async fn collect_approvals(
    state: State<'_, AppState>,
    run_id: String,
) -> Result<CollectedDto, ApiError> {
    off_main_thread(&state, "collect_approvals", move |d| d.collect_approvals(&run_id)).await
}

#[tauri::command]
pub async fn open_requests(
    state: State<'_, AppState>,
    repo: String,
    remote: String,
) -> Result<OpenRequestsDto, ApiError> {
    off_main_thread(&state, "open_requests", move |d| d.open_requests(&repo, &remote)).await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn approve_request(
    state: State<'_, AppState>,
    repo: String,
    remote: String,
    run_id: String,
    role: String,
    decision: DecisionDto,
    comment: String,
    with: SignWithDto,
) -> Result<ApprovalSentDto, ApiError> {
    off_main_thread(&state, "approve_request", move |d| {
        d.approve_request(
            &repo,
            &remote,
            &run_id,
            &role,
            decision,
            &comment,
            &with,
            &SigningPlaces::from_env(),
        )
    })
    .await
}

/// Write the published request as one file (the destination chosen in the save dialog).
#[tauri::command]
pub async fn export_request(
    state: State<'_, AppState>,
    run_id: String,
    path: String,
) -> Result<String, ApiError> {
    off_main_thread(&state, "export_request", move |d| d.export_request(&run_id, &path)).await
}

/// Receive an approval file (chosen in the open dialog).
#[tauri::command]
pub async fn import_approval(
    state: State<'_, AppState>,
    run_id: String,
    path: String,
) -> Result<CollectedDto, ApiError> {
    off_main_thread(&state, "import_approval", move |d| d.import_approval(&run_id, &path)).await
}

/// A request file, as the approver reads it.
#[tauri::command]
pub async fn open_request_file(
    state: State<'_, AppState>,
    path: String,
) -> Result<OpenRequestDto, ApiError> {
    off_main_thread(&state, "open_request_file", move |d| d.open_request_file(&path)).await
}

/// Sign a decision on a request file into an approval file.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn sign_request_file(
    state: State<'_, AppState>,
    request_path: String,
    role: String,
    decision: DecisionDto,
    comment: String,
    with: SignWithDto,
    destination: String,
) -> Result<ApprovalFileDto, ApiError> {
    off_main_thread(&state, "sign_request_file", move |d| {
        d.sign_request_file(
            &request_path,
            &role,
            decision,
            &comment,
            &with,
            &destination,
            &SigningPlaces::from_env(),
        )
    })
    .await
}
