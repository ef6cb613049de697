//! Signed approvals: on the operator's side, requesting sign-off and receiving approvals (the
//! sign-off screen polls `collect_approvals` while it is open); on an approver's, the open
//! requests of a repository they chose and their decision, signed with their own key and
//! pushed back. Repositories and key files are the ones the user chose or listed from `~/.ssh`.

use pilot_desktop_api::dto::{
    ApprovalSentDto, CollectedDto, DecisionDto, OpenRequestsDto, RequestedDto, SignWithDto,
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
