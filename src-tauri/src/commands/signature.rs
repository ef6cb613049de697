//! Signed reports: what this workstation can sign with, signing a saved report (writes
//! `REPORT.sig` and attaches it to the run), attaching a signature made elsewhere, and checking
//! a report against an `allowed_signers` file. Paths are the ones the user chose in the shell's
//! dialogs (`choose_file`, `choose_report_destination`) or keys listed from `~/.ssh`; others are
//! refused. The UI never hands the engine a command to run.

use pilot_desktop_api::dto::{
    AttachedSignatureDto, ReportCheckDto, SignRequestDto, SignedReportDto, SigningSetupDto,
};
use pilot_desktop_api::{ApiError, SigningPlaces};
use tauri::State;

use super::off_main_thread;
use crate::AppState;

/// The key files in `~/.ssh` and the keys the running ssh-agent holds.
#[tauri::command]
pub async fn signing_setup(state: State<'_, AppState>) -> Result<SigningSetupDto, ApiError> {
    off_main_thread(&state, "signing_setup", |d| Ok(d.signing_setup(&SigningPlaces::from_env())))
        .await
}

#[tauri::command]
pub async fn sign_report(
    state: State<'_, AppState>,
    run_id: String,
    request: SignRequestDto,
) -> Result<SignedReportDto, ApiError> {
    off_main_thread(&state, "sign_report", move |d| {
        d.sign_report(&run_id, &request, &SigningPlaces::from_env())
    })
    .await
}

/// Attach the signature file at `path` (chosen in the native open dialog) to the run.
#[tauri::command]
pub async fn attach_signature(
    state: State<'_, AppState>,
    run_id: String,
    path: String,
) -> Result<AttachedSignatureDto, ApiError> {
    off_main_thread(&state, "attach_signature", move |d| d.attach_signature(&run_id, &path)).await
}

#[tauri::command]
pub async fn verify_report(
    state: State<'_, AppState>,
    report: String,
    allowed_signers: String,
) -> Result<ReportCheckDto, ApiError> {
    off_main_thread(&state, "verify_report", move |d| d.verify_report(&report, &allowed_signers))
        .await
}
